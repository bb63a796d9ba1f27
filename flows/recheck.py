"""Prefect flow `recheck`: re-read agencies with open findings, close what is fixed.

    registry → agencies with open findings (DB) → DocumentSource.documents → new
    versions only (content hash not seen before) → parse → check → persist (the
    lifecycle closes findings the new version passes) → render from the ledger →
    deliver.

Collection seam: `DocumentSource.documents(year, agencies)` returns each agency's
current files. `LocalFolder` reads `<source>/<year>/<agency_id>.<ext>`; a web
collector plugs in by implementing the same method (download and archive, return the
paths) and being chosen in `document_source`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from prefect import flow, get_run_logger, task

from flows import stages
from flows.settings import Settings, build_settings
from ingest.registry import Agency, load_registry
from ingest.sources import find_documents


class DocumentSource(Protocol):
    def documents(self, year: int, agencies: Sequence[Agency]) -> dict[str, list[Path]]:
        """Agency id -> the files of its current report for `year` (may be empty)."""
        ...


@dataclass(frozen=True)
class LocalFolder:
    """The local source folder (`ingest.sources.find_documents`)."""

    root: Path

    def documents(self, year: int, agencies: Sequence[Agency]) -> dict[str, list[Path]]:
        return find_documents(self.root, year, list(agencies)).documents


def document_source(settings: Settings) -> DocumentSource:
    """Where a recheck reads reports from (the one place to choose a collector)."""
    return LocalFolder(settings.source)


@dataclass
class RecheckSummary:
    year: int
    run_id: int | None  # None: no agency had a new version (no run recorded)
    checked: list[str]  # agencies with open findings
    changed: list[str]  # agencies whose report has a new version
    counts: dict[str, int] = field(default_factory=dict)  # opened/confirmed/fixed/reopened
    delivery: object | None = None  # flows.deliver.DeliveryResult


def to_recheck(database_url: str, year: int) -> tuple[list[str], dict[str, set[str]]]:
    """Agencies with open findings, and every content hash already recorded for each."""
    from sqlalchemy import select

    from models.db import Database
    from models.ledger import agencies_with_open_findings
    from models.tables import SourceDocument

    db = Database.connect(database_url)
    try:
        db.create_schema()
        with db.sessions() as session:
            ids = agencies_with_open_findings(session, year)
            known: dict[str, set[str]] = {i: set() for i in ids}
            rows = session.execute(
                select(SourceDocument.agency_id, SourceDocument.sha256).where(
                    SourceDocument.year == year, SourceDocument.agency_id.in_(ids)
                )
            )
            for agency_id, sha in rows:
                known[agency_id].add(sha)
        return ids, known
    finally:
        db.dispose()


def new_versions(
    documents: dict[str, list[Path]], known: dict[str, set[str]]
) -> dict[str, list[Path]]:
    """Agencies whose files include content not recorded before (by SHA-256)."""
    changed = {}
    for agency_id, paths in documents.items():
        hashes = {hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
        if paths and not hashes <= known.get(agency_id, set()):
            changed[agency_id] = paths
    return changed


@task(name="recheck-parse")
def parse_task(items, year):
    return stages.parse_batch(items, year)


@task(name="recheck-check")
def check_task(outcomes, database_url=None, agencies=()):
    return stages.check_outcomes(outcomes, database_url, agencies)


@task(name="recheck-persist")
def persist_task(database_url, year, agencies, outcomes, findings, params):
    return stages.persist(database_url, year, agencies, outcomes, findings, params)


@task(name="recheck-render")
def render_task(settings: Settings, run_id, agencies):
    from flows.publish import stored_outcomes

    outcomes = stored_outcomes(settings.database_url, settings.year, agencies)
    return stages.render(
        settings.pages_dir,
        settings.year,
        settings.scope,
        run_id,
        agencies,
        outcomes,
        {},
        database_url=settings.database_url,
    )


@task(name="deliver")
def deliver_task(database_url, out_dir, pages_dir, year, scope, run_id):
    return publish_and_deliver(database_url, out_dir, pages_dir, year, scope, run_id)


def publish_and_deliver(database_url, out_dir, pages_dir, year, scope, run_id):
    """Mail, then write 整改进展 and the 台账 beside the pages (settings from the
    environment here, inside the task: credentials never become flow parameters).

    Written once, after the mail (also when it fails): they show the 通知 dates just
    recorded, and delivery reads neither."""
    from flows.deliver import deliver
    from flows.publish import write_progress
    from flows.runners import mail_workers
    from reports.mail import mail_settings_from_env

    try:
        mail = mail_settings_from_env(os.environ, out_dir)
        workers = mail_workers(os.environ)
        return deliver(database_url, Path(pages_dir), year, scope, run_id, mail, workers=workers)
    finally:
        write_progress(database_url, Path(pages_dir), year, scope, run_id)


@flow(name="recheck", log_prints=False)
def recheck(
    year: int,
    registry: str | None = None,
    source: str | None = None,
    out_dir: str | None = None,
    database_url: str | None = None,
) -> RecheckSummary:
    """Recheck one year: registry and source default to the bundled sample province."""
    settings = build_settings(year, registry, source, out_dir, os.environ)
    if database_url:
        settings = replace(settings, database_url=database_url)
    return run_recheck(settings, document_source(settings))


def run_recheck(settings: Settings, source: DocumentSource) -> RecheckSummary:
    """The flow's body for a settings object and a document source."""
    log = get_run_logger()
    agencies = load_registry(settings.registry)
    ids, known = to_recheck(settings.database_url, settings.year)
    targets = [a for a in agencies if a.agency_id in set(ids)]
    changed = new_versions(source.documents(settings.year, targets), known)
    log.info("有待整改问题的机构 %d 个，其中报告有新版本的 %d 个", len(targets), len(changed))
    summary = RecheckSummary(settings.year, None, [a.agency_id for a in targets], sorted(changed))
    if changed:
        rechecked = [a for a in targets if a.agency_id in changed]
        outcomes = parse_task(
            [(a.agency_id, changed[a.agency_id]) for a in rechecked], settings.year
        )
        findings = check_task(outcomes, settings.database_url, rechecked)
        params = {"kind": "recheck", "source": str(settings.source)}
        run_id, _ = persist_task(
            settings.database_url, settings.year, rechecked, outcomes, findings, params
        )
        summary.run_id = run_id
        summary.counts = _lifecycle_counts(settings.database_url, run_id)
        log.info("复查结果：%s", summary.counts)
        render_task(settings, run_id, agencies)
    summary.delivery = deliver_task(
        settings.database_url,
        settings.out_dir,
        settings.pages_dir,
        settings.year,
        settings.scope,
        summary.run_id or _latest_run(settings.database_url, settings.year),
    )
    return summary


def _lifecycle_counts(database_url: str, run_id: int) -> dict[str, int]:
    from models.db import Database
    from models.tables import CheckRun

    db = Database.connect(database_url)
    try:
        with db.sessions() as session:
            counts = session.get(CheckRun, run_id).counts
        return {k: counts.get(k, 0) for k in ("opened", "confirmed", "fixed", "reopened")}
    finally:
        db.dispose()


def _latest_run(database_url: str, year: int) -> int | None:
    from sqlalchemy import func, select

    from models.db import Database
    from models.tables import CheckRun

    db = Database.connect(database_url)
    try:
        with db.sessions() as session:
            return session.scalar(select(func.max(CheckRun.id)).where(CheckRun.year == year))
    finally:
        db.dispose()
