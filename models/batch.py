"""The statements the store modules are built from, on a caller's `Session`.

- Keyed reads: `select_rows`, IN over chunks of `CHUNK` keys (`chunks`).
- New keys: INSERT … ON CONFLICT (key) DO NOTHING, then read back by the caller —
  `insert_new` for one row, `insert_missing` for many as one executemany; a key a
  concurrent run inserted first is skipped (PostgreSQL waits for that run's commit).
- Known keys: `update_by_id`, one executemany; `expire` then makes the session's ORM
  objects of the rows read back the stored values.
- Before anything is written: `check` refuses a value outside its vocabulary
  (`ValueError`), `id_of` flushes a new ORM object for its id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Column, Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

__all__ = [
    "CHUNK",
    "check",
    "chunks",
    "dialect_insert",
    "expire",
    "id_of",
    "insert_missing",
    "insert_new",
    "select_rows",
    "update_by_id",
]

CHUNK = 500  # keys per IN (…)
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def check(value: str, allowed: tuple[str, ...], what: str) -> str:
    """`value` if it is one of `allowed`; else `ValueError` naming `what`."""
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; one of {', '.join(allowed)}")
    return value


def id_of(session: Session, row: Any) -> int:
    """The id of ORM object `row`, flushed first when it has none yet."""
    if row.id is None:
        session.flush()
    return row.id


def dialect_insert(session: Session):
    """The INSERT construct of the session's dialect (one with ON CONFLICT)."""
    insert_ = _INSERTS.get(session.get_bind().dialect.name)
    if insert_ is None:
        raise NotImplementedError("nianbao stores to SQLite or PostgreSQL")
    return insert_


def insert_new(session: Session, model: type, key: Mapping[str, Any], **values: Any) -> bool:
    """INSERT the row of `key` unless its UNIQUE key exists; True when this call did.

    ON CONFLICT DO NOTHING: on PostgreSQL it waits for a concurrent transaction that
    inserted the key, then does nothing; the caller reads the row back either way.
    """
    statement = (
        dialect_insert(session)(model)
        .values(**key, **values)
        .on_conflict_do_nothing(index_elements=list(key))
        .returning(*model.__table__.primary_key.columns)  # rowcount is -1 on psycopg
    )
    session.flush()  # rows this one refers to
    return session.connection().execute(statement).first() is not None


def chunks(items: Iterable[Any]) -> Iterator[list[Any]]:
    """`items` in lists of at most `CHUNK`, in order."""
    items = list(items)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def insert_missing(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    key: Sequence[str],
    returning: Sequence[Column],
) -> list[Row]:
    """INSERT `rows` … ON CONFLICT (`key`) DO NOTHING, as one executemany.

    Returns the rows this call inserted (`returning` columns); a key that a concurrent
    run stored first is skipped (PostgreSQL waits for that run's commit first).
    """
    if not rows:
        return []
    statement = (
        dialect_insert(session)(table)
        .on_conflict_do_nothing(index_elements=list(key))
        .returning(*returning)
    )
    return session.connection().execute(statement, list(rows)).all()


def update_by_id(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """UPDATE each row (its columns, by its "_id"), as one executemany."""
    if rows:
        statement = update(table).where(table.c.id == bindparam("_id"))
        session.connection().execute(statement, list(rows))


def expire(session: Session, model: type, ids: Iterable[Any]) -> None:
    """Expire the session's ORM objects of rows written with Core statements."""
    held = [key for key in session.identity_map.keys() if key[0] is model]
    if held:
        wanted = set(ids)
        for key in held:
            if key[1][0] in wanted and (obj := session.identity_map.get(key)) is not None:
                session.expire(obj)


def select_rows(
    session: Session, columns: Sequence[Column], key: Column, values: Iterable[Any], *where: Any
) -> Iterator[Row]:
    """The rows whose `key` is one of `values` (IN over chunks), `where` also holding."""
    connection = session.connection()
    for chunk in chunks(values):
        yield from connection.execute(select(*columns).where(key.in_(chunk), *where))
