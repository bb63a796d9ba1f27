"""TRACK-FIX lifecycle: opened, confirmed (idempotent), fixed by a new version,
reopened, waived; events and the ledger's dates; deliveries and notified events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from models import deliveries, lifecycle, store
from models.finding import Finding
from models.ledger import agencies_with_open_findings, ledger
from models.tables import Delivery, FindingEvent, FindingRecord

T0 = datetime(2024, 2, 5, 9, 0, tzinfo=UTC)


def _finding(where="表四 行政复议", rule="T4-TOTAL"):
    return Finding("r", rule, "error", where, "总计应为 11", published="0", expected="11")


def _version(session, agency, content: bytes, status="parsed"):
    doc = store.record_document(session, agency, 2023, f"/src/{agency}.txt", content)
    return store.record_report(session, doc, None, status)


def _events(session):
    return [(e.kind, e.at) for e in session.scalars(select(FindingEvent).order_by(FindingEvent.id))]


def test_open_confirm_fix_reopen(session, pingtan):
    v1 = _version(session, pingtan, b"v1")
    run1 = store.start_run(session, 2023)
    got = lifecycle.track(session, run1, pingtan, 2023, v1, [_finding()], seen_at=T0)
    assert got == {"opened": 1, "confirmed": 0, "fixed": 0, "reopened": 0}
    row = session.scalar(select(FindingRecord))
    assert (row.status, row.fix_year, row.compared_year) == ("open", 2023, None)

    # the same report again: nothing but last_seen changes
    run2 = store.start_run(session, 2023)
    later = T0 + timedelta(days=1)
    got = lifecycle.track(session, run2, pingtan, 2023, v1, [_finding()], seen_at=later)
    assert got["confirmed"] == 1 and got["fixed"] == 0
    assert row.last_seen_at == later and row.status_at == T0
    assert [k for k, _ in _events(session)] == ["opened"]

    # same report, finding not produced (e.g. a rule changed): not a fix
    lifecycle.track(session, run2, pingtan, 2023, v1, [], seen_at=later)
    assert row.status == "open"

    # a new version that fails to parse closes nothing
    broken = _version(session, pingtan, b"broken", status="unreadable")
    lifecycle.track(session, run2, pingtan, 2023, broken, [], seen_at=later)
    assert row.status == "open"

    # a new version passes: fixed
    v2 = _version(session, pingtan, b"v2")
    fixed_at = T0 + timedelta(days=10)
    got = lifecycle.track(session, run2, pingtan, 2023, v2, [], seen_at=fixed_at)
    assert got["fixed"] == 1 and row.status == "fixed" and row.status_at == fixed_at
    assert agencies_with_open_findings(session, 2023) == []

    # it comes back
    v3 = _version(session, pingtan, b"v3")
    got = lifecycle.track(session, run2, pingtan, 2023, v3, [_finding()], seen_at=fixed_at)
    assert got["reopened"] == 1 and row.status == "reopened"
    assert [k for k, _ in _events(session)] == ["opened", "fixed", "reopened"]
    assert agencies_with_open_findings(session, 2023) == [pingtan]


def test_waive_needs_reason_and_who(session, pingtan):
    v1 = _version(session, pingtan, b"v1")
    run = store.start_run(session, 2023)
    lifecycle.track(session, run, pingtan, 2023, v1, [_finding()], seen_at=T0)
    row = session.scalar(select(FindingRecord))
    with pytest.raises(ValueError):
        lifecycle.waive(session, row, " ", "张三")
    lifecycle.waive(session, row, "表四总计栏为系统导出格式问题，已书面说明", "张三", at=T0)
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.waive(session, row, "again", "李四")
    (entry,) = ledger(session, 2023)
    assert entry.status == "waived" and entry.waived_by == "张三"
    assert entry.waived_reason.startswith("表四") and entry.waived_at == T0


def test_cross_year_rule_names_the_report_to_correct(session, pingtan):
    run = store.start_run(session, 2023)
    v1 = _version(session, pingtan, b"v1")
    lifecycle.track(session, run, pingtan, 2023, v1, [_finding("表三 二", "T3-CARRY-XYEAR")])
    (entry,) = ledger(session, 2023)
    assert (entry.fix_year, entry.compared_year) == (2023, 2022)


def test_delivery_is_claimed_once_and_notifies(session, pingtan):
    run = store.start_run(session, 2023)
    v1 = _version(session, pingtan, b"v1")
    lifecycle.track(session, run, pingtan, 2023, v1, [_finding()], seen_at=T0)
    row = session.scalar(select(FindingRecord))
    d = deliveries.claim(
        session, "a@x.cn", "digest:2023", "f1", run=run, subject="s", finding_ids=[row.id]
    )
    deliveries.mark_failed(session, d, "SMTP down")
    again = deliveries.claim(
        session, "a@x.cn", "digest:2023", "f1", run=run, subject="s", finding_ids=[row.id]
    )
    assert again.id == d.id and again.status == "failed" and again.attempts == 1
    deliveries.mark_sent(session, again, "<m@x>", at=T0 + timedelta(hours=1))
    assert again.status == "sent" and again.attempts == 2
    (entry,) = ledger(session, 2023)
    assert entry.notified_at == T0 + timedelta(hours=1)
    # a newer state supersedes an unsent message to the same address
    pending = deliveries.claim(
        session, "a@x.cn", "digest:2023", "f2", run=run, subject="s", finding_ids=[]
    )
    deliveries.claim(session, "a@x.cn", "digest:2023", "f3", run=run, subject="s", finding_ids=[])
    assert pending.status == "superseded"
    assert session.scalar(select(func.count()).select_from(FindingEvent)) == 2


def test_claim_all_matches_claim_and_keeps_a_row_inserted_meanwhile(session, pingtan):
    """A run's messages claimed at once: existing rows reused, unsent older states of
    the same (recipient, key) superseded, new rows pending, in the claims' order; a
    row another run inserted between the lookup and the INSERT is the one returned."""
    run = store.start_run(session, 2023)
    sent = deliveries.claim(
        session, "a@x.cn", "digest:2023", "f1", run=run, subject="s", finding_ids=[]
    )
    deliveries.mark_sent(session, sent, "<m@x>")
    failed = deliveries.claim(
        session, "b@x.cn", "digest:2023", "f1", run=run, subject="s", finding_ids=[]
    )
    deliveries.mark_failed(session, failed, "SMTP down")
    claims = [
        deliveries.Claim("b@x.cn", "digest:2023", "f2", "新状态", [1, 2]),
        deliveries.Claim("a@x.cn", "digest:2023", "f1", "s", []),
        deliveries.Claim("c@x.cn", "agency:2023:pt", "f9", "机构", [3]),
    ]
    rows = deliveries.claim_all(session, claims, run=run)
    assert [(r.recipient, r.fingerprint) for r in rows] == [
        ("b@x.cn", "f2"),
        ("a@x.cn", "f1"),
        ("c@x.cn", "f9"),
    ]
    assert rows[1].id == sent.id and rows[1].status == "sent"
    assert [r.status for r in (rows[0], rows[2])] == ["pending", "pending"]
    assert rows[0].finding_ids == [1, 2] and rows[0].run_id == run.id
    assert failed.status == "superseded"
    # the same claims again: the same rows, nothing inserted
    again = deliveries.claim_all(session, claims, run=run)
    assert [r.id for r in again] == [r.id for r in rows]
    assert session.scalar(select(func.count()).select_from(Delivery)) == 4

    # another run inserts a row for a key after this run looked: the INSERT skips it
    # (ON CONFLICT DO NOTHING on the UNIQUE key) and this run gets that row
    real_scalars = session.scalars
    calls = []

    def racing(query, *args, **kwargs):
        result = real_scalars(query, *args, **kwargs)
        if not calls:
            calls.append(1)
            session.execute(
                insert(Delivery).values(
                    recipient="d@x.cn",
                    message_key="digest:2023",
                    fingerprint="f1",
                    subject="其他运行",
                    finding_ids=[],
                    status="sent",
                    attempts=1,
                    error="",
                    message_id="<other@x>",
                )
            )
        return result

    session.scalars = racing
    (row,) = deliveries.claim_all(
        session, [deliveries.Claim("d@x.cn", "digest:2023", "f1", "s", [])], run=run
    )
    session.scalars = real_scalars
    assert (row.status, row.message_id, row.subject) == ("sent", "<other@x>", "其他运行")
