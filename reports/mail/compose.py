"""Build one email: HTML with a plain-text alternative, CSS inlined, attachments.

Header safety: every text that reaches a header (subject, display names, file names)
goes through `header_text`, which turns CR, LF and other control or line-separator
characters into spaces — an agency name cannot add a header. Chinese is encoded by
`email.policy.SMTP` (RFC 2047 words, RFC 2231 file names).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

import css_inline

__all__ = ["Attachment", "compose", "header_text", "recipient"]

_UNSAFE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
MAX_HEADER_TEXT = 200


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    maintype: str
    subtype: str


def header_text(value: str, limit: int = MAX_HEADER_TEXT) -> str:
    """`value` on one line, control characters replaced, at most `limit` characters."""
    return _UNSAFE.sub(" ", value).strip()[:limit]


def recipient(addr: str, name: str = "") -> Address:
    """An Address; `addr` must be a plain `user@domain` (registry-validated)."""
    addr = addr.strip()
    if _UNSAFE.search(addr) or addr.count("@") != 1 or any(c in addr for c in " <>,;\"'"):
        raise ValueError(f"不是有效的邮件地址：{addr!r}")
    user, domain = addr.split("@")
    return Address(display_name=header_text(name), username=user, domain=domain)


def compose(
    *,
    sender: Address,
    to: Address,
    subject: str,
    html: str,
    text: str,
    attachments: Sequence[Attachment] = (),
    date: datetime | None = None,
) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = header_text(subject, 300)
    msg["From"] = sender
    msg["To"] = to
    msg["Message-ID"] = make_msgid(domain=sender.domain or "localhost")
    if date is not None:
        msg["Date"] = format_datetime(date)
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(css_inline.inline(html), subtype="html", charset="utf-8")
    for a in attachments:
        msg.add_attachment(
            a.data, maintype=a.maintype, subtype=a.subtype, filename=header_text(a.filename)
        )
    return msg
