"""A real fix replayed: 洪泽区 2023 printed 表四 总计 as 0 (two T4-TOTAL errors); the
review flags and notifies them, the agency republishes a corrected report, the recheck
closes them; the ledger (CLI status/export/waive) shows found, notified, fixed."""

from __future__ import annotations

import email
import shutil
from datetime import date
from email.policy import default

from openpyxl import load_workbook

from flows.annual_review import run_review
from flows.cli import main
from flows.recheck import recheck
from flows.settings import PROJECT_ROOT, Settings
from models.db import Database
from models.ledger import ledger

CORPUS = PROJECT_ROOT / "tests" / "fixtures" / "corpus"
YEAR = 2023
REGISTRY = """agency_id,name,region,level,kind,parent_id,supervisor_emails,aliases,contact_emails
ha-hongze,淮安市洪泽区人民政府,淮安市洪泽区,county,government,,gkb@huaian.example.cn,洪泽区人民政府,gk@hongze.example.cn
"""
PRINTED = "10    1      0   0    0   0    0   0   0    0   5   0     0   0   0"
CORRECTED = "10    1      0   0    11   0    0   0   0    0   5   0     0   0   5"


def _subjects(outbox):
    return sorted(
        email.message_from_bytes(p.read_bytes(), policy=default)["Subject"]
        for p in outbox.glob("*.eml")
    )


def test_fix_is_opened_notified_and_closed(
    prefect_harness, tmp_path, database_url, capsys, monkeypatch
):
    monkeypatch.delenv("NIANBAO_SMTP_HOST", raising=False)
    monkeypatch.delenv("NIANBAO_DATABASE_URL", raising=False)
    source = tmp_path / "src" / str(YEAR)
    source.mkdir(parents=True)
    report = source / "ha-hongze.txt"
    shutil.copy(CORPUS / "002_hongze_qu_2023.txt", report)
    registry = tmp_path / "registry.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    url = database_url
    settings = Settings(YEAR, registry, tmp_path / "src", out, url, batch_size=10, scope="淮安")

    summary = run_review(settings)
    assert summary.delivery.sent == 2  # the supervisor's digest and the agency's own mail
    outbox = out / "outbox"
    assert len(_subjects(outbox)) == 2

    # nothing was corrected: a recheck finds no new version and sends nothing new
    unchanged = recheck(YEAR, str(registry), str(tmp_path / "src"), str(out), url)
    assert unchanged.checked == ["ha-hongze"] and unchanged.changed == []
    assert unchanged.delivery.sent == 0 and len(_subjects(outbox)) == 2

    # the agency republishes with the 表四 totals corrected
    text = report.read_text(encoding="utf-8")
    assert text.count(PRINTED) == 1
    report.write_text(text.replace(PRINTED, CORRECTED), encoding="utf-8")
    fixed = recheck(YEAR, str(registry), str(tmp_path / "src"), str(out), url)
    assert fixed.changed == ["ha-hongze"] and fixed.counts["fixed"] == 2

    db = Database.connect(url)
    with db.sessions() as session:
        entries = {(e.rule, e.location): e for e in ledger(session, YEAR)}
    db.dispose()
    t4 = [e for (rule, _), e in entries.items() if rule == "T4-TOTAL"]
    assert {e.location for e in t4} == {"表四 行政复议", "表四 复议后起诉"}
    today = date.today()
    for e in t4:
        assert e.status == "fixed"
        assert [k for k, _ in e.events][0] == "opened" and e.events[-1][0] == "fixed"
        assert "notified" in [k for k, _ in e.events]
        assert e.found_at <= e.notified_at <= e.fixed_at
        assert e.fixed_at.date() == today
    still_open = [e for e in entries.values() if e.is_open]
    assert still_open and all(e.rule != "T4-TOTAL" for e in still_open)

    # the new state reaches the supervisor and the agency (2 new messages)
    assert fixed.delivery.sent == 2
    page = (out / str(YEAR) / "ha-hongze.html").read_text(encoding="utf-8")
    assert "已整改" in page and today.isoformat() in page
    progress = (out / str(YEAR) / "progress.html").read_text(encoding="utf-8")
    assert "整改率变化" in progress and "T4-TOTAL" in progress

    # the ledger from the command line
    monkeypatch.setenv("NIANBAO_DATABASE_URL", url)
    xlsx = tmp_path / "台账.xlsx"
    assert main(["export", "--year", str(YEAR), "--out", str(out), "--file", str(xlsx)]) == 0
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    head = rows[0]
    col = {
        name: head.index(name)
        for name in ("机构", "规则", "问题说明", "发现日期", "通知日期", "整改日期", "状态")
    }
    t4_rows = [r for r in rows[1:] if r[col["规则"]] == "T4-TOTAL"]
    assert len(t4_rows) == 2
    for r in t4_rows:
        assert r[col["机构"]] == "淮安市洪泽区人民政府" and r[col["状态"]] == "已整改"
        assert (
            r[col["发现日期"]].date()
            == r[col["通知日期"]].date()
            == r[col["整改日期"]].date()
            == today
        )
        assert "总计" in r[col["问题说明"]]

    capsys.readouterr()
    assert main(["status", "--year", str(YEAR), "--out", str(out)]) == 0
    status = capsys.readouterr().out
    assert "淮安市洪泽区人民政府" in status and "T4-TOTAL" not in status

    left = still_open[0]
    assert (
        main(
            [
                "waive",
                "--year",
                str(YEAR),
                "--out",
                str(out),
                "--id",
                str(left.finding_id),
                "--reason",
                "表三（六）按2019版合并填报，已书面说明",
                "--by",
                "王科长",
            ]
        )
        == 0
    )
    for e in still_open[1:]:
        main(
            [
                "waive",
                "--year",
                str(YEAR),
                "--out",
                str(out),
                "--id",
                str(e.finding_id),
                "--reason",
                "已说明",
                "--by",
                "王科长",
            ]
        )
    capsys.readouterr()
    assert main(["status", "--year", str(YEAR), "--out", str(out)]) == 0
    assert "没有待整改的问题" in capsys.readouterr().out
