"""The tables: who must report, what was collected, what it said, what each run found.

Identity is enforced by the database, so re-running a year never duplicates a row:

| table | one row per |
|---|---|
| `agencies` | registry agency id |
| `source_documents` | (agency, year, sha256 of the content) |
| `parsed_reports` | source document |
| `check_runs` | run |
| `findings` | (agency, year, rule id, location) — the finding key of DESIGN.md |
| `agency_outcomes` | (run, agency) |
| `finding_events` | one transition or notification of a finding (append-only) |
| `deliveries` | (recipient, message key, content fingerprint) — one message to one address |

Status values are plain strings checked by `models.store` against the vocabularies
below (not by CHECK constraints, so adding a value needs no migration).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utc_now

__all__ = [
    "FINDING_STATUSES",
    "OUTCOME_STATUSES",
    "REPORT_STATUSES",
    "RUN_STATUSES",
    "Agency",
    "DELIVERY_STATUSES",
    "EVENT_KINDS",
    "OPEN_STATUSES",
    "AgencyOutcome",
    "CheckRun",
    "Delivery",
    "FindingEvent",
    "FindingRecord",
    "ParsedReport",
    "SourceDocument",
]

# Parser outcome per document.
REPORT_STATUSES = ("parsed", "failed", "unreadable", "not_a_report", "wrong_year", "empty")
RUN_STATUSES = ("running", "finished", "failed")
# TRACK-FIX lifecycle (models.lifecycle): open → fixed | waived; fixed → reopened → …
FINDING_STATUSES = ("open", "fixed", "waived", "reopened")
OPEN_STATUSES = ("open", "reopened")  # still to be corrected
# A status change, or "notified" when a delivered message carried the finding.
EVENT_KINDS = ("opened", "fixed", "waived", "reopened", "notified")
# pending: composed, not yet sent; superseded: a newer message replaced an unsent one.
DELIVERY_STATUSES = ("pending", "sent", "failed", "superseded")
# Where one agency got to in one run.
OUTCOME_STATUSES = (
    "collected",
    "parsed",
    "failed",
    "unreadable",
    "empty",
    "missing",
    "wrong_year",
    "not_a_report",
)

AGENCY_ID = String(64)
STATUS = String(20)


class Agency(Base):
    """One agency of the registry; `id` is the registry's stable id (survives renames)."""

    __tablename__ = "agencies"

    id: Mapped[str] = mapped_column(AGENCY_ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(100))
    level: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str | None] = mapped_column(String(20))
    # Deferred: a registry may list a child before its parent within one transaction.
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("agencies.id", deferrable=True, initially="DEFERRED"), index=True
    )
    emails: Mapped[list[str]] = mapped_column(default=list)  # supervisors (督促整改)
    contact_emails: Mapped[list[str]] = mapped_column(default=list)  # the agency's own


class SourceDocument(Base):
    """One distinct content collected for (agency, year); same bytes ⇒ same row."""

    __tablename__ = "source_documents"
    __table_args__ = (UniqueConstraint("agency_id", "year", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    year: Mapped[int]
    location: Mapped[str] = mapped_column(Text)  # URL or local path it was collected from
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int | None]
    media_type: Mapped[str | None] = mapped_column(String(100))
    fetched_at: Mapped[datetime] = mapped_column(default=utc_now)  # first seen
    last_fetched_at: Mapped[datetime] = mapped_column(default=utc_now)

    report: Mapped[ParsedReport | None] = relationship(back_populates="document")


class ParsedReport(Base):
    """The parser's outcome for one document; `canonical` is `CanonicalReport.to_dict()`.

    `agency_id`/`year` are those the document was collected for; the year the report
    itself states is in `canonical` (status "wrong_year" when they differ).
    """

    __tablename__ = "parsed_reports"
    __table_args__ = (Index("ix_parsed_reports_agency_id_year", "agency_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("source_documents.id"), unique=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int]
    format: Mapped[str | None] = mapped_column(String(16))
    published_date: Mapped[date | None] = mapped_column(Date)
    canonical: Mapped[dict[str, Any] | None]
    status: Mapped[str] = mapped_column(STATUS)
    message: Mapped[str] = mapped_column(Text, default="")  # Chinese, for the summary
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)

    document: Mapped[SourceDocument] = relationship(back_populates="report")


class CheckRun(Base):
    """One run of the checks over a year."""

    __tablename__ = "check_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    started_at: Mapped[datetime] = mapped_column(default=utc_now)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(STATUS, default="running")
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)


class FindingRecord(Base):
    """A finding across runs, keyed (agency, year, rule, location).

    Message texts hold the latest run's wording; `first_*` never change after insert.
    `status`/`status_at` are the lifecycle's (models.lifecycle); the history is in
    `finding_events`. `fix_year` is the report to be corrected; `compared_year` the
    other report a cross-year rule compared it with (None for single-report rules).
    """

    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("agency_id", "year", "rule", "location"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int]
    rule: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(String(500))  # Finding.where
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    published: Mapped[str] = mapped_column(Text, default="")
    expected: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    cells: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(STATUS, default="open")
    report_id: Mapped[int | None] = mapped_column(ForeignKey("parsed_reports.id"), index=True)
    first_run_id: Mapped[int] = mapped_column(ForeignKey("check_runs.id"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("check_runs.id"), index=True)
    first_seen_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(default=utc_now)
    status_at: Mapped[datetime | None]
    fix_year: Mapped[int | None]
    compared_year: Mapped[int | None]

    events: Mapped[list[FindingEvent]] = relationship(
        back_populates="finding", order_by="FindingEvent.id"
    )
    agency: Mapped[Agency] = relationship()


class FindingEvent(Base):
    """One lifecycle event of a finding; rows are only ever added.

    `run_id`: the run that saw it (opened/fixed/reopened); `delivery_id`: the message
    that carried it (notified); `actor`/`note`: who waived it and why.
    """

    __tablename__ = "finding_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    kind: Mapped[str] = mapped_column(STATUS)
    at: Mapped[datetime] = mapped_column(default=utc_now)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("check_runs.id"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("parsed_reports.id"))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"))
    actor: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    finding: Mapped[FindingRecord] = relationship(back_populates="events")


class Delivery(Base):
    """One message to one recipient. Key: (recipient, message_key, fingerprint).

    `message_key` names what the message is about ("digest:2023", "agency:2023:<id>");
    `fingerprint` hashes the state it reports (findings and their statuses), so the
    same state is never sent twice to one address, and a failed send is retried by
    the next run that composes the same message. `finding_ids` are the findings it
    carries (notified on delivery). `error` never holds credentials.
    """

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("recipient", "message_key", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("check_runs.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(320))
    message_key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(Text, default="")
    finding_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(STATUS, default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    sent_at: Mapped[datetime | None]


class AgencyOutcome(Base):
    """Where one agency got to in one run, with the reason in Chinese."""

    __tablename__ = "agency_outcomes"
    __table_args__ = (UniqueConstraint("run_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("check_runs.id"))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[str] = mapped_column(STATUS)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)
