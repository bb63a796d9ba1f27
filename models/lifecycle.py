"""TRACK-FIX: the finding lifecycle, as events (RULES.md §4, DESIGN.md "Findings").

Transitions (anything else raises `TransitionError`):

    (new) ──opened──► open ──fixed──► fixed ──reopened──► reopened ──fixed──► fixed
                       └──waived──► waived          reopened ──waived──► waived

- **opened**: a run sees a key (agency, year, rule, location) for the first time.
- **fixed**: a run reads a *newer version* of the report (a different document, so a
  different content hash), the checks ran on it, and the key is no longer found.
- **reopened**: a fixed finding is found again.
- **waived**: a supervisor accepts an explanation (`waive`, with reason and who).
- **notified**: not a status change — a delivered message carried the finding.

Seeing the same findings in the same report again changes nothing but `last_seen_*`.
`track_batch` applies these rules to a whole run from one read of the agencies' stored
findings (a few statements in all); `track` is the same for one agency.
Cross-year rules (ids with `-XYEAR`) compare report y with y-1; by convention the
later report (y) is the one to be corrected, and `compared_year` records y-1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from models import batch, store
from models.base import utc_now
from models.finding import Finding
from models.tables import (
    OPEN_STATUSES,
    CheckRun,
    FindingEvent,
    FindingRecord,
    ParsedReport,
)

__all__ = [
    "TRANSITIONS",
    "TransitionError",
    "fix_target",
    "record_event",
    "track",
    "track_batch",
    "transition",
    "waive",
]

# status -> event kind -> new status
TRANSITIONS = {
    "open": {"fixed": "fixed", "waived": "waived"},
    "reopened": {"fixed": "fixed", "waived": "waived"},
    "fixed": {"reopened": "reopened"},
    "waived": {},
}


class TransitionError(ValueError):
    """The finding's status does not allow this change."""


def fix_target(rule: str, year: int) -> tuple[int, int | None]:
    """(year of the report to correct, year it was compared with) for a finding."""
    return (year, year - 1) if "-XYEAR" in rule else (year, None)


def record_event(
    session: Session,
    finding: FindingRecord,
    kind: str,
    *,
    at: datetime | None = None,
    run: CheckRun | None = None,
    report: ParsedReport | None = None,
    delivery_id: int | None = None,
    actor: str = "",
    note: str = "",
) -> FindingEvent:
    """Append one event (no status change; `transition` changes status)."""
    event = FindingEvent(
        finding_id=finding.id,
        kind=kind,
        at=at or utc_now(),
        run_id=None if run is None else run.id,
        report_id=None if report is None else report.id,
        delivery_id=delivery_id,
        actor=actor,
        note=note,
    )
    session.add(event)
    return event


def transition(
    session: Session, finding: FindingRecord, kind: str, *, at: datetime | None = None, **event
) -> FindingEvent:
    """Apply event `kind` to `finding` (TRANSITIONS), set its status and log the event."""
    new = _next(finding.status, kind, finding.id)
    at = at or utc_now()
    finding.status = new
    finding.status_at = at
    return record_event(session, finding, kind, at=at, **event)


def track(
    session: Session,
    run: CheckRun,
    agency_id: str,
    year: int,
    report: ParsedReport | None,
    findings: Iterable[Finding],
    *,
    seen_at: datetime | None = None,
) -> dict[str, int]:
    """Record one agency-year's check result and apply the lifecycle.

    `report` is the version just checked (None: nothing could be checked — then no
    finding is closed). Returns counts: opened, confirmed, fixed, reopened.
    """
    return track_batch(session, run, year, {agency_id: (report, findings)}, seen_at=seen_at)


def track_batch(
    session: Session,
    run: CheckRun,
    year: int,
    checked: Mapping[str, tuple[ParsedReport | store.StoredReport | None, Iterable[Finding]]],
    *,
    seen_at: datetime | None = None,
) -> dict[str, int]:
    """`track` for many agencies of one year (agency id -> (report, findings)), with a
    few statements in all: the transitions are computed from one read of the
    agencies' stored findings (`store.upsert_findings`). Summed counts."""
    at = seen_at or utc_now()
    session.flush()  # report ids
    rows = store.upsert_findings(
        session,
        run,
        year,
        {a: (None if r is None else r.id, fs) for a, (r, fs) in checked.items()},
        seen_at=at,
    )
    counts = {"opened": len(rows.opened), "confirmed": len(rows.ids) - len(rows.opened)}
    counts |= {"fixed": 0, "reopened": 0}
    opened, changed, events = [], [], []

    def log(finding_id: int, kind: str, report) -> None:
        report_id = None if report is None else report.id
        events.append(
            {
                "finding_id": finding_id,
                "kind": kind,
                "at": at,
                "run_id": run.id,
                "report_id": report_id,
                "delivery_id": None,
                "actor": "",
                "note": "",
            }
        )

    def change(finding_id: int, status: str, kind: str, report) -> None:
        new = _next(status, kind, finding_id)
        changed.append({"_id": finding_id, "status": new, "status_at": at})
        counts[kind] += 1
        log(finding_id, kind, report)

    for key, finding_id in rows.ids.items():
        report = checked[key[0]][0]
        if key in rows.opened:  # not when a concurrent run inserted it: that run opens it
            fix_year, compared_year = fix_target(key[1], year)
            opened.append(
                {
                    "_id": finding_id,
                    "status_at": at,
                    "fix_year": fix_year,
                    "compared_year": compared_year,
                }
            )
            log(finding_id, "opened", report)
        elif key in rows.before and rows.before[key].status == "fixed":
            change(finding_id, "fixed", "reopened", report)
    for key, was in rows.before.items():
        report = checked[key[0]][0]
        if key in rows.ids or was.status not in OPEN_STATUSES:
            continue
        if report is not None and report.status == "parsed" and was.report_id != report.id:
            change(was.id, was.status, "fixed", report)  # a different document passed
    table = FindingRecord.__table__
    batch.update_by_id(session, table, opened)
    batch.update_by_id(session, table, changed)
    if events:
        session.connection().execute(insert(FindingEvent.__table__), events)
    batch.expire(session, FindingRecord, (row["_id"] for row in opened + changed))
    return counts


def _next(status: str, kind: str, finding_id: int | None) -> str:
    new = TRANSITIONS.get(status, {}).get(kind)
    if new is None:
        raise TransitionError(f"发现 {finding_id} 当前状态为 {status}，不能执行 {kind}")
    return new


def waive(
    session: Session, finding: FindingRecord, reason: str, by: str, *, at: datetime | None = None
) -> FindingEvent:
    """A supervisor accepts an explanation: reason and who are required."""
    if not reason.strip() or not by.strip():
        raise ValueError("豁免须注明理由和决定人")
    return transition(session, finding, "waived", at=at, actor=by.strip(), note=reason.strip())
