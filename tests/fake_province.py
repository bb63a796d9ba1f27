"""A small fake province on a real local HTTP server, built from the corpus pages.

Agencies (year 2023) and what each must end with:

| id | route | expected |
|---|---|---|
| zone | column, 2 pages (下一页), report on page 2 (utf-8) | collected |
| scj | column → attachment-only page → PDF | collected |
| gbk-header | report URL, GBK declared in the HTTP header | collected |
| gbk-meta | report URL, GBK declared in `<meta charset>` | collected |
| gbk-none | report URL, GBK undeclared | collected |
| flaky | report URL, 500 then 200 | collected |
| late | department, page shows 发布时间 2024-02-05 | late |
| nothing | column without a 2023 report | missing |
| gone | report URL → 404 | failed |
| stuck | report URL, no answer before the read timeout | failed |
| trickle | report URL, a body trickling past the total time | failed |
| loop | report URL, redirect loop | failed |
| huge | report URL, a body over the size cap | failed |
| soft404 | report URL, an error page served with 200 | failed |
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from werkzeug import Response

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
YEAR = 2023
EXPECTED = {
    "zone": "collected",
    "scj": "collected",
    "gbk-header": "collected",
    "gbk-meta": "collected",
    "gbk-none": "collected",
    "flaky": "collected",
    "late": "late",
    "nothing": "missing",
    "gone": "failed",
    "stuck": "failed",
    "trickle": "failed",
    "loop": "failed",
    "huge": "failed",
    "soft404": "failed",
}
# Short limits so the whole fault set runs in a few seconds.
FAST = {
    "connect_timeout": 0.5,
    "read_timeout": 0.5,
    "total_timeout": 1.2,
    "retries": 1,
    "backoff": 0.01,
    "per_host_delay": 0.0,
    "max_bytes": 2 * 1024 * 1024,
    "workers": 8,
}

REPORT_2023 = (CORPUS / "008_pingtan_zone_2023.html").read_bytes()
REPORT_2024 = (CORPUS / "009_pingtan_zone_2024.html").read_bytes()
PDF_2023 = (CORPUS / "002_hongze_qu_2023.pdf").read_bytes()
UTF8_META = b'<meta charset="utf-8" name="viewport"'


def _listing(items: list[tuple[str, str, str]], extra: str = "") -> str:
    lis = "".join(
        f'<li><a href="{href}" title="{title}">{title}</a><span>{day}</span></li>'
        for href, title, day in items
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head>'
        f"<body><ul class='list'>{lis}</ul>{extra}</body></html>"
    )


def _gbk(declare: str | None) -> bytes:
    text = REPORT_2023.decode("utf-8")
    meta = '<meta charset="gbk"' if declare == "meta" else "<meta"
    text = text.replace('<meta charset="utf-8"', meta, 1)
    return text.encode("gbk", errors="xmlcharrefreplace")


def _late_page() -> bytes:
    text = REPORT_2023.decode("utf-8")
    text = text.replace('<meta name="PubDate" content="2024-03-', '<meta name="Old" content="x')
    import re

    return re.sub(r"(<body[^>]*>)", r"\1<div>发布时间：2024-02-05</div>", text, count=1).encode()


def serve_province(server, state: dict | None = None) -> None:
    """Register every route of the fake province on a pytest-httpserver `server`."""
    state = state if state is not None else {}
    html = "text/html; charset=utf-8"

    def page(body: bytes | str, content_type: str = html, status: int = 200):
        return lambda request: Response(body, status=status, content_type=content_type)

    # zone: two column pages, the 2023 report on the second.
    server.expect_request("/zone/index.html").respond_with_handler(
        page(
            _listing(
                [
                    (
                        "/zone/2025.html",
                        "平潭综合实验区2024年度政府信息公开工作年度报告",
                        "2025-03-10",
                    ),
                    ("/zone/notice.html", "关于开展政务公开培训的通知", "2025-01-02"),
                ],
                '<div class="page"><a href="index_1.html">下一页</a></div>',
            )
        )
    )
    server.expect_request("/zone/index_1.html").respond_with_handler(
        page(
            _listing(
                [
                    (
                        "/zone/2024.html",
                        "平潭综合实验区2023年度政府信息公开工作年度报告",
                        "2024-03-20",
                    ),
                    (
                        "/zone/2023.html",
                        "平潭综合实验区2022年度政府信息公开工作年度报告",
                        "2023-03-15",
                    ),
                ]
            )
        )
    )
    server.expect_request("/zone/2024.html").respond_with_handler(
        lambda request: Response(state.get("zone_body", REPORT_2023), content_type=html)
    )
    server.expect_request("/zone/2025.html").respond_with_handler(page(REPORT_2024))
    # scj: the column names the letter; the page is a shell with a PDF attachment.
    server.expect_request("/scj/index.html").respond_with_handler(
        page(
            _listing(
                [("/scj/t1.html", "关于报送2023年度政府信息公开工作年度报告的函", "2024-01-25")]
            )
        )
    )
    server.expect_request("/scj/t1.html").respond_with_handler(
        page(
            '<!DOCTYPE html><html><head><meta charset="utf-8">'
            '<meta name="PubDate" content="2024-01-25 10:00"><title>关于报送2023年度政府信息公开工作年度报告的函</title></head>'
            "<body><h1>关于报送2023年度政府信息公开工作年度报告的函</h1><p>发布时间：2024-01-25</p>"
            '<p>附件：<a href="/scj/files/report2023.pdf">2023年度政府信息公开工作年度报告.pdf</a></p></body></html>'
        )
    )
    server.expect_request("/scj/files/report2023.pdf").respond_with_handler(
        page(PDF_2023, "application/pdf")
    )
    # GBK, declared three ways.
    server.expect_request("/gbk/header.html").respond_with_handler(
        page(_gbk(None), "text/html; charset=GBK")
    )
    server.expect_request("/gbk/meta.html").respond_with_handler(page(_gbk("meta"), "text/html"))
    server.expect_request("/gbk/none.html").respond_with_handler(page(_gbk(None), "text/html"))

    # flaky: 500 first, then the report.
    def flaky(request):
        state["flaky_hits"] = state.get("flaky_hits", 0) + 1
        if state["flaky_hits"] == 1:
            return Response("busy", status=500)
        return Response(REPORT_2023, content_type=html)

    server.expect_request("/flaky.html").respond_with_handler(flaky)
    server.expect_request("/late/2024.html").respond_with_handler(page(_late_page()))
    server.expect_request("/nothing/index.html").respond_with_handler(
        page(_listing([("/nothing/a.html", "2022年政府信息公开工作年度报告", "2023-01-20")]))
    )
    server.expect_request("/gone.html").respond_with_handler(page("not here", status=404))

    def stuck(request):
        time.sleep(0.8)
        return Response(REPORT_2023, content_type=html)

    server.expect_request("/stuck.html").respond_with_handler(stuck)

    def trickle(request):
        def body():
            for _ in range(40):
                yield b"<p>" + b"x" * 64 + b"</p>"
                time.sleep(0.1)

        return Response(body(), content_type=html)

    server.expect_request("/trickle.html").respond_with_handler(trickle)
    server.expect_request("/loop/a").respond_with_handler(
        lambda r: Response("", status=302, headers={"Location": "/loop/b"})
    )
    server.expect_request("/loop/b").respond_with_handler(
        lambda r: Response("", status=302, headers={"Location": "/loop/a"})
    )

    def huge(request):
        def body():
            for _ in range(64):
                yield b"0" * 65536

        return Response(body(), content_type="application/pdf")  # no length: cut while streaming

    server.expect_request("/huge.pdf").respond_with_handler(huge)
    server.expect_request("/soft404.html").respond_with_handler(
        page(
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>页面不存在</title></head>'
            "<body><p>抱歉，您访问的页面不存在或已删除。</p></body></html>"
        )
    )


def registry_csv(server, path: Path, only: set[str] | None = None) -> Path:
    """The registry of the fake province (CSV), or of the agencies in `only`."""
    u = server.url_for
    rows = [
        ("zone", "government", f"{u('/zone/index.html')}", ""),
        ("scj", "department", f"{u('/scj/index.html')}", ""),
        ("gbk-header", "government", "", f"{YEAR}={u('/gbk/header.html')}"),
        ("gbk-meta", "government", "", f"{YEAR}={u('/gbk/meta.html')}"),
        ("gbk-none", "government", "", f"{YEAR}={u('/gbk/none.html')}"),
        ("flaky", "government", "", f"{YEAR}={u('/flaky.html')}"),
        ("late", "department", "", f"{YEAR}={u('/late/2024.html')}"),
        ("nothing", "department", f"{u('/nothing/index.html')}", ""),
        ("gone", "department", "", f"{YEAR}={u('/gone.html')}"),
        ("stuck", "department", "", f"{YEAR}={u('/stuck.html')}"),
        ("trickle", "department", "", f"{YEAR}={u('/trickle.html')}"),
        ("loop", "department", "", f"{YEAR}={u('/loop/a')}"),
        ("huge", "department", "", f"{YEAR}={u('/huge.pdf')}"),
        ("soft404", "department", "", f"{YEAR}={u('/soft404.html')}"),
    ]
    lines = [
        "agency_id,name,region,level,kind,parent_id,supervisor_emails,aliases,column_url,report_urls"
    ]
    for agency_id, kind, column, reports in rows:
        if only is not None and agency_id not in only:
            continue
        name = "平潭综合实验区" if agency_id == "zone" else f"测试机构{agency_id}"
        lines.append(f"{agency_id},{name},平潭,city,{kind},,,,{column},{reports}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class ThreadedServer:
    """A threaded pytest-httpserver (slow handlers must not block the others)."""

    def __init__(self):
        from pytest_httpserver import HTTPServer

        self.server = HTTPServer(threaded=True)
        self.server.start()
        self.lock = threading.Lock()

    def stop(self):
        self.server.clear()
        if self.server.is_running():
            self.server.stop()
