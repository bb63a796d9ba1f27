"""Tables of web collection (issue 4), beside `models.tables`.

| table | one row per |
|---|---|
| `fetch_records` | (source document, URL): a body fetched from a URL, with the server's answer |
| `collection_outcomes` | (agency, year): where the latest collection got to |

A fetched body is a `source_documents` row (`models.store.record_document`, content-
addressed: same bytes ⇒ same row); fetching it again from the same URL only advances
`last_fetched_at`, so re-running an unchanged collection stores nothing new.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utc_now

__all__ = ["COLLECTION_STATUSES", "FETCH_ROLES", "CollectionOutcome", "FetchRecord"]

COLLECTION_STATUSES = ("collected", "late", "missing", "failed")
FETCH_ROLES = ("column", "page", "attachment", "report")  # report: the report itself


class FetchRecord(Base):
    """A document as fetched from one URL: status, headers, first and last fetch."""

    __tablename__ = "fetch_records"
    __table_args__ = (UniqueConstraint("document_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("source_documents.id"), index=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    year: Mapped[int]
    role: Mapped[str] = mapped_column(String(20))  # FETCH_ROLES; versions = its "report" rows
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str] = mapped_column(Text)
    status: Mapped[int]
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fetched_at: Mapped[datetime] = mapped_column(default=utc_now)  # first
    last_fetched_at: Mapped[datetime] = mapped_column(default=utc_now)


class CollectionOutcome(Base):
    """The latest collection of (agency, year): status, Chinese reason, the report found."""

    __tablename__ = "collection_outcomes"
    __table_args__ = (UniqueConstraint("agency_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))  # COLLECTION_STATUSES
    reason: Mapped[str] = mapped_column(Text, default="")
    document_id: Mapped[int | None] = mapped_column(ForeignKey("source_documents.id"))
    page_url: Mapped[str | None] = mapped_column(Text)
    published_date: Mapped[str | None] = mapped_column(String(10))  # ISO, as used by PUB rules
    date_source: Mapped[str | None] = mapped_column(String(40))
    versions: Mapped[int] = mapped_column(default=0)
    collected_at: Mapped[datetime] = mapped_column(default=utc_now)
