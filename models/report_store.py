"""A report's document and what the parser made of it (contract as `models.store`).

- `source_documents`: one row per distinct content of (agency, year), keyed by its
  sha256; the same bytes fetched again only advance `last_fetched_at`.
- `parsed_reports`: the parser's outcome, one row per document, replaced on re-parse.
- `latest_report`: the report of the most recently fetched document of (agency, year);
  `previous_reports`: the parsed one of the year before, for many agencies at once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models.base import utc_now
from models.batch import check, chunks, expire, id_of, insert_missing, select_rows, update_by_id
from models.canonical import CanonicalReport
from models.tables import REPORT_STATUSES, Agency, ParsedReport, SourceDocument

__all__ = [
    "StoredReport",
    "latest_report",
    "latest_report_ids",
    "previous_reports",
    "record_document",
    "record_documents",
    "record_report",
    "record_reports",
]

_SHA256 = re.compile(r"[0-9a-f]{64}")


def _file_name(location: str) -> str:
    return (PurePosixPath(unquote(urlsplit(location).path)).name or location)[:255]


def record_document(
    session: Session,
    agency_id: str,
    year: int,
    location: str,
    content: bytes | str,
    *,
    file_name: str | None = None,
    size: int | None = None,
    media_type: str | None = None,
    fetched_at: datetime | None = None,
) -> SourceDocument:
    """The document for `content` (bytes, or their lowercase hex sha256) of (agency, year).

    Same hash ⇒ the existing row, with only `last_fetched_at` advanced; its first
    location, name and `fetched_at` are kept. `size` defaults to `len(content)`.
    """
    document = {
        "agency_id": agency_id,
        "year": year,
        "location": location,
        "content": content,
        "file_name": file_name,
        "size": size,
        "media_type": media_type,
    }
    (document_id,) = record_documents(session, [document], fetched_at=fetched_at)
    return session.get(SourceDocument, document_id, populate_existing=True)


def _document_row(
    agency_id: str,
    year: int,
    location: str,
    content: bytes | str,
    file_name: str | None = None,
    size: int | None = None,
    media_type: str | None = None,
) -> dict[str, Any]:
    if isinstance(content, bytes):
        digest = hashlib.sha256(content).hexdigest()
        size = len(content) if size is None else size
    elif _SHA256.fullmatch(content):
        digest = content
    else:
        raise ValueError(f"not a lowercase hex sha256: {content!r}")
    return {
        "agency_id": agency_id,
        "year": year,
        "sha256": digest,
        "location": location,
        "file_name": file_name or _file_name(location),
        "size": size,
        "media_type": media_type,
    }


def record_documents(
    session: Session,
    documents: Iterable[Mapping[str, Any]],
    *,
    fetched_at: datetime | None = None,
) -> list[int]:
    """`record_document` for many: each mapping holds its arguments (agency_id, year,
    location, content; optionally file_name, size, media_type). Returns the document
    ids in input order; a key given twice keeps its first location."""
    at = fetched_at or utc_now()
    rows = [_document_row(**document) for document in documents]
    keys = [(row["agency_id"], row["year"], row["sha256"]) for row in rows]
    session.flush()
    ids = _document_ids(session, set(keys))
    new: dict[tuple[str, int, str], dict[str, Any]] = {}
    for key, row in zip(keys, rows, strict=True):
        if key not in ids and key not in new:
            new[key] = {**row, "fetched_at": at, "last_fetched_at": at}
    table = SourceDocument.__table__
    inserted = insert_missing(
        session,
        table,
        list(new.values()),
        ["agency_id", "year", "sha256"],
        [table.c.id, table.c.agency_id, table.c.year, table.c.sha256],
    )
    mine = {(row.agency_id, row.year, row.sha256): row.id for row in inserted}
    if len(mine) < len(new):  # stored by a concurrent run first
        ids |= _document_ids(session, new.keys() - mine.keys())
    # Known content fetched again: last_fetched_at advances (never goes back).
    for chunk in chunks(sorted(set(ids.values()))):
        session.connection().execute(
            update(table)
            .where(table.c.id.in_(chunk), table.c.last_fetched_at < at)
            .values(last_fetched_at=at)
        )
    expire(session, SourceDocument, ids.values())
    ids |= mine
    return [ids[key] for key in keys]


def _document_ids(
    session: Session, keys: set[tuple[str, int, str]]
) -> dict[tuple[str, int, str], int]:
    table = SourceDocument.__table__
    years = sorted({year for _, year, _ in keys})
    rows = select_rows(
        session,
        [table.c.id, table.c.agency_id, table.c.year, table.c.sha256],
        table.c.agency_id,
        sorted({agency_id for agency_id, _, _ in keys}),
        table.c.year.in_(years),
    )
    found = {(row.agency_id, row.year, row.sha256): row.id for row in rows}
    return {key: found[key] for key in keys if key in found}


def _iso_date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


class StoredReport(NamedTuple):
    """A `parsed_reports` row as `record_reports` left it (what the lifecycle reads)."""

    id: int
    status: str


_REPORT_FIELDS = ("format", "published_date", "canonical", "status", "message")


def record_report(
    session: Session,
    document: SourceDocument,
    canonical: CanonicalReport | None,
    status: str,
    message: str = "",
) -> ParsedReport:
    """The parser's outcome for `document`: one row per document, replaced on re-parse.

    `canonical` is None when nothing was parsed; its `published_date` must be ISO
    (YYYY-MM-DD) or None.
    """
    report = {
        "document_id": id_of(session, document),
        "agency_id": document.agency_id,
        "year": document.year,
        "canonical": canonical,
        "status": status,
        "message": message,
    }
    (stored,) = record_reports(session, [report])
    return session.get(ParsedReport, stored.id, populate_existing=True)


def record_reports(
    session: Session, reports: Iterable[Mapping[str, Any]], *, at: datetime | None = None
) -> list[StoredReport]:
    """`record_report` for many: each mapping holds document_id, agency_id, year (the
    document's), canonical (a `CanonicalReport` or None), status and optionally
    message. Returns each one's row in input order; a document given twice gets the
    last values."""
    at = at or utc_now()
    reports = list(reports)
    rows: dict[int, dict[str, Any]] = {}
    for report in reports:
        canonical = report["canonical"]
        rows[report["document_id"]] = {
            "document_id": report["document_id"],
            "agency_id": report["agency_id"],
            "year": report["year"],
            "format": canonical.format if canonical else None,
            "published_date": _iso_date(canonical.published_date) if canonical else None,
            "canonical": canonical.to_dict() if canonical else None,
            "status": check(report["status"], REPORT_STATUSES, "report status"),
            "message": report.get("message", ""),
        }
    table = ParsedReport.__table__
    session.flush()

    def stored(document_ids: Iterable[int]) -> dict[int, int]:
        columns = [table.c.document_id, table.c.id]
        found = select_rows(session, columns, table.c.document_id, document_ids)
        return {row.document_id: row.id for row in found}

    ids = stored(sorted(rows))
    new = [{**row, "created_at": at, "updated_at": at} for d, row in rows.items() if d not in ids]
    inserted = insert_missing(
        session, table, new, ["document_id"], [table.c.document_id, table.c.id]
    )
    mine = {row.document_id: row.id for row in inserted}
    if len(mine) < len(new):  # stored by a concurrent run first: replaced below
        ids |= stored(row["document_id"] for row in new if row["document_id"] not in mine)
    update_by_id(
        session,
        table,
        [
            {"_id": ids[d], **{f: rows[d][f] for f in _REPORT_FIELDS}, "updated_at": at}
            for d in sorted(ids)
        ],
    )
    expire(session, ParsedReport, ids.values())
    ids |= mine
    return [StoredReport(ids[r["document_id"]], rows[r["document_id"]]["status"]) for r in reports]


# The latest report of an agency-year: the most recently fetched document's, then the
# newest report of it.
_LATEST_FIRST = (SourceDocument.last_fetched_at.desc(), ParsedReport.id.desc())


def latest_report(session: Session, agency_id: str, year: int) -> ParsedReport | None:
    """The report of the most recently fetched document of (agency, year), any status."""
    return session.scalar(
        select(ParsedReport)
        .join(ParsedReport.document)
        .where(ParsedReport.agency_id == agency_id, ParsedReport.year == year)
        .order_by(*_LATEST_FIRST)
        .limit(1)
    )


def latest_report_ids(session: Session, agency_ids: Iterable[str], year: int) -> dict[str, int]:
    """Agency id -> id of its `latest_report` of `year`, for those that have one: ranked
    in SQL, one statement per chunk of agencies."""
    found: dict[str, int] = {}
    for chunk in chunks(sorted(set(agency_ids))):
        ranked = _ranked(chunk, year)
        rows = session.execute(select(ranked.c.agency_id, ranked.c.id).where(ranked.c.rank == 1))
        found |= {agency_id: report_id for agency_id, report_id in rows}
    return found


def _ranked(agency_ids: Sequence[str], year: int):
    """Subquery: the reports of `year` of `agency_ids` (agency_id, id) with their
    `rank`, 1 for each agency's `latest_report`."""
    rank = func.row_number().over(partition_by=ParsedReport.agency_id, order_by=_LATEST_FIRST)
    return (
        select(ParsedReport.agency_id, ParsedReport.id, rank.label("rank"))
        .join(ParsedReport.document)
        .where(ParsedReport.agency_id.in_(agency_ids), ParsedReport.year == year)
        .subquery()
    )


def previous_reports(
    session: Session, aliases: Mapping[str, Sequence[str]], year: int
) -> dict[str, CanonicalReport]:
    """Each agency's parsed report of `year` (the review's year-1), by stable agency id,
    else through the agency's former names (`aliases`: agency id -> names): a renamed
    agency's report stored under its former id. Agencies without one are left out.

    A candidate counts when its `latest_report` is "parsed" with a canonical (an older
    parsed report behind a newer failed one does not); the agency's own id is tried
    first, then the other agencies bearing one of its names, by id. A few statements
    for all agencies: names and candidate ids read with IN over chunks.
    """
    by_name: dict[str, list[str]] = {}
    names = sorted({name for former in aliases.values() for name in former})
    for chunk in chunks(names):
        for agency_id, name in session.execute(
            select(Agency.id, Agency.name).where(Agency.name.in_(chunk))
        ):
            by_name.setdefault(name, []).append(agency_id)
    candidates = {
        agency_id: [
            agency_id,
            *sorted({other for name in former for other in by_name.get(name, ())} - {agency_id}),
        ]
        for agency_id, former in aliases.items()
    }
    parsed = _latest_parsed(session, {c for ids in candidates.values() for c in ids}, year)
    found: dict[str, CanonicalReport] = {}
    for agency_id, ids in candidates.items():
        canonical = next((parsed[c] for c in ids if c in parsed), None)
        if canonical is not None:
            found[agency_id] = CanonicalReport.from_dict(canonical)
    return found


def _latest_parsed(
    session: Session, agency_ids: Iterable[str], year: int
) -> dict[str, dict[str, Any]]:
    """Agency id -> canonical of its `latest_report` of `year`, for those whose latest
    report is "parsed" with a canonical."""
    found: dict[str, dict[str, Any]] = {}
    for chunk in chunks(sorted(set(agency_ids))):
        ranked = _ranked(chunk, year)
        rows = session.execute(
            select(ParsedReport.agency_id, ParsedReport.canonical)
            .join(ranked, ranked.c.id == ParsedReport.id)
            .where(ranked.c.rank == 1, ParsedReport.status == "parsed")
        )
        found |= {agency_id: canonical for agency_id, canonical in rows if canonical}
    return found
