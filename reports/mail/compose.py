"""Build one email: HTML with a plain-text alternative, CSS inlined, attachments.

Header safety: every text that reaches a header (subject, display names, file names)
goes through `header_text`, which turns CR, LF and other control or line-separator
characters into spaces — an agency name cannot add a header. Chinese is encoded by
`email.policy.SMTP` (RFC 2047 words, RFC 2231 file names).

Messages use `POLICY`: `email.policy.SMTP` whose header factory reuses the header
object of a (name, value) seen before and folds it once per output policy. Most
headers of a run repeat (sender, date, MIME types, encodings); parsing and folding
them was a quarter of composing a message. Same bytes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP, Policy
from email.utils import format_datetime, make_msgid

import css_inline

__all__ = ["POLICY", "Attachment", "compose", "header_text", "recipient"]

_UNSAFE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
MAX_HEADER_TEXT = 200


class _Header(BaseHeader):
    """A header that keeps its folded text per policy (a header object never changes)."""

    def fold(self, *, policy: Policy) -> str:
        key = (policy.linesep, policy.max_line_length, policy.utf8, policy.refold_source)
        folds = self.__dict__.setdefault("_folds", {})
        if key not in folds:
            folds[key] = super().fold(policy=policy)
        return folds[key]


class _HeaderRegistry(HeaderRegistry):
    """A header factory with a memory: one class per header name, and the same header
    object for a (name, value) seen before."""

    def __init__(self, size: int = 4096):
        super().__init__(base_class=_Header)
        self._classes: dict[str, type] = {}
        self._remembered = functools.lru_cache(maxsize=size)(self._make)

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        if key not in self._classes:
            self._classes[key] = super().__getitem__(name)
        return self._classes[key]

    def __call__(self, name: str, value) -> BaseHeader:
        if type(value) is str:
            return self._remembered(name, value)
        if type(value) is Address:  # not hashable: remembered by its parts
            return self._remembered(name, (value.display_name, value.username, value.domain))
        return super().__call__(name, value)  # a list of addresses, a Header: as usual

    def _make(self, name: str, value: str | tuple[str, str, str]) -> BaseHeader:
        return super().__call__(name, Address(*value) if type(value) is tuple else value)


POLICY = SMTP.clone(header_factory=_HeaderRegistry())


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


def _cte(text: str) -> str | None:
    """Base64 for a body that is not ASCII. The standard library otherwise decides by
    trying quoted-printable on the first ten lines, which for an HTML page are its
    ASCII head, and then encodes the whole Chinese body as quoted-printable: three
    bytes per byte, in Python (a third of composing a digest). ASCII bodies keep the
    library's choice (7bit)."""
    return None if text.isascii() else "base64"


def compose(
    *,
    sender: Address,
    to: Address,
    subject: str,
    html: str,
    text: str,
    attachments: Sequence[Attachment] = (),
    date: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """`message_id`: `<id@domain>`, for a message sent again after a crash to keep its
    identity (see `flows.deliver`); default a new one."""
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = header_text(subject, 300)
    msg["From"] = sender
    msg["To"] = to
    msg["Message-ID"] = (
        header_text(message_id) if message_id else make_msgid(domain=sender.domain or "localhost")
    )
    if date is not None:
        msg["Date"] = format_datetime(date)
    msg.set_content(text, subtype="plain", charset="utf-8", cte=_cte(text))
    html = css_inline.inline(html)
    msg.add_alternative(html, subtype="html", charset="utf-8", cte=_cte(html))
    for a in attachments:
        msg.add_attachment(
            a.data, maintype=a.maintype, subtype=a.subtype, filename=header_text(a.filename)
        )
    return msg
