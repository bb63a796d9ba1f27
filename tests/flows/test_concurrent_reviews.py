"""Two reviews of one province persisting at once store each document, report and
finding once: the database's UNIQUE constraints decide, not timing.

Both persists get the same parsed and checked sample province (2023) and run in two
threads, each with its own engine and connection, on the test database (a SQLite file,
or PostgreSQL with `NIANBAO_TEST_DATABASE_URL`). A barrier starts both transactions
together, so each reads "not there yet" before the other commits. On PostgreSQL the
first key both write makes the second run wait for the first one's commit, so the
cases store some rows beforehand: nothing (the race is on agencies), the registry (on
documents and reports), a run without findings (both update the same documents).
The race on one finding key alone: tests/models/test_concurrent_writes.py.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from flows import stages
from models import store
from models.db import Database
from models.tables import (
    Agency,
    AgencyOutcome,
    CheckRun,
    FindingEvent,
    FindingRecord,
    ParsedReport,
    SourceDocument,
)

YEAR = 2023


def _counts(url: str) -> dict[str, int]:
    db = Database.connect(url)
    try:
        with db.sessions() as s:
            count = {
                table.__tablename__: s.scalar(select(func.count()).select_from(table))
                for table in (
                    Agency,
                    SourceDocument,
                    ParsedReport,
                    FindingRecord,
                    CheckRun,
                    AgencyOutcome,
                )
            }
            count["opened"] = s.scalar(select(func.count()).where(FindingEvent.kind == "opened"))
            count["finished_runs"] = s.scalar(
                select(func.count()).where(CheckRun.status == "finished")
            )
        return count
    finally:
        db.dispose()


@pytest.mark.parametrize("before", ["nothing", "registry", "documents"])
def test_two_reviews_at_once_store_everything_once(sample_2023, database_url, monkeypatch, before):
    agencies, outcomes, findings = sample_2023
    runs_before = 0
    if before == "registry":
        db = Database.connect(database_url)
        db.create_schema()
        with db.write_sessions.begin() as session:
            store.upsert_registry(session, agencies)
        db.dispose()
    elif before == "documents":  # a run that stored no findings
        stages.persist(database_url, YEAR, agencies, outcomes, {}, {})
        runs_before = 1
    start = threading.Barrier(2, timeout=30)
    upsert_registry = store.upsert_registry

    def together(session, rows):  # inside each persist's transaction, before any write
        start.wait()
        return upsert_registry(session, rows)

    monkeypatch.setattr(store, "upsert_registry", together)

    def persist():
        try:
            return stages.persist(database_url, YEAR, agencies, outcomes, findings, {})
        except BaseException:
            start.abort()  # release the other run at once
            raise

    with ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(persist) for _ in range(2)]
    failed = [r.exception() for r in runs if r.exception() is not None]
    causes = [e for e in failed if not isinstance(e, threading.BrokenBarrierError)]
    if failed:  # the run that failed first, not the one it released
        raise (causes or failed)[0]
    (run_a, totals_a), (run_b, totals_b) = (r.result() for r in runs)

    assert run_a != run_b and totals_a == totals_b
    stored = [o for o in outcomes if o.path is not None and o.sha256 is not None]
    keys = {(aid, f.rule, f.where) for aid, fs in findings.items() for f in fs}
    assert stored and keys  # the sample has reports and findings
    assert _counts(database_url) == {
        "agencies": len(agencies),
        "source_documents": len(stored),
        "parsed_reports": len(stored),
        "findings": len(keys),
        "opened": len(keys),  # each finding opened once, by whichever run inserted it
        "check_runs": runs_before + 2,
        "finished_runs": runs_before + 2,
        "agency_outcomes": (runs_before + 2) * len(agencies),
    }
