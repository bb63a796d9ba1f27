"""Findings as the runs saw them (contract as `models.store`).

One row per (agency, year, rule, location): a new key is opened ("open", first and last
run the current one); a known key has its texts, cells and report refreshed and its last
run advanced, its status untouched (status changes: `models.lifecycle`). Findings a
run did not report are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import utc_now
from models.batch import check, expire, id_of, insert_missing, select_rows, update_by_id
from models.finding import SEVERITIES, Finding
from models.tables import FINDING_STATUSES, CheckRun, FindingRecord, ParsedReport

__all__ = [
    "FindingKey",
    "FindingRows",
    "StoredFinding",
    "findings_for",
    "record_findings",
    "upsert_findings",
]


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
    report_id = None if report is None else id_of(session, report)
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
    run_id = id_of(session, run)
    refreshed: dict[FindingKey, dict[str, Any]] = {}
    for agency_id, (report_id, findings) in batch.items():
        for f in findings:
            refreshed[(agency_id, f.rule, f.where)] = {
                "severity": check(f.severity, SEVERITIES, "severity"),
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
    inserted = insert_missing(session, table, new, _FINDING_KEY, returning)
    mine = {(row.agency_id, row.rule, row.location): row.id for row in inserted}
    if len(mine) < len(new):  # stored by a concurrent run first: refreshed below
        agencies = {row["agency_id"] for row in new}
        now = _stored_findings(session, year, agencies)
        ids |= {key: now[key].id for key in refreshed if key in now and key not in mine}
    update_by_id(session, table, [{"_id": ids[key], **refreshed[key]} for key in ids])
    expire(session, FindingRecord, ids.values())
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
    rows = select_rows(
        session, columns, table.c.agency_id, sorted(agency_ids), table.c.year == year
    )
    return {
        (row.agency_id, row.rule, row.location): StoredFinding(row.id, row.status, row.report_id)
        for row in rows
    }


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
