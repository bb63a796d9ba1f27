"""Persistence of web collection, on a caller's `Session` (contract as `models.store`).

- `record_fetch`: the body of one fetch as a `source_documents` row (content-addressed,
  `models.store.record_document`) plus its `fetch_records` row keyed (document, URL):
  fetching the same bytes from the same URL again only advances `last_fetched_at`;
- `report_history`: distinct report contents of (agency, year) and when the first was seen;
- `record_collection_outcome`: the latest collection status of (agency, year).

The plural functions (`record_fetches`, `report_histories`, `record_collection_outcomes`)
record a whole collection with a few statements per table, as `models.store`'s plural
functions do. Documents fetched in one call are stamped with its latest fetch time
(`store.record_documents` takes one time); each fetch record keeps its own.

New keys are inserted as in `models.store` (ON CONFLICT DO NOTHING, then read back), so
two collections of one province at once store each fetch and outcome once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import batch, store
from models.collection import (
    COLLECTION_STATUSES,
    FETCH_ROLES,
    CollectionOutcome,
    FetchRecord,
)
from models.tables import SourceDocument

__all__ = [
    "Fetch",
    "Outcome",
    "ReportHistory",
    "record_collection_outcome",
    "record_collection_outcomes",
    "record_fetch",
    "record_fetches",
    "report_histories",
    "report_history",
]


def record_fetch(
    session: Session,
    agency_id: str,
    year: int,
    *,
    role: str,
    url: str,
    final_url: str,
    status: int,
    headers: Mapping[str, str],
    sha256: str,
    size: int,
    media_type: str,
    fetched_at: datetime,
) -> tuple[SourceDocument, bool]:
    """(document, new) for one fetched body; `new` when this (document, URL) is new."""
    if role not in FETCH_ROLES:
        raise ValueError(f"unknown fetch role {role!r}; one of {', '.join(FETCH_ROLES)}")
    document = store.record_document(
        session,
        agency_id,
        year,
        final_url,
        sha256,
        size=size,
        media_type=media_type,
        fetched_at=fetched_at,
    )
    query = select(FetchRecord).where(
        FetchRecord.document_id == document.id, FetchRecord.url == url
    )
    record = session.scalar(query)
    new = record is None and batch.insert_new(
        session,
        FetchRecord,
        {"document_id": document.id, "url": url},
        agency_id=agency_id,
        year=year,
        role=role,
        final_url=final_url,
        status=status,
        headers=dict(headers),
        fetched_at=fetched_at,
        last_fetched_at=fetched_at,
    )
    record = record or session.scalar(query)  # this call's row, or a concurrent one's
    record.last_fetched_at = max(record.last_fetched_at, fetched_at)
    if role == "report" or record.role != "report":  # once the report, always a version
        record.role = role
    record.final_url = final_url
    record.status = status
    record.headers = dict(headers)
    session.flush()
    return document, new


@dataclass(frozen=True)
class ReportHistory:
    versions: int  # distinct report contents seen
    first_seen: datetime | None  # first fetch of any of them


def report_history(session: Session, agency_id: str, year: int) -> ReportHistory:
    """Versions of the report of (agency, year) across every collection so far."""
    versions, first = session.execute(
        select(func.count(func.distinct(FetchRecord.document_id)), func.min(FetchRecord.fetched_at))
        .where(FetchRecord.agency_id == agency_id, FetchRecord.year == year)
        .where(FetchRecord.role == "report")
    ).one()
    return ReportHistory(int(versions or 0), _aware(first))


def _aware(first: datetime | str | None) -> datetime | None:
    """An aggregate's datetime in UTC (aggregates skip the column type on SQLite)."""
    if isinstance(first, datetime) and first.tzinfo is None:
        return first.replace(tzinfo=UTC)
    if isinstance(first, str):
        return datetime.fromisoformat(first).replace(tzinfo=UTC)
    return first


def record_collection_outcome(
    session: Session,
    agency_id: str,
    year: int,
    status: str,
    reason: str,
    *,
    document: SourceDocument | None = None,
    page_url: str | None = None,
    published_date: str | None = None,
    date_source: str | None = None,
    versions: int = 0,
    collected_at: datetime | None = None,
) -> CollectionOutcome:
    """The latest collection of (agency, year); replaces the previous one."""
    if status not in COLLECTION_STATUSES:
        raise ValueError(f"unknown collection status {status!r}")
    query = select(CollectionOutcome).where(
        CollectionOutcome.agency_id == agency_id, CollectionOutcome.year == year
    )
    row = session.scalar(query)
    if row is None:
        key = {"agency_id": agency_id, "year": year}
        batch.insert_new(session, CollectionOutcome, key, status=status, reason=reason)
        row = session.scalar(query)  # this call's row, or a concurrent one's
    row.status = status
    row.reason = reason
    row.document_id = document.id if document is not None else None
    row.page_url = page_url
    row.published_date = published_date
    row.date_source = date_source
    row.versions = versions
    if collected_at is not None:
        row.collected_at = collected_at
    session.flush()
    return row


# -- a whole collection at once ------------------------------------------------------


@dataclass(frozen=True)
class Fetch:
    """One fetched body, as `record_fetch` takes it."""

    agency_id: str
    year: int
    role: str
    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    sha256: str
    size: int
    media_type: str
    fetched_at: datetime


def record_fetches(session: Session, fetches: Sequence[Fetch]) -> list[int]:
    """`record_fetch` for many: each fetch's document id, in input order."""
    for f in fetches:
        if f.role not in FETCH_ROLES:
            raise ValueError(f"unknown fetch role {f.role!r}; one of {', '.join(FETCH_ROLES)}")
    if not fetches:
        return []
    document_ids = store.record_documents(
        session,
        (
            {
                "agency_id": f.agency_id,
                "year": f.year,
                "location": f.final_url,
                "content": f.sha256,
                "size": f.size,
                "media_type": f.media_type,
            }
            for f in fetches
        ),
        fetched_at=max(f.fetched_at for f in fetches),
    )
    wanted: dict[tuple[int, str], dict[str, Any]] = {}
    for f, document_id in zip(fetches, document_ids, strict=True):
        row = wanted.setdefault(
            (document_id, f.url),
            {"document_id": document_id, "url": f.url, "agency_id": f.agency_id, "year": f.year}
            | {"role": f.role, "fetched_at": f.fetched_at, "last_fetched_at": f.fetched_at},
        )
        if f.role == "report" or row["role"] != "report":  # once the report, always a version
            row["role"] = f.role
        row["last_fetched_at"] = max(row["last_fetched_at"], f.fetched_at)
        row |= {"final_url": f.final_url, "status": f.status, "headers": dict(f.headers)}
    table = FetchRecord.__table__
    key = ["document_id", "url"]
    have = _fetch_records(session, {document_id for document_id, _ in wanted})
    new = [row for k, row in wanted.items() if k not in have]
    mine = batch.insert_missing(session, table, new, key, [table.c.document_id, table.c.url])
    mine = {(row.document_id, row.url) for row in mine}
    if len(mine) < len(new):  # stored by a concurrent run first
        have |= _fetch_records(session, {row["document_id"] for row in new})
    updates = []
    for k, row in wanted.items():
        if k in mine:
            continue
        old = have[k]
        role = row["role"] if row["role"] == "report" or old.role != "report" else old.role
        updates.append(
            {
                "_id": old.id,
                "role": role,
                "final_url": row["final_url"],
                "status": row["status"],
                "headers": row["headers"],
                "last_fetched_at": max(old.last_fetched_at, row["last_fetched_at"]),
            }
        )
    batch.update_by_id(session, table, updates)
    batch.expire(session, FetchRecord, (u["_id"] for u in updates))
    return document_ids


def _fetch_records(session: Session, document_ids: Iterable[int]) -> dict[tuple[int, str], Any]:
    table = FetchRecord.__table__
    columns = [table.c.id, table.c.document_id, table.c.url, table.c.role, table.c.last_fetched_at]
    rows = batch.select_rows(session, columns, table.c.document_id, sorted(document_ids))
    return {(row.document_id, row.url): row for row in rows}


def report_histories(
    session: Session, agency_ids: Iterable[str], year: int
) -> dict[str, ReportHistory]:
    """`report_history` of each of `agency_ids` for `year`."""
    out = {agency_id: ReportHistory(0, None) for agency_id in agency_ids}
    session.flush()
    table = FetchRecord.__table__
    for chunk in batch.chunks(out):
        rows = session.connection().execute(
            select(
                table.c.agency_id,
                func.count(func.distinct(table.c.document_id)),
                func.min(table.c.fetched_at),
            )
            .where(table.c.agency_id.in_(chunk), table.c.year == year, table.c.role == "report")
            .group_by(table.c.agency_id)
        )
        for agency_id, versions, first in rows:
            out[agency_id] = ReportHistory(int(versions or 0), _aware(first))
    return out


@dataclass(frozen=True)
class Outcome:
    """One agency's collection outcome, as `record_collection_outcome` takes it."""

    agency_id: str
    year: int
    status: str
    reason: str
    document_id: int | None = None
    page_url: str | None = None
    published_date: str | None = None
    date_source: str | None = None
    versions: int = 0


def record_collection_outcomes(session: Session, outcomes: Iterable[Outcome]) -> None:
    """`record_collection_outcome` for many (the last one of an (agency, year) wins)."""
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for o in outcomes:
        if o.status not in COLLECTION_STATUSES:
            raise ValueError(f"unknown collection status {o.status!r}")
        rows[(o.agency_id, o.year)] = {
            "status": o.status,
            "reason": o.reason,
            "document_id": o.document_id,
            "page_url": o.page_url,
            "published_date": o.published_date,
            "date_source": o.date_source,
            "versions": o.versions,
        }
    if not rows:
        return
    session.flush()
    table = CollectionOutcome.__table__
    years = sorted({year for _, year in rows})

    def stored(agency_ids):
        columns = [table.c.id, table.c.agency_id, table.c.year]
        found = batch.select_rows(
            session, columns, table.c.agency_id, sorted(agency_ids), table.c.year.in_(years)
        )
        return {(row.agency_id, row.year): row.id for row in found}

    ids = stored({agency_id for agency_id, _ in rows})
    new = [{"agency_id": a, "year": y, **row} for (a, y), row in rows.items() if (a, y) not in ids]
    columns = [table.c.agency_id, table.c.year]
    mine = batch.insert_missing(session, table, new, ["agency_id", "year"], columns)
    mine = {(row.agency_id, row.year) for row in mine}
    if len(mine) < len(new):  # stored by a concurrent run first
        ids |= stored({row["agency_id"] for row in new})
    updates = [{"_id": ids[k], **row} for k, row in rows.items() if k not in mine]
    batch.update_by_id(session, table, updates)
    batch.expire(session, CollectionOutcome, (u["_id"] for u in updates))
