"""Summaries from the database: findings with their lifecycle, the 整改进展 page,
the 整改台账 XLSX, and the stored outcome of every agency (for re-rendering after a
recheck). Plain functions; the flows call them in tasks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from ingest.outcome import ParseOutcome
from ingest.registry import Agency
from models import ledger
from models.canonical import CanonicalReport
from models.db import Database
from reports.contexts import FindingView

LEDGER_FILE = "整改台账.xlsx"


def describe(rule: str) -> tuple[str, str]:
    """(title, basis) of a rule id from the rule registry; unknown ids stand for themselves."""
    from expectations.registry import get_rule

    try:
        found = get_rule(rule)
    except (KeyError, LookupError):
        return rule, ""
    return found.title_zh, found.basis


def rule_title(rule: str) -> str:
    return describe(rule)[0]


def _db(database_url: str) -> Database:
    db = Database.connect(database_url)
    db.create_schema()
    return db


def finding_views(database_url: str, year: int) -> dict[str, list[FindingView]]:
    """Agency id -> every finding of `year` with status and dates (发现/通知/整改)."""
    from reports.progress import finding_views as views

    db = _db(database_url)
    try:
        with db.sessions() as session:
            return views(ledger.ledger(session, year), describe)
    finally:
        db.dispose()


def write_progress(
    database_url: str, pages_dir: Path, year: int, scope: str, run_id: int | None
) -> list[Path]:
    """Write `progress.html` (整改进展) and `整改台账.xlsx` into `pages_dir`."""
    from reports.ledger_xlsx import write_ledger
    from reports.progress import progress_context
    from reports.render import write_progress as write_page

    db = _db(database_url)
    try:
        with db.sessions() as session:
            entries = ledger.ledger(session, year)
            count = len(ledger.latest_outcomes(session, year))
    finally:
        db.dispose()
    ctx = progress_context(scope, year, str(run_id or "—"), datetime.now(UTC), entries, count)
    return [
        write_page(pages_dir, ctx),
        write_ledger(Path(pages_dir) / LEDGER_FILE, entries, rule_title),
    ]


def stored_outcomes(database_url: str, year: int, agencies: Sequence[Agency]) -> list[ParseOutcome]:
    """Each agency's latest recorded outcome with its latest report (for rendering)."""
    from models.store import latest_report

    db = _db(database_url)
    out = []
    try:
        with db.sessions() as session:
            recorded = ledger.latest_outcomes(session, year)
            for a in agencies:
                row = recorded.get(a.agency_id)
                if row is None:
                    out.append(ParseOutcome(a.agency_id, "missing", "尚未审核"))
                    continue
                report = latest_report(session, a.agency_id, year)
                document = report.document if report is not None else None
                canonical = (
                    CanonicalReport.from_dict(report.canonical)
                    if report is not None and report.canonical and row.status == "parsed"
                    else None
                )
                out.append(
                    ParseOutcome(
                        a.agency_id,
                        row.status,
                        row.reason,
                        Path(document.location) if document else None,
                        document.sha256 if document else None,
                        document.size if document else None,
                        canonical,
                    )
                )
    finally:
        db.dispose()
    return out
