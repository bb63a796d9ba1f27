"""Sessions on the shared `database` fixture (tests/conftest.py: a fresh SQLite file, or
the server of `NIANBAO_TEST_DATABASE_URL` emptied before each test), and truth data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from models import store
from models.canonical import CanonicalReport
from models.db import Database

TRUTH = Path(__file__).parents[1] / "fixtures/corpus/truth"


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
