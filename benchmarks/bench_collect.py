"""Benchmark: collect 1,000 reports from a local server (loopback only, bounded).

One host serves 1,000 agencies, each a 年报 column page listing its report and the
report page itself (the real 2023 平潭 page from the corpus, ~120 KB, made distinct
per agency), so the run fetches 2,000 documents. The per-host limit stays at its
default; `--delay` sets the per-host pause (default 0, to measure the machine; the
production default is `CollectSettings.per_host_delay`).

    .venv/bin/python benchmarks/bench_collect.py [--agencies 1000] [--delay 0]

Prints wall time, documents, bytes and peak memory (max RSS of this process, which
includes the server threads).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.collect import AgencyCollector, Archive, CollectSettings, Fetcher, make_client  # noqa: E402
from ingest.registry import Agency  # noqa: E402
from ingest.synthetic.server import serve_wsgi  # noqa: E402

REPORT = (ROOT / "tests/fixtures/corpus/008_pingtan_zone_2023.html").read_bytes()
YEAR = 2023


def app(environ, start_response):
    path = environ["PATH_INFO"]  # /a/<n>/index.html or /a/<n>/report.html
    parts = path.strip("/").split("/")
    if len(parts) != 3 or parts[0] != "a" or not parts[1].isdigit():
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"no"]
    n = parts[1]
    if parts[2] == "index.html":
        body = (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>年报</title></head><body><ul>'
            f'<li><a href="/a/{n}/report.html">机构{n}号 {YEAR}年度政府信息公开工作年度报告</a>'
            f"<span>{YEAR + 1}-01-20</span></li></ul></body></html>"
        ).encode()
    else:
        body = REPORT.replace(b"</body>", f"<p>agency {n}</p></body>".encode(), 1)
    start_response(
        "200 OK",
        [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agencies", type=int, default=1000)
    ap.add_argument("--delay", type=float, default=0.0)
    args = ap.parse_args()
    if not 1 <= args.agencies <= 5000:
        ap.error("--agencies must be 1..5000")
    server = serve_wsgi(app)
    base = f"http://127.0.0.1:{server.server_port}"
    agencies = [
        Agency(
            f"a{n}",
            f"机构{n}",
            "本地",
            "county",
            "department",
            column_url=f"{base}/a/{n}/index.html",
        )
        for n in range(args.agencies)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        settings = CollectSettings(archive_dir=Path(tmp) / "archive", per_host_delay=args.delay)
        started = time.perf_counter()
        with make_client(settings) as client:
            collector = AgencyCollector(Fetcher(client, settings), Archive(settings.archive_dir))
            results = collector.collect_many(agencies, YEAR, settings.workers)
        wall = time.perf_counter() - started
        size = sum(p.stat().st_size for p in (Path(tmp) / "archive").rglob("*") if p.is_file())
    server.shutdown()
    ok = sum(r.status == "collected" for r in results)
    for r in results:
        if r.status != "collected":
            print(f"{r.agency_id}: {r.status} {r.reason}")
    fetches = sum(len(r.fetches) for r in results)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"agencies {len(results)}, collected {ok}, documents fetched {fetches}")
    print(
        f"per-host limit {settings.per_host_limit}, delay {settings.per_host_delay}s, workers {settings.workers}"
    )
    print(f"archive {size / 1e6:.1f} MB")
    print(f"wall {wall:.1f} s ({fetches / wall:.0f} documents/s), peak RSS {peak:.0f} MB")
    return 0 if ok == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
