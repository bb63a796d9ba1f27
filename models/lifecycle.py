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
Cross-year rules (ids with `-XYEAR`) compare report y with y-1; by convention the
later report (y) is the one to be corrected, and `compared_year` records y-1.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from models import store
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
    new = TRANSITIONS.get(finding.status, {}).get(kind)
    if new is None:
        raise TransitionError(f"发现 {finding.id} 当前状态为 {finding.status}，不能执行 {kind}")
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
    at = seen_at or utc_now()
    findings = list(findings)
    before = {(r.rule, r.location): r for r in store.findings_for(session, agency_id, year)}
    was = {key: (row.status, row.report_id) for key, row in before.items()}
    counts = store.record_findings(session, run, agency_id, year, report, findings, seen_at=at)
    counts |= {"fixed": 0, "reopened": 0}
    seen = {(f.rule, f.where) for f in findings}
    rows = {(r.rule, r.location): r for r in store.findings_for(session, agency_id, year)}
    for key in seen:
        row = rows[key]
        if key not in was:
            row.status_at = at
            row.fix_year, row.compared_year = fix_target(row.rule, year)
            record_event(session, row, "opened", at=at, run=run, report=report)
        elif was[key][0] == "fixed":
            transition(session, row, "reopened", at=at, run=run, report=report)
            counts["reopened"] += 1
    checked = report is not None and report.status == "parsed"
    for key, (status, report_id) in was.items():
        if key in seen or status not in OPEN_STATUSES or not checked:
            continue
        if report_id != report.id:  # a different document: a new version passed
            transition(session, rows[key], "fixed", at=at, run=run, report=report)
            counts["fixed"] += 1
    session.flush()
    return counts


def waive(
    session: Session, finding: FindingRecord, reason: str, by: str, *, at: datetime | None = None
) -> FindingEvent:
    """A supervisor accepts an explanation: reason and who are required."""
    if not reason.strip() or not by.strip():
        raise ValueError("豁免须注明理由和决定人")
    return transition(session, finding, "waived", at=at, actor=by.strip(), note=reason.strip())
