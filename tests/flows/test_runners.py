"""The review on a Dask cluster (prefect-dask, a local cluster of two worker processes)
gives the same outcomes and findings as on the default runner."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from flows import stages
from flows.annual_review import run_review
from flows.runners import (
    RunnerError,
    RunnerSettings,
    for_workers,
    mail_workers,
    parse_pool,
    parse_workers,
    runner_settings,
    task_runner,
)
from flows.settings import SAMPLE_PROVINCE, Settings
from ingest.registry import load_registry
from ingest.sources import find_documents
from models.db import Database
from models.tables import AgencyOutcome, FindingRecord

YEAR = 2023


def test_runner_settings_from_arguments_and_environment():
    assert runner_settings({}) == RunnerSettings("default", None, 2)
    env = {"NIANBAO_DASK_ADDRESS": " tcp://10.0.0.5:8786 ", "NIANBAO_DASK_WORKERS": "4"}
    assert runner_settings(env) == RunnerSettings("dask", "tcp://10.0.0.5:8786", 4)
    assert runner_settings(env, kind="default") == RunnerSettings("default", None, 4)
    assert runner_settings({}, "dask", workers=3) == RunnerSettings("dask", None, 3)
    assert runner_settings({"NIANBAO_RUNNER": "dask"}).kind == "dask"
    for bad in ({"NIANBAO_RUNNER": "ray"}, {"NIANBAO_DASK_WORKERS": "two"}):
        with pytest.raises(RunnerError):
            runner_settings(bad)
    with pytest.raises(RunnerError):
        runner_settings({}, "dask", workers=0)


def test_task_runner_for_each_setting():
    from prefect_dask import DaskTaskRunner

    assert task_runner(RunnerSettings()) is None
    remote = task_runner(RunnerSettings("dask", "tcp://10.0.0.5:8786"))
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://10.0.0.5:8786"
    local = task_runner(RunnerSettings("dask", workers=3))
    assert local.address is None
    assert local.cluster_kwargs["n_workers"] == 3 and local.cluster_kwargs["processes"]


def test_paths_for_workers_are_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    relative = Settings(YEAR, Path("r.csv"), Path("src"), Path("out"), "sqlite:///out/n.db")
    settings, config = for_workers(relative, "province.yaml")
    assert settings.source == tmp_path / "src" and settings.registry == tmp_path / "r.csv"
    assert settings.database_url == f"sqlite:///{tmp_path / 'out' / 'n.db'}"
    assert config == str(tmp_path / "province.yaml")
    server = replace(relative, database_url="postgresql+psycopg://u:pw@db/nianbao")
    assert for_workers(server)[0].database_url == server.database_url
    assert for_workers(server)[1] is None


def test_task_arguments_and_results_pickle():
    """What crosses to a Dask worker and back: items, outcomes, findings, registry."""
    agencies = load_registry(SAMPLE_PROVINCE / "registry.csv")
    found = find_documents(SAMPLE_PROVINCE / "reports", YEAR, agencies)
    items = [(a.agency_id, found.documents.get(a.agency_id, [])) for a in agencies]
    outcomes = stages.parse_batch(items, YEAR)
    findings = stages.check_outcomes(outcomes, None, agencies)
    for value in (items, outcomes, agencies):
        assert pickle.loads(pickle.dumps(value)) == value
    back = pickle.loads(pickle.dumps(findings))
    assert back == findings
    assert {k: v.skipped for k, v in back.items()} == {k: v.skipped for k, v in findings.items()}


def _review(folder, database_url, runner: RunnerSettings):
    settings = Settings(
        year=YEAR,
        registry=SAMPLE_PROVINCE / "registry.csv",
        source=SAMPLE_PROVINCE / "reports",
        out_dir=folder / "out",
        database_url=database_url,
        batch_size=4,  # 14 agencies: four parse batches, spread over the workers
        runner=runner,
    )
    summary = run_review(settings)
    db = Database.connect(settings.database_url)
    try:
        with db.sessions() as s:
            findings = sorted(
                (r.agency_id, r.rule, r.location, r.severity, r.message, tuple(r.cells))
                for r in s.scalars(select(FindingRecord))
            )
            outcomes = sorted(
                (o.agency_id, o.status, o.reason) for o in s.scalars(select(AgencyOutcome))
            )
    finally:
        db.dispose()
    return summary, findings, outcomes


def test_dask_cluster_gives_the_default_runners_findings(
    prefect_harness, tmp_path, new_database_url
):
    """Each run on an empty database (a SQLite file each, or the test server emptied)."""
    runs = {}
    for name, runner in (("default", RunnerSettings()), ("dask", RunnerSettings("dask"))):
        folder = tmp_path / name
        folder.mkdir()
        runs[name] = _review(folder, new_database_url(folder), runner)
    default, dask = runs["default"], runs["dask"]  # dask: a local cluster of 2 processes
    assert dask[0].totals == default[0].totals
    assert dask[0].outcomes == default[0].outcomes
    assert dask[1] == default[1] and default[1]  # findings: (agency, rule, cell, …)
    assert dask[2] == default[2]
    assert default[0].totals["parsed"] == 5 and default[0].totals["agencies_with_errors"] == 1


@pytest.mark.parametrize(
    ("read", "name"),
    [(parse_workers, "NIANBAO_PARSE_WORKERS"), (mail_workers, "NIANBAO_MAIL_WORKERS")],
)
def test_worker_counts_from_the_environment(read, name):
    assert read({name: " 3 "}) == 3 and read({name: "1"}) == 1
    assert read({}) == read({name: ""}) >= 1  # one per core
    for bad, says in (("two", "不是整数"), ("0", "应至少为 1")):
        with pytest.raises(RunnerError, match=f"{name} {says}"):
            read({name: bad})


def test_parse_pool_drops_queued_batches_when_the_flow_fails():
    """Collection failing while parse batches wait: the queued batches are not parsed."""
    import time
    from types import SimpleNamespace

    settings = SimpleNamespace(runner=SimpleNamespace(kind="default"), parse_workers=2)
    futures = []
    with pytest.raises(RuntimeError), parse_pool(settings) as pool:
        futures += [pool.submit(time.sleep, 0.5) for _ in range(20)]
        raise RuntimeError("采集失败")
    assert sum(f.cancelled() for f in futures) >= 15
    assert all(f.done() for f in futures)
