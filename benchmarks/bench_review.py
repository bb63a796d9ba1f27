"""The full annual review of a synthetic province: time per stage, Prefect's overhead,
peak memory, detection against the ground truth.

    .venv/bin/python benchmarks/bench_review.py --reports 1000 [--reports 10000] [--seed 7]

For each size N (repeatable; the curve from 1,000 to 20,000 shows how cost grows):

1. `ingest.synthetic.generate`: N agencies × 2 years (the year reviewed and the one
   before), about 30% of the reports with one injected error; not timed;
2. the agencies' websites on loopback HTTP servers (`ingest.synthetic.server`, one
   portal per city on its own 127.0.0.x address) and a local SMTP server (aiosmtpd);
3. in a child process, `annual_review` of the year before (so the database holds last
   year's reports: the cross-year rules run, as in a real province); not in the figures
   (`--no-previous` skips it);
4. in a fresh child process, the timed `annual_review` of the year: collect from the
   web (no local files) → parse → check → persist → render → deliver (SMTP).

Stage times: the child wraps the stage functions the flow's tasks call (`STAGES`) and
records each call's interval; a stage's time is the union of its intervals (parse
batches overlap on the thread pool). Prefect overhead = flow wall time − the union of
all stage intervals (engine, task runs, the ephemeral API's start, logging). Peak
memory: the child's process tree (the flow's process and the Prefect API server it
starts), sampled every 0.2 s, and the flow process's own max RSS. Detection: findings of
the year in the database against `truth.json` (`ingest.synthetic.truth.judge`).

Collection runs with the per-host pause `--delay` (default 0: the machine's cost, as in
`bench_collect.py`; the production default is `CollectSettings.per_host_delay`), set in
the child by wrapping `flows.collect.build_collect_settings`.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# stage -> the (module, function) pairs the flow's tasks call, wrapped for timing.
STAGES = {
    "registry": [
        ("flows.annual_review", "load_registry"),
        ("flows.annual_review", "find_documents"),
    ],
    "collect": [("flows.collect", "collect_batch"), ("flows.collect", "record_collection")],
    # Parse batches run in a process pool (flows.runners.parse_pool): each batch is timed
    # from submission to result by `_timed_pool` (a wrapped parse_batch cannot be pickled).
    "parse": [],
    "check": [("flows.stages", "check_outcomes")],
    "persist": [("flows.stages", "persist")],
    "render": [("flows.stages", "render")],
    "deliver": [("flows.recheck", "publish_and_deliver")],
}
ORDER = ("collect", "parse", "check", "persist", "render", "deliver", "registry")


def _union(intervals: list[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for a, b in sorted(intervals):
        if b > end:
            total += b - max(a, end)
            end = b
    return total


def _instrument(intervals: dict[str, list[tuple[float, float]]], delay: float) -> None:
    import importlib

    lock = threading.Lock()

    def timed(stage, fn):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                with lock:
                    intervals[stage].append((start, time.perf_counter()))

        return wrapper

    for stage, targets in STAGES.items():
        intervals[stage] = []
        for module, name in targets:
            mod = importlib.import_module(module)
            setattr(mod, name, timed(stage, getattr(mod, name)))
    review = importlib.import_module("flows.annual_review")
    review.parse_pool = _timed_pool(review.parse_pool, intervals["parse"], lock)
    collect = importlib.import_module("flows.collect")
    build = collect.build_collect_settings
    collect.build_collect_settings = lambda out_dir, options=None: build(
        out_dir, {"per_host_delay": delay, **(options or {})}
    )


def _timed_pool(parse_pool, spans: list, lock):
    """`parse_pool` whose batches are timed: from a batch's submission to its result
    (the pool had parse work; batches are submitted as collection delivers them)."""
    from contextlib import contextmanager

    class Timed:
        def __init__(self, pool) -> None:
            self.pool = pool

        def submit(self, fn, *args, **kwargs):
            start = time.perf_counter()
            future = self.pool.submit(fn, *args, **kwargs)

            def done(_):
                with lock:
                    spans.append((start, time.perf_counter()))

            future.add_done_callback(done)
            return future

    @contextmanager
    def timed(settings):
        with parse_pool(settings) as pool:
            yield Timed(pool) if pool is not None else None

    return timed


def review_child(args: dict, queue) -> None:
    """One annual review in this (spawned) process; results to `queue`."""
    os.environ.update(args["env"])
    gc_time = _time_gc()
    intervals: dict[str, list[tuple[float, float]]] = {}
    _instrument(intervals, args["delay"])
    from flows.annual_review import run_review
    from flows.settings import build_settings

    settings = build_settings(
        args["year"], args["registry"], args["source"], args["out"], os.environ
    )
    start = time.perf_counter()
    summary = run_review(settings)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stages = {s: _union(v) for s, v in intervals.items()}
    busy = _union([i for v in intervals.values() for i in v])
    first = min((a for v in intervals.values() for a, _ in v), default=start)
    waits = _waits(intervals, start)
    queue.put(
        dict(
            wall=wall,
            intervals=intervals,
            stages=stages,
            overhead=wall - busy,
            startup=first - start,
            waits=waits,
            peak_self=peak,
            gc=dict(gc_time, passes=len(gc_time["passes"])),
            gc_stages={
                stage: sum(
                    b - a for a, b in gc_time["passes"] if any(x <= a <= y for x, y in spans)
                )
                for stage, spans in intervals.items()
            },
            totals=summary.totals,
            sent=getattr(summary.delivery, "sent", 0),
            findings=_findings(settings.database_url, args["year"]),
        )
    )


def _time_gc() -> dict:
    """Time spent in the cyclic garbage collector (all generations), and its passes."""
    import gc

    spent = {"seconds": 0.0, "full passes": 0, "passes": []}
    began = [0.0]

    def callback(phase, info):
        if phase == "start":
            began[0] = time.perf_counter()
        else:
            now = time.perf_counter()
            spent["seconds"] += now - began[0]
            spent["full passes"] += info["generation"] == 2
            spent["passes"].append((began[0], now))

    gc.callbacks.append(callback)
    return spent


def _waits(intervals: dict[str, list[tuple[float, float]]], start: float) -> dict[str, float]:
    """Per stage, the idle time (no stage running) between the flow's start or the last
    stage call that ended before it and each of its calls: where Prefect's overhead is."""
    calls = sorted((a, b, s) for s, v in intervals.items() for a, b in v)
    waits: dict[str, float] = {}
    end = start
    for a, b, stage in calls:
        waits[stage] = waits.get(stage, 0.0) + max(0.0, a - end)
        end = max(end, b)
    return waits


def _findings(database_url: str, year: int) -> list[tuple]:
    from sqlalchemy import select

    from models.db import Database
    from models.tables import FindingRecord as F

    db = Database.connect(database_url)
    try:
        with db.sessions() as session:
            rows = session.execute(
                select(F.agency_id, F.rule, F.severity, F.cells, F.location).where(F.year == year)
            ).all()
        return [tuple(r) for r in rows]
    finally:
        db.dispose()


def _tree_rss(pid: int) -> tuple[float, dict[str, float]]:
    """RSS of the process tree in MB, and per kind of process (the flow, the Prefect
    API server, worker processes, other). A child with the flow's own command line is
    one being started (forked, not yet exec'd: its RSS is the flow's pages again) and is
    not counted."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
        root_line = root.cmdline()
    except psutil.NoSuchProcess:
        return 0.0, {}
    parts: dict[str, float] = {}
    for p in procs:
        try:
            rss = p.memory_info().rss / 2**20
            cmdline = p.cmdline()
        except psutil.NoSuchProcess:
            continue
        if p.pid != pid and cmdline == root_line:
            continue
        line = " ".join(cmdline)
        kind = (
            "flow"
            if p.pid == pid
            else "Prefect API"
            if "uvicorn" in line
            else "workers"
            if "spawn_main" in line
            else "other"
        )
        parts[kind] = parts.get(kind, 0.0) + rss
    return sum(parts.values()), parts


def run_child(args: dict) -> tuple[dict, float]:
    """The review in a spawned child; (its results, peak RSS of its process tree in MB).
    The results get `stage_peaks`: the tree's peak while each stage ran."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=review_child, args=(args, queue))
    child.start()
    samples: list[tuple[float, float]] = []  # (perf_counter: one clock for all processes, MB)
    result, peak, peak_parts = None, 0.0, {}
    while result is None:
        total, parts = _tree_rss(child.pid)
        if total > peak:
            peak, peak_parts = total, parts
        samples.append((time.perf_counter(), total))
        try:
            result = queue.get(timeout=0.2)
        except Exception:  # queue.Empty: still running
            if not child.is_alive():
                raise RuntimeError(f"review child exited with {child.exitcode}") from None
    child.join()
    result["stage_peaks"] = _stage_peaks(result.pop("intervals"), samples)
    result["peak_parts"] = peak_parts
    return result, peak


def _stage_peaks(
    intervals: dict[str, list[tuple[float, float]]], samples: list[tuple[float, float]]
) -> dict[str, float]:
    """Per stage, the highest tree RSS sampled while one of its calls ran."""
    return {
        stage: max((rss for t, rss in samples if any(a <= t <= b for a, b in spans)), default=0.0)
        for stage, spans in intervals.items()
    }


class _Counter:
    """aiosmtpd handler: counts and drops messages."""

    def __init__(self) -> None:
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench(n: int, seed: int, delay: float, previous: bool, keep: Path | None) -> dict:
    from aiosmtpd.controller import Controller

    from ingest.synthetic.generate import generate
    from ingest.synthetic.server import ProvinceServer
    from ingest.synthetic.truth import Truth, judge

    folder = keep or Path(tempfile.mkdtemp(prefix=f"bench-review-{n}-"))
    start = time.perf_counter()
    province = generate(folder, n, 2, seed=seed, workers=2)
    generated = time.perf_counter() - start
    print(
        f"{n}: province generated in {generated:.0f} s ({province.reports} reports)",
        file=sys.stderr,
    )
    handler = _Counter()
    smtp = Controller(handler, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    empty = folder / "no-local-files"
    empty.mkdir(exist_ok=True)
    env = {
        "NIANBAO_SMTP_HOST": "127.0.0.1",
        "NIANBAO_SMTP_PORT": str(smtp.port),
        "NIANBAO_SMTP_SECURITY": "none",
        "NIANBAO_MAIL_FROM": "省政务公开办 <gkb@example.cn>",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    try:
        with ProvinceServer(folder) as server:
            registry = server.registry(folder / "registry-web.csv")
            common = dict(
                registry=str(registry),
                source=str(empty),
                out=str(folder / "out"),
                env=env,
                delay=delay,
            )
            last = province.years[-1]
            before = None
            if previous:
                before, _ = run_child({**common, "year": last - 1})
                print(f"{n}: previous year reviewed in {before['wall']:.0f} s", file=sys.stderr)
            sent_before = handler.messages
            result, tree_peak = run_child({**common, "year": last})
    finally:
        smtp.stop()
    truth = Truth.read(province.truth)
    entries = truth.for_year(last)
    if not previous:  # no year-1 report in the database: cross-year errors cannot show
        entries = [_uncheckable(e) for e in entries]
    detection = judge(entries, result.pop("findings"))
    if keep is None:  # a province of 20,000 with its archive and pages is some 18 GB
        shutil.rmtree(folder, ignore_errors=True)
    return dict(
        reports=n,
        generated=generated,
        tree_peak=tree_peak,
        smtp=handler.messages - sent_before,
        previous_wall=before["wall"] if before else None,
        detection=detection,
        folder=folder,
        **result,
    )


def _uncheckable(entry):
    """A cross-year error without last year's report: counted as clean, its rule allowed."""
    from dataclasses import replace

    from ingest.synthetic.inject import CATALOGUE

    if entry.error and CATALOGUE[entry.error["kind"]].needs_previous:
        return replace(entry, error=None, allowed=[*entry.allowed, entry.error["target"]])
    return entry


def _print(rows: list[dict]) -> None:
    print(
        "| reports | end to end | "
        + " | ".join(ORDER)
        + " | Prefect overhead | peak RSS (tree / flow process) | reports/s |"
    )
    print("|---:|---:|" + "---:|" * len(ORDER) + "---:|---:|---:|")
    for r in rows:
        wall = r["wall"]
        stages = " | ".join(
            f"{r['stages'][s]:.1f} s ({100 * r['stages'][s] / wall:.0f}%)" for s in ORDER
        )
        print(
            f"| {r['reports']:,} | {wall:.1f} s | {stages} | {r['overhead']:.1f} s "
            f"({100 * r['overhead'] / wall:.0f}%) | {r['tree_peak']:,.0f} MB / "
            f"{r['peak_self']:,.0f} MB | {r['reports'] / wall:.1f} |"
        )
    print()
    print(
        "| reports | injected errors found (at their place) | missed | false findings | mails (SMTP) | outcomes |"
    )
    print("|---:|---:|---|---|---:|---|")
    for r in rows:
        d = r["detection"]
        false = ", ".join(f"{rule} {sev} ×{k}" for (rule, sev), k in d.false.most_common()) or "0"
        missed = ", ".join(f"{a}/{y} {k}" for a, y, k in d.missed[:5]) or "—"
        t = r["totals"]
        print(
            f"| {r['reports']:,} | {d.found:,} / {d.injected:,} ({d.at_place:,}) | {missed} | "
            f"{false} | {r['smtp']:,} | {t['parsed']:,} parsed of {t['agencies']:,} |"
        )
    for r in rows:
        prev = f"{r['previous_wall']:.0f} s" if r["previous_wall"] else "skipped"
        print(
            f"\n{r['reports']:,}: Prefect start to first stage {r['startup']:.1f} s (in the "
            f"overhead); province generated in {r['generated']:.0f} s; previous year's review "
            f"{prev}; kinds injected {dict(r['detection'].by_kind)}; files in {r['folder']}"
            + ("" if r["folder"].exists() else " (removed; --keep DIR keeps them)")
        )
        waits = ", ".join(f"{s} {w:.1f} s" for s, w in r["waits"].items())
        print(f"{r['reports']:,}: idle before each stage's calls (Prefect): {waits}")
        gc = r["gc"]
        print(
            f"{r['reports']:,}: cyclic GC in the flow process {gc['seconds']:.1f} s "
            f"({gc['full passes']} full passes); by stage: "
            + ", ".join(f"{s} {t:.1f} s" for s, t in r["gc_stages"].items() if t >= 0.05)
        )
        peaks = ", ".join(f"{s} {m:,.0f} MB" for s, m in r["stage_peaks"].items() if m)
        print(f"{r['reports']:,}: peak RSS of the tree while each stage ran: {peaks}")
        parts = ", ".join(f"{k} {m:,.0f} MB" for k, m in r["peak_parts"].items())
        print(f"{r['reports']:,}: at the tree's peak: {parts}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, action="append", help="reports (agencies) reviewed")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--delay", type=float, default=0.0, help="per-host pause while collecting")
    ap.add_argument("--no-previous", action="store_true", help="skip the year-1 review")
    ap.add_argument("--keep", type=Path, help="generate into this folder (one size only)")
    args = ap.parse_args(argv)
    sizes = args.reports or [1000]
    if any(not 1 <= n <= 50_000 for n in sizes):
        ap.error("--reports must be 1..50000")
    if args.keep and len(sizes) > 1:
        ap.error("--keep takes one --reports")
    rows = [bench(n, args.seed, args.delay, not args.no_previous, args.keep) for n in sizes]
    _print(rows)
    ok = all(r["detection"].found == r["detection"].injected for r in rows)
    return 0 if ok and not any(r["detection"].false_errors for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
