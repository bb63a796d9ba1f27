"""A real database per test: a fresh SQLite file, or `NIANBAO_TEST_DATABASE_URL`.

With `NIANBAO_TEST_DATABASE_URL=postgresql+psycopg://…` the same tests run against
PostgreSQL; the schema is dropped and recreated around each test there.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from models import store
from models.base import Base
from models.canonical import CanonicalReport
from models.db import Database

TEST_DATABASE_URL_VARIABLE = "NIANBAO_TEST_DATABASE_URL"
TRUTH = Path(__file__).parents[1] / "fixtures/corpus/truth"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return os.environ.get(TEST_DATABASE_URL_VARIABLE) or f"sqlite:///{tmp_path / 'nianbao.db'}"


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database.connect(database_url)
    if db.engine.dialect.name != "sqlite":
        Base.metadata.drop_all(db.engine)
    db.create_schema()
    yield db
    if db.engine.dialect.name != "sqlite":
        Base.metadata.drop_all(db.engine)
    db.dispose()


@pytest.fixture
def sessions(database: Database) -> sessionmaker[Session]:
    return database.sessions


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


@pytest.fixture
def pingtan(session: Session) -> str:
    """The agency of the truth file 009, committed."""
    store.upsert_agency(session, "fj-pingtan", "平潭综合实验区", region="福建省", level="市")
    session.commit()
    return "fj-pingtan"


@pytest.fixture
def truth_report() -> CanonicalReport:
    data = json.loads((TRUTH / "009_pingtan_zone_2024.json").read_text(encoding="utf-8"))
    return CanonicalReport.from_dict(data)
