"""A whole run written set-based (`flows.stages.persist`): the lifecycle of many agencies
in one call, and a number of statements that does not grow with the agencies."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import event, select

from models import lifecycle, store
from models.finding import Finding
from models.tables import Agency, FindingEvent, FindingRecord

YEAR = 2023


def _finding(where: str) -> Finding:
    return Finding("r", "T4-TOTAL", "error", where, "总计应为 11", expected="11")


def _registry(session, n: int) -> list[str]:
    ids = [f"a{i:03}" for i in range(n)]
    store.upsert_registry(
        session,
        [
            SimpleNamespace(
                agency_id=i,
                name=f"机构{i}",
                region=None,
                level=None,
                kind=None,
                parent_id=None,
                supervisor_emails=[f"{i}@x.cn"],
                contact_emails=[],
            )
            for i in ids
        ],
    )
    return ids


def _review(session, agencies, version: str, findings) -> dict[str, int]:
    """One run as the persist stage writes it: version `version` of every agency's report."""
    run = store.start_run(session, YEAR)
    document_ids = store.record_documents(
        session,
        [
            {
                "agency_id": a,
                "year": YEAR,
                "location": f"/src/{a}.txt",
                "content": (a + version).encode(),
            }
            for a in agencies
        ],
    )
    reports = store.record_reports(
        session,
        [
            {"document_id": d, "agency_id": a, "year": YEAR, "canonical": None, "status": "parsed"}
            for a, d in zip(agencies, document_ids, strict=True)
        ],
    )
    store.record_outcomes(session, run, [(a, "parsed", "") for a in agencies])
    checked = {a: (r, findings(a)) for a, r in zip(agencies, reports, strict=True)}
    return lifecycle.track_batch(session, run, YEAR, checked)


def _statements(session, write) -> int:
    seen = []
    engine = session.get_bind()
    listener = lambda *args: seen.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        write()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def test_statements_do_not_grow_with_the_agencies(session):
    few, many = _registry(session, 60)[:3], _registry(session, 60)[3:]

    def two_runs(agencies):  # a first review, then a new version of every report
        _review(session, agencies, "v1", lambda a: [_finding("表四"), _finding(a)])
        _review(session, agencies, "v2", lambda a: [_finding("表四")])

    assert _statements(session, lambda: two_runs(few)) == _statements(
        session, lambda: two_runs(many)
    )
    assert len(session.scalars(select(FindingEvent)).all()) == 60 * 3  # 2 opened, 1 fixed


def test_one_call_applies_each_agencys_transitions(session):
    agencies = _registry(session, 3)
    a, b, c = agencies
    got = _review(session, agencies, "v1", lambda _: [_finding("表四")])
    assert got == {"opened": 3, "confirmed": 0, "fixed": 0, "reopened": 0}

    # v2: a passes, b is unchanged, c gets another finding
    v2 = {a: [], b: [_finding("表四")], c: [_finding("表四"), _finding("表三")]}
    got = _review(session, agencies, "v2", v2.get)
    assert got == {"opened": 1, "confirmed": 2, "fixed": 1, "reopened": 0}

    # v3: a's finding is back, c's new one is gone
    got = _review(session, agencies, "v3", lambda _: [_finding("表四")])
    assert got == {"opened": 0, "confirmed": 3, "fixed": 1, "reopened": 1}

    rows = session.scalars(select(FindingRecord).order_by(FindingRecord.id)).all()
    assert [(r.agency_id, r.location, r.status) for r in rows] == [
        (a, "表四", "reopened"),
        (b, "表四", "open"),
        (c, "表四", "open"),
        (c, "表三", "fixed"),
    ]
    assert [[e.kind for e in r.events] for r in rows] == [
        ["opened", "fixed", "reopened"],
        ["opened"],
        ["opened"],
        ["opened", "fixed"],
    ]
    assert all(r.fix_year == YEAR and r.status_at is not None for r in rows)


def test_a_new_key_beside_fewer_known_ones(session, pingtan):
    run = store.start_run(session, YEAR)
    store.record_findings(session, run, pingtan, YEAR, None, [_finding("一"), _finding("二")])
    again = store.start_run(session, YEAR)
    got = store.record_findings(session, again, pingtan, YEAR, None, [_finding("三")])
    assert got == {"opened": 1, "confirmed": 0}
    rows = store.findings_for(session, pingtan, YEAR)
    assert [(r.location, r.last_run_id) for r in rows] == [
        ("一", run.id),
        ("二", run.id),
        ("三", again.id),
    ]


def test_registry_rewrites_only_changed_entries(session):
    _registry(session, 3)
    assert _statements(session, lambda: _registry(session, 3)) == 1  # one SELECT
    renamed = SimpleNamespace(
        agency_id="a001",
        name="新名称",
        region=None,
        level=None,
        kind=None,
        parent_id=None,
        supervisor_emails=[],
        contact_emails=[],
    )
    store.upsert_registry(session, [renamed])
    agency = session.get(Agency, "a001")
    assert (agency.name, agency.emails) == ("新名称", [])
