"""Parse throughput per format, one process (= one core), and its peak memory.

    python benchmarks/bench_parse.py [--seconds 10] [--formats html] [--runs 5]

Documents: the real corpus (text, web pages, PDFs) and, for DOCX and Word 97, the
corpus truth rendered in the official layout (reports.official) — written to a temp
folder first, so only parsing is timed. Each format runs in its own child process so
its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "tests" / "fixtures" / "corpus"


def _documents(kind: str, tmp: Path) -> list[Path]:
    from models.canonical import CANONICAL_KEYS, CanonicalReport
    from reports.official import to_docx

    if kind in ("txt", "html", "pdf"):
        return sorted(p for p in CORPUS.glob(f"*.{kind}"))
    if kind == "docx":
        out = []
        for truth in sorted((CORPUS / "truth").glob("*.json")):
            t = json.loads(truth.read_text(encoding="utf-8"))
            if t["file"].endswith(".txt"):
                p = tmp / (t["file"] + ".docx")
                p.write_bytes(to_docx(CanonicalReport(**{k: t[k] for k in CANONICAL_KEYS})))
                out.append(p)
        return out
    if kind == "doc":
        return sorted((ROOT / "tests" / "fixtures" / "roundtrip").glob("*.doc"))
    raise ValueError(kind)


def _run(kind: str, seconds: float, queue) -> None:
    from ingest.parser import parse_file

    with tempfile.TemporaryDirectory() as tmp:
        docs = _documents(kind, Path(tmp))
        for d in docs:  # warm up imports and caches
            parse_file(d)
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for d in docs:
                parse_file(d)
                n += 1
        elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(
        {
            "format": kind,
            "files": len(docs),
            "parsed": n,
            "seconds": round(elapsed, 2),
            "per_second": round(n / elapsed, 1),
            "peak_rss_mb": round(peak_mb),
        }
    )


def _measure(ctx, kind: str, seconds: float) -> dict:
    queue = ctx.Queue()
    proc = ctx.Process(target=_run, args=(kind, seconds, queue))
    proc.start()
    row = queue.get()
    proc.join()
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--formats", default="txt,html,pdf,docx,doc")
    ap.add_argument(
        "--runs", type=int, default=1, help="runs per format; the table shows the median"
    )
    args = ap.parse_args()
    ctx = mp.get_context("spawn")
    rows = []
    for kind in args.formats.split(","):
        if kind == "doc" and not shutil.which("soffice"):
            print("doc: skipped (LibreOffice not installed)")
            continue
        runs = sorted(
            (_measure(ctx, kind, args.seconds) for _ in range(args.runs)),
            key=lambda r: r["per_second"],
        )
        row = dict(runs[len(runs) // 2])
        if len(runs) > 1:
            row["per_second"] = (
                f"{statistics.median(r['per_second'] for r in runs):.1f} (median of "
                f"{len(runs)} runs: {runs[0]['per_second']}–{runs[-1]['per_second']})"
            )
            row["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
        rows.append(row)
    print("\n| format | files | reports/s (1 core) | peak RSS |\n|---|---|---|---|")
    for r in rows:
        print(f"| {r['format']} | {r['files']} | {r['per_second']} | {r['peak_rss_mb']} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
