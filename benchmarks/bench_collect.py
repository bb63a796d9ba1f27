"""Benchmark: collect 1,000 reports from a local server (loopback only, bounded).

One host serves 1,000 agencies, each a 年报 column page listing its report and the
report page itself (the real 2023 平潭 page from the corpus, ~120 KB, made distinct
per agency), so the run fetches 2,000 documents. The per-host limit stays at its
default; `--delay` sets the per-host pause (default 0, to measure the machine; the
production default is `CollectSettings.per_host_delay`). `--column-links N` pads each
column page with N other links (a portal's navigation and other notices, as real
columns have) before the report's; `--server-process` serves from a child process, so
that the CPU time printed is the collecting client's alone.

    .venv/bin/python benchmarks/bench_collect.py [--agencies 1000] [--delay 0] \
        [--column-links 0] [--server-process]

Prints wall time, CPU time of this process (per document fetched), documents, bytes
and peak memory (max RSS of this process, which includes the server threads unless
`--server-process`).
"""

from __future__ import annotations

import argparse
import multiprocessing
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
PADDING = {"links": 0}  # --column-links


def padding(n: int) -> str:
    """`n` links a column page has besides the report's: navigation, then notices."""
    nav = n // 2
    links = [f'<a href="/nav/{i}/">栏目{i}</a>' for i in range(nav)]
    links += [
        f'<li><a href="/n/{i}.html" title="关于{YEAR - i % 5}年第{i}号工作的通知">'
        f"关于{YEAR - i % 5}年第{i}号工作的通知</a><span>{YEAR}-03-{i % 28 + 1:02d}</span></li>"
        for i in range(n - nav)
    ]
    return "".join(links)


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
            f"{padding(PADDING['links'])}"
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


def _serve_child(links: int, conn) -> None:
    PADDING["links"] = links
    server = serve_wsgi(app)
    conn.send(server.server_port)
    conn.recv()  # until the parent is done
    server.shutdown()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agencies", type=int, default=1000)
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--column-links", type=int, default=0)
    ap.add_argument("--server-process", action="store_true")
    args = ap.parse_args()
    if not 1 <= args.agencies <= 5000:
        ap.error("--agencies must be 1..5000")
    if not 0 <= args.column_links <= 1000:
        ap.error("--column-links must be 0..1000")
    PADDING["links"] = args.column_links
    if args.server_process:
        conn, child_conn = multiprocessing.Pipe()
        child = multiprocessing.Process(
            target=_serve_child, args=(args.column_links, child_conn), daemon=True
        )
        child.start()
        port = conn.recv()
    else:
        server = serve_wsgi(app)
        port = server.server_port
    base = f"http://127.0.0.1:{port}"
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
        started, cpu = time.perf_counter(), time.process_time()
        with make_client(settings) as client:
            collector = AgencyCollector(Fetcher(client, settings), Archive(settings.archive_dir))
            results = collector.collect_many(agencies, YEAR, settings.workers)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        size = sum(p.stat().st_size for p in (Path(tmp) / "archive").rglob("*") if p.is_file())
    if args.server_process:
        conn.send("stop")
        child.join(5)
    else:
        server.shutdown()
    ok = sum(r.status == "collected" for r in results)
    for r in results:
        if r.status != "collected":
            print(f"{r.agency_id}: {r.status} {r.reason}")
    fetches = sum(len(r.fetches) for r in results)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"agencies {len(results)}, collected {ok}, documents fetched {fetches}")
    print(
        f"per-host limit {settings.per_host_limit}, delay {settings.per_host_delay}s, workers {settings.workers}, "
        f"other links per column page {args.column_links}"
    )
    print(f"archive {size / 1e6:.1f} MB")
    print(f"wall {wall:.1f} s ({fetches / wall:.0f} documents/s), peak RSS {peak:.0f} MB")
    who = "client only" if args.server_process else "client and server threads"
    print(f"CPU {cpu:.2f} s ({cpu / fetches * 1000:.2f} ms a document; {who})")
    return 0 if ok == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
