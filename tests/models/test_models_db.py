"""Engine, session factory and schema (models/db.py)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import StatementError

from models import store
from models.db import Database, create_schema, database_url_from_env
from models.tables import CheckRun

TABLES = {
    "agencies",
    "source_documents",
    "parsed_reports",
    "check_runs",
    "findings",
    "agency_outcomes",
}


def test_url_from_environment_wins(tmp_path):
    environ = {"NIANBAO_DATABASE_URL": "postgresql+psycopg://u@h/nianbao"}
    assert database_url_from_env(environ, tmp_path / "x.db") == "postgresql+psycopg://u@h/nianbao"


def test_url_defaults_to_sqlite_file(tmp_path):
    expected = f"sqlite:///{tmp_path / 'x.db'}"
    assert database_url_from_env({}, tmp_path / "x.db") == expected
    assert database_url_from_env({"NIANBAO_DATABASE_URL": " "}, tmp_path / "x.db") == expected


def test_schema_has_every_table_and_is_idempotent(database):
    create_schema(database.engine)  # second time: no error, nothing changes
    assert TABLES <= set(inspect(database.engine).get_table_names())


def test_two_runs_create_the_schema_at_once(database_url):
    """Two reviews starting on an empty database: one creates the tables, the other
    waits for it (it used to fail: "database is locked", or a duplicate pg_type key)."""
    start = threading.Barrier(2, timeout=30)

    def create():
        db = Database.connect(database_url)
        try:
            start.wait()
            db.create_schema()
        finally:
            db.dispose()

    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(create) for _ in range(2)]:
            future.result()
    db = Database.connect(database_url)
    assert TABLES <= set(inspect(db.engine).get_table_names())
    db.dispose()


def test_sqlite_enforces_foreign_keys_and_uses_wal(database):
    if database.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: its PRAGMA foreign_keys and journal_mode")
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_savepoint_rolls_back_inside_the_outer_transaction(session):
    store.upsert_agency(session, "a", "甲")
    with session.begin_nested() as nested:
        store.upsert_agency(session, "b", "乙")
        nested.rollback()
    session.commit()
    assert [a for (a,) in session.execute(text("SELECT id FROM agencies"))] == ["a"]


def test_timestamps_read_back_aware_utc(sessions):
    started = datetime(2025, 1, 2, 8, tzinfo=UTC)
    with sessions.begin() as session:
        run_id = store.start_run(session, 2024, started_at=started).id
    with sessions() as session:
        assert session.get(CheckRun, run_id).started_at == started
        assert session.get(CheckRun, run_id).started_at.tzinfo is not None


def test_naive_timestamps_are_refused(session):
    with pytest.raises(StatementError, match="naive datetime"):
        store.start_run(session, 2024, started_at=datetime(2025, 1, 2))
