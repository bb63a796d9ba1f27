"""Messages are the bytes the standard library writes: the outbox those of
`as_bytes(policy=SMTP)`, SMTP those of `smtplib.SMTP.send_message` (a real server,
aiosmtpd), composed as with `email.policy.SMTP`; `reports.mail` only gets there faster."""

from __future__ import annotations

import importlib
import smtplib
import socket
from email.headerregistry import Address
from email.policy import SMTP

import pytest
from aiosmtpd.controller import Controller

from reports.mail import Attachment, OutboxMailer, SmtpMailer, SmtpSettings, compose, recipient

SENDER = Address("江苏省政务公开办", "gkb", "js.example.cn")
LONG = "审核意见" * 40
compose_module = importlib.import_module("reports.mail.compose")  # `compose` is the function


def _messages():
    """Two composed messages, multipart boundaries fixed (else drawn at random)."""
    ascii_html = "<p>ok</p>\nFrom here on\n.\n"  # short ASCII lines: 7bit, a line "From "
    html = f"<html><body>\n<p>{LONG}</p>\r\nFrom the agency\r<p>{'x' * 200}</p></body></html>"
    text = f"From the office:\n{LONG}\n\n.\nend"
    messages = [
        compose(
            sender=SENDER,
            to=recipient("gk@hongze.example.cn", "淮安市洪泽区人民政府"),
            subject="【年报审核】" + LONG,
            html=html,
            text=text,
            attachments=(
                Attachment("ha-hongze.html", html.encode(), "text", "html"),
                Attachment("整改台账_2023.xlsx", bytes(range(256)) * 40, "application", "zip"),
            ),
            message_id="<abc.nianbao@js.example.cn>",
        ),
        compose(
            sender=SENDER,
            to=recipient("a@b.cn"),
            subject="s",
            html=ascii_html,
            text="t",
            message_id="<def.nianbao@js.example.cn>",
        ),
    ]
    for message in messages:
        for n, part in enumerate(p for p in message.walk() if p.is_multipart()):
            part.set_boundary(f"===b{n}==")
    return messages


@pytest.mark.parametrize("n", [0, 1])
def test_outbox_bytes_are_as_bytes(n, tmp_path):
    message = _messages()[n]
    OutboxMailer(tmp_path).send(message)
    assert [p.read_bytes() for p in tmp_path.glob("*.eml")] == [message.as_bytes(policy=SMTP)]


class _Sink:
    def __init__(self):
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, envelope.rcpt_tos, envelope.original_content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_smtp_bytes_are_those_of_send_message():
    sink, port = _Sink(), _free_port()
    server = Controller(sink, hostname="127.0.0.1", port=port)
    server.start()
    try:
        for message in _messages():
            with smtplib.SMTP("127.0.0.1", port) as smtp:
                smtp.send_message(message)
            with SmtpMailer(SmtpSettings("127.0.0.1", port, security="none")) as mailer:
                mailer.send(message)
    finally:
        server.stop()
    assert len(sink.received) == 4
    for stdlib, ours in zip(sink.received[::2], sink.received[1::2], strict=True):
        assert ours == stdlib
    assert b"\r\n>From here on\r\n" in sink.received[2][2]  # as send_message quotes it


def test_remembered_headers_give_the_same_bytes(monkeypatch):
    """POLICY reuses header objects and their folding; the bytes are those of a message
    built with email.policy.SMTP itself."""
    first, again = _messages(), _messages()  # the second built from remembered headers
    monkeypatch.setattr(compose_module, "POLICY", SMTP)
    plain = _messages()
    assert type(first[0]["From"]) is not type(plain[0]["From"])  # built by POLICY
    for a, b, c in zip(first, again, plain, strict=True):
        assert a.as_bytes(policy=SMTP) == b.as_bytes(policy=SMTP) == c.as_bytes(policy=SMTP)
        assert a.as_bytes() == c.as_bytes()  # the message's own policy
