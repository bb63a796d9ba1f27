"""Prefect flow `annual_review`: the whole line for one province and year.

Thin by design: tasks wrap *batches* of agencies (never one task per report) and call
the plain stage functions of `flows.stages`.

collect + parse (`collect_and_parse`: each collected batch goes to the parse pool at
once, so the two overlap) → check → persist → render → deliver (`check_and_report`).
Once parsed, the province is left out of the garbage collector's passes
(`flows.memory.gc_settled`); once stored, the reports are kept without their texts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import stages
from flows.collect import review_items
from flows.memory import gc_settled, give_back, settle
from flows.recheck import deliver_task
from flows.runners import for_workers, parse_pool, shared_api, task_runner, unwalked
from flows.settings import Settings, build_settings
from ingest.registry import load_registry
from ingest.sources import find_documents


@dataclass
class ReviewSummary:
    run_id: int
    year: int
    totals: dict[str, int]
    index_page: Path
    outcomes: dict[str, str]  # agency_id -> outcome status
    delivery: object | None = None  # flows.deliver.DeliveryResult


# The tasks take large collections (thousands of outcomes and findings): no input
# hashing for a cache (NO_CACHE) and the big arguments wrapped in `quote()` at the call
# (`runners.unwalked`),
# so Prefect does not walk them looking for futures. At 1,000 reports that walking and
# hashing cost more than the checks themselves.


@task(name="parse-batch", cache_policy=NO_CACHE)
def parse_batch_task(items, year, pool=None):
    """One batch; in `pool` (a process pool: parsing is CPU-bound Python) when given."""
    if pool is not None:
        return pool.submit(stages.parse_batch, items, year).result()
    return stages.parse_batch(items, year)


@task(name="check-batch", cache_policy=NO_CACHE)
def check_task(outcomes, database_url=None, agencies=(), config=None):
    return stages.check_outcomes(outcomes, database_url, agencies, config)


@task(name="persist", cache_policy=NO_CACHE)
def persist_task(database_url, year, agencies, outcomes, findings, params):
    return stages.persist(database_url, year, agencies, outcomes, findings, params)


@task(name="render", cache_policy=NO_CACHE)
def render_task(
    out_dir, year, scope, run_id, agencies, outcomes, findings, database_url=None, only=None
):
    return stages.render(
        out_dir,
        year,
        scope,
        run_id,
        agencies,
        outcomes,
        findings,
        database_url=database_url,
        only=only,
    )


@flow(name="annual_review", log_prints=False)
def annual_review(
    year: int,
    registry: str | None = None,
    source: str | None = None,
    out_dir: str | None = None,
    database_url: str | None = None,
    batch_size: int = 200,
    config: str | None = None,
) -> ReviewSummary:
    """Review one year: registry and source default to the bundled sample province.

    `config`: the province configuration YAML (`expectations.config`), if any."""
    settings = build_settings(year, registry, source, out_dir, os.environ, batch_size)
    if database_url:
        settings = replace(settings, database_url=database_url)
    return review(settings, config)


def run_review(settings: Settings, config: str | None = None) -> ReviewSummary:
    """Run the flow for a settings object built at an entry point, on the task runner
    `settings.runner` selects (flows.runners: the default thread pool, or Dask)."""
    runner = task_runner(settings.runner)
    flow_ = annual_review
    if runner is not None:
        flow_ = annual_review.with_options(task_runner=runner)
        settings, config = for_workers(settings, config)
    with shared_api(settings.runner):
        return flow_(
            settings.year,
            str(settings.registry),
            str(settings.source),
            str(settings.out_dir),
            settings.database_url,
            settings.batch_size,
            config,
        )


def review(settings: Settings, config: str | None = None) -> ReviewSummary:
    """The flow's body, for a settings object built at the entry point."""
    log = get_run_logger()
    agencies = load_registry(settings.registry)
    found = find_documents(settings.source, settings.year, agencies)
    log.info(
        "机构名录 %d 个机构；找到报告文件 %d 个",
        len(agencies),
        sum(len(v) for v in found.documents.values()),
    )
    for path in found.unregistered:
        log.warning("文件 %s 不属于名录中的任何机构，已跳过", path.name)
    with gc_settled():  # flows.memory: the libraries and the parsed province
        outcomes = collect_and_parse(settings, agencies, found.documents, config)
        settle()
        return check_and_report(settings, agencies, outcomes, config)


def collect_and_parse(settings: Settings, agencies, documents, config) -> list:
    """Every agency's `ParseOutcome`, in registry order: collected from the web where the
    registry has URLs, each batch parsed (in `parse_pool`) while the next is collected."""
    log = get_run_logger()
    outcomes = []
    with parse_pool(settings) as pool:
        futures = []

        def parse(ready: list[tuple]) -> None:
            for i in range(0, len(ready), settings.batch_size):
                batch = ready[i : i + settings.batch_size]
                futures.append(parse_batch_task.submit(unwalked(batch), settings.year, pool))
            settle()  # the batches parsed so far (their results have arrived)

        items = review_items(settings, agencies, documents, config, on_items=parse)
        for fut in futures:
            outcomes += fut.result()
            log.info("解析进度：%d/%d 个机构", len(outcomes), len(items))
        futures.clear()  # a future holds its batch's outcomes too
    place = {item[0]: n for n, item in enumerate(items)}
    outcomes.sort(key=lambda o: place[o.agency_id])
    return outcomes


def check_and_report(settings: Settings, agencies, outcomes, config) -> ReviewSummary:
    """Check, persist, render and deliver the parsed province."""
    log = get_run_logger()
    # Submitted, so that it runs where the parse batches ran (a Dask worker, if any);
    # one batch over all reports (similarity rules compare across agencies).
    findings = check_task.submit(
        unwalked(outcomes), settings.database_url, unwalked(agencies), config
    ).result()
    log.info("规则检查完成：%d 条发现", sum(len(v) for v in findings.values()))
    give_back()  # the check's frames, before the stages that follow
    params = {"registry": str(settings.registry), "source": str(settings.source)}
    run_id, totals = persist_task(
        settings.database_url,
        settings.year,
        unwalked(agencies),
        unwalked(outcomes),
        unwalked(findings),
        params,
    )
    for o in outcomes:  # stored; the pages draw the tables only
        if o.report is not None:
            o.report = o.report.without_texts()
    give_back()
    pages = render_task(
        settings.pages_dir,
        settings.year,
        settings.scope,
        run_id,
        unwalked(agencies),
        unwalked(outcomes),
        unwalked(findings),
        settings.database_url,
    )
    log.info("已生成审核摘要 %d 页：%s", len(pages), pages[0])
    give_back()  # before delivery starts its worker processes
    delivery = deliver_task(  # flows.recheck: 整改进展, 台账, then email
        settings.database_url,
        settings.out_dir,
        settings.pages_dir,
        settings.year,
        settings.scope,
        run_id,
    )
    log.info(
        "邮件：发送 %d 封，已发送过 %d 封，失败 %d 封（%s）",
        delivery.sent,
        delivery.skipped,
        delivery.failed,
        delivery.via,
    )
    if delivery.notified:  # their pages show the 通知 dates just recorded
        render_task(
            settings.pages_dir,
            settings.year,
            settings.scope,
            run_id,
            unwalked(agencies),
            unwalked(outcomes),
            unwalked(findings),
            settings.database_url,
            only=unwalked(sorted(delivery.notified)),
        )
    return ReviewSummary(
        run_id,
        settings.year,
        totals,
        pages[0],
        {o.agency_id: o.status for o in outcomes},
        delivery,
    )
