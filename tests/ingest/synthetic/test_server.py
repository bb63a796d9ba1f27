"""The served province: each agency's column and report over loopback HTTP, collected
by the collection stage like any agency website."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

from flows.collect import collect_batch
from ingest.collect import CollectSettings
from ingest.parser import parse_file
from ingest.registry import load_registry
from ingest.synthetic.server import ProvinceServer
from ingest.synthetic.truth import Truth

FAST = dict(per_host_delay=0.0, retries=0, connect_timeout=2, read_timeout=5, workers=8)


def test_served_province_is_collected(clean_province, tmp_path):
    truth = Truth.read(clean_province.truth)
    year = clean_province.years[-1]
    with ProvinceServer(clean_province.out) as server:
        registry = load_registry(server.registry(tmp_path / "registry-web.csv"))
        assert all(a.column_url and str(server.port) in a.column_url for a in registry)
        settings = CollectSettings(archive_dir=tmp_path / "archive", **FAST)
        results = collect_batch(registry, year, settings)
    assert {r.agency_id: r.status for r in results} == {a.agency_id: "collected" for a in registry}
    local = {e.agency_id: e for e in truth.for_year(year)}
    for r in results:
        entry = local[r.agency_id]
        assert r.listed_date == entry.published or r.page_date == entry.published
        served = tmp_path / f"{r.agency_id}.{r.document.media}"
        served.write_bytes(r.archive_path.read_bytes())
        got, want = parse_file(served), parse_file(clean_province.out / entry.file)
        assert (got.agency, got.year, got.t2, got.t3, got.t4) == (
            want.agency,
            want.year,
            want.t2,
            want.t3,
            want.t4,
        ), entry.format


def test_portal_keeps_the_connection_alive(clean_province):
    """HTTP/1.1 keep-alive, as real sites: one connection answers several requests,
    HEAD without a body, an unknown path with 404."""
    with ProvinceServer(clean_province.out) as server:
        agency = next(iter(server.app.agencies))
        url = urlsplit(server.url(agency))
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
        try:
            answers = []
            for method, path in [
                ("GET", url.path),
                ("HEAD", url.path),
                ("GET", "/nobody/index.html"),
                ("GET", url.path),
            ]:
                connection.request(method, path)
                response = connection.getresponse()
                answers.append((response.status, response.version, len(response.read())))
                socket_after = connection.sock
                assert socket_after is not None  # not closed by the server
        finally:
            connection.close()
    (s1, v1, n1), (s2, _, n2), (s3, _, _), (s4, _, n4) = answers
    assert (s1, s2, s3, s4) == (200, 200, 404, 200) and v1 == 11
    assert n1 > 0 and n2 == 0 and n4 == n1
