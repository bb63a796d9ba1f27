"""The mailer interface and its two implementations.

    Mailer.send(message) -> None      raises DeliveryError (transient or not)

- `OutboxMailer(folder)`: writes `<folder>/<name>.eml` (the embedded default).
- `SmtpMailer(settings)`: SMTP with STARTTLS or SSL and login; one connection per
  batch (`with mailer:`), reconnecting after a failure. Errors never carry the
  password.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Protocol

from .settings import MailSettings, SmtpSettings

__all__ = ["DeliveryError", "Mailer", "OutboxMailer", "SmtpMailer", "make_mailer"]


class DeliveryError(Exception):
    """A message could not be handed over; `str()` is safe to store and log."""


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def __enter__(self) -> Mailer: ...

    def __exit__(self, *exc: object) -> None: ...


class OutboxMailer:
    """Writes each message as an RFC 5322 `.eml` file, named after its Message-ID."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def __enter__(self) -> OutboxMailer:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def send(self, message: EmailMessage) -> None:
        key = str(message["Message-ID"] or message["Subject"]) + str(message["To"])
        name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / f"{name}.eml").write_bytes(message.as_bytes(policy=SMTP))
        except OSError as exc:
            raise DeliveryError(f"无法写入发件箱 {self.folder}：{exc.strerror}") from exc


class SmtpMailer:
    """Sends through an SMTP server (see module docstring)."""

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
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(message)
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
