"""Persistence of web collection, on a caller's `Session` (contract as `models.store`).

- `record_fetch`: the body of one fetch as a `source_documents` row (content-addressed,
  `models.store.record_document`) plus its `fetch_records` row keyed (document, URL):
  fetching the same bytes from the same URL again only advances `last_fetched_at`;
- `report_history`: distinct report contents of (agency, year) and when the first was seen;
- `record_collection_outcome`: the latest collection status of (agency, year).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import store
from models.collection import (
    COLLECTION_STATUSES,
    FETCH_ROLES,
    CollectionOutcome,
    FetchRecord,
)
from models.tables import SourceDocument

__all__ = ["ReportHistory", "record_collection_outcome", "record_fetch", "report_history"]


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
    record = session.scalar(
        select(FetchRecord).where(FetchRecord.document_id == document.id, FetchRecord.url == url)
    )
    new = record is None
    if record is None:
        record = FetchRecord(
            document_id=document.id,
            agency_id=agency_id,
            year=year,
            url=url,
            fetched_at=fetched_at,
            last_fetched_at=fetched_at,
        )
        session.add(record)
    else:
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
    if isinstance(first, datetime) and first.tzinfo is None:  # aggregates skip the type
        from datetime import UTC

        first = first.replace(tzinfo=UTC)
    elif isinstance(first, str):
        from datetime import UTC

        first = datetime.fromisoformat(first).replace(tzinfo=UTC)
    return ReportHistory(int(versions or 0), first)


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
    row = session.scalar(
        select(CollectionOutcome).where(
            CollectionOutcome.agency_id == agency_id, CollectionOutcome.year == year
        )
    )
    if row is None:
        row = CollectionOutcome(agency_id=agency_id, year=year)
        session.add(row)
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
