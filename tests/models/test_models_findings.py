"""Findings: upserted by (agency, year, rule, location) across runs."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models import store
from models.finding import Finding
from models.tables import FindingRecord

T0 = datetime(2025, 4, 1, 9, tzinfo=UTC)
BALANCE = Finding(
    report_id="009_pingtan_zone_2024.txt",
    rule="T3-BALANCE",
    severity="error",
    where="表三 第一项+第二项 与 第三项（七）+第四项 列 自然人",
    message="收到申请数与办理结果数不平衡：217+0≠216+0",
    published="217, 0, 216, 0",
    expected="相等",
    evidence="一、本年新收政府信息公开申请数 217",
    cells=("t3.一.0", "t3.二.0", "t3.三.七.0", "t3.四.0"),
)
BLANK = Finding("009", "CELL-BLANK", "info", "表三 第四项 列 其他", "空白单元格按0计")


@pytest.fixture
def report(session, pingtan, truth_report):
    document = store.record_document(session, pingtan, 2024, "009.txt", b"009")
    return store.record_report(session, document, truth_report, "parsed")


def count(session):
    return session.scalar(select(func.count()).select_from(FindingRecord))


def test_same_findings_twice_are_the_same_rows(session, pingtan, report):
    run1 = store.start_run(session, 2024)
    counts = store.record_findings(
        session, run1, pingtan, 2024, report, [BALANCE, BLANK], seen_at=T0
    )
    assert counts == {"opened": 2, "confirmed": 0}
    session.commit()
    ids = [f.id for f in store.findings_for(session, pingtan, 2024)]

    run2 = store.start_run(session, 2024)
    later = T0 + timedelta(days=7)
    counts = store.record_findings(
        session, run2, pingtan, 2024, report, [BLANK, BALANCE], seen_at=later
    )
    session.commit()
    assert counts == {"opened": 0, "confirmed": 2}
    rows = store.findings_for(session, pingtan, 2024)
    assert [f.id for f in rows] == ids and count(session) == 2
    for row in rows:
        assert (row.first_run_id, row.first_seen_at) == (run1.id, T0)
        assert (row.last_run_id, row.last_seen_at) == (run2.id, later)
        assert (row.status, row.report_id) == ("open", report.id)
    assert rows[0].cells == list(BALANCE.cells)
    assert rows[0].message == BALANCE.message


def test_a_finding_seen_again_takes_the_new_wording(session, pingtan, report):
    run = store.start_run(session, 2024)
    store.record_findings(session, run, pingtan, 2024, report, [BALANCE])
    reworded = Finding(**{**BALANCE.to_json(), "message": "新措辞", "cells": ()})
    store.record_findings(session, run, pingtan, 2024, report, [reworded, reworded])
    session.commit()
    (row,) = store.findings_for(session, pingtan, 2024)
    assert (row.message, row.cells) == ("新措辞", [])


def test_findings_are_kept_apart_by_agency_and_year(session, pingtan, report):
    store.upsert_agency(session, "fj-pingtan-scj", "平潭综合实验区市场监督管理局")
    run = store.start_run(session, 2024)
    store.record_findings(session, run, pingtan, 2024, report, [BALANCE])
    store.record_findings(session, run, pingtan, 2023, None, [BALANCE])
    store.record_findings(session, run, "fj-pingtan-scj", 2024, None, [BALANCE])
    session.commit()
    assert count(session) == 3
    assert [f.year for f in store.findings_for(session, pingtan, 2023)] == [2023]
    assert store.findings_for(session, pingtan, 2024, status="fixed") == []


def test_database_refuses_a_duplicate_finding(session, pingtan, report):
    run = store.start_run(session, 2024)
    store.record_findings(session, run, pingtan, 2024, report, [BALANCE])
    session.commit()
    session.add(
        FindingRecord(
            agency_id=pingtan,
            year=2024,
            rule=BALANCE.rule,
            location=BALANCE.where,
            severity="error",
            message="dup",
            first_run_id=run.id,
            last_run_id=run.id,
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    assert count(session) == 1


def test_unknown_severity_is_refused_before_anything_is_written(session, pingtan, report):
    run = store.start_run(session, 2024)
    bad = Finding("009", "T3-BALANCE", "fatal", "表三", "x")
    with pytest.raises(ValueError, match="severity"):
        store.record_findings(session, run, pingtan, 2024, report, [BLANK, bad])
    assert count(session) == 0
