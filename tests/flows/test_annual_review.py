"""The annual review flow end to end on the bundled sample province (real reports)."""

import shutil

from sqlalchemy import func, select

from flows.annual_review import run_review
from flows.settings import SAMPLE_PROVINCE, Settings
from models.db import Database
from models.tables import AgencyOutcome, FindingRecord, SourceDocument


def _settings(tmp_path, database_url, year, source=None, registry=None):
    return Settings(
        year=year,
        registry=registry or SAMPLE_PROVINCE / "registry.csv",
        source=source or SAMPLE_PROVINCE / "reports",
        out_dir=tmp_path / "out",
        database_url=database_url,
        batch_size=4,
    )


def _count(db, model):
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_sample_province_review_and_rerun(prefect_harness, tmp_path, database_url):
    settings = _settings(tmp_path, database_url, 2023)
    summary = run_review(settings)
    assert summary.outcomes["ha-hongze"] == "parsed"
    assert summary.outcomes["pt-scj"] == "missing"
    assert summary.totals["agencies"] == 14 and summary.totals["parsed"] == 5
    assert summary.totals["agencies_with_errors"] == 1  # 洪泽区 2023: 表四 totals printed as 0

    index = summary.index_page.read_text(encoding="utf-8")
    assert "淮安市洪泽区人民政府" in index
    page = (settings.pages_dir / "ha-hongze.html").read_text(encoding="utf-8")
    assert "T4-TOTAL" in page and "行政复议" in page

    db = Database.connect(settings.database_url)
    findings, documents = _count(db, FindingRecord), _count(db, SourceDocument)
    assert documents == 5 and findings >= 2

    run_review(settings)  # the same year again: nothing is duplicated
    assert _count(db, FindingRecord) == findings
    assert _count(db, SourceDocument) == documents
    db.dispose()


def test_bad_documents_get_recorded_outcomes(prefect_harness, tmp_path, database_url):
    source = tmp_path / "src" / "2022"
    source.mkdir(parents=True)
    shutil.copy(SAMPLE_PROVINCE / "reports" / "2022" / "pt-gaj.txt", source / "pt-gaj.txt")
    (source / "pt-nyn.txt").write_bytes(b"")
    (source / "pt-scj.pdf").write_bytes(b"%PDF-1.7\n1 0 obj broken")
    (source / "pt-zone.txt").write_text(
        "关于召开安全生产会议的通知\n请各单位准时参加。", encoding="utf-8"
    )
    shutil.copy(SAMPLE_PROVINCE / "reports" / "2023" / "pt-hzs.txt", source / "pt-hzs.txt")
    (source / "stranger.txt").write_text("不在名录中的文件", encoding="utf-8")

    summary = run_review(_settings(tmp_path, database_url, 2022, source=tmp_path / "src"))
    o = summary.outcomes
    assert o["pt-gaj"] == "parsed"
    assert o["pt-nyn"] == "empty"
    assert o["pt-scj"] == "unreadable"
    assert o["pt-zone"] == "not_a_report"
    assert o["pt-hzs"] == "wrong_year"
    assert o["pt-jtj"] == "missing"

    db = Database.connect(database_url)
    with db.sessions() as s:
        reasons = {r.agency_id: r.reason for r in s.scalars(select(AgencyOutcome))}
    db.dispose()
    assert "2023" in reasons["pt-hzs"]
    page = (tmp_path / "out" / "2022" / "pt-scj.html").read_text(encoding="utf-8")
    assert "PDF" in page
