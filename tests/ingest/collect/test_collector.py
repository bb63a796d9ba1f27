"""Collection against a real local HTTP server serving the fake province."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from ingest.collect import AgencyCollector, Archive, CollectSettings, Fetcher, make_client
from ingest.registry import load_registry
from tests.fake_province import EXPECTED, FAST, YEAR, registry_csv


@pytest.fixture(scope="module")
def collected(province, tmp_path_factory):
    server, _ = province
    tmp = tmp_path_factory.mktemp("collect")
    settings = CollectSettings(archive_dir=tmp / "archive", **FAST)
    agencies = load_registry(registry_csv(server, tmp / "registry.csv"))
    with make_client(settings) as client:
        collector = AgencyCollector(Fetcher(client, settings), Archive(settings.archive_dir))
        results = collector.collect_many(agencies, YEAR, settings.workers)
    return {r.agency_id: r for r in results}, settings


def test_every_agency_ends_with_an_outcome(collected):
    results, _ = collected
    assert set(results) == set(EXPECTED)
    for agency_id, result in results.items():
        want = "collected" if EXPECTED[agency_id] == "late" else EXPECTED[agency_id]
        assert result.status == want, (agency_id, result.reason)
        assert result.reason


@pytest.mark.parametrize(
    "agency_id, words",
    [
        ("gone", "404"),
        ("stuck", "超时"),
        ("trickle", "过慢"),
        ("loop", "重定向"),
        ("huge", "大小上限"),
        ("soft404", "错误页面"),
        ("nothing", "未找到2023年度报告"),
    ],
)
def test_failures_have_chinese_reasons(collected, agency_id, words):
    assert words in collected[0][agency_id].reason


def test_pagination_and_listed_date(collected):
    zone = collected[0]["zone"]
    assert [f.role for f in zone.fetches] == ["column", "column", "page"]
    assert zone.page_url.endswith("/zone/2024.html")
    assert zone.listed_date == "2024-03-20"
    assert zone.page_date == "2024-03-08"  # meta PubDate wins over the listing


def test_shell_page_follows_the_pdf(collected):
    scj = collected[0]["scj"]
    assert scj.document.role == "attachment" and scj.document.media == "pdf"
    assert scj.page_date == "2024-01-25"


def test_gbk_pages_decode_the_same(collected):
    from ingest.collect.encoding import decode_response

    results, settings = collected
    archive = Archive(settings.archive_dir)
    texts = []
    for agency_id, ctype in [
        ("gbk-header", "text/html; charset=GBK"),
        ("gbk-meta", "text/html"),
        ("gbk-none", "text/html"),
    ]:
        doc = results[agency_id].document
        texts.append(decode_response(archive.get(doc.sha256), ctype))
        assert results[agency_id].page_date == "2024-03-08"
    assert all("平潭综合实验区2023年度政府信息公开工作年度报告" in t for t in texts)


def test_archive_is_content_addressed(collected):
    results, settings = collected
    doc = results["zone"].document
    path = settings.archive_dir / doc.sha256[:2] / doc.sha256
    assert path.is_file() and path.stat().st_size == doc.size


def test_retry_only_transient(province, tmp_path):
    server, state = province
    settings = CollectSettings(archive_dir=tmp_path, **FAST)
    pauses: list[float] = []
    with make_client(settings) as client:
        fetcher = Fetcher(client, replace(settings, retries=3), sleep=pauses.append)
        with pytest.raises(Exception, match="404"):
            fetcher.fetch(server.url_for("/gone.html"))
        assert pauses == []  # a 404 is not retried
        state["flaky_hits"] = 0
        assert fetcher.fetch(server.url_for("/flaky.html")).attempts == 2
        assert pauses == [settings.backoff]


def test_user_agent_and_scheme(tmp_path):
    from ingest.collect.errors import BadUrl

    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["ua"] = dict(request.headers.raw)[b"User-Agent"].decode("utf-8")
        return httpx.Response(200, html="<html><body>ok</body></html>")

    settings = CollectSettings(archive_dir=tmp_path)
    client = make_client(settings, transport=httpx.MockTransport(handler))
    Fetcher(client, settings).fetch("http://example.test/")
    assert seen["ua"] == "nianbao/0.1 (+政务公开年报审核)"
    with pytest.raises(BadUrl):
        Fetcher(client, settings).fetch("ftp://example.test/a.pdf")


def test_declared_length_over_cap_is_refused_before_reading(tmp_path):
    from ingest.collect.errors import TooLarge

    def handler(request):
        return httpx.Response(200, headers={"content-length": "999999999"}, content=b"x")

    client = httpx.Client(transport=httpx.MockTransport(handler))
    with pytest.raises(TooLarge):
        Fetcher(client, CollectSettings(archive_dir=tmp_path, max_bytes=1000)).fetch(
            "https://example.test/big.pdf"
        )
