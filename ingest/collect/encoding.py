"""Response bytes to text: HTTP header charset, then `<meta charset>`, then detection."""

from __future__ import annotations

import re

from ingest.documents import decode

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([\w-]+)", re.I)


def declared_charset(content_type: str | None, data: bytes) -> str | None:
    """The charset the server or the page declares (header wins), else None."""
    if content_type and (m := _HEADER.search(content_type)):
        return m.group(1)
    if m := _META.search(data[:4096]):
        return m.group(1).decode("ascii", "ignore")
    return None


def decode_response(data: bytes, content_type: str | None) -> str:
    """Text of a response body; undeclared pages go through `ingest.documents.decode`."""
    charset = declared_charset(content_type, data)
    if charset and charset.lower().replace("_", "-") in ("gb2312", "gbk"):
        charset = "gb18030"  # superset: pages declared GB2312 often hold GBK characters
    return decode(data, charset)
