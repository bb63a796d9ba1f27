"""Parsed reports: the canonical JSON round-trips; one row per document."""

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models import store
from models.canonical import CANONICAL_KEYS, CanonicalReport
from models.tables import ParsedReport

TRUTH_FILE = Path(__file__).parents[1] / "fixtures/corpus/truth/009_pingtan_zone_2024.json"
FIELDS = CANONICAL_KEYS
T0 = datetime(2025, 3, 11, 9, tzinfo=UTC)


def test_canonical_report_round_trips_through_json(sessions, pingtan, truth_report):
    with sessions.begin() as session:
        document = store.record_document(session, pingtan, 2024, "009.txt", b"009")
        report_id = store.record_report(session, document, truth_report, "parsed").id
    with sessions() as session:
        row = session.get(ParsedReport, report_id)
        loaded = CanonicalReport.from_dict(row.canonical)
        truth = json.loads(TRUTH_FILE.read_text(encoding="utf-8"))
        assert loaded == truth_report
        assert {f: getattr(loaded, f) for f in FIELDS} == {f: truth[f] for f in FIELDS}
        assert loaded.t2["行政事业性收费"] == 18651.06
        assert (row.format, row.published_date) == ("2021", date(2025, 3, 10))
        assert (row.agency_id, row.year, row.status) == (pingtan, 2024, "parsed")


def test_reparsing_a_document_replaces_its_report(session, pingtan, truth_report):
    document = store.record_document(session, pingtan, 2024, "009.txt", b"009")
    first = store.record_report(session, document, None, "failed", "无法识别表格")
    second = store.record_report(session, document, truth_report, "parsed")
    session.commit()
    assert second.id == first.id
    assert session.scalar(select(func.count()).select_from(ParsedReport)) == 1
    assert (second.status, second.message, second.format) == ("parsed", "", "2021")


def test_nothing_parsed_is_stored_as_null(session, pingtan):
    document = store.record_document(session, pingtan, 2024, "x.html", b"not a report")
    report = store.record_report(session, document, None, "not_a_report", "页面不是年度报告")
    session.commit()
    session.expire_all()
    assert (report.canonical, report.format, report.published_date) == (None, None, None)
    assert report.message == "页面不是年度报告"


def test_unknown_report_status_is_refused(session, pingtan):
    document = store.record_document(session, pingtan, 2024, "x.html", b"x")
    with pytest.raises(ValueError, match="report status"):
        store.record_report(session, document, None, "ok")


def test_database_refuses_a_second_report_for_a_document(session, pingtan):
    document = store.record_document(session, pingtan, 2024, "x.html", b"x")
    store.record_report(session, document, None, "empty")
    session.commit()
    session.add(ParsedReport(document_id=document.id, agency_id=pingtan, year=2024, status="empty"))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_latest_report_follows_the_last_fetch(session, pingtan, truth_report):
    old = store.record_document(session, pingtan, 2024, "r.html", b"v1", fetched_at=T0)
    new = store.record_document(
        session, pingtan, 2024, "r.html", b"v2", fetched_at=T0 + timedelta(days=1)
    )
    old_report = store.record_report(session, old, truth_report, "parsed")
    new_report = store.record_report(session, new, truth_report, "parsed")
    session.commit()
    assert store.latest_report(session, pingtan, 2024).id == new_report.id
    # The site reverted to v1: v1 is the latest again; still two rows.
    store.record_document(
        session, pingtan, 2024, "r.html", b"v1", fetched_at=T0 + timedelta(days=2)
    )
    session.commit()
    assert store.latest_report(session, pingtan, 2024).id == old_report.id
    assert store.latest_report(session, pingtan, 2023) is None
