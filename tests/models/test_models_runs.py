"""Check runs and per-agency outcomes."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from models import store
from models.tables import AgencyOutcome, CheckRun

T0 = datetime(2025, 4, 1, 9, tzinfo=UTC)


def test_a_run_starts_running_and_finishes_with_counts(sessions):
    with sessions.begin() as session:
        run = store.start_run(session, 2024, {"province": "福建省", "limit": 10}, started_at=T0)
        assert (run.status, run.finished_at) == ("running", None)
        store.finish_run(session, run, counts={"parsed": 1, "missing": 2})
    with sessions() as session:
        loaded = session.get(CheckRun, run.id)
        assert (loaded.status, loaded.started_at) == ("finished", T0)
        assert loaded.finished_at >= T0
        assert loaded.parameters == {"province": "福建省", "limit": 10}
        assert loaded.counts == {"parsed": 1, "missing": 2}


def test_a_run_ends_finished_or_failed(session):
    run = store.start_run(session, 2024)
    with pytest.raises(ValueError, match="final run status"):
        store.finish_run(session, run, "running")
    assert store.finish_run(session, run, "failed").status == "failed"


def test_one_outcome_per_agency_and_run(session, pingtan):
    store.upsert_agency(session, "fj-pingtan-scj", "平潭综合实验区市场监督管理局")
    run = store.start_run(session, 2024)
    first = store.record_outcome(session, run, pingtan, "collected")
    again = store.record_outcome(session, run, pingtan, "parsed")
    store.record_outcome(session, run, "fj-pingtan-scj", "missing", "网站未找到2024年度报告")
    session.commit()
    assert again.id == first.id
    outcomes = store.outcomes_for_run(session, run.id)
    assert [(o.agency_id, o.status, o.reason) for o in outcomes] == [
        ("fj-pingtan", "parsed", ""),
        ("fj-pingtan-scj", "missing", "网站未找到2024年度报告"),
    ]
    assert store.outcome_counts(session, run.id) == {"parsed": 1, "missing": 1}
    assert store.outcomes_for_run(session, run.id + 1) == []


def test_unknown_outcome_status_is_refused(session, pingtan):
    run = store.start_run(session, 2024)
    with pytest.raises(ValueError, match="outcome status"):
        store.record_outcome(session, run, pingtan, "ok")


def test_database_refuses_a_duplicate_outcome(session, pingtan):
    run = store.start_run(session, 2024)
    store.record_outcome(session, run, pingtan, "missing")
    session.commit()
    session.add(AgencyOutcome(run_id=run.id, agency_id=pingtan, status="parsed"))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
