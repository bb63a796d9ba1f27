"""A review killed (SIGKILL) and started again completes with no duplicate and no lost
report, and sends each message once.

`nianbao review` runs in a subprocess on a copy of the sample province (2023), against
the session's Prefect API, and is killed three times before a run completes:

1. from outside, once the first parse batch is logged ("解析进度");
2. by itself inside the persist transaction, just before its commit;
3. by itself right after the first message was written to the outbox, before its
   delivery was recorded.

The kills at 2 and 3 come from a bootstrap that wraps one function and then runs the
console entry point (no hook in the product code). The final state must equal a clean
single run's.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from flows.annual_review import run_review
from flows.settings import PROJECT_ROOT, SAMPLE_PROVINCE, Settings
from ingest.registry import load_registry
from models.db import Database
from models.tables import (
    AgencyOutcome,
    CheckRun,
    Delivery,
    FindingEvent,
    FindingRecord,
    ParsedReport,
    SourceDocument,
)

YEAR = 2023
BATCH = 2  # 14 agencies: seven parse batches, so the first progress line is mid-parse

BOOT = """
import os, signal, sys

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def after(owner, name):
    original = getattr(owner, name)
    def wrapped(*args, **kwargs):
        result = original(*args, **kwargs)
        die()
        return result
    setattr(owner, name, wrapped)

at = os.environ.get("FAULT_KILL_AT", "")
if at == "persist":
    from models import store
    after(store, "finish_run")  # inside persist's transaction, before the commit
elif at == "deliver":
    from reports.mail.mailer import OutboxMailer
    after(OutboxMailer, "send_wire")  # the .eml is written, its delivery not recorded
from flows.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _province(root: Path) -> tuple[Path, Path]:
    registry, source = root / "registry.csv", root / "reports"
    shutil.copy(SAMPLE_PROVINCE / "registry.csv", registry)
    shutil.copytree(SAMPLE_PROVINCE / "reports" / str(YEAR), source / str(YEAR))
    return registry, source


def _env(root: Path, database_url: str) -> dict[str, str]:
    from prefect.settings import PREFECT_API_URL

    env = {k: v for k, v in os.environ.items() if not k.startswith("NIANBAO_")}
    env.update(
        NIANBAO_DATABASE_URL=database_url,
        PREFECT_API_URL=PREFECT_API_URL.value(),  # the session's server: no startup
        PREFECT_HOME=str(root / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
    )
    return env


def _command(registry: Path, source: Path, out: Path) -> list[str]:
    args = ["review", "--year", str(YEAR), "--registry", str(registry), "--source", str(source)]
    return [sys.executable, "-c", BOOT, *args, "--out", str(out), "--batch-size", str(BATCH)]


def _run(command, env, kill_at: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        env={**env, "FAULT_KILL_AT": kill_at},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _kill_on_line(command, env, marker: str, log: Path) -> int:
    """Start `command`, SIGKILL its process group when stderr shows `marker`."""
    with log.open("w") as stdout:
        proc = subprocess.Popen(
            command,
            env=env,
            cwd=PROJECT_ROOT,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own group: nothing it started outlives the kill
        )
        try:
            for line in proc.stderr:
                if marker in line:
                    os.killpg(proc.pid, signal.SIGKILL)
                    break
        finally:
            proc.wait(timeout=300)
            proc.stderr.close()
    return proc.returncode


def _count(db: Database, model, *where) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _state(db: Database) -> dict:
    """What a run leaves, minus ids and times."""
    with db.sessions() as s:
        last = s.scalar(select(CheckRun).order_by(CheckRun.id.desc()).limit(1))
        return {
            "totals": {k: v for k, v in last.counts.items() if k not in ("opened", "confirmed")},
            "outcomes": sorted(
                (o.agency_id, o.status, o.reason)
                for o in s.scalars(select(AgencyOutcome).where(AgencyOutcome.run_id == last.id))
            ),
            "findings": sorted(
                (f.agency_id, f.rule, f.location, f.severity, f.status, tuple(f.cells))
                for f in s.scalars(select(FindingRecord))
            ),
            "reports": sorted(
                (r.agency_id, r.status, r.document.sha256) for r in s.scalars(select(ParsedReport))
            ),
            "sent": sorted(  # the fingerprint holds times: not compared
                (d.recipient, d.message_key, d.status)
                for d in s.scalars(select(Delivery).where(Delivery.status != "superseded"))
            ),
        }


def _no_duplicates(db: Database) -> None:
    """Every UNIQUE key of the tables holds once, and each event happened once."""
    keys = {
        SourceDocument: (SourceDocument.agency_id, SourceDocument.year, SourceDocument.sha256),
        ParsedReport: (ParsedReport.document_id,),
        FindingRecord: (
            FindingRecord.agency_id,
            FindingRecord.year,
            FindingRecord.rule,
            FindingRecord.location,
        ),
        AgencyOutcome: (AgencyOutcome.run_id, AgencyOutcome.agency_id),
        Delivery: (Delivery.recipient, Delivery.message_key, Delivery.fingerprint),
    }
    with db.sessions() as s:
        for model, columns in keys.items():
            dupes = s.execute(
                select(*columns, func.count()).group_by(*columns).having(func.count() > 1)
            ).all()
            assert dupes == [], f"{model.__tablename__}: {dupes}"
        events = Counter((e.finding_id, e.kind, e.note) for e in s.scalars(select(FindingEvent)))
        assert {k: n for k, n in events.items() if n > 1} == {}  # opened/notified once


def test_review_killed_and_restarted_equals_a_clean_run(
    prefect_harness, tmp_path, new_database_url, monkeypatch
):
    for name in ("NIANBAO_SMTP_HOST", "NIANBAO_OUTBOX", "NIANBAO_MAIL_CONTACTS"):
        monkeypatch.delenv(name, raising=False)  # mail goes to each run's outbox
    agencies = load_registry(SAMPLE_PROVINCE / "registry.csv")
    ids = sorted(a.agency_id for a in agencies)

    # the reference: one clean run
    clean = tmp_path / "clean"
    clean.mkdir()
    registry, source = _province(clean)
    clean_url = new_database_url(clean)
    run_review(Settings(YEAR, registry, source, clean / "out", clean_url, batch_size=BATCH))
    clean_db = Database.connect(clean_url)
    expected = _state(clean_db)
    clean_db.dispose()
    clean_outbox = list((clean / "out" / "outbox").glob("*.eml"))
    assert len(clean_outbox) == 2 and len(expected["sent"]) == 2  # one digest per supervisor

    # the same province, killed three times, then run to the end
    root = tmp_path / "faults"
    root.mkdir()
    registry, source = _province(root)
    url = new_database_url(root)
    env = _env(root, url)
    out = root / "out"
    command = _command(registry, source, out)
    db = Database.connect(url)
    db.create_schema()
    try:
        times = [time.monotonic()]
        code = _kill_on_line(command, env, "解析进度", root / "run1.log")
        assert code == -signal.SIGKILL
        assert _count(db, CheckRun) == 0  # killed before anything was stored
        times.append(time.monotonic())

        killed = _run(command, env, kill_at="persist")
        assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
        assert _count(db, CheckRun) == _count(db, SourceDocument) == 0  # rolled back
        times.append(time.monotonic())

        killed = _run(command, env, kill_at="deliver")
        assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
        assert _count(db, CheckRun, CheckRun.status == "finished") == 1
        assert len(list((out / "outbox").glob("*.eml"))) == 1
        assert _count(db, Delivery, Delivery.status == "sent") == 0  # not recorded
        times.append(time.monotonic())

        done = _run(command, env)
        assert done.returncode == 0, done.stderr[-3000:]
        times.append(time.monotonic())

        assert "审核完成：14 个机构，已解析 5 份" in done.stdout
        assert _state(db) == expected
        assert _count(db, CheckRun, CheckRun.status != "finished") == 0
        with db.sessions() as s:
            last = s.scalar(select(func.max(CheckRun.id)))
            recorded = sorted(
                s.scalars(select(AgencyOutcome.agency_id).where(AgencyOutcome.run_id == last))
            )
        assert recorded == ids  # every registry agency, once
        assert _count(db, ParsedReport) == _count(db, SourceDocument) == 5  # none lost
        _no_duplicates(db)
        # the message written before the kill was written again, not duplicated
        assert len(list((out / "outbox").glob("*.eml"))) == len(clean_outbox)
        assert not list((out / str(YEAR)).glob(".*.tmp"))
        steps = ", ".join(f"{b - a:.1f}" for a, b in zip(times, times[1:], strict=False))
        print(f"runs killed mid-parse, in persist, in delivery, then complete: {steps} s")
    finally:
        db.dispose()
