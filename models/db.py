"""The database seam: engine, session factory, schema.

The URL comes from the caller's config (`database_url_from_env` at the entry point);
nothing here reads the environment by itself. Embedded default: a SQLite file;
production: `postgresql+psycopg://…`. Only portable SQL is used.

    db = Database.connect(url)
    db.create_schema()
    with db.sessions.begin() as session:   # commits on exit, rolls back on error
        store.upsert_agency(session, ...)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

import models.tables  # noqa: F401  (registers the tables on Base.metadata)
from models.base import Base

__all__ = [
    "DATABASE_URL_VARIABLE",
    "Database",
    "create_schema",
    "database_url_from_env",
    "make_engine",
    "session_factory",
]

DATABASE_URL_VARIABLE = "NIANBAO_DATABASE_URL"


def database_url_from_env(environ: Mapping[str, str], default_path: str | Path) -> str:
    """`NIANBAO_DATABASE_URL` if set and non-empty, else `sqlite:///<default_path>`."""
    url = environ.get(DATABASE_URL_VARIABLE, "").strip()
    return url or f"sqlite:///{Path(default_path)}"


def _json_dumps(value: Any) -> str:
    # Chinese stays readable in the database.
    return json.dumps(value, ensure_ascii=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; extra keyword arguments go to `create_engine`.

    SQLite: foreign keys on, WAL journal, and SQLAlchemy emits BEGIN itself, so
    transactions, DDL and SAVEPOINTs behave as on PostgreSQL.
    """
    engine = create_engine(url, json_serializer=_json_dumps, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN from sqlite3
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to `engine`; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def create_schema(engine: Engine) -> None:
    """Create every table that does not exist yet (idempotent; no migrations)."""
    Base.metadata.create_all(engine)


@dataclass(frozen=True)
class Database:
    """An engine and its session factory, built once at the entry point."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def connect(cls, url: str, **kwargs: Any) -> Database:
        engine = make_engine(url, **kwargs)
        return cls(engine, session_factory(engine))

    def create_schema(self) -> None:
        create_schema(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
