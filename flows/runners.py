"""Where the review's parse and check batches run: Prefect's default thread pool, or a
Dask cluster through `prefect_dask.DaskTaskRunner` (the optional extra `nianbao[dask]`).

| setting | CLI | environment | meaning |
|---|---|---|---|
| kind | `--runner default\\|dask` | `NIANBAO_RUNNER` | `dask` is implied by an address |
| address | `--dask-address tcp://host:8786` | `NIANBAO_DASK_ADDRESS` | an existing scheduler |
| workers | `--dask-workers N` | `NIANBAO_DASK_WORKERS` | no address: a temporary local cluster of N processes |
| parse workers | — | `NIANBAO_PARSE_WORKERS` | default runner: processes parsing (one per core) |

Contract for a Dask run: every task argument and result pickles (outcomes, reports,
findings, registry entries are dataclasses; paths are `Path`s), and the workers see the
same files and database as the flow (a shared folder; PostgreSQL or a shared SQLite
file). The check stays one batch (similarity compares reports across agencies).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

RUNNERS = ("default", "dask")


class RunnerError(ValueError):
    """A runner setting is invalid, or the Dask extra is not installed."""


@dataclass(frozen=True)
class RunnerSettings:
    kind: str = "default"
    address: str | None = None
    workers: int = 2

    def describe(self) -> str:
        if self.kind != "dask":
            return "默认（本机线程池）"
        if self.address:
            return f"Dask 集群 {self.address}"
        return f"本机临时 Dask 集群（{self.workers} 个工作进程）"


def runner_settings(
    environ: Mapping[str, str],
    kind: str | None = None,
    address: str | None = None,
    workers: int | None = None,
) -> RunnerSettings:
    """Arguments win over the environment; an address alone selects Dask."""
    address = (address or environ.get("NIANBAO_DASK_ADDRESS", "")).strip() or None
    kind = (kind or environ.get("NIANBAO_RUNNER", "")).strip() or ("dask" if address else "default")
    if kind not in RUNNERS:
        raise RunnerError(f"未知的运行方式 {kind!r}，可选：{'、'.join(RUNNERS)}")
    if workers is None:
        text = environ.get("NIANBAO_DASK_WORKERS", "").strip() or "2"
        try:
            workers = int(text)
        except ValueError:
            raise RunnerError(f"NIANBAO_DASK_WORKERS 不是整数：{text!r}") from None
    if workers < 1:
        raise RunnerError(f"Dask 工作进程数须至少为 1（得到 {workers}）")
    return RunnerSettings(kind, address if kind == "dask" else None, workers)


def task_runner(settings: RunnerSettings):
    """The Prefect task runner for `settings`; None keeps the flow's default."""
    if settings.kind != "dask":
        return None
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError:
        raise RunnerError(
            "使用 Dask 运行需要安装 prefect-dask：pip install 'nianbao[dask]'"
        ) from None
    if settings.address:
        return DaskTaskRunner(address=settings.address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": settings.workers,
            "processes": True,
            "threads_per_worker": 1,
            "dashboard_address": None,  # no web dashboard (and no port to collide on)
        }
    )


@contextmanager
def shared_api(settings: RunnerSettings) -> Iterator[None]:
    """Dask workers report their task runs to the flow's Prefect API.

    With no `PREFECT_API_URL`, the flow would start an ephemeral server that only it
    knows of, and each worker process another one of its own (15–20 s each, and several
    servers on one `PREFECT_HOME` database). So that server is started here and its URL
    set for the run; the task context carries it to the workers. Workers on other
    machines need a real server instead (`prefect server start`, README).
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if settings.kind != "dask" or PREFECT_API_URL.value():
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the instance the flow's client would start
    server.start()
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield


def for_workers(settings, config: str | None = None):
    """(settings, config) with the paths a task reads made absolute: a worker started in
    another folder must find the same reports, configuration and SQLite file."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    database_url = settings.database_url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        database_url = url.set(database=str(Path(url.database).resolve())).render_as_string(
            hide_password=False
        )
    settings = replace(
        settings,
        registry=settings.registry.resolve(),
        source=settings.source.resolve(),
        out_dir=settings.out_dir.resolve(),
        database_url=database_url,
    )
    return settings, str(Path(config).resolve()) if config else None


def parse_workers(environ: Mapping[str, str]) -> int:
    """Processes for parsing under the default runner: `NIANBAO_PARSE_WORKERS`, else
    one per core; 1 parses in the flow's own threads."""
    return workers_from_env(environ, "NIANBAO_PARSE_WORKERS")


def mail_workers(environ: Mapping[str, str]) -> int:
    """Processes rendering and composing the messages of a delivery (`flows.deliver`):
    `NIANBAO_MAIL_WORKERS`, else one per core; 1 composes in the flow's process."""
    return workers_from_env(environ, "NIANBAO_MAIL_WORKERS")


def workers_from_env(environ: Mapping[str, str], name: str) -> int:
    """A count of worker processes from variable `name`; default one per core."""
    text = environ.get(name, "").strip()
    if not text:
        return os.cpu_count() or 1
    try:
        workers = int(text)
    except ValueError:
        raise RunnerError(f"{name} 不是整数：{text!r}") from None
    if workers < 1:
        raise RunnerError(f"{name} 应至少为 1：{workers}")
    return workers


def _threads() -> bool:
    """Is the current flow on Prefect's thread pool (the default runner)?"""
    from prefect.context import FlowRunContext
    from prefect.task_runners import ThreadPoolTaskRunner

    context = FlowRunContext.get()
    return context is None or isinstance(context.task_runner, ThreadPoolTaskRunner)


def unwalked(value):
    """A large task argument Prefect should not walk: `quote(value)` on the thread
    runner; the value itself on Dask (prefect-dask ships the quote unopened)."""
    from prefect.utilities.annotations import quote

    return quote(value) if _threads() else value


@contextmanager
def parse_pool(settings) -> Iterator[ProcessPoolExecutor | None]:
    """A process pool for the parse batches under the default runner (threads share one
    core: the parser is pure Python); None on Dask (its workers are processes already)
    or with one worker. Started with `spawn`: the flow process runs threads.

    The flow's own task runner decides (the settings inside the flow come from its
    parameters and the environment, not from the CLI's `--runner`)."""
    if not _threads() or settings.runner.kind == "dask" or settings.parse_workers <= 1:
        yield None
        return
    spawn = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(settings.parse_workers, mp_context=spawn)
    try:
        yield pool
    except BaseException:  # e.g. collection failed: do not parse what is still queued
        pool.shutdown(cancel_futures=True)
        raise
    pool.shutdown()
