"""Delivery through a real SMTP server (aiosmtpd on 127.0.0.1): recipients, Chinese
subjects, HTML and text parts, attachments; idempotent re-runs; an outage is recorded
and the next run delivers. Stage functions only (no Prefect)."""

from __future__ import annotations

import dataclasses
import email
import re
import socket
from datetime import UTC, datetime
from email.headerregistry import Address
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from flows import deliver as deliver_module
from flows import stages
from flows.deliver import deliver
from flows.mail_content import Body
from flows.publish import write_progress
from flows.settings import SAMPLE_PROVINCE
from ingest.registry import load_registry
from ingest.sources import find_documents
from models.db import Database
from models.tables import Delivery, FindingEvent
from reports.mail import Attachment, MailSettings, SmtpSettings, mail_settings_from_env

YEAR = 2023
# 洪泽区 2023 (corpus 002): T4-TOTAL ×2 (errors), FMT-TABLES, SEC1-GOV-EVAL, SEC5-RECTIFY
# (warnings), FMT-LABEL (info) — all open after the review.
OPEN = 6
REGISTRY = """agency_id,name,region,level,kind,parent_id,supervisor_emails,aliases,contact_emails
ha-hongze,淮安市洪泽区人民政府,淮安市洪泽区,county,government,,sup@huaian.example.cn;gkb@js.example.cn,,gk@hongze.example.cn
pt-jtj,平潭综合实验区交通与建设局,平潭综合实验区,city,department,,gkb@js.example.cn,,
"""
SENDER = Address("江苏省政务公开办", "gkb", "js.example.cn")


class Sink:
    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """Two real 2023 reports parsed and checked once (洪泽区 has errors)."""
    root = tmp_path_factory.mktemp("reviewed")
    (root / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    agencies = load_registry(root / "registry.csv")
    found = find_documents(SAMPLE_PROVINCE / "reports", YEAR, agencies)
    outcomes = stages.parse_batch(
        [(a.agency_id, found.documents[a.agency_id]) for a in agencies], YEAR
    )
    return agencies, outcomes, stages.check_outcomes(outcomes)


def _reviewed_into(reviewed, database_url: str, folder: Path) -> tuple[str, Path, int]:
    agencies, outcomes, findings = reviewed
    run_id, _ = stages.persist(database_url, YEAR, agencies, outcomes, findings, {})
    pages = folder / "out" / str(YEAR)
    stages.render(
        pages, YEAR, "江苏示例", run_id, agencies, outcomes, findings, database_url=database_url
    )
    write_progress(database_url, pages, YEAR, "江苏示例", run_id)
    return database_url, pages, run_id


@pytest.fixture
def workspace(reviewed, database_url, tmp_path) -> tuple[str, Path, int]:
    """The test database and pages after one review of `reviewed`."""
    return _reviewed_into(reviewed, database_url, tmp_path)


class Server:
    """An aiosmtpd server on a fixed port that can go down and come back."""

    def __init__(self, sink: Sink, port: int):
        self.sink, self.port, self.controller = sink, port, None

    def start(self) -> None:
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    port = _free_port()
    sink = Sink()
    server = Server(sink, port)
    server.start()
    yield sink, server, port
    server.stop()


def _mail(port: int, tmp_path: Path) -> MailSettings:
    return MailSettings(
        sender=SENDER,
        outbox=tmp_path / "outbox",
        smtp=SmtpSettings("127.0.0.1", port, security="none", timeout=5),
    )


def test_digest_and_agency_mail_through_smtp(workspace, smtp, tmp_path):
    url, pages, run_id = workspace
    sink, _, port = smtp
    result = deliver(url, pages, YEAR, "江苏示例", run_id, _mail(port, tmp_path))
    assert (result.sent, result.failed) == (3, 0)
    assert result.notified == {"ha-hongze"}  # pt-jtj has no findings
    by_rcpt = {rcpts[0]: m for rcpts, m in sink.messages}
    assert sorted(by_rcpt) == ["gk@hongze.example.cn", "gkb@js.example.cn", "sup@huaian.example.cn"]

    digest = by_rcpt["gkb@js.example.cn"]
    assert digest["Subject"] == f"【年报审核】江苏示例 2023年度报告审核与整改进展：待整改 {OPEN} 项"
    assert digest["From"].addresses[0].display_name == "江苏省政务公开办"
    html = digest.get_body(("html",)).get_content()
    text = digest.get_body(("plain",)).get_content()
    assert "淮安市洪泽区人民政府" in html and "<style" not in html and 'style="' in html
    assert "尚未整改的机构" in text and "淮安市洪泽区人民政府" in text
    files = {a.get_filename(): a for a in digest.iter_attachments()}
    assert set(files) == {"ha-hongze.html", "整改台账_2023.xlsx"}
    assert "T4-TOTAL" in files["ha-hongze.html"].get_content()
    assert files["整改台账_2023.xlsx"].get_content()[:2] == b"PK"

    agency = by_rcpt["gk@hongze.example.cn"]
    assert agency["To"].addresses[0].display_name == "淮安市洪泽区人民政府"
    assert agency["Subject"].startswith("【年报审核】淮安市洪泽区人民政府 2023年度")
    assert "表四 行政复议" in agency.get_body(("plain",)).get_content()
    assert "行政复议" in agency.get_body(("html",)).get_content()

    # the findings carried are now notified (one event per delivered message carrying them)
    db = Database.connect(url)
    with db.sessions() as s:
        kinds = [e.kind for e in s.scalars(select(FindingEvent))]
    # each open finding × (2 digests + 1 agency mail)
    assert kinds.count("notified") == OPEN * 3

    # a second run sends nothing new
    again = deliver(url, pages, YEAR, "江苏示例", run_id, _mail(port, tmp_path))
    assert (again.sent, again.skipped) == (0, 3) and len(sink.messages) == 3
    db.dispose()


def test_outage_is_recorded_and_the_next_run_delivers(workspace, smtp, tmp_path):
    url, pages, run_id = workspace
    sink, controller, port = smtp
    controller.stop()
    mail = _mail(port, tmp_path)
    mail = MailSettings(
        mail.sender,
        mail.outbox,
        SmtpSettings("127.0.0.1", port, "none", password="s3cret!", timeout=5),
    )
    down = deliver(url, pages, YEAR, "江苏示例", run_id, mail)
    assert (down.sent, down.failed) == (0, 3)
    db = Database.connect(url)
    with db.sessions() as s:
        rows = list(s.scalars(select(Delivery)))
    assert {r.status for r in rows} == {"failed"} and all("127.0.0.1" in r.error for r in rows)
    assert not any("s3cret" in r.error for r in rows) and "s3cret" not in repr(mail)

    controller.start()
    up = deliver(url, pages, YEAR, "江苏示例", run_id, mail)
    assert (up.sent, up.failed) == (3, 0) and len(sink.messages) == 3
    with db.sessions() as s:
        rows = list(s.scalars(select(Delivery)))
    assert {r.status for r in rows} == {"sent"} and {r.attempts for r in rows} == {2}
    db.dispose()


def test_without_smtp_messages_go_to_the_outbox(workspace, tmp_path):
    url, pages, run_id = workspace
    mail = mail_settings_from_env({}, tmp_path / "out")
    assert mail.smtp is None and mail.outbox == tmp_path / "out" / "outbox"
    result = deliver(url, pages, YEAR, "江苏示例", run_id, mail)
    files = sorted(mail.outbox.glob("*.eml"))
    assert result.sent == 3 and len(files) == 3
    subjects = {email.message_from_bytes(f.read_bytes(), policy=default)["Subject"] for f in files}
    assert f"【年报审核】江苏示例 2023年度报告审核与整改进展：待整改 {OPEN} 项" in subjects
    assert deliver(url, pages, YEAR, "江苏示例", run_id, mail).sent == 0


def test_rerender_after_delivery_touches_only_notified_pages(workspace, reviewed, smtp, tmp_path):
    """After delivery only the notified agencies' pages are rewritten (their findings
    now carry a 通知 date); the other pages and the index stay byte for byte."""
    url, pages, run_id = workspace
    agencies, outcomes, findings = reviewed
    _, _, port = smtp
    hongze, jtj, index = pages / "ha-hongze.html", pages / "pt-jtj.html", pages / "index.html"
    before = {p: p.read_bytes() for p in (hongze, jtj, index)}
    assert "未通知" in hongze.read_text(encoding="utf-8")

    result = deliver(url, pages, YEAR, "江苏示例", run_id, _mail(port, tmp_path))
    written = stages.render(
        pages,
        YEAR,
        "江苏示例",
        run_id,
        agencies,
        outcomes,
        findings,
        database_url=url,
        only=result.notified,
    )

    assert written == [hongze]
    assert "未通知" not in hongze.read_text(encoding="utf-8")
    assert hongze.read_bytes() != before[hongze]
    assert jtj.read_bytes() == before[jtj]
    assert index.read_bytes() == before[index]


def _masked(wire):
    return dataclasses.replace(wire, data=re.sub(rb"={15}\d+==", b"=BOUNDARY=", wire.data))


@pytest.mark.parametrize("smtp", [False, True])
def test_messages_prepared_in_worker_processes_are_the_same(smtp, tmp_path, monkeypatch):
    """Composed in worker processes, the messages are those composed here: byte for
    byte but for the random multipart boundaries, in order."""
    page = (
        "<html><body><p>" + "淮安市洪泽区人民政府 审核意见 " * 200 + "</p></body></html>"
    ).encode()
    messages = [
        deliver_module.Outgoing(
            to=f"gk{i}@hongze.example.cn",
            name=f"机构{i}",
            key=f"agency:2023:a{i}",
            fingerprint=f"{i:064x}",
            subject=f"【年报审核】第 {i} 封",
            finding_ids=(i,),
            body=Body(
                f"<style>p{{color:red}}</style><p>问题 {i}</p>",
                f"问题 {i}",
                (Attachment(f"a{i}.html", page, "text", "html"),),
            ),
        )
        for i in range(7)
    ]
    mail = _mail(25, tmp_path)
    now = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    monkeypatch.setattr(deliver_module, "POOL_MIN_MESSAGES", 0)
    here = list(deliver_module._prepared(messages, mail, now, smtp, workers=1))
    pooled = list(deliver_module._prepared(messages, mail, now, smtp, workers=2))
    assert len(here) == 7 and [_masked(w) for w in pooled] == [_masked(w) for w in here]
    assert all(w.data and w.message is None for w in here)
    if smtp:
        assert here[3].recipients == ("gk3@hongze.example.cn",)


def test_delivery_with_worker_processes(workspace, smtp, tmp_path, monkeypatch):
    url, pages, run_id = workspace
    sink, _, port = smtp
    monkeypatch.setattr(deliver_module, "POOL_MIN_MESSAGES", 0)
    result = deliver(url, pages, YEAR, "江苏示例", run_id, _mail(port, tmp_path), workers=2)
    assert (result.sent, result.failed, result.notified) == (3, 0, {"ha-hongze"})
    assert len(sink.messages) == 3
    db = Database.connect(url)
    with db.sessions() as s:
        assert [r.status for r in s.scalars(select(Delivery))] == ["sent"] * 3
        notified = s.scalars(select(FindingEvent).where(FindingEvent.kind == "notified"))
        assert len(list(notified)) == OPEN * 3
    db.dispose()


def test_pages_are_the_same_from_reports_without_their_texts(reviewed, database_url, tmp_path):
    """After persisting, the review keeps each report `without_texts()` for the pages
    it still renders: every page comes out the same (but for its generation time)."""
    agencies, outcomes, findings = reviewed
    slim = [dataclasses.replace(o, report=o.report and o.report.without_texts()) for o in outcomes]
    assert any(o.report and o.report.sections for o in outcomes)
    assert all(not o.report.sections and not o.report.provenance for o in slim if o.report)
    run_id, _ = stages.persist(database_url, YEAR, agencies, outcomes, findings, {})

    def pages(folder, these):
        written = stages.render(
            folder, YEAR, "江苏示例", run_id, agencies, these, findings, database_url=database_url
        )
        stamp = re.compile(r"生成时间 [^。<]+")
        return {p.name: stamp.sub("生成时间 …", p.read_text(encoding="utf-8")) for p in written}

    full = pages(tmp_path / "full", outcomes)
    assert len(full) == len(agencies) + 2  # the agencies, the index, the rules
    assert pages(tmp_path / "slim", slim) == full
