"""Persistence, in one place: plain functions on a caller's `Session`.

Contract:
- Each function adds or updates rows and flushes (ids are set); the caller owns the
  transaction (`with sessions.begin() as session: ...`).
- Recording the same key again updates the existing row; nothing is duplicated.
  Keys: agency id; (agency, year, sha256); document; (agency, year, rule, location);
  (run, agency). Each is also a UNIQUE constraint, so concurrent writers of one key
  fail with `IntegrityError` instead of duplicating (batches partition agencies).
- Finding status changes and their events live in `models.lifecycle`; deliveries in
  `models.deliveries`; the ledger's read side in `models.ledger`.
- Unknown status or severity values raise `ValueError` (vocabularies in
  `models.tables`, `models.finding.SEVERITIES`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.base import utc_now
from models.canonical import CanonicalReport
from models.finding import SEVERITIES, Finding
from models.tables import (
    FINDING_STATUSES,
    OUTCOME_STATUSES,
    REPORT_STATUSES,
    RUN_STATUSES,
    Agency,
    AgencyOutcome,
    CheckRun,
    FindingRecord,
    ParsedReport,
    SourceDocument,
)

__all__ = [
    "findings_for",
    "finish_run",
    "latest_report",
    "outcome_counts",
    "outcomes_for_run",
    "record_document",
    "record_findings",
    "record_outcome",
    "record_report",
    "start_run",
    "upsert_agency",
]

_SHA256 = re.compile(r"[0-9a-f]{64}")


def _check(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; one of {', '.join(allowed)}")
    return value


def _id_of(session: Session, row: Any) -> int:
    if row.id is None:
        session.flush()
    return row.id


# -- registry and collection -------------------------------------------------------


def upsert_agency(
    session: Session,
    agency_id: str,
    name: str,
    *,
    region: str | None = None,
    level: str | None = None,
    kind: str | None = None,
    parent_id: str | None = None,
    emails: Iterable[str] = (),
    contact_emails: Iterable[str] = (),
) -> Agency:
    """Insert or replace the registry entry `agency_id` (the registry is the truth)."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        agency = Agency(id=agency_id)
        session.add(agency)
    agency.name = name
    agency.region = region
    agency.level = level
    agency.kind = kind
    agency.parent_id = parent_id
    agency.emails = list(emails)
    agency.contact_emails = list(contact_emails)
    session.flush()
    return agency


def upsert_registry(session: Session, agencies: Iterable[Any]) -> None:
    """Every registry agency (`ingest.registry.Agency`-like objects), upserted."""
    for a in agencies:
        upsert_agency(
            session,
            a.agency_id,
            a.name,
            region=a.region,
            level=a.level,
            kind=a.kind,
            parent_id=a.parent_id,
            emails=a.supervisor_emails,
            contact_emails=getattr(a, "contact_emails", ()),
        )


def _file_name(location: str) -> str:
    return (PurePosixPath(unquote(urlsplit(location).path)).name or location)[:255]


def record_document(
    session: Session,
    agency_id: str,
    year: int,
    location: str,
    content: bytes | str,
    *,
    file_name: str | None = None,
    size: int | None = None,
    media_type: str | None = None,
    fetched_at: datetime | None = None,
) -> SourceDocument:
    """The document for `content` (bytes, or their lowercase hex sha256) of (agency, year).

    Same hash ⇒ the existing row, with only `last_fetched_at` advanced; its first
    location, name and `fetched_at` are kept. `size` defaults to `len(content)`.
    """
    if isinstance(content, bytes):
        digest = hashlib.sha256(content).hexdigest()
        size = len(content) if size is None else size
    elif _SHA256.fullmatch(content):
        digest = content
    else:
        raise ValueError(f"not a lowercase hex sha256: {content!r}")
    at = fetched_at or utc_now()
    document = session.scalar(
        select(SourceDocument).where(
            SourceDocument.agency_id == agency_id,
            SourceDocument.year == year,
            SourceDocument.sha256 == digest,
        )
    )
    if document is None:
        document = SourceDocument(
            agency_id=agency_id,
            year=year,
            location=location,
            file_name=file_name or _file_name(location),
            sha256=digest,
            size=size,
            media_type=media_type,
            fetched_at=at,
            last_fetched_at=at,
        )
        session.add(document)
    else:
        document.last_fetched_at = max(document.last_fetched_at, at)
    session.flush()
    return document


def _iso_date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def record_report(
    session: Session,
    document: SourceDocument,
    canonical: CanonicalReport | None,
    status: str,
    message: str = "",
) -> ParsedReport:
    """The parser's outcome for `document`: one row per document, replaced on re-parse.

    `canonical` is None when nothing was parsed; its `published_date` must be ISO
    (YYYY-MM-DD) or None.
    """
    _check(status, REPORT_STATUSES, "report status")
    document_id = _id_of(session, document)
    report = session.scalar(select(ParsedReport).where(ParsedReport.document_id == document_id))
    if report is None:
        report = ParsedReport(
            document_id=document_id, agency_id=document.agency_id, year=document.year
        )
        session.add(report)
    else:
        report.updated_at = utc_now()
    report.format = canonical.format if canonical else None
    report.published_date = _iso_date(canonical.published_date) if canonical else None
    report.canonical = canonical.to_dict() if canonical else None
    report.status = status
    report.message = message
    session.flush()
    return report


# -- runs ----------------------------------------------------------------------------


def start_run(
    session: Session,
    year: int,
    params: Mapping[str, Any] | None = None,
    *,
    started_at: datetime | None = None,
) -> CheckRun:
    """A new run of `year`, status "running"; `params` must be JSON-safe."""
    run = CheckRun(
        year=year,
        parameters=dict(params or {}),
        started_at=started_at or utc_now(),
        status="running",
        counts={},
    )
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session,
    run: CheckRun,
    status: str = "finished",
    counts: Mapping[str, Any] | None = None,
    *,
    finished_at: datetime | None = None,
) -> CheckRun:
    """Close `run` as "finished" or "failed", with its summary counts."""
    _check(status, RUN_STATUSES[1:], "final run status")
    run.status = status
    run.finished_at = finished_at or utc_now()
    if counts is not None:
        run.counts = dict(counts)
    session.flush()
    return run


def record_outcome(
    session: Session,
    run: CheckRun,
    agency_id: str,
    status: str,
    reason: str = "",
    *,
    recorded_at: datetime | None = None,
) -> AgencyOutcome:
    """Where `agency_id` got to in `run`; a later call for the same pair replaces it."""
    _check(status, OUTCOME_STATUSES, "outcome status")
    run_id = _id_of(session, run)
    outcome = session.scalar(
        select(AgencyOutcome).where(
            AgencyOutcome.run_id == run_id, AgencyOutcome.agency_id == agency_id
        )
    )
    if outcome is None:
        outcome = AgencyOutcome(run_id=run_id, agency_id=agency_id)
        session.add(outcome)
    outcome.status = status
    outcome.reason = reason
    outcome.recorded_at = recorded_at or utc_now()
    session.flush()
    return outcome


# -- findings ------------------------------------------------------------------------


def record_findings(
    session: Session,
    run: CheckRun,
    agency_id: str,
    year: int,
    report: ParsedReport | None,
    findings: Iterable[Finding],
    *,
    seen_at: datetime | None = None,
) -> dict[str, int]:
    """Upsert `findings` of (agency, year) by key (rule, where) as seen by `run`.

    New key: a row with status "open", first/last run = `run`. Known key: texts,
    severity, cells and report refreshed; `last_run_id`/`last_seen_at` advanced;
    `first_*` and `status` untouched (the lifecycle changes status). Findings not in
    `findings` are left alone. `Finding.report_id` (a batch-local id) is not stored;
    `report` links the row instead. Two findings with one key in a batch are one
    finding (the last wins). Returns {"opened": n, "confirmed": m}.
    """
    at = seen_at or utc_now()
    run_id = _id_of(session, run)
    report_id = None if report is None else _id_of(session, report)
    batch: dict[tuple[str, str], Finding] = {}
    for finding in findings:
        _check(finding.severity, SEVERITIES, "severity")
        batch[(finding.rule, finding.where)] = finding
    known = {
        (row.rule, row.location): row
        for row in session.scalars(
            select(FindingRecord).where(
                FindingRecord.agency_id == agency_id, FindingRecord.year == year
            )
        )
    }
    counts = {"opened": 0, "confirmed": 0}
    for (rule, where), finding in batch.items():
        row = known.get((rule, where))
        if row is None:
            row = FindingRecord(
                agency_id=agency_id,
                year=year,
                rule=rule,
                location=where,
                status=FINDING_STATUSES[0],
                first_run_id=run_id,
                first_seen_at=at,
            )
            session.add(row)
            counts["opened"] += 1
        else:
            counts["confirmed"] += 1
        row.severity = finding.severity
        row.message = finding.message
        row.published = finding.published
        row.expected = finding.expected
        row.evidence = finding.evidence
        row.cells = list(finding.cells)
        row.report_id = report_id
        row.last_run_id = run_id
        row.last_seen_at = at
    session.flush()
    return counts


# -- queries for the summaries -------------------------------------------------------


def latest_report(session: Session, agency_id: str, year: int) -> ParsedReport | None:
    """The report of the most recently fetched document of (agency, year), any status."""
    return session.scalar(
        select(ParsedReport)
        .join(ParsedReport.document)
        .where(ParsedReport.agency_id == agency_id, ParsedReport.year == year)
        .order_by(SourceDocument.last_fetched_at.desc(), ParsedReport.id.desc())
        .limit(1)
    )


def findings_for(
    session: Session, agency_id: str, year: int, *, status: str | None = None
) -> list[FindingRecord]:
    """Findings of (agency, year), optionally of one status, in first-seen order."""
    query = select(FindingRecord).where(
        FindingRecord.agency_id == agency_id, FindingRecord.year == year
    )
    if status is not None:
        query = query.where(FindingRecord.status == status)
    return list(session.scalars(query.order_by(FindingRecord.id)))


def outcomes_for_run(session: Session, run_id: int) -> list[AgencyOutcome]:
    """Every agency's outcome in `run_id`, by agency id."""
    return list(
        session.scalars(
            select(AgencyOutcome)
            .where(AgencyOutcome.run_id == run_id)
            .order_by(AgencyOutcome.agency_id)
        )
    )


def outcome_counts(session: Session, run_id: int) -> dict[str, int]:
    """Agencies of `run_id` counted by outcome status."""
    rows = session.execute(
        select(AgencyOutcome.status, func.count())
        .where(AgencyOutcome.run_id == run_id)
        .group_by(AgencyOutcome.status)
    )
    return {status: count for status, count in rows}


def previous_reports(
    session: Session, aliases: Mapping[str, Sequence[str]], year: int
) -> dict[str, CanonicalReport]:
    """Each agency's parsed report of `year` (the review's year-1), by stable agency id,
    else through the agency's former names (`aliases`: agency id -> names): a renamed
    agency's report stored under its former id. Agencies without one are left out."""
    found: dict[str, CanonicalReport] = {}
    for agency_id, names in aliases.items():
        candidates = [agency_id]
        if names:
            candidates += list(
                session.scalars(
                    select(Agency.id).where(Agency.name.in_(list(names)), Agency.id != agency_id)
                )
            )
        for candidate in candidates:
            row = latest_report(session, candidate, year)
            if row is not None and row.status == "parsed" and row.canonical:
                found[agency_id] = CanonicalReport.from_dict(row.canonical)
                break
    return found
