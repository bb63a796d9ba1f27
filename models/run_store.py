"""Runs and where each agency got to in them (contract as `models.store`).

A run of a year is "running" from `start_run` until `finish_run` closes it "finished" or
"failed" with its summary counts; each agency's outcome in it is one row per (run,
agency), the last one recorded winning.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from models.base import utc_now
from models.batch import check, expire, id_of, select_rows, update_by_id
from models.tables import OUTCOME_STATUSES, RUN_STATUSES, AgencyOutcome, CheckRun

__all__ = [
    "finish_run",
    "outcome_counts",
    "outcomes_for_run",
    "record_outcome",
    "record_outcomes",
    "start_run",
]


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
    check(status, RUN_STATUSES[1:], "final run status")
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
            "status": check(status, OUTCOME_STATUSES, "outcome status"),
            "reason": reason,
            "recorded_at": at,
        }
        for agency_id, status, reason in outcomes
    }
    run_id = id_of(session, run)
    table = AgencyOutcome.__table__
    session.flush()
    columns = [table.c.agency_id, table.c.id]
    found = select_rows(session, columns, table.c.agency_id, rows, table.c.run_id == run_id)
    ids = {row.agency_id: row.id for row in found}
    new = [{"run_id": run_id, "agency_id": a, **row} for a, row in rows.items() if a not in ids]
    if new:  # the run is this caller's: no concurrent writer of its keys
        session.connection().execute(insert(table), new)
    update_by_id(session, table, [{"_id": ids[a], **rows[a]} for a in ids])
    expire(session, AgencyOutcome, ids.values())


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
