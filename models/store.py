"""Persistence, in one place: plain functions on a caller's `Session`.

Contract:
- Each function adds or updates rows and flushes (ids are set); the caller owns the
  transaction (`with sessions.begin() as session: ...`).
- Recording the same key again updates the existing row; nothing is duplicated.
  Keys: agency id; (agency, year, sha256); document; (agency, year, rule, location);
  (run, agency). Each is also a UNIQUE constraint, and a new key is inserted with
  INSERT … ON CONFLICT DO NOTHING, then read back: two runs writing one key at once
  (two reviews of a province) end with one row, the other run's if it committed
  first, on SQLite and PostgreSQL alike.
- Set-based: the plural functions (`upsert_registry`, `record_documents`,
  `record_reports`, `record_outcomes`, `upsert_findings`) write a whole run with a few
  statements per table (keys read with IN over ≤ 500 ids, new rows inserted and
  changed rows updated as one executemany each); the singular ones are the same code
  for one row, and return ORM objects. ORM objects of rows written here are expired,
  so they read back the stored values.
- Finding status changes and their events live in `models.lifecycle`; deliveries in
  `models.deliveries`; the ledger's read side in `models.ledger`.
- Unknown status or severity values raise `ValueError` (vocabularies in
  `models.tables`, `models.finding.SEVERITIES`) before anything is written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from sqlalchemy import Column, Table, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
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
    "FindingRows",
    "StoredReport",
    "findings_for",
    "finish_run",
    "latest_report",
    "outcome_counts",
    "outcomes_for_run",
    "record_document",
    "record_documents",
    "record_findings",
    "record_outcome",
    "record_outcomes",
    "record_report",
    "record_reports",
    "start_run",
    "upsert_agency",
    "upsert_findings",
]

_SHA256 = re.compile(r"[0-9a-f]{64}")
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_CHUNK = 500  # keys per IN (…)


def _check(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; one of {', '.join(allowed)}")
    return value


def _id_of(session: Session, row: Any) -> int:
    if row.id is None:
        session.flush()
    return row.id


def _dialect_insert(session: Session):
    insert_ = _INSERTS.get(session.get_bind().dialect.name)
    if insert_ is None:
        raise NotImplementedError("nianbao stores to SQLite or PostgreSQL")
    return insert_


def _insert_new(session: Session, model: type, key: Mapping[str, Any], **values: Any) -> bool:
    """INSERT the row of `key` unless its UNIQUE key exists; True when this call did.

    ON CONFLICT DO NOTHING: on PostgreSQL it waits for a concurrent transaction that
    inserted the key, then does nothing; the caller reads the row back either way.
    """
    statement = (
        _dialect_insert(session)(model)
        .values(**key, **values)
        .on_conflict_do_nothing(index_elements=list(key))
        .returning(*model.__table__.primary_key.columns)  # rowcount is -1 on psycopg
    )
    session.flush()  # rows this one refers to
    return session.connection().execute(statement).first() is not None


def _chunks(items: Iterable[Any]) -> Iterator[list[Any]]:
    items = list(items)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _insert_missing(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    key: Sequence[str],
    returning: Sequence[Column],
) -> list[Row]:
    """INSERT `rows` … ON CONFLICT (`key`) DO NOTHING, as one executemany.

    Returns the rows this call inserted (`returning` columns); a key that a concurrent
    run stored first is skipped (PostgreSQL waits for that run's commit first).
    """
    if not rows:
        return []
    statement = (
        _dialect_insert(session)(table)
        .on_conflict_do_nothing(index_elements=list(key))
        .returning(*returning)
    )
    return session.connection().execute(statement, list(rows)).all()


def _update_by_id(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """UPDATE each row (its columns, by its "_id"), as one executemany."""
    if rows:
        statement = update(table).where(table.c.id == bindparam("_id"))
        session.connection().execute(statement, list(rows))


def _expire(session: Session, model: type, ids: Iterable[Any]) -> None:
    """Expire the session's ORM objects of rows written with Core statements."""
    held = [key for key in session.identity_map.keys() if key[0] is model]
    if held:
        wanted = set(ids)
        for key in held:
            if key[1][0] in wanted and (obj := session.identity_map.get(key)) is not None:
                session.expire(obj)


def _select_rows(
    session: Session, columns: Sequence[Column], key: Column, values: Iterable[Any], *where: Any
) -> Iterator[Row]:
    """The rows whose `key` is one of `values` (IN over chunks), `where` also holding."""
    connection = session.connection()
    for chunk in _chunks(values):
        yield from connection.execute(select(*columns).where(key.in_(chunk), *where))


# -- registry and collection -------------------------------------------------------

_AGENCY_FIELDS = ("name", "region", "level", "kind", "parent_id", "emails", "contact_emails")


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
    values = {
        "name": name,
        "region": region,
        "level": level,
        "kind": kind,
        "parent_id": parent_id,
        "emails": list(emails),
        "contact_emails": list(contact_emails),
    }
    _upsert_agencies(session, {agency_id: values})
    return session.get(Agency, agency_id, populate_existing=True)


def upsert_registry(session: Session, agencies: Iterable[Any]) -> None:
    """Every registry agency (`ingest.registry.Agency`-like objects), upserted: new ids
    inserted, changed entries replaced, unchanged ones not written."""
    _upsert_agencies(
        session,
        {
            a.agency_id: {
                "name": a.name,
                "region": a.region,
                "level": a.level,
                "kind": a.kind,
                "parent_id": a.parent_id,
                "emails": list(a.supervisor_emails),
                "contact_emails": list(getattr(a, "contact_emails", ())),
            }
            for a in agencies
        },
    )


def _upsert_agencies(session: Session, wanted: Mapping[str, Mapping[str, Any]]) -> None:
    table = Agency.__table__
    session.flush()

    def stored(ids: Iterable[str]) -> dict[str, Row]:
        return {row.id: row for row in _select_rows(session, list(table.c), table.c.id, ids)}

    have = stored(wanted)
    new = [{"id": i, **values} for i, values in wanted.items() if i not in have]
    inserted = {row.id for row in _insert_missing(session, table, new, ["id"], [table.c.id])}
    if len(inserted) < len(new):  # stored by a concurrent run: replace if it differs
        have |= stored(row["id"] for row in new if row["id"] not in inserted)
    changed = [
        {"_id": i, **values}
        for i, values in wanted.items()
        if i in have and any(getattr(have[i], f) != values[f] for f in _AGENCY_FIELDS)
    ]
    _update_by_id(session, table, changed)
    _expire(session, Agency, (row["_id"] for row in changed))


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
    document = {
        "agency_id": agency_id,
        "year": year,
        "location": location,
        "content": content,
        "file_name": file_name,
        "size": size,
        "media_type": media_type,
    }
    (document_id,) = record_documents(session, [document], fetched_at=fetched_at)
    return session.get(SourceDocument, document_id, populate_existing=True)


def _document_row(
    agency_id: str,
    year: int,
    location: str,
    content: bytes | str,
    file_name: str | None = None,
    size: int | None = None,
    media_type: str | None = None,
) -> dict[str, Any]:
    if isinstance(content, bytes):
        digest = hashlib.sha256(content).hexdigest()
        size = len(content) if size is None else size
    elif _SHA256.fullmatch(content):
        digest = content
    else:
        raise ValueError(f"not a lowercase hex sha256: {content!r}")
    return {
        "agency_id": agency_id,
        "year": year,
        "sha256": digest,
        "location": location,
        "file_name": file_name or _file_name(location),
        "size": size,
        "media_type": media_type,
    }


def record_documents(
    session: Session,
    documents: Iterable[Mapping[str, Any]],
    *,
    fetched_at: datetime | None = None,
) -> list[int]:
    """`record_document` for many: each mapping holds its arguments (agency_id, year,
    location, content; optionally file_name, size, media_type). Returns the document
    ids in input order; a key given twice keeps its first location."""
    at = fetched_at or utc_now()
    rows = [_document_row(**document) for document in documents]
    keys = [(row["agency_id"], row["year"], row["sha256"]) for row in rows]
    session.flush()
    ids = _document_ids(session, set(keys))
    new: dict[tuple[str, int, str], dict[str, Any]] = {}
    for key, row in zip(keys, rows, strict=True):
        if key not in ids and key not in new:
            new[key] = {**row, "fetched_at": at, "last_fetched_at": at}
    table = SourceDocument.__table__
    inserted = _insert_missing(
        session,
        table,
        list(new.values()),
        ["agency_id", "year", "sha256"],
        [table.c.id, table.c.agency_id, table.c.year, table.c.sha256],
    )
    mine = {(row.agency_id, row.year, row.sha256): row.id for row in inserted}
    if len(mine) < len(new):  # stored by a concurrent run first
        ids |= _document_ids(session, new.keys() - mine.keys())
    # Known content fetched again: last_fetched_at advances (never goes back).
    for chunk in _chunks(sorted(set(ids.values()))):
        session.connection().execute(
            update(table)
            .where(table.c.id.in_(chunk), table.c.last_fetched_at < at)
            .values(last_fetched_at=at)
        )
    _expire(session, SourceDocument, ids.values())
    ids |= mine
    return [ids[key] for key in keys]


def _document_ids(
    session: Session, keys: set[tuple[str, int, str]]
) -> dict[tuple[str, int, str], int]:
    table = SourceDocument.__table__
    years = sorted({year for _, year, _ in keys})
    rows = _select_rows(
        session,
        [table.c.id, table.c.agency_id, table.c.year, table.c.sha256],
        table.c.agency_id,
        sorted({agency_id for agency_id, _, _ in keys}),
        table.c.year.in_(years),
    )
    found = {(row.agency_id, row.year, row.sha256): row.id for row in rows}
    return {key: found[key] for key in keys if key in found}


def _iso_date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


class StoredReport(NamedTuple):
    """A `parsed_reports` row as `record_reports` left it (what the lifecycle reads)."""

    id: int
    status: str


_REPORT_FIELDS = ("format", "published_date", "canonical", "status", "message")


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
    report = {
        "document_id": _id_of(session, document),
        "agency_id": document.agency_id,
        "year": document.year,
        "canonical": canonical,
        "status": status,
        "message": message,
    }
    (stored,) = record_reports(session, [report])
    return session.get(ParsedReport, stored.id, populate_existing=True)


def record_reports(
    session: Session, reports: Iterable[Mapping[str, Any]], *, at: datetime | None = None
) -> list[StoredReport]:
    """`record_report` for many: each mapping holds document_id, agency_id, year (the
    document's), canonical (a `CanonicalReport` or None), status and optionally
    message. Returns each one's row in input order; a document given twice gets the
    last values."""
    at = at or utc_now()
    reports = list(reports)
    rows: dict[int, dict[str, Any]] = {}
    for report in reports:
        canonical = report["canonical"]
        rows[report["document_id"]] = {
            "document_id": report["document_id"],
            "agency_id": report["agency_id"],
            "year": report["year"],
            "format": canonical.format if canonical else None,
            "published_date": _iso_date(canonical.published_date) if canonical else None,
            "canonical": canonical.to_dict() if canonical else None,
            "status": _check(report["status"], REPORT_STATUSES, "report status"),
            "message": report.get("message", ""),
        }
    table = ParsedReport.__table__
    session.flush()

    def stored(document_ids: Iterable[int]) -> dict[int, int]:
        columns = [table.c.document_id, table.c.id]
        found = _select_rows(session, columns, table.c.document_id, document_ids)
        return {row.document_id: row.id for row in found}

    ids = stored(sorted(rows))
    new = [{**row, "created_at": at, "updated_at": at} for d, row in rows.items() if d not in ids]
    inserted = _insert_missing(
        session, table, new, ["document_id"], [table.c.document_id, table.c.id]
    )
    mine = {row.document_id: row.id for row in inserted}
    if len(mine) < len(new):  # stored by a concurrent run first: replaced below
        ids |= stored(row["document_id"] for row in new if row["document_id"] not in mine)
    _update_by_id(
        session,
        table,
        [
            {"_id": ids[d], **{f: rows[d][f] for f in _REPORT_FIELDS}, "updated_at": at}
            for d in sorted(ids)
        ],
    )
    _expire(session, ParsedReport, ids.values())
    ids |= mine
    return [StoredReport(ids[r["document_id"]], rows[r["document_id"]]["status"]) for r in reports]


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
    record_outcomes(session, run, [(agency_id, status, reason)], recorded_at=recorded_at)
    query = select(AgencyOutcome).filter_by(run_id=run.id, agency_id=agency_id)
    return session.scalar(query.execution_options(populate_existing=True))


def record_outcomes(
    session: Session,
    run: CheckRun,
    outcomes: Iterable[tuple[str, str, str]],
    *,
    recorded_at: datetime | None = None,
) -> None:
    """`record_outcome` for many: (agency id, status, reason) each; the last one of an
    agency wins."""
    at = recorded_at or utc_now()
    rows = {
        agency_id: {
            "status": _check(status, OUTCOME_STATUSES, "outcome status"),
            "reason": reason,
            "recorded_at": at,
        }
        for agency_id, status, reason in outcomes
    }
    run_id = _id_of(session, run)
    table = AgencyOutcome.__table__
    session.flush()
    columns = [table.c.agency_id, table.c.id]
    found = _select_rows(session, columns, table.c.agency_id, rows, table.c.run_id == run_id)
    ids = {row.agency_id: row.id for row in found}
    new = [{"run_id": run_id, "agency_id": a, **row} for a, row in rows.items() if a not in ids]
    if new:  # the run is this caller's: no concurrent writer of its keys
        session.connection().execute(insert(table), new)
    _update_by_id(session, table, [{"_id": ids[a], **rows[a]} for a in ids])
    _expire(session, AgencyOutcome, ids.values())


# -- findings ------------------------------------------------------------------------

FindingKey = tuple[str, str, str]  # (agency id, rule, location)


class StoredFinding(NamedTuple):
    """A finding's row as read before a write: what the lifecycle's transitions need."""

    id: int
    status: str
    report_id: int | None


class FindingRows(NamedTuple):
    """What `upsert_findings` found and did, by (agency id, rule, location).

    `before`: every finding of the batch's agencies and year as stored before the call;
    `ids`: the row of each key in the batch; `opened`: the keys this call inserted (not
    those a concurrent run inserted first).
    """

    before: dict[FindingKey, StoredFinding]
    ids: dict[FindingKey, int]
    opened: set[FindingKey]


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
    report_id = None if report is None else _id_of(session, report)
    rows = upsert_findings(session, run, year, {agency_id: (report_id, findings)}, seen_at=seen_at)
    return {"opened": len(rows.opened), "confirmed": len(rows.ids) - len(rows.opened)}


_FINDING_KEY = ["agency_id", "year", "rule", "location"]


def upsert_findings(
    session: Session,
    run: CheckRun,
    year: int,
    batch: Mapping[str, tuple[int | None, Iterable[Finding]]],
    *,
    seen_at: datetime | None = None,
) -> FindingRows:
    """`record_findings` for many agencies of one year: agency id -> (id of the report
    checked or None, its findings). One read of the agencies' stored findings, one
    INSERT of the new keys, one UPDATE of the known ones."""
    at = seen_at or utc_now()
    run_id = _id_of(session, run)
    refreshed: dict[FindingKey, dict[str, Any]] = {}
    for agency_id, (report_id, findings) in batch.items():
        for f in findings:
            refreshed[(agency_id, f.rule, f.where)] = {
                "severity": _check(f.severity, SEVERITIES, "severity"),
                "message": f.message,
                "published": f.published,
                "expected": f.expected,
                "evidence": f.evidence,
                "cells": list(f.cells),
                "report_id": report_id,
                "last_run_id": run_id,
                "last_seen_at": at,
            }
    table = FindingRecord.__table__
    session.flush()
    before = _stored_findings(session, year, batch)
    ids = {key: before[key].id for key in refreshed if key in before}
    new = [
        {
            "agency_id": key[0],
            "year": year,
            "rule": key[1],
            "location": key[2],
            "status": FINDING_STATUSES[0],
            "first_run_id": run_id,
            "first_seen_at": at,
            **values,
        }
        for key, values in refreshed.items()
        if key not in before
    ]
    returning = [table.c.id, table.c.agency_id, table.c.rule, table.c.location]
    inserted = _insert_missing(session, table, new, _FINDING_KEY, returning)
    mine = {(row.agency_id, row.rule, row.location): row.id for row in inserted}
    if len(mine) < len(new):  # stored by a concurrent run first: refreshed below
        agencies = {row["agency_id"] for row in new}
        now = _stored_findings(session, year, agencies)
        ids |= {key: now[key].id for key in refreshed if key in now and key not in mine}
    _update_by_id(session, table, [{"_id": ids[key], **refreshed[key]} for key in ids])
    _expire(session, FindingRecord, ids.values())
    return FindingRows(before, ids | mine, set(mine))


def _stored_findings(
    session: Session, year: int, agency_ids: Iterable[str]
) -> dict[FindingKey, StoredFinding]:
    table = FindingRecord.__table__
    columns = [
        table.c.id,
        table.c.agency_id,
        table.c.rule,
        table.c.location,
        table.c.status,
        table.c.report_id,
    ]
    rows = _select_rows(
        session, columns, table.c.agency_id, sorted(agency_ids), table.c.year == year
    )
    return {
        (row.agency_id, row.rule, row.location): StoredFinding(row.id, row.status, row.report_id)
        for row in rows
    }


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
