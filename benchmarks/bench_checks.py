"""The full rule catalog over synthetic reports: wall time, peak memory, detection.

    python benchmarks/bench_checks.py --reports 10000 [--reports 100000] [--seed 5]

Synthetic reports: the synthetic province of `nianbao demo-province`
(`ingest.synthetic`), built in memory, not written: N agencies with a realistic
hierarchy, each with a clean 2023 report and a 2024 report whose numbers, names and
texts are its own. About 40% of the 2024 reports get one injected error of a known kind
from the generator's catalogue (`ingest.synthetic.inject.CATALOGUE`: a 表三 cell, a
表三 total, a 表四 total, a 表二 count, a carry-over, a quoted count, the 统计期限
year, a missing part or table, the old format, …, each where it applies). The truth of
each report is the rule its error must produce (`target`) and the rules that error may
also produce (`allowed`: its consequences).

Measured, each size in its own child process (so peak RSS is its own):
- validation: `check_reports` with every registered rule over the 2024 reports, one
  batch, each with its 2023 report as `previous` (cross-year rules) and its registry
  level and kind, after the checker is built (GX import and context excluded); wall
  time and CPU time of the process;
- peak RSS of the child (the reports, the frame and GX results);
- detection: injected errors found (target rule on that report) and false findings
  (any rule outside the report's target and `allowed` set, similarity rules included).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.synthetic.inject import CATALOGUE, CLEAN, candidates  # noqa: E402

ERROR_SHARE = 0.4
YEAR = 2024


def synthesize(n: int, seed: int):
    """`n` agencies of the synthetic province (`ingest.synthetic`), each with a clean
    2023 report (its `previous`) and a 2024 report that gets one injected error with
    probability ERROR_SHARE. Returns (report ids, reports, previous by id, truth per id)."""
    from ingest.synthetic.bases import load_bases
    from ingest.synthetic.province import make_agencies
    from ingest.synthetic.reports import agency_reports

    bases = load_bases()
    rng = random.Random(seed)
    ids, reports, previous, truth, agencies = [], [], {}, {}, []
    for agency in make_agencies(n, seed):
        pick = random.Random(f"agency:{seed}:{agency.agency_id}")
        prev, report = agency_reports(
            agency, [YEAR - 1, YEAR], pick.choice(bases.reports), bases.pools, seed
        )
        injection = CLEAN
        if rng.random() < ERROR_SHARE:
            injection = CATALOGUE[rng.choice(candidates(report, has_previous=True))]
            injection.apply(report, rng)
        rid = agency.agency_id
        previous[rid] = prev
        ids.append(rid)
        reports.append(report)
        truth[rid] = injection
        agencies.append(agency)
    return ids, reports, previous, truth, agencies


def judge(truth, findings):
    """(injected, found, false findings by rule, missed injections as (id, kind))."""
    by_report: dict[str, set[str]] = {}
    for f in findings:
        by_report.setdefault(f.report_id, set()).add(f.rule)
    injected = found = 0
    false: Counter[str] = Counter()
    missed: list[tuple[str, str]] = []
    for rid, inj in truth.items():
        rules = by_report.get(rid, set())
        if inj.target:
            injected += 1
            found += inj.target in rules
            if inj.target not in rules:
                missed.append((rid, inj.kind))
        for rule in rules - {inj.target} - inj.allowed:
            false[rule] += 1
    return injected, found, false, missed


def run(n: int, seed: int, queue) -> None:
    from expectations.history import AgencyInfo
    from expectations.registry import all_rules
    from expectations.validate import Checker, check_reports

    start = time.perf_counter()
    checker = Checker()
    setup = time.perf_counter() - start
    ids, reports, previous, truth, agencies = synthesize(n, seed)
    infos = [AgencyInfo(a.name, a.level, a.kind) for a in agencies]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    cpu = time.process_time()
    findings = check_reports(reports, ids, checker=checker, previous=previous, agencies=infos)
    cpu = time.process_time() - cpu
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    injected, found, false, missed = judge(truth, findings)
    queue.put(
        dict(
            reports=n,
            rules=len(all_rules()),
            expectations=len(checker.suite.expectations),
            with_previous=len(previous),
            setup=setup,
            seconds=elapsed,
            cpu=cpu,
            rss_before=rss_before / 1024,
            peak=peak / 1024,
            findings=len(findings),
            injected=injected,
            found=found,
            false=dict(false),
            missed=missed[:20],
            kinds=dict(Counter(t.kind for t in truth.values())),
        )
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, action="append", help="batch size (repeatable)")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    sizes = args.reports or [10_000]
    ctx = mp.get_context("spawn")
    rows = []
    for n in sizes:
        queue = ctx.Queue()
        child = ctx.Process(target=run, args=(n, args.seed, queue))
        child.start()
        result = queue.get()
        child.join()
        rows.append(result)
        print(f"{n} reports: {result['seconds']:.1f} s", file=sys.stderr)
    print(
        "| reports | rules (expectations) | validation wall time (CPU) | reports/s | peak RSS "
        "| findings | injected errors found | false findings |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        false = sum(r["false"].values())
        false_text = str(false) + (f" ({r['false']})" if false else "")
        print(
            f"| {r['reports']:,} | {r['rules']} ({r['expectations']}) | {r['seconds']:.1f} s "
            f"({r['cpu']:.1f} s) "
            f"| {r['reports'] / r['seconds']:,.0f} | {r['peak']:,.0f} MB "
            f"(before validation {r['rss_before']:,.0f} MB) | {r['findings']:,} "
            f"| {r['found']:,} / {r['injected']:,} | {false_text} |"
        )
    first = rows[0]
    print(
        f"\nEvery agency has its clean {YEAR - 1} report as `previous` (cross-year rules); "
        f"injected kinds at {first['reports']:,}: "
        f"{first['kinds']}; checker setup (GX import, context) {first['setup']:.1f} s, "
        "not included."
    )
    for r in rows:
        if r["missed"]:
            print(f"missed at {r['reports']:,}: {r['missed']}")
    return 0 if all(r["found"] == r["injected"] and not r["false"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
