"""The database seam: engine, session factory, schema.

The URL comes from the caller's config (`database_url_from_env` at the entry point);
nothing here reads the environment by itself. Embedded default: a SQLite file;
production: `postgresql+psycopg://…`. Only portable SQL is used.

    db = Database.connect(url)
    db.create_schema()
    with db.write_sessions.begin() as session:   # commits on exit, rolls back on error
        store.upsert_agency(session, ...)

Concurrent writers (two reviews at once) are safe on both dialects: keys are UNIQUE
constraints and `models.store` inserts with ON CONFLICT DO NOTHING; on SQLite a write
transaction takes the write lock at BEGIN and waits (busy timeout) for the other one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker

import models.tables  # noqa: F401  (registers the tables on Base.metadata)
from models.base import Base

__all__ = [
    "DATABASE_URL_VARIABLE",
    "Database",
    "create_schema",
    "database_url_from_env",
    "describe_error",
    "make_engine",
    "session_factory",
]

DATABASE_URL_VARIABLE = "NIANBAO_DATABASE_URL"
SQLITE_BUSY_TIMEOUT = 60.0  # seconds a SQLite writer waits for another one to commit
_WRITE = "nianbao_write"  # execution option: a write transaction (SQLite: BEGIN IMMEDIATE)
_SCHEMA_LOCK = 0x6E69616E62616F  # PostgreSQL advisory lock key of create_schema ("nianbao")


def database_url_from_env(environ: Mapping[str, str], default_path: str | Path) -> str:
    """`NIANBAO_DATABASE_URL` if set and non-empty, else `sqlite:///<default_path>`."""
    url = environ.get(DATABASE_URL_VARIABLE, "").strip()
    return url or f"sqlite:///{Path(default_path)}"


def _where(url: str) -> str:
    """The database of `url` for messages: host:port/name or the SQLite file, no credentials."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "（无法解析的数据库地址）"
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or "（内存数据库）"
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"


# (texts all in the driver's message, Chinese cause); the first match wins.
_CAUSES = (
    (("unable to open database file",), "无法打开数据库文件 {where}（文件夹不存在或没有写权限）"),
    (("readonly database",), "数据库文件 {where} 只读，无法写入"),
    (("database is locked",), "数据库 {where} 被另一个程序占用，等待超时"),
    (("disk is full",), "数据库 {where} 所在磁盘已满"),
    (("no space left",), "数据库 {where} 所在磁盘已满"),
    (("password authentication failed",), "数据库 {where} 拒绝登录：用户名或密码错误"),
    (('database "', "does not exist"), "数据库 {where} 不存在，或用户无权访问"),
    (("failed to resolve host",), "找不到数据库服务器 {where}（主机名无法解析）"),
    (
        ("connection refused",),
        "无法连接数据库 {where}：连接被拒绝（数据库服务未启动，或地址、端口有误）",
    ),
    (("timeout expired",), "连接数据库 {where} 超时"),
)


def describe_error(error: BaseException, url: str) -> str:
    """What went wrong with the database at `url`, as one Chinese sentence for the user.

    Names the database as host:port/name (or the SQLite file), never the credentials.
    A connection lost mid-transaction ("与数据库的连接中断") is told apart from one never
    made ("无法连接数据库"); other driver errors keep their first line.
    """
    where = _where(url)
    cause = getattr(error, "orig", None) or error
    text = str(cause).lower()
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return f"与数据库 {where} 的连接在运行中断开（数据库服务停止、重启或网络中断）"
    for needles, message in _CAUSES:
        if all(needle in text for needle in needles):
            return message.format(where=where)
    if isinstance(error, DBAPIError) and error.statement is None:
        return f"无法连接数据库 {where}"
    first = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    return f"数据库 {where} 出错：{first}"


def _json_dumps(value: Any) -> str:
    # Chinese stays readable in the database.
    return json.dumps(value, ensure_ascii=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; extra keyword arguments go to `create_engine`.

    SQLite: foreign keys on, WAL journal, and SQLAlchemy emits BEGIN itself, so
    transactions, DDL and SAVEPOINTs behave as on PostgreSQL; a connection waits up
    to `SQLITE_BUSY_TIMEOUT` for a lock (`?timeout=` in the URL or `connect_args` overrides).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and "timeout" not in parsed.query:
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT, **kwargs.get("connect_args", {})}
    engine = create_engine(parsed, json_serializer=_json_dumps, **kwargs)
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
        # A write transaction takes the write lock now: a deferred one that read before
        # another writer committed fails ("database is locked") instead of waiting.
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _writer(engine: Engine) -> Engine:
    return engine.execution_options(**{_WRITE: True})


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to `engine`; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def create_schema(engine: Engine) -> None:
    """Create every table that does not exist yet (idempotent; no migrations).

    Safe when several processes start on an empty database at once: one creates, the
    others wait for it (PostgreSQL: an advisory lock; SQLite: the write lock).
    """
    with _writer(engine).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
        Base.metadata.create_all(connection)


@dataclass(frozen=True)
class Database:
    """An engine and its session factory, built once at the entry point."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def connect(cls, url: str, **kwargs: Any) -> Database:
        engine = make_engine(url, **kwargs)
        return cls(engine, session_factory(engine))

    @property
    def write_sessions(self) -> sessionmaker[Session]:
        """Sessions for a transaction that writes. SQLite: it takes the write lock at
        BEGIN, so a concurrent writer waits its turn; PostgreSQL: as `sessions`."""
        return session_factory(_writer(self.engine))

    def create_schema(self) -> None:
        create_schema(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
