"""Two runs writing one finding key at once, on PostgreSQL: one row, one "opened" event.

Both transactions read "no such finding" before either commits; the UNIQUE key and
INSERT … ON CONFLICT DO NOTHING (models.store) make the second wait for the first and
then update its row. SQLite needs no such test: its write transactions take the write
lock at BEGIN (`Database.write_sessions`), so the second run starts after the first.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from models import lifecycle, store
from models.db import Database
from models.finding import Finding
from models.tables import FindingEvent, FindingRecord

FINDINGS = [
    Finding("r", "T4-TOTAL", "error", "表四 行政复议", "总计应为 11", expected="11"),
    Finding("r", "PUB-DEADLINE", "error", "发布日期", "逾期发布"),
]


def test_one_finding_key_written_by_two_runs_at_once(server_database_url):
    db = Database.connect(server_database_url)
    db.create_schema()
    with db.write_sessions.begin() as session:
        store.upsert_agency(session, "fj-pingtan", "平潭综合实验区")
    read = threading.Barrier(2, timeout=30)

    def run() -> dict[str, int]:
        try:
            with db.write_sessions.begin() as session:
                checked = store.start_run(session, 2024)
                store.findings_for(session, "fj-pingtan", 2024)  # both read: none yet
                read.wait()
                counts = lifecycle.track(session, checked, "fj-pingtan", 2024, None, FINDINGS)
                time.sleep(0.5)  # hold the transaction: the other run is at its INSERT
                return counts
        except BaseException:
            read.abort()
            raise

    try:
        with ThreadPoolExecutor(2) as pool:
            results = [f.result() for f in [pool.submit(run) for _ in range(2)]]
        assert sorted(r["opened"] for r in results) == [0, 2]
        assert sorted(r["confirmed"] for r in results) == [0, 2]
        with db.sessions() as session:
            assert session.scalar(select(func.count()).select_from(FindingRecord)) == 2
            kinds = session.scalars(select(FindingEvent.kind)).all()
            assert sorted(kinds) == ["opened", "opened"]  # one per finding
            rows = session.scalars(select(FindingRecord)).all()
            assert {r.status for r in rows} == {"open"}
            assert all(r.first_run_id != r.last_run_id for r in rows)  # both runs saw it
    finally:
        db.dispose()
