"""Fixtures every test package shares: the Prefect API, and a real database per test.

The database is a fresh SQLite file, or the server of `NIANBAO_TEST_DATABASE_URL`
(`postgresql+psycopg://…`; `.ci/run` runs the suite both ways), emptied before each
test that asks for it. Tests about one dialect say so and skip on the other.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

TEST_DATABASE_URL_VARIABLE = "NIANBAO_TEST_DATABASE_URL"


@pytest.fixture(scope="session")
def prefect_harness():
    """One ephemeral Prefect API for the whole session (startup costs 13–21 s)."""
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


def _server_url() -> str | None:
    return os.environ.get(TEST_DATABASE_URL_VARIABLE, "").strip() or None


def _empty(url: str) -> None:
    """Drop everything in the server database: nianbao's tables and any other (GX batches)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql("SET LOCAL lock_timeout = '30s'")  # a leaked session
                connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
            else:
                metadata = sa.MetaData()
                metadata.reflect(connection)
                metadata.drop_all(connection)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def new_database_url() -> Callable[[Path], str]:
    """`new_database_url(folder)`: the URL of an empty database, for fixtures wider than
    one test. SQLite: `folder/nianbao.db` (new when `folder` is); server: emptied now."""

    def new(folder: Path) -> str:
        url = _server_url()
        if url is None:
            return f"sqlite:///{Path(folder) / 'nianbao.db'}"
        _empty(url)
        return url

    return new


@pytest.fixture
def database_url(new_database_url: Callable[[Path], str], tmp_path: Path) -> str:
    """An empty database for this test: a SQLite file, or the test server emptied."""
    return new_database_url(tmp_path)


@pytest.fixture
def server_database_url(database_url: str) -> str:
    """`database_url` when it is a server (PostgreSQL); skips the test on SQLite."""
    if database_url.startswith("sqlite"):
        pytest.skip(f"PostgreSQL only: set {TEST_DATABASE_URL_VARIABLE}=postgresql+psycopg://…")
    return database_url


@pytest.fixture
def database(database_url: str) -> Iterator:
    """A `models.db.Database` on `database_url`, schema created; disposed afterwards."""
    from models.db import Database

    db = Database.connect(database_url)
    db.create_schema()
    yield db
    db.dispose()
