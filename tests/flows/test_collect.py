"""The collect stages and flow over the fake province (real local HTTP server, the test
database)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from flows.collect import (
    build_collect_settings,
    check_publications,
    collect_batch,
    persist_publication_findings,
    record_collection,
)
from ingest.registry import load_registry
from models.db import Database
from models.tables import FindingRecord, SourceDocument
from tests.fake_province import (
    EXPECTED,
    FAST,
    REPORT_2023,
    YEAR,
    ThreadedServer,
    registry_csv,
    serve_province,
)


@pytest.fixture(scope="module")
def province():
    threaded = ThreadedServer()
    state: dict = {}
    serve_province(threaded.server, state)
    yield threaded.server, state
    threaded.stop()


def _run(server, tmp, state, url):
    state["flaky_hits"] = 0
    settings = build_collect_settings(tmp, FAST)
    agencies = load_registry(registry_csv(server, tmp / "registry.csv"))
    results = collect_batch(agencies, YEAR, settings)
    collections = record_collection(url, YEAR, agencies, results, settings, tmp / "collected")
    findings = check_publications(collections)
    persist_publication_findings(url, YEAR, collections, findings, {})
    return url, {c.agency_id: c for c in collections}, findings


def _count(url, table):
    db = Database.connect(url)
    try:
        with db.sessions() as s:
            return s.scalar(select(func.count()).select_from(table))
    finally:
        db.dispose()


def test_collect_record_check_and_rerun(province, tmp_path, database_url):
    server, state = province
    url, collections, findings = _run(server, tmp_path, state, database_url)
    assert {k: c.status for k, c in collections.items()} == EXPECTED
    assert collections["zone"].path.name == "zone.html"
    assert collections["scj"].path.name == "scj.pdf"
    assert collections["late"].publication.published_date == "2024-02-05"
    rules = {(k, f.rule, f.severity) for k, fs in findings.items() for f in fs}
    assert ("late", "PUB-DEADLINE", "error") in rules
    assert ("nothing", "PUB-MISSING", "error") in rules
    assert ("gone", "PUB-MISSING", "error") in rules
    assert not findings["zone"] and not findings["scj"]
    documents, recorded = _count(url, SourceDocument), _count(url, FindingRecord)
    assert documents > 0 and recorded > 0

    # Nothing changed: no new document, no new finding.
    _, again, findings2 = _run(server, tmp_path, state, url)
    assert {k: c.status for k, c in again.items()} == EXPECTED
    assert _count(url, SourceDocument) == documents
    assert _count(url, FindingRecord) == recorded
    assert findings2 == findings

    # The zone report changes: a new version, PUB-CHANGED (info).
    state["zone_body"] = REPORT_2023.replace(
        "政府信息公开".encode(), "政府信息公开".encode() + b" ", 1
    )
    try:
        _, third, findings3 = _run(server, tmp_path, state, url)
    finally:
        state.pop("zone_body")
    assert third["zone"].publication.versions == 2
    assert [(f.rule, f.severity) for f in findings3["zone"]] == [("PUB-CHANGED", "info")]
    assert _count(url, SourceDocument) == documents + 1


def test_collect_flow_and_review(province, tmp_path, prefect_harness, database_url):
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.annual_review import annual_review
    from flows.collect import collect

    server, state = province
    state["flaky_hits"] = 0
    registry = registry_csv(server, tmp_path / "registry.csv")
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        summary = collect(YEAR, str(registry), str(tmp_path), database_url, options=FAST)
    assert summary.outcomes == EXPECTED
    assert summary.findings >= 8
    assert all(summary.reasons.values())

    # annual_review collects from the web when the registry has URLs, then parses
    # (default timeouts: only the agencies that answer at once).
    quick = registry_csv(server, tmp_path / "quick.csv", {"zone", "scj", "nothing", "gone", "late"})
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        review = annual_review(
            YEAR, str(quick), str(tmp_path / "none"), str(tmp_path / "r"), database_url
        )
    assert review.outcomes["zone"] == "parsed"
    assert review.outcomes["scj"] == "parsed"  # the PDF behind the shell page
    assert review.outcomes["nothing"] == "missing"
    assert review.outcomes["gone"] == "failed"
    db = Database.connect(database_url)  # the database the collection used, as in production
    try:
        with db.sessions() as s:
            seen = select(FindingRecord.agency_id, FindingRecord.rule).where(
                FindingRecord.last_run_id == review.run_id
            )
            rules = set(s.execute(seen))
    finally:
        db.dispose()
    assert ("nothing", "PUB-MISSING") in rules and ("late", "PUB-DEADLINE") in rules


def test_cli_has_collect():
    from flows.cli import build_parser

    args = build_parser().parse_args(["collect", "--year", "2023", "--per-host", "2"])
    assert args.year == 2023 and args.per_host == 2 and args.func.__name__ == "cmd_collect"


def test_review_collection_settings_from_environment_and_config(tmp_path):
    from flows.collect import review_collect_settings

    config = tmp_path / "province.yaml"
    config.write_text("deadlines:\n  department: '01-15'\n", encoding="utf-8")
    environ = {"NIANBAO_COLLECT_DELAY": "0", "NIANBAO_COLLECT_CONCURRENCY": "48"}
    settings = review_collect_settings(tmp_path, str(config), environ)
    assert settings.per_host_delay == 0 and settings.workers == 48
    assert settings.per_host_limit == 4  # not set: the default
    assert dict(settings.local_deadlines) == {"department": "01-15"}
    assert settings.archive_dir == tmp_path / "archive"
    assert review_collect_settings(tmp_path, None, {}).local_deadlines == {}


def test_batches_take_the_hosts_in_turn():
    from flows.collect import by_host
    from ingest.registry import Agency

    def agency(agency_id, host):
        return Agency(agency_id, agency_id, "本地", "county", "department", column_url=host)

    agencies = [agency(f"a{n}", "http://a.test/") for n in range(3)]
    agencies += [agency("b0", "http://b.test/"), agency("c0", "http://C.test:81/x")]
    assert [a.agency_id for a in by_host(agencies, YEAR)] == ["a0", "b0", "c0", "a1", "a2"]


def test_record_replaces_earlier_report_files(province, tmp_path, database_url):
    server, state = province
    state["flaky_hits"] = 0
    documents = tmp_path / "collected"
    documents.mkdir()
    (documents / "zone.pdf").write_bytes(b"%PDF old")  # an earlier collection's report
    (documents / "nothing.html").write_text("old")  # found last time, not this time
    (documents / "zone.x.html").write_text("another agency's")
    settings = build_collect_settings(tmp_path, FAST)
    agencies = [
        a
        for a in load_registry(registry_csv(server, tmp_path / "registry.csv"))
        if a.agency_id in {"zone", "nothing"}
    ]
    results = collect_batch(agencies, YEAR, settings)
    got = record_collection(database_url, YEAR, agencies, results, settings, documents)
    assert {c.agency_id: c.path for c in got} == {"zone": documents / "zone.html", "nothing": None}
    assert sorted(p.name for p in documents.iterdir()) == ["zone.html", "zone.x.html"]


def test_review_items_are_handed_over_batch_by_batch(
    province, tmp_path, prefect_harness, database_url
):
    """`review_items` hands over the agencies without URLs at once, then each collected
    batch as soon as it is recorded (so the review parses while collection goes on), and
    returns every item in registry order."""
    from prefect import flow

    from flows.collect import review_items
    from flows.settings import build_settings
    from ingest.registry import Agency
    from models.collection import CollectionOutcome

    server, state = province
    state["flaky_hits"] = 0
    quick = {"zone", "scj", "nothing", "gone", "late"}
    web = load_registry(registry_csv(server, tmp_path / "registry.csv", quick))
    local_file = tmp_path / "local.txt"
    local_file.write_text("本地文件", encoding="utf-8")
    local = Agency("local", "本地机构", "本地", "county", "department")
    agencies = [web[0], local, *web[1:]]
    environ = {"NIANBAO_COLLECT_DELAY": "0"}  # these agencies answer at once
    settings = build_settings(
        YEAR, "unused.csv", str(tmp_path), str(tmp_path / "out"), {}, batch_size=2
    )
    settings = dataclasses.replace(settings, database_url=database_url)
    handed: list[tuple[list[tuple], set[str]]] = []

    def take(items):  # what the database holds for these agencies when they arrive
        ids = [item[0] for item in items]
        db = Database.connect(database_url)
        try:
            db.create_schema()  # the local items come before anything is recorded
            with db.sessions() as s:
                stored = select(CollectionOutcome.agency_id).where(
                    CollectionOutcome.agency_id.in_(ids)
                )
                handed.append((items, set(s.scalars(stored))))
        finally:
            db.dispose()

    @flow
    def run():
        return review_items(settings, agencies, {"local": [local_file]}, None, environ, take)

    items = run()

    assert [item[0] for item in items] == [a.agency_id for a in agencies]
    assert handed[0] == ([("local", [local_file])], set())
    batches = [batch for batch, _ in handed[1:]]
    assert [len(batch) for batch in batches] == [2, 2, 1]
    for batch, stored in handed[1:]:
        assert stored == {item[0] for item in batch}  # recorded before handed over
    assert sorted(i for batch in batches for i in batch) == sorted(items[:1] + items[2:])
    assert {item[0]: item[2].status for item in items if len(item) == 3} == {
        k: v for k, v in EXPECTED.items() if k in quick
    }
