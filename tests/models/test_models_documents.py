"""Agencies and source documents: one row per key, enforced by the database."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models import store
from models.tables import Agency, SourceDocument

T0 = datetime(2025, 3, 11, 9, tzinfo=UTC)
URL = "http://www.pingtan.gov.cn/zwgk/2024%E5%B9%B4%E6%8A%A5%E5%91%8A.html"


def count(session, table):
    return session.scalar(select(func.count()).select_from(table))


def test_upsert_agency_replaces_the_registry_entry(session):
    store.upsert_agency(session, "fj-pingtan", "平潭", emails=["a@pingtan.gov.cn"])
    store.upsert_agency(session, "fj-pingtan", "平潭综合实验区", kind="government")
    session.commit()
    agency = session.get(Agency, "fj-pingtan")
    assert (agency.name, agency.kind, agency.emails) == ("平潭综合实验区", "government", [])
    assert count(session, Agency) == 1


def test_child_may_precede_its_parent_within_a_transaction(session):
    store.upsert_agency(
        session, "fj-pingtan-scj", "平潭综合实验区市场监督管理局", parent_id="fj-pingtan"
    )
    store.upsert_agency(session, "fj-pingtan", "平潭综合实验区")
    session.commit()
    assert session.get(Agency, "fj-pingtan-scj").parent_id == "fj-pingtan"


def test_unknown_parent_is_refused_at_commit(session):
    store.upsert_agency(session, "orphan", "某局", parent_id="nowhere")
    with pytest.raises(IntegrityError):
        session.commit()


def test_same_content_twice_is_one_row(session, pingtan):
    first = store.record_document(
        session, pingtan, 2024, URL, b"<html>report</html>", fetched_at=T0
    )
    later = T0 + timedelta(days=30)
    again = store.record_document(
        session, pingtan, 2024, "/mirror/copy.html", b"<html>report</html>", fetched_at=later
    )
    session.commit()
    assert again.id == first.id
    assert count(session, SourceDocument) == 1
    assert (again.location, again.fetched_at, again.last_fetched_at) == (URL, T0, later)
    assert again.file_name == "2024年报告.html"
    assert again.size == len(b"<html>report</html>")


def test_a_hash_is_as_good_as_the_bytes(session, pingtan):
    content = b"%PDF-1.7 report"
    by_bytes = store.record_document(session, pingtan, 2024, "r.pdf", content)
    digest = hashlib.sha256(content).hexdigest()
    assert store.record_document(session, pingtan, 2024, "r.pdf", digest).id == by_bytes.id
    with pytest.raises(ValueError, match="sha256"):
        store.record_document(session, pingtan, 2024, "r.pdf", digest.upper())


def test_new_content_or_another_year_is_a_new_row(session, pingtan):
    a = store.record_document(session, pingtan, 2024, "r.html", b"version 1")
    b = store.record_document(session, pingtan, 2024, "r.html", b"version 2")
    c = store.record_document(session, pingtan, 2023, "r.html", b"version 1")
    session.commit()
    assert len({a.id, b.id, c.id}) == 3


def test_database_refuses_a_duplicate_document(session, pingtan):
    store.record_document(session, pingtan, 2024, "r.html", b"x")
    session.commit()
    digest = hashlib.sha256(b"x").hexdigest()
    session.add(
        SourceDocument(agency_id=pingtan, year=2024, location="s", file_name="s", sha256=digest)
    )
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    assert count(session, SourceDocument) == 1


def test_document_of_an_unknown_agency_is_refused(session):
    with pytest.raises(IntegrityError):
        store.record_document(session, "nobody", 2024, "r.html", b"x")
