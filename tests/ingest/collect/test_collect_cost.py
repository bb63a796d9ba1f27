"""The cheaper paths of collection give what the plain ones gave.

- link discovery joins only the links it keeps; the answers match joining every link;
- a `Page` works out its links and whitespace-free text once;
- the archive writes with `os` calls (short writes resumed, no temporary file left);
- every client shares one default TLS context;
- `collect_many` keeps registry order with a done-queue.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from ingest.collect import AgencyCollector, Archive, CollectSettings, discovery, make_client
from ingest.collect import fetcher as fetcher_module
from ingest.collect.collector import Collected
from ingest.registry import Agency

BASES = [
    "http://gov.example/col/index.html",
    "http://gov.example/col/index_1.html",
    "http://gov.example/col/",
    "http://gov.example/col/list.shtml?page=1",
]
HREFS = [
    "index_1.html",
    "index_2.html",
    "./index_2.html",
    "../col/index_3.shtml",
    "/col/index_1.htm",
    "http://other.example/x/index_2.html",
    "//cdn.example/index_1.html",
    "?page=2",
    ";p",
    "index_2.html/..",
    "ind\tex_2.html",
    "index_\n1.html",
    "INDEX_1.html",
    "a.html",
    "/nav/",
    "list_2.html",
]


def _reference_next_page(page: discovery.Page, base: str, n: int) -> str | None:
    """next_page as it was: every link joined first."""
    anchors = [(urljoin(base, href), title) for _, href, title in page.links]
    for url, title in anchors:
        if title.strip() in discovery._NEXT_TEXT and url.rstrip("/") != base.rstrip("/"):
            return url
    for url, _ in anchors:
        m = re.search(r"index_(\d+)\.s?html?$", urlsplit(url).path)
        if m and int(m.group(1)) == n + 1:
            return url
    return None


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("href", HREFS)
@pytest.mark.parametrize("n", [0, 1, 2])
def test_next_page_joins_only_what_can_match(base, href, n):
    html = f'<html><body><a href="/nav/">首页</a><a href="{href}">{n + 1}</a></body></html>'
    page = discovery.Page.parse(html)
    want = _reference_next_page(page, base, n)
    assert discovery.next_page(page, base, n) == want
    assert discovery.next_page(html, base, n) == want


@pytest.mark.parametrize("base", BASES)
def test_next_text_link_and_trs_pager_unchanged(base):
    html = '<a href="/a.html">通知</a><a href="index_1.html"> 下一页 </a>'
    assert discovery.next_page(html, base, 0) == urljoin(base, "index_1.html")
    self_link = f'<a href="{base}">下一页</a>'
    page = discovery.Page.parse(self_link)
    assert discovery.next_page(page, base, 0) == _reference_next_page(page, base, 0)


def test_report_links_join_only_the_kept_links():
    rows = "".join(
        f'<li><a href="/n/{i}.html">关于{2000 + i}年第{i}号工作的通知</a><span>2024-01-02</span></li>'
        for i in range(30)
    )
    kept = (
        '<li><a href="r1.html">某局2024年政府信息公开工作年度报告</a><span>2025-01-20</span></li>'
        '<li><a href="r1.html">2024年政府信息公开工作年度报告</a></li>'  # same URL: once
        '<li><a href="r2.html">关于报送2024年度政府信息公开年报的函</a></li>'
        '<li><a href="r3.html">2025年关于2024年政府信息公开工作年度报告</a></li>'
        '<li><a href="r4.html">2 024年政府信息公开工作年度报告</a></li>'
    )
    html = f"<html><body><ul>{rows}{kept}</ul></body></html>"
    base = "http://gov.example/col/index.html"
    links = discovery.report_links(discovery.Page.parse(html), base, 2024)
    assert [(link.url.rsplit("/", 1)[1], link.listed_date) for link in links] == [
        ("r1.html", "2025-01-20"),
        ("r4.html", "2024-01-02"),  # whitespace inside the year is dropped, as before
        ("r2.html", "2024-01-02"),  # no date beside it: the list's first date
    ]
    assert discovery.report_links(html, base, 2024) == links
    assert discovery.names_report("2 024 年 政府信息公开工作年度报告", 2024)
    assert not discovery.names_report("12024年政府信息公开工作年度报告", 2024)


def test_attachments_prefilter_keeps_every_suffix():
    html = (
        '<a href="/f/A.PDF">一</a><a href="/f/b.docx?x=1">二</a><a href="/f/c.wps">三</a>'
        '<a href="/f/d.p\tdf">四</a><a href="/f/e.pdf.html">五</a><a href="/f/g.doc#p">六</a>'
    )
    urls = [a.url.rsplit("/", 1)[1] for a in discovery.attachments(html, "http://gov.example/")]
    assert urls == ["A.PDF", "b.docx?x=1", "c.wps", "d.pdf", "g.doc#p"]


def test_page_works_out_links_and_flat_text_once():
    page = discovery.Page.parse(
        "<html><head><title>404 页面不存在</title></head><body><p>页面 不存在</p>"
        '<a href="x.html">x</a><a href="javascript:void(0)">j</a><a href="#top">t</a></body></html>'
    )
    assert page.links is page.links and [href for _, href, _ in page.links] == ["x.html"]
    assert page.flat == "页面不存在xjt"
    assert discovery.error_page(page) == discovery.error_page(page.html, page.text)
    assert discovery.is_shell(page) == discovery.is_shell(page.text) is True
    assert discovery.Page.parse("").links == []


def test_archive_resumes_short_writes_and_leaves_no_temporary(tmp_path, monkeypatch):
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:7])))
    archive = Archive(tmp_path / "archive")
    data = bytes(range(256)) * 10
    sha, path = archive.put(data)
    assert path == archive.path(sha) and path.read_bytes() == data == archive.get(sha)
    assert archive.put(data) == (sha, path)
    assert [p.name for p in path.parent.iterdir()] == [sha]


def test_archive_removes_its_temporary_when_writing_fails(tmp_path, monkeypatch):
    def fail(fd, data):
        raise OSError("disk full")

    archive = Archive(tmp_path)
    first, _ = archive.put(b"first")
    monkeypatch.setattr(os, "write", fail)
    with pytest.raises(OSError, match="disk full"):
        archive.put(b"second")
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [first]


def test_clients_share_one_default_tls_context(monkeypatch):
    made = []
    real = httpx.create_ssl_context

    def counting(*args, **kwargs):
        made.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(fetcher_module, "_CONTEXTS", {})
    monkeypatch.setattr(httpx, "create_ssl_context", counting)
    settings = CollectSettings()
    contexts = []
    for _ in range(3):
        with make_client(settings) as client:
            contexts.append(client._transport._pool._ssl_context)
    assert len(made) == 1 and contexts[0] is contexts[1] is contexts[2]
    assert contexts[0].verify_mode.name == "CERT_REQUIRED" and contexts[0].check_hostname
    with make_client(settings, verify=False) as client:  # the caller's choice wins
        assert client._transport._pool._ssl_context.check_hostname is False
    make_client(settings, trust_env=False).close()
    assert made[-1] == {"trust_env": False} and len(made) == 2


class _Recorder(AgencyCollector):
    def __init__(self):
        from ingest.collect import Fetcher

        settings = CollectSettings(per_host_limit=2, per_host_delay=0.0)
        super().__init__(Fetcher(httpx.Client(), settings), Archive("/nonexistent"))

    def collect(self, agency, year):
        return Collected(agency.agency_id, year, "missing", "x")


def test_collect_many_keeps_registry_order():
    agencies = [
        Agency(f"a{n}", "机构", "本地", "county", "department", column_url=f"http://h{n % 3}.x/")
        for n in range(50)
    ]
    results = _Recorder().collect_many(agencies, 2024, workers=7)
    assert [r.agency_id for r in results] == [a.agency_id for a in agencies]


def test_collect_many_raises_an_agency_crash():
    class Crashing(_Recorder):
        def collect(self, agency, year):
            if agency.agency_id == "a3":
                raise RuntimeError("boom")
            return super().collect(agency, year)

    agencies = [
        Agency(f"a{n}", "机构", "本地", "county", "department", column_url="http://h.x/")
        for n in range(8)
    ]
    with pytest.raises(RuntimeError, match="boom"):
        Crashing().collect_many(agencies, 2024, workers=3)
