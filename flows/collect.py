"""Prefect flow `collect`: each agency's report for one year from its website.

Stages are plain functions (tests call them directly); tasks wrap *batches* of
agencies and are retried (a batch catches each agency's own failures, so a retry means
the batch itself broke). Batches run one after another so the per-host limit holds
across the whole run; each batch takes the hosts in turn (`by_host`), so that every
host has work in every batch and the batch's workers are spread over them.

Settings (`build_collect_settings`): `NIANBAO_COLLECT_DELAY` (pause after each request
to a host, seconds), `NIANBAO_COLLECT_PER_HOST` (requests in flight per host),
`NIANBAO_COLLECT_CONCURRENCY` (agencies at once over all hosts), then the caller's
options (`CollectSettings` fields, e.g. `nianbao collect --per-host`) over them.

collect_batch (fetch + archive) → record_collection (DB: documents, fetch records,
outcomes; publication context per agency), batch by batch → check_publications (PUB-*
rules) → persist_publication_findings. In `annual_review` each recorded batch goes to
the parser at once (`review_items(on_items=…)`), so parsing overlaps collection.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from expectations.deadlines import local_deadline, statutory_deadline
from ingest.collect import (
    COLLECTED,
    FAILED,
    LATE,
    AgencyCollector,
    Archive,
    Collected,
    CollectSettings,
    Fetcher,
    make_client,
    options_from_env,
)
from ingest.collect.collector import start_host
from ingest.registry import Agency
from models.finding import Finding
from models.publication import Publication

MEDIA_SUFFIX = {"html": ".html", "pdf": ".pdf", "docx": ".docx", "doc": ".doc", "wps": ".wps"}


@dataclass
class AgencyCollection:
    """One agency after collection: its status, the report file to parse, its context."""

    agency_id: str
    status: str  # collected | late | missing | failed
    reason: str
    path: Path | None  # the report, materialised as `<documents_dir>/<agency_id>.<ext>`
    publication: Publication


@dataclass
class CollectSummary:
    run_id: int
    year: int
    outcomes: dict[str, str]  # agency_id -> status
    reasons: dict[str, str]
    findings: int
    documents_dir: Path


def build_collect_settings(
    out_dir: Path, options: Mapping[str, object] | None = None
) -> CollectSettings:
    """Settings for a run writing under `out_dir`; `options` override fields by name
    (`ingest.collect.options_from_env(environ)` gives those the environment sets)."""
    known = {f.name for f in fields(CollectSettings)}
    options = dict(options or {})
    unknown = sorted(set(options) - known)
    if unknown:
        raise ValueError(f"未知的采集设置：{', '.join(unknown)}")
    if "archive_dir" in options:
        options["archive_dir"] = Path(str(options["archive_dir"]))
    return replace(CollectSettings(archive_dir=Path(out_dir) / "archive"), **options)


def wants_web(agency: Agency, year: int) -> bool:
    """The registry says where this agency publishes (column page or the year's URL)."""
    return bool(agency.column_url or year in agency.report_urls)


def by_host(agencies: Sequence[Agency], year: int) -> list[Agency]:
    """`agencies` with the hosts taken in turn (each host's agencies in registry order)."""
    queues: dict[str, list[Agency]] = {}
    for a in agencies:
        queues.setdefault(start_host(a, year), []).append(a)
    rounds = max((len(q) for q in queues.values()), default=0)
    return [q[i] for i in range(rounds) for q in queues.values() if i < len(q)]


# -- stages --------------------------------------------------------------------------


def collect_batch(
    agencies: Sequence[Agency], year: int, settings: CollectSettings, client=None
) -> list[Collected]:
    """Fetch and archive each agency's report; every agency gets one `Collected`.
    Returns once each host's pause after its last request has passed."""
    own = client is None
    client = client or make_client(settings)
    fetcher = Fetcher(client, settings)
    try:
        collector = AgencyCollector(fetcher, Archive(settings.archive_dir), settings.max_pages)
        return collector.collect_many(agencies, year, settings.workers)
    finally:
        fetcher.limiter.wait_rested()  # the next batch starts with rested hosts
        if own:
            client.close()


def _published(result: Collected, first_seen: datetime | None) -> tuple[str | None, str | None]:
    """RULES.md PUB-DEADLINE: the earliest of the shown date and the first crawl."""
    candidates = []
    if result.page_date:
        candidates.append((result.page_date, "页面发布日期"))
    elif result.listed_date:
        candidates.append((result.listed_date, "栏目列表日期"))
    if first_seen is not None:
        candidates.append((first_seen.date().isoformat(), "首次采集日期"))
    return min(candidates) if candidates else (None, None)


def _deadlines(agency: Agency, year: int, settings: CollectSettings) -> tuple[date | None, ...]:
    statutory = statutory_deadline(agency.kind, year)
    local = local_deadline(
        settings.local_deadlines, year, agency.agency_id, agency.level, agency.kind
    )
    if local is not None and statutory is not None and local >= statutory:
        local = None  # only a stricter local deadline adds a check
    return statutory, local


def record_collection(
    database_url: str,
    year: int,
    agencies: Sequence[Agency],
    results: Sequence[Collected],
    settings: CollectSettings,
    documents_dir: Path,
    today: date | None = None,
) -> list[AgencyCollection]:
    """Store every fetched body and each agency's outcome; the report files to parse."""
    import models.collection  # noqa: F401  (registers the collection tables)
    from models import collection_store, store
    from models.db import Database

    today = today or datetime.now(UTC).date()
    by_id = {r.agency_id: r for r in results}
    archive = Archive(settings.archive_dir)
    documents_dir = Path(documents_dir)
    documents_dir.mkdir(parents=True, exist_ok=True)
    ids = {a.agency_id for a in agencies}
    earlier: dict[str, list[Path]] = {}  # agency_id -> files of an earlier collection
    for name in os.listdir(documents_dir):
        if (stem := name.rsplit(".", 1)[0]) in ids:
            earlier.setdefault(stem, []).append(documents_dir / name)
    out: list[AgencyCollection] = []
    db = Database.connect(database_url)
    try:
        db.create_schema()
        with db.write_sessions.begin() as session:
            store.upsert_registry(session, agencies)
            fetches, reports = [], {}  # reports: agency_id -> its report's place in fetches
            for a in agencies:
                result = by_id[a.agency_id]
                for log in result.fetches:
                    if log is result.document:
                        reports[a.agency_id] = len(fetches)
                    fetches.append(_fetch(a.agency_id, year, log, log is result.document))
            documents = collection_store.record_fetches(session, fetches)
            histories = collection_store.report_histories(
                session, [a.agency_id for a in agencies], year
            )
            outcomes = []
            for a in agencies:
                result = by_id[a.agency_id]
                history = histories[a.agency_id]
                found = result.document is not None
                published, source = (
                    _published(result, history.first_seen) if found else (None, None)
                )
                statutory, local = _deadlines(a, year, settings)
                publication = Publication(
                    agency_id=a.agency_id,
                    kind=a.kind,
                    year=year,
                    found=found,
                    checked_on=today.isoformat(),
                    published_date=published,
                    date_source=source,
                    deadline=statutory.isoformat() if statutory else None,
                    local_deadline=local.isoformat() if local else None,
                    grace_days=settings.grace_days,
                    versions=history.versions,
                    url=result.page_url or a.column_url,
                )
                status, reason = result.status, result.reason
                effective = publication.effective_deadline
                if found and published and effective and published > effective:
                    status = LATE
                    reason = f"已采集，{published}发布，晚于发布期限{effective}"
                n = reports.get(a.agency_id)
                outcomes.append(
                    collection_store.Outcome(
                        a.agency_id,
                        year,
                        status,
                        reason,
                        document_id=documents[n] if n is not None else None,
                        page_url=result.page_url,
                        published_date=published,
                        date_source=source,
                        versions=history.versions,
                    )
                )
                for old in earlier.get(a.agency_id, ()):
                    old.unlink(missing_ok=True)
                path = None
                if found:
                    path = _materialise(archive, result, documents_dir)
                out.append(AgencyCollection(a.agency_id, status, reason, path, publication))
            collection_store.record_collection_outcomes(session, outcomes)
        return out
    finally:
        db.dispose()


def _fetch(agency_id: str, year: int, log, is_report: bool):
    """A `FetchLog` as the store records it (the report's own fetch has role "report")."""
    from models.collection_store import Fetch

    return Fetch(
        agency_id,
        year,
        role="report" if is_report else log.role,
        url=log.url,
        final_url=log.final_url,
        status=log.status,
        headers=log.headers,
        sha256=log.sha256,
        size=log.size,
        media_type=log.media,
        fetched_at=log.fetched_at,
    )


def _materialise(archive: Archive, result: Collected, documents_dir: Path) -> Path:
    """The archived report under a name the parser reads: `<agency_id>.<ext>` (the
    caller has removed the agency's earlier files)."""
    document = result.document
    suffix = MEDIA_SUFFIX.get(document.media, ".html")
    target = documents_dir / f"{result.agency_id}{suffix}"
    target.unlink(missing_ok=True)
    source = archive.path(document.sha256)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    return target


def check_publications(collections: Sequence[AgencyCollection]) -> dict[str, list[Finding]]:
    """PUB-* findings per agency (one GX validation over the whole batch)."""
    from expectations.rules import publication
    from expectations.validate import Checker
    from models.canonical import CanonicalReport

    found: dict[str, list[Finding]] = {c.agency_id: [] for c in collections}
    if not collections:
        return found
    checker = Checker(publication.RULES)
    ids = [c.agency_id for c in collections]
    stubs = [CanonicalReport(file=c.agency_id) for c in collections]
    for f in checker.check(stubs, ids, [c.publication for c in collections]):
        found[f.report_id].append(f)
    return found


def persist_publication_findings(
    database_url: str,
    year: int,
    collections: Sequence[AgencyCollection],
    findings: Mapping[str, list[Finding]],
    params: dict,
) -> tuple[int, dict[str, int]]:
    """One run: each agency's outcome and its PUB findings (upserted by finding key)."""
    from models import store
    from models.db import Database

    db = Database.connect(database_url)
    try:
        with db.write_sessions.begin() as session:
            run = store.start_run(session, year, params)
            counts = {"opened": 0, "confirmed": 0}
            for c in collections:
                # agency_outcomes has no "late": it is a collected report (reason says late).
                status = COLLECTED if c.status == LATE else c.status
                store.record_outcome(session, run, c.agency_id, status, c.reason)
                got = store.record_findings(
                    session, run, c.agency_id, year, None, findings.get(c.agency_id, [])
                )
                for k in counts:
                    counts[k] += got.get(k, 0)
            totals = {s: sum(c.status == s for c in collections) for s in ("collected", "late")}
            totals |= {s: sum(c.status == s for c in collections) for s in ("missing", FAILED)}
            store.finish_run(session, run, "finished", {**totals, **counts})
            return run.id, counts
    finally:
        db.dispose()


# -- tasks and flow ------------------------------------------------------------------


@task(name="collect-batch", retries=2, retry_delay_seconds=[5, 30], cache_policy=NONE)
def collect_batch_task(agencies, year, settings):
    return collect_batch(agencies, year, settings)


@task(name="record-collection", retries=1, retry_delay_seconds=5, cache_policy=NONE)
def record_task(database_url, year, agencies, results, settings, documents_dir):
    return record_collection(database_url, year, agencies, results, settings, documents_dir)


def collect_web(
    year: int,
    agencies: Sequence[Agency],
    settings: CollectSettings,
    database_url: str,
    documents_dir: Path,
    batch_size: int = 200,
    on_batch: Callable[[list[AgencyCollection]], None] | None = None,
) -> list[AgencyCollection]:
    """Inside a flow: collect `agencies` in batched tasks (hosts in turn, `by_host`),
    each batch recorded as soon as it is fetched and handed to `on_batch` (the review
    parses it while the next batch is collected). Returns every agency's collection, in
    the order of `agencies`."""
    log = get_run_logger()
    ordered = by_host(agencies, year)
    out: list[AgencyCollection] = []
    for i in range(0, len(ordered), batch_size):
        batch = ordered[i : i + batch_size]
        results = collect_batch_task(batch, year, settings)
        recorded = record_task(database_url, year, batch, results, settings, documents_dir)
        out += recorded
        log.info("采集进度：%d/%d 个机构", len(out), len(agencies))
        if on_batch is not None:
            on_batch(recorded)
    place = {a.agency_id: n for n, a in enumerate(agencies)}
    return sorted(out, key=lambda c: place[c.agency_id])


@flow(name="collect", log_prints=False)
def collect(
    year: int,
    registry: str | None = None,
    out_dir: str | None = None,
    database_url: str | None = None,
    batch_size: int = 200,
    options: dict | None = None,
) -> CollectSummary:
    """Collect one year's reports of every agency with a website in the registry."""
    from flows.settings import build_settings
    from ingest.registry import load_registry

    settings = build_settings(year, registry, None, out_dir, os.environ, batch_size)
    if database_url:
        settings = replace(settings, database_url=database_url)
    collect_settings = build_collect_settings(
        settings.out_dir, {**options_from_env(os.environ), **(options or {})}
    )
    log = get_run_logger()
    agencies = [a for a in load_registry(settings.registry) if wants_web(a, year)]
    log.info("机构名录中有网址的机构 %d 个", len(agencies))
    documents_dir = settings.out_dir / "collected" / str(year)
    collections = collect_web(
        year, agencies, collect_settings, settings.database_url, documents_dir, batch_size
    )
    findings = check_publications(collections)
    params = {"registry": str(settings.registry), "stage": "collect"}
    run_id, _ = persist_publication_findings(
        settings.database_url, year, collections, findings, params
    )
    return CollectSummary(
        run_id,
        year,
        {c.agency_id: c.status for c in collections},
        {c.agency_id: c.reason for c in collections},
        sum(len(v) for v in findings.values()),
        documents_dir,
    )


def review_collect_settings(
    out_dir: Path, config: str | None = None, environ: Mapping[str, str] | None = None
) -> CollectSettings:
    """A review's collection settings: `NIANBAO_COLLECT_*` of `environ` (default: the
    process environment) and the local deadlines of the province configuration `config`."""
    from expectations.config import load_deadlines

    options = options_from_env(os.environ if environ is None else environ)
    if config:
        options["local_deadlines"] = load_deadlines(config)
    return build_collect_settings(out_dir, options)


def review_items(
    settings,
    agencies: Sequence[Agency],
    documents: Mapping[str, list[Path]],
    config: str | None = None,
    environ: Mapping[str, str] | None = None,
    on_items: Callable[[list[tuple]], None] | None = None,
) -> list[tuple]:
    """`annual_review`'s parse items, in registry order: web collection first where the
    registry has URLs.

    Agencies without URLs keep their local files, as `(agency_id, paths)`; collected
    agencies get `(agency_id, [report] + local files, AgencyCollection)`; collection
    settings from `review_collect_settings(out_dir, config, environ)`. `on_items` gets
    the items as they become ready (the agencies without URLs at once, then each
    collected batch), so that parsing overlaps collection.
    """
    emit = on_items or (lambda items: None)
    web = [a for a in agencies if wants_web(a, settings.year)]
    web_ids = {a.agency_id for a in web}
    items: dict[str, tuple] = {
        a.agency_id: (a.agency_id, list(documents.get(a.agency_id, [])))
        for a in agencies
        if a.agency_id not in web_ids
    }
    if items:
        emit(list(items.values()))

    def collected(batch: list[AgencyCollection]) -> None:
        ready = [
            (c.agency_id, ([c.path] if c.path else []) + list(documents.get(c.agency_id, [])), c)
            for c in batch
        ]
        items.update((item[0], item) for item in ready)
        emit(ready)

    if web:
        collect_web(
            settings.year,
            web,
            review_collect_settings(settings.out_dir, config, environ),
            settings.database_url,
            settings.out_dir / "collected" / str(settings.year),
            settings.batch_size,
            on_batch=collected,
        )
    return [items[a.agency_id] for a in agencies]
