"""Politeness and concurrency: per-host slots that rest, hosts served in turn, settings
from the environment."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from ingest.collect import (
    AgencyCollector,
    Archive,
    CollectSettings,
    Fetcher,
    HostLimiter,
    make_client,
    options_from_env,
)
from ingest.registry import Agency

YEAR = 2023


def test_a_host_never_has_more_than_its_limit_in_flight():
    limiter = HostLimiter(2, 0.0)
    lock = threading.Lock()
    now = {"a": 0, "b": 0}
    peak = {"a": 0, "b": 0}

    def request(host):
        with limiter.slot(host):
            with lock:
                now[host] += 1
                peak[host] = max(peak[host], now[host])
            time.sleep(0.01)
            with lock:
                now[host] -= 1

    threads = [threading.Thread(target=request, args=(h,)) for h in "ab" * 8]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == {"a": 2, "b": 2}


def test_a_slot_rests_but_its_thread_goes_on():
    delay = 0.2
    limiter = HostLimiter(1, delay)
    started = time.monotonic()
    with limiter.slot("a"):
        pass
    with limiter.slot("b"):  # another host: no wait
        pass
    assert time.monotonic() - started < delay / 2  # no thread slept out a pause
    with limiter.slot("a"):  # the slot of "a" serves again only after its rest
        assert time.monotonic() - started >= delay * 0.9


def test_every_waiter_gets_a_slot_that_has_rested():
    limiter = HostLimiter(2, 0.05)
    done = []

    def request(n):
        with limiter.slot("a"):
            done.append(n)

    started = time.monotonic()
    threads = [threading.Thread(target=request, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert sorted(done) == list(range(6))
    assert time.monotonic() - started >= 0.1  # 6 requests, 2 slots: two rests at least


def _agency(n: int, host: str) -> Agency:
    return Agency(
        f"{host}-{n}", f"机构{n}", "本地", "county", "department", column_url=f"http://{host}/{n}/"
    )


def test_a_slow_host_does_not_hold_the_workers_of_the_others(tmp_path):
    """Registry order puts the slow host's agencies first; the fast host's still finish
    long before the slow host's (per-host limit 1, four workers)."""
    finished: dict[str, float] = {}
    started = time.monotonic()

    def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host == "slow.test":
            time.sleep(0.15)
        if request.url.path.endswith("/r.html"):
            finished[host + request.url.path] = time.monotonic() - started
            return httpx.Response(200, html="<html><body>年报正文" + "字" * 3000 + "</body></html>")
        year = f"{YEAR}年政府信息公开工作年度报告"
        return httpx.Response(200, html=f'<html><body><a href="r.html">{year}</a></body></html>')

    settings = CollectSettings(archive_dir=tmp_path, per_host_limit=1, per_host_delay=0.0)
    agencies = [_agency(n, "slow.test") for n in range(4)] + [
        _agency(n, "fast.test") for n in range(4)
    ]
    client = make_client(settings, transport=httpx.MockTransport(handler))
    collector = AgencyCollector(Fetcher(client, settings), Archive(tmp_path))
    results = collector.collect_many(agencies, YEAR, workers=4)
    assert [r.agency_id for r in results] == [a.agency_id for a in agencies]
    assert all(r.status == "collected" for r in results), [r.reason for r in results]
    fast = max(t for k, t in finished.items() if k.startswith("fast"))
    slow = max(t for k, t in finished.items() if k.startswith("slow"))
    assert fast < 0.15 * 2 < slow  # the fast host done while the slow one is on its second


def test_settings_from_the_environment():
    environ = {
        "NIANBAO_COLLECT_DELAY": "0",
        "NIANBAO_COLLECT_PER_HOST": "8",
        "NIANBAO_COLLECT_CONCURRENCY": "64",
        "OTHER": "x",
    }
    assert options_from_env(environ) == {"per_host_delay": 0.0, "per_host_limit": 8, "workers": 64}
    assert options_from_env({"NIANBAO_COLLECT_DELAY": " "}) == {}


@pytest.mark.parametrize(
    "name, value",
    [
        ("NIANBAO_COLLECT_DELAY", "-1"),
        ("NIANBAO_COLLECT_DELAY", "nan"),
        ("NIANBAO_COLLECT_DELAY", "inf"),
        ("NIANBAO_COLLECT_PER_HOST", "0"),
        ("NIANBAO_COLLECT_CONCURRENCY", "many"),
    ],
)
def test_bad_settings_name_the_variable(name, value):
    with pytest.raises(ValueError, match=name):
        options_from_env({name: value})


def test_waiting_until_every_slot_has_rested():
    clock = {"now": 100.0}
    slept: list[float] = []
    limiter = HostLimiter(2, 0.25, clock=lambda: clock["now"])
    limiter.wait_rested(slept.append)
    assert slept == []  # nothing fetched yet
    with limiter.slot("a"):
        clock["now"] += 0.5
    clock["now"] += 0.1
    limiter.wait_rested(slept.append)
    assert slept == [pytest.approx(0.15)]
