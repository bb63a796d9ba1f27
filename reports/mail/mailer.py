"""The mailer interface and its two implementations.

    Mailer.send(message) -> None      raises DeliveryError (transient or not)
    Mailer.send_wire(wire) -> None    the same for a message prepared beforehand

A `Wire` is a message already written out for one mailer kind (`prepare(message,
smtp=mailer.smtp)`): its bytes, envelope and outbox name. Preparing is the costly
part of sending (the generator); it can run in another process (`flows.deliver`),
while handing over stays with the mailer's connection.

- `OutboxMailer(folder)`: writes `<folder>/<name>.eml` (the embedded default).
- `SmtpMailer(settings)`: SMTP with STARTTLS or SSL and login; one connection per
  batch (`with mailer:`), reconnecting after a failure. Errors never carry the
  password.

Both write a message as `flatten` does: the bytes of `BytesGenerator` (what
`message.as_bytes(policy=SMTP)` and `smtplib.SMTP.send_message` produce), with line
endings converted in one pass instead of two writes per line (a digest with pages
attached has tens of thousands of lines).
"""

from __future__ import annotations

import copy
import hashlib
import io
import smtplib
import ssl
from dataclasses import dataclass
from email.generator import NLCRE, BytesGenerator
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import getaddresses
from pathlib import Path
from typing import Protocol

from ..files import write_atomic
from .settings import MailSettings, SmtpSettings

__all__ = [
    "DeliveryError",
    "Mailer",
    "OutboxMailer",
    "SmtpMailer",
    "Wire",
    "flatten",
    "make_mailer",
    "prepare",
]


class DeliveryError(Exception):
    """A message could not be handed over; `str()` is safe to store and log."""


class _Generator(BytesGenerator):
    """`BytesGenerator` writing a body's lines at once (same bytes)."""

    def _write_lines(self, lines: str) -> None:
        # BytesGenerator: split on CRLF/CR/LF, write each line and the policy's line
        # ending, the last line without one. One substitution writes the same.
        if lines:
            self.write(NLCRE.sub(self._NL, lines))


def flatten(message: EmailMessage, *, smtp: bool = False) -> bytes:
    """`message` as RFC 5322 bytes with CRLF line endings: those of
    `message.as_bytes(policy=SMTP)`, or with `smtp` those `smtplib.SMTP.send_message`
    sends (its generator also quotes a body line starting "From ")."""
    out = io.BytesIO()
    if smtp:  # send_message flattens a copy with the message's policy
        _Generator(out, mangle_from_=True).flatten(copy.copy(message), linesep="\r\n")
    else:
        _Generator(out, mangle_from_=False, policy=SMTP).flatten(message, unixfrom=False)
    return out.getvalue()


@dataclass(frozen=True)
class Wire:
    """A message written out for sending: `data` as `flatten` gives it (with `smtp`,
    as `send_message` sends it), the SMTP envelope, and the outbox file name. A message
    the fast path does not cover (Cc/Bcc/Resent-, non-ASCII addresses: SMTPUTF8) keeps
    `message` for `smtplib.SMTP.send_message` instead of `data`."""

    name: str
    sender: str
    recipients: tuple[str, ...]
    data: bytes = b""
    message: EmailMessage | None = None


def prepare(message: EmailMessage, *, smtp: bool) -> Wire:
    """`message` written out for an SMTP mailer (`smtp`) or an outbox."""
    key = str(message["Message-ID"] or message["Subject"]) + str(message["To"])
    name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    if not smtp:
        return Wire(name, "", (), flatten(message))
    if any(h in message for h in ("Cc", "Bcc", "Sender", "Resent-Date")) or not (
        "From" in message and "To" in message
    ):
        return Wire(name, "", (), message=message)
    sender = getaddresses([str(message["From"])])[0][1]
    to = tuple(a for _, a in getaddresses([str(message["To"])]))
    if not all(a.isascii() for a in (sender, *to)):
        return Wire(name, sender, to, message=message)
    return Wire(name, sender, to, flatten(message, smtp=True))


class Mailer(Protocol):
    smtp: bool  # what `prepare` must write for `send_wire`

    def send(self, message: EmailMessage) -> None: ...

    def send_wire(self, wire: Wire) -> None: ...

    def __enter__(self) -> Mailer: ...

    def __exit__(self, *exc: object) -> None: ...


class OutboxMailer:
    """Writes each message as an RFC 5322 `.eml` file, named after its Message-ID and
    recipient, atomically: the same message written again replaces its file."""

    smtp = False

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def __enter__(self) -> OutboxMailer:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def send(self, message: EmailMessage) -> None:
        self.send_wire(prepare(message, smtp=False))

    def send_wire(self, wire: Wire) -> None:
        try:
            write_atomic(self.folder / f"{wire.name}.eml", wire.data)
        except OSError as exc:
            raise DeliveryError(f"无法写入发件箱 {self.folder}：{exc.strerror}") from exc


class SmtpMailer:
    """Sends through an SMTP server (see module docstring)."""

    smtp = True

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpMailer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if s.user:
            smtp.login(s.user, s.password)
        return smtp

    def send(self, message: EmailMessage) -> None:
        self.send_wire(prepare(message, smtp=True))

    def send_wire(self, wire: Wire) -> None:
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            if wire.message is not None:
                self._smtp.send_message(wire.message)
            else:
                self._smtp.sendmail(wire.sender, list(wire.recipients), wire.data)
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise DeliveryError(self._describe(exc)) from None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._smtp = None

    def _describe(self, exc: BaseException) -> str:
        s = self.settings
        text = f"SMTP {s.host}:{s.port} 发送失败：{type(exc).__name__}: {exc}"
        return text.replace(s.password, "***") if s.password else text


def make_mailer(settings: MailSettings) -> Mailer:
    if settings.smtp is None:
        return OutboxMailer(settings.outbox)
    return SmtpMailer(settings.smtp)
