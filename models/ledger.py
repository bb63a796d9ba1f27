"""The 整改台账, read side: one `LedgerEntry` per finding with its lifecycle dates.

Plain values (no ORM objects escape), so reports, mail and the XLSX export share them.
Dates: 发现 = the "opened" event (or first_seen_at), 通知 = the first "notified",
整改 = the latest "fixed" while the status is fixed, 豁免 = the latest "waived".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.tables import (
    OPEN_STATUSES,
    Agency,
    AgencyOutcome,
    CheckRun,
    FindingRecord,
    ParsedReport,
)

__all__ = [
    "LedgerEntry",
    "agencies",
    "agencies_with_open_findings",
    "find_finding",
    "latest_outcomes",
    "ledger",
    "report_versions",
]


@dataclass(frozen=True)
class LedgerEntry:
    """One row of the 台账: the finding, where it is, its status and its dates (UTC)."""

    finding_id: int
    agency_id: str
    agency_name: str
    region: str
    year: int
    rule: str
    severity: str
    location: str
    message: str
    published: str
    expected: str
    evidence: str
    cells: tuple[str, ...]
    status: str
    fix_year: int
    compared_year: int | None
    found_at: datetime
    notified_at: datetime | None
    fixed_at: datetime | None
    waived_at: datetime | None
    waived_by: str
    waived_reason: str
    status_at: datetime | None
    events: tuple[tuple[str, datetime], ...]  # (kind, at), oldest first

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def _entry(row: FindingRecord) -> LedgerEntry:
    events = list(row.events)

    def last(kind: str):
        hits = [e for e in events if e.kind == kind]
        return hits[-1] if hits else None

    opened = next((e for e in events if e.kind == "opened"), None)
    notified = next((e for e in events if e.kind == "notified"), None)
    fixed = last("fixed") if row.status == "fixed" else None
    waived = last("waived") if row.status == "waived" else None
    return LedgerEntry(
        finding_id=row.id,
        agency_id=row.agency_id,
        agency_name=row.agency.name,
        region=row.agency.region or "",
        year=row.year,
        rule=row.rule,
        severity=row.severity,
        location=row.location,
        message=row.message,
        published=row.published,
        expected=row.expected,
        evidence=row.evidence,
        cells=tuple(row.cells),
        status=row.status,
        fix_year=row.fix_year if row.fix_year is not None else row.year,
        compared_year=row.compared_year,
        found_at=opened.at if opened else row.first_seen_at,
        notified_at=notified.at if notified else None,
        fixed_at=fixed.at if fixed else None,
        waived_at=waived.at if waived else None,
        waived_by=waived.actor if waived else "",
        waived_reason=waived.note if waived else "",
        status_at=row.status_at,
        events=tuple((e.kind, e.at) for e in events),
    )


def ledger(
    session: Session, year: int, agency_ids: Iterable[str] | None = None
) -> list[LedgerEntry]:
    """Every finding of `year` (optionally of some agencies), by agency then first seen."""
    query = (
        select(FindingRecord)
        .where(FindingRecord.year == year)
        .options(selectinload(FindingRecord.events), selectinload(FindingRecord.agency))
        .order_by(FindingRecord.agency_id, FindingRecord.id)
    )
    if agency_ids is not None:
        query = query.where(FindingRecord.agency_id.in_(list(agency_ids)))
    return [_entry(row) for row in session.scalars(query)]


def agencies_with_open_findings(session: Session, year: int) -> list[str]:
    """Ids of agencies with a finding of `year` still open or reopened."""
    return list(
        session.scalars(
            select(FindingRecord.agency_id)
            .where(FindingRecord.year == year, FindingRecord.status.in_(OPEN_STATUSES))
            .distinct()
            .order_by(FindingRecord.agency_id)
        )
    )


def find_finding(
    session: Session,
    *,
    finding_id: int | None = None,
    agency_id: str | None = None,
    year: int | None = None,
    rule: str | None = None,
    location: str | None = None,
) -> list[FindingRecord]:
    """Findings by id, or by (agency, year[, rule[, location]])."""
    if finding_id is not None:
        row = session.get(FindingRecord, finding_id)
        return [] if row is None else [row]
    query = select(FindingRecord).where(
        FindingRecord.agency_id == agency_id, FindingRecord.year == year
    )
    if rule:
        query = query.where(FindingRecord.rule == rule)
    if location:
        query = query.where(FindingRecord.location == location)
    return list(session.scalars(query.order_by(FindingRecord.id)))


def latest_outcomes(session: Session, year: int) -> dict[str, AgencyOutcome]:
    """Each agency's outcome in the latest run of `year` that recorded one."""
    rows = session.scalars(
        select(AgencyOutcome)
        .join(CheckRun, AgencyOutcome.run_id == CheckRun.id)
        .where(CheckRun.year == year)
        .order_by(AgencyOutcome.run_id)
    )
    return {row.agency_id: row for row in rows}


def agencies(session: Session, ids: Iterable[str] | None = None) -> list[Agency]:
    """Registry agencies as stored (all, or those of `ids`), by id."""
    query = select(Agency).order_by(Agency.id)
    if ids is not None:
        query = query.where(Agency.id.in_(list(ids)))
    return list(session.scalars(query))


def report_versions(session: Session, agency_id: str, year: int) -> list[ParsedReport]:
    """Every parsed version of (agency, year), oldest first."""
    return list(
        session.scalars(
            select(ParsedReport)
            .where(ParsedReport.agency_id == agency_id, ParsedReport.year == year)
            .order_by(ParsedReport.id)
        )
    )
