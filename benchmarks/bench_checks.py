"""The full rule catalog over synthetic reports: wall time, peak memory, detection.

    python benchmarks/bench_checks.py --reports 10000 [--reports 100000] [--seed 5]

Synthetic reports: the corpus text documents are parsed once; the clean ones (no
finding from the full catalog) are cloned with varied agency names and years, and
about 40% of the clones get one injected error of a known kind (`INJECTIONS`: a 表三
cell, a 表三 total, a 表四 total, a 表二 count, a missing part or table, the old
format). The truth of each clone is the rule its error must produce (`target`) and the
rules that error may also produce (`allowed`: the arithmetic consequences).

Measured, each size in its own child process (so peak RSS is its own):
- validation: `check_reports` with every registered rule, one batch, after the
  checker is built (GX import and context excluded); clones of a base whose agency has
  a year-1 report in the corpus get it as `previous` (cross-year rules);
- peak RSS of the child (the corpus, the clones, the frame and GX results);
- detection: injected errors found (target rule on that report) and false findings
  (a rule outside the clone's `allowed` set). Findings of the similarity rules
  (SIM-*) are counted apart: clones share their base's text by construction.
"""

from __future__ import annotations

import argparse
import copy
import multiprocessing as mp
import random
import resource
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
SIMILARITY = ("SIM-",)  # rule-id prefixes that fire on clones by construction


@dataclass(frozen=True)
class Injection:
    kind: str
    target: str
    allowed: frozenset[str] = field(default_factory=frozenset)


def _bump(cells: list, index: int, by: float = 1) -> None:
    cells[index] = cells[index] + by


def _colsum(r):
    _bump(r.t3["一"], 0)  # 自然人 of row 一, 总计 unchanged


def _resultsum(r):
    _bump(r.t3["三.七"], 0)
    _bump(r.t3["三.七"], 6)


def _balance(r):
    _bump(r.t3["四"], 0)
    _bump(r.t3["四"], 6)


def _t4(r):
    _bump(r.t4, 4)


def _cellint(r):
    r.t2["行政许可"] = r.t2["行政许可"] + 0.5


def _sections(r):
    r.sections_present = [s for s in r.sections_present if s != "六"]


def _table(r):
    r.t4 = None


def _version(r):
    r.format = "2019trial"


INJECTIONS = {
    "t3-colsum": (Injection("t3-colsum", "T3-COLSUM", frozenset({"T3-BALANCE"})), _colsum),
    "t3-resultsum": (
        Injection("t3-resultsum", "T3-RESULTSUM", frozenset({"T3-BALANCE"})),
        _resultsum,
    ),
    "t3-balance": (Injection("t3-balance", "T3-BALANCE"), _balance),
    "t4-total": (Injection("t4-total", "T4-TOTAL"), _t4),
    "cell-int": (Injection("cell-int", "CELL-INT"), _cellint),
    "sections": (Injection("sections", "FMT-SECTIONS"), _sections),
    "table-missing": (Injection("table-missing", "FMT-TABLES"), _table),
    # The 2019 trial 表二 has other rows: FMT-TABLES follows from the relabelling.
    "version": (Injection("version", "FMT-VERSION", frozenset({"FMT-TABLES"})), _version),
}
CLEAN = Injection("clean", "")
ERROR_SHARE = 0.4


def clean_bases():
    """Corpus text documents parsed once, with the same agency's year-1 report when the
    corpus has it; kept when the full catalog (cross-year rules included) finds nothing.
    Returns [(report, previous or None)]."""
    from expectations.validate import check_reports
    from ingest.parser import parse_file

    paths = sorted(p for p in CORPUS.glob("*.txt") if ".celltext" not in p.name)
    reports = [parse_file(p) for p in paths]
    by_year = {(r.agency, r.year): r for r in reports}
    ids = [p.name for p in paths]
    previous = {
        rid: by_year[(r.agency, r.year - 1)]
        for rid, r in zip(ids, reports, strict=True)
        if r.year and (r.agency, r.year - 1) in by_year
    }
    found = check_reports(reports, ids, previous=previous)
    flagged = {f.report_id for f in found}
    return [
        (r, previous.get(rid)) for rid, r in zip(ids, reports, strict=True) if rid not in flagged
    ]


def synthesize(bases, n: int, seed: int):
    """`n` clones: (report ids, reports, previous by id, truth per id)."""
    rng = random.Random(seed)
    kinds = list(INJECTIONS)
    ids, reports, previous, truth = [], [], {}, {}
    for i in range(n):
        base, prev = bases[i % len(bases)]
        report = copy.deepcopy(base)
        # The base's name plus a serial: rules that read the name (level, kind) still can.
        agency = f"{report.agency or '机构'}（样本{i // len(bases):05d}）"
        report = replace(report, agency=agency, file=f"syn{i:06d}.txt")
        injection = CLEAN
        if rng.random() < ERROR_SHARE:
            candidates = [k for k in kinds if _applies(k, report)]
            injection, inject = INJECTIONS[rng.choice(candidates)]
            inject(report)
        rid = f"syn{i:06d}"
        if prev is not None:
            previous[rid] = prev
        ids.append(rid)
        reports.append(report)
        truth[rid] = injection
    return ids, reports, previous, truth


def _applies(kind: str, report) -> bool:
    if kind == "cell-int":
        return report.format == "2021" and isinstance((report.t2 or {}).get("行政许可"), int)
    if kind == "version":
        return report.format == "2021" and (report.year or 0) >= 2021
    if kind in ("t4-total", "table-missing"):
        return bool(report.t4) and len(report.t4) == 15
    if kind == "sections":
        return "六" in report.sections_present
    return report.t3 is not None and all(r in report.t3 for r in ("一", "三.七", "四"))


def judge(truth, findings):
    """(injected, found, false findings by rule, similarity findings by rule)."""
    by_report: dict[str, set[str]] = {}
    for f in findings:
        by_report.setdefault(f.report_id, set()).add(f.rule)
    injected = found = 0
    false: Counter[str] = Counter()
    similar: Counter[str] = Counter()
    for rid, inj in truth.items():
        rules = by_report.get(rid, set())
        if inj.target:
            injected += 1
            found += inj.target in rules
        for rule in rules - {inj.target} - inj.allowed:
            (similar if rule.startswith(SIMILARITY) else false)[rule] += 1
    return injected, found, false, similar


def run(n: int, seed: int, queue) -> None:
    from expectations.registry import all_rules
    from expectations.validate import Checker, check_reports

    start = time.perf_counter()
    checker = Checker()
    setup = time.perf_counter() - start
    bases = clean_bases()
    ids, reports, previous, truth = synthesize(bases, n, seed)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    findings = check_reports(reports, ids, checker=checker, previous=previous)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    injected, found, false, similar = judge(truth, findings)
    queue.put(
        dict(
            reports=n,
            rules=len(all_rules()),
            expectations=len(checker.suite.expectations),
            bases=len(bases),
            with_previous=len(previous),
            setup=setup,
            seconds=elapsed,
            rss_before=rss_before / 1024,
            peak=peak / 1024,
            findings=len(findings),
            injected=injected,
            found=found,
            false=dict(false),
            similar=dict(similar),
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
        "| reports | rules (expectations) | validation wall time | reports/s | peak RSS "
        "| findings | injected errors found | false findings | SIM-* on clones |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        false = sum(r["false"].values())
        false_text = str(false) + (f" ({r['false']})" if false else "")
        print(
            f"| {r['reports']:,} | {r['rules']} ({r['expectations']}) | {r['seconds']:.1f} s "
            f"| {r['reports'] / r['seconds']:,.0f} | {r['peak']:,.0f} MB "
            f"(before validation {r['rss_before']:,.0f} MB) | {r['findings']:,} "
            f"| {r['found']:,} / {r['injected']:,} | {false_text} | {r['similar'] or '—'} |"
        )
    first = rows[0]
    print(
        f"\n{first['bases']} clean corpus bases ({first['with_previous']:,} clones with the "
        "agency's year-1 report as `previous`); injected kinds at {first['reports']:,}: "
        f"{first['kinds']}; checker setup (GX import, context) {first['setup']:.1f} s, "
        "not included."
    )
    return 0 if all(r["found"] == r["injected"] and not r["false"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
