"""Mail settings: one typed object built at the entry point from the environment.

| variable | meaning |
|---|---|
| `NIANBAO_SMTP_HOST` | SMTP server; unset → messages go to the outbox folder as `.eml` |
| `NIANBAO_SMTP_PORT` | default 587 (starttls), 465 (ssl), 25 (none) |
| `NIANBAO_SMTP_SECURITY` | `starttls` (default), `ssl`, or `none` (no TLS, no auth) |
| `NIANBAO_SMTP_USER` / `NIANBAO_SMTP_PASSWORD` | login; the password is never logged |
| `NIANBAO_MAIL_FROM` | sender, e.g. `省政务公开办 <gkb@example.cn>` |
| `NIANBAO_OUTBOX` | outbox folder (default `<out>/outbox/`) |
| `NIANBAO_MAIL_CONTACTS` | `0` stops the per-agency messages to `contact_emails` |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path

SECURITIES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_SENDER = "年报审核 <nianbao@localhost>"


class MailConfigError(ValueError):
    """The mail settings are inconsistent (the message says which variable)."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str = "starttls"
    user: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.security not in SECURITIES:
            raise MailConfigError(f"NIANBAO_SMTP_SECURITY 应为 {'/'.join(SECURITIES)} 之一")
        if self.security == "none" and self.user:
            raise MailConfigError("不加密的 SMTP 连接不能登录（会明文发送密码）")

    def __repr__(self) -> str:
        secret = "***" if self.password else "''"
        return (
            f"SmtpSettings(host={self.host!r}, port={self.port}, security={self.security!r}, "
            f"user={self.user!r}, password={secret})"
        )


@dataclass(frozen=True)
class MailSettings:
    """Where messages go: SMTP when `smtp` is set, else `.eml` files in `outbox`."""

    sender: Address
    outbox: Path
    smtp: SmtpSettings | None = None
    contacts: bool = True  # also write to each agency's contact_emails


def sender_address(text: str) -> Address:
    name, addr = parseaddr(text)
    if "@" not in addr:
        raise MailConfigError(f"NIANBAO_MAIL_FROM 不是有效的邮件地址：{text!r}")
    user, _, domain = addr.partition("@")
    return Address(display_name=name, username=user, domain=domain)


def mail_settings_from_env(environ: Mapping[str, str], out_dir: str | Path) -> MailSettings:
    """Mail settings from `environ` (see the table above)."""
    host = environ.get("NIANBAO_SMTP_HOST", "").strip()
    smtp = None
    if host:
        security = environ.get("NIANBAO_SMTP_SECURITY", "starttls").strip().lower()
        port = environ.get("NIANBAO_SMTP_PORT", "").strip()
        smtp = SmtpSettings(
            host=host,
            port=int(port) if port else DEFAULT_PORTS.get(security, 587),
            security=security,
            user=environ.get("NIANBAO_SMTP_USER", "").strip(),
            password=environ.get("NIANBAO_SMTP_PASSWORD", ""),
        )
    outbox = environ.get("NIANBAO_OUTBOX", "").strip()
    return MailSettings(
        sender=sender_address(environ.get("NIANBAO_MAIL_FROM", "").strip() or DEFAULT_SENDER),
        outbox=Path(outbox) if outbox else Path(out_dir) / "outbox",
        smtp=smtp,
        contacts=environ.get("NIANBAO_MAIL_CONTACTS", "1").strip() != "0",
    )
