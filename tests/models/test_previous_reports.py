"""`store.previous_reports`: an agency's parsed report of the year before, by its own id,
else through its former names; a few statements for any number of agencies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import event

from models import store
from models.canonical import CanonicalReport
from models.tables import ParsedReport

YEAR = 2023
T0 = datetime(2024, 3, 1, tzinfo=UTC)


def _report(session, agency_id: str, version: str, status: str = "parsed", *, days: int = 0):
    """A report of `agency_id` fetched T0 + `days`; its canonical names `version`."""
    document = store.record_document(
        session, agency_id, YEAR, f"/{agency_id}/{version}", version.encode(),
        fetched_at=T0 + timedelta(days=days),
    )  # fmt: skip
    canonical = CanonicalReport(file=version) if status == "parsed" else None
    store.record_report(session, document, canonical, status)


def _previous(session, aliases) -> dict[str, str]:
    return {a: r.file for a, r in store.previous_reports(session, aliases, YEAR).items()}


def test_own_report_by_id(session):
    store.upsert_agency(session, "a", "新名")
    store.upsert_agency(session, "old", "旧名")
    _report(session, "a", "a-2023")
    _report(session, "old", "old-2023")
    session.commit()
    assert _previous(session, {"a": ["旧名"]}) == {"a": "a-2023"}
    assert store.previous_reports(session, {"a": []}, YEAR)["a"] == CanonicalReport(file="a-2023")


def test_former_name_when_the_id_has_no_report(session):
    store.upsert_agency(session, "a", "新名")
    store.upsert_agency(session, "old", "旧名")
    store.upsert_agency(session, "other", "别的")
    _report(session, "old", "old-2023")
    _report(session, "other", "other-2023")
    session.commit()
    assert _previous(session, {"a": ["旧名"]}) == {"a": "old-2023"}
    assert _previous(session, {"a": []}) == {}  # no names: no fallback


def test_latest_report_not_parsed_falls_back_to_a_former_name(session):
    store.upsert_agency(session, "a", "新名")
    store.upsert_agency(session, "old", "旧名")
    _report(session, "a", "a-v1")
    _report(session, "a", "a-v2", "failed", days=1)  # the latest fetch: not parsed
    _report(session, "old", "old-2023")
    session.commit()
    assert store.latest_report(session, "a", YEAR).status == "failed"
    assert _previous(session, {"a": ["旧名"]}) == {"a": "old-2023"}
    # Without a former name the older parsed report is not used either.
    assert _previous(session, {"a": []}) == {}


def test_a_candidate_counts_by_its_latest_report_only(session):
    store.upsert_agency(session, "a", "新名")
    store.upsert_agency(session, "old1", "旧名")
    store.upsert_agency(session, "old2", "旧名")
    _report(session, "old1", "old1-v1")
    _report(session, "old1", "old1-v2", "unreadable", days=1)
    _report(session, "old2", "old2-2023")
    session.commit()
    assert _previous(session, {"a": ["旧名"]}) == {"a": "old2-2023"}


def test_former_names_tried_by_agency_id(session):
    store.upsert_agency(session, "a", "新名")
    store.upsert_agency(session, "z-old", "旧名一")
    store.upsert_agency(session, "b-old", "旧名二")
    _report(session, "z-old", "z-2023")
    _report(session, "b-old", "b-2023")
    session.commit()
    assert _previous(session, {"a": ["旧名一", "旧名二"]}) == {"a": "b-2023"}


def test_no_report_is_absent(session):
    store.upsert_agency(session, "a", "新名")
    store.upsert_agency(session, "b", "旧名")
    store.upsert_agency(session, "old", "旧名")
    _report(session, "old", "old-2023", "not_a_report")
    _report(session, "b", "b-2023", "parsed", days=0)
    session.commit()
    # "b" bears the name too, but is the agency itself: its own id was tried first.
    assert _previous(session, {"a": ["旧名"], "b": ["旧名"], "nobody": ["无此名"]}) == {
        "a": "b-2023",
        "b": "b-2023",
    }
    assert _previous(session, {"c": ["旧名"]}) == {"c": "b-2023"}
    assert store.previous_reports(session, {}, YEAR) == {}
    assert _previous(session, {"old": []}) == {}


def test_many_agencies_in_a_few_statements(sessions):
    """1,100 agencies and their 1,100 former ones: IN lists over chunks of 500."""
    n = 1_100
    agencies = [f"a{i:04}" for i in range(n)]

    def registry_entry(agency_id: str, name: str) -> SimpleNamespace:
        return SimpleNamespace(
            agency_id=agency_id, name=name, region=None, level=None, kind=None,
            parent_id=None, supervisor_emails=[], contact_emails=[],
        )  # fmt: skip

    with sessions.begin() as session:
        store.upsert_registry(
            session,
            [registry_entry(a, f"机构{a}") for a in agencies]
            + [registry_entry(f"f{a}", f"旧{a}") for a in agencies],
        )
        fetches: dict[int, list[tuple[str, str, str]]] = {0: [], 1: []}
        for i, a in enumerate(agencies):
            case = i % 5
            if case == 0:  # own report
                fetches[0].append((a, f"{a}-own", "parsed"))
            if case in (1, 2):  # none of its own, or its latest failed: the former one's
                fetches[0].append((f"f{a}", f"f{a}-old", "parsed"))
            if case == 2:
                fetches[0].append((a, f"{a}-own", "parsed"))
                fetches[1].append((a, f"{a}-own-v2", "failed"))
            if case == 3:  # the former one's latest failed: nothing
                fetches[0].append((f"f{a}", f"f{a}-old", "parsed"))
                fetches[1].append((f"f{a}", f"f{a}-old-v2", "failed"))
            # case 4: no report anywhere
        for days, batch in fetches.items():
            ids = store.record_documents(
                session,
                [
                    {"agency_id": a, "year": YEAR, "location": f"/{v}", "content": v.encode()}
                    for a, v, _ in batch
                ],
                fetched_at=T0 + timedelta(days=days),
            )
            store.record_reports(
                session,
                [
                    {
                        "document_id": d,
                        "agency_id": a,
                        "year": YEAR,
                        "canonical": CanonicalReport(file=v) if s == "parsed" else None,
                        "status": s,
                    }
                    for d, (a, v, s) in zip(ids, batch, strict=True)
                ],
            )
    expected = {
        a: f"{a}-own" if i % 5 == 0 else f"f{a}-old"
        for i, a in enumerate(agencies)
        if i % 5 in (0, 1, 2)
    }
    selects: list[str] = []
    with sessions() as session:
        bind = session.connection().engine

        def count(_conn, _cursor, statement, *_args) -> None:
            if statement.lstrip().upper().startswith("SELECT"):
                selects.append(statement)

        event.listen(bind, "before_cursor_execute", count)
        try:
            found = _previous(session, {a: [f"旧{a}"] for a in agencies})
        finally:
            event.remove(bind, "before_cursor_execute", count)
    assert found == expected
    # 1,100 names: 3 reads of agencies; 2,200 candidate ids: 5 reads of reports.
    assert len(selects) == 3 + 5


def test_latest_report_ids_are_those_of_latest_report(session):
    """The ranked query picks, per agency, the report `latest_report` picks: the most
    recently fetched document, whatever its status; agencies without one are absent."""
    for agency in ("a", "b", "c", "d"):
        store.upsert_agency(session, agency, agency)
    _report(session, "a", "a-v1")
    _report(session, "a", "a-v2", "failed", days=2)
    _report(session, "a", "a-v3", days=1)
    _report(session, "b", "b-v1", days=3)
    _report(session, "b", "b-v2")
    _report(session, "c", "c-v1", "unreadable")
    session.commit()
    ids = store.latest_report_ids(session, ["a", "b", "c", "d", "a"], YEAR)
    assert ids == {a: store.latest_report(session, a, YEAR).id for a in ("a", "b", "c")}
    assert session.get(ParsedReport, ids["a"]).status == "failed"
    assert store.latest_report_ids(session, ["a"], YEAR - 1) == {}
