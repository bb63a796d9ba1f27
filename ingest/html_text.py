"""Web pages to linear text: block elements on their own lines, table cells apart.

A table row's cells are separated by tabs; an empty cell in a row that holds numbers
becomes the blank marker, so a blank cell keeps its column (CELL-BLANK).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.documents import decode
from ingest.errors import UnreadableDocument
from ingest.splitting import BLANK

_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "table",
    "tbody",
    "thead",
    "ul",
    "ol",
    "dd",
    "dt",
    "header",
    "footer",
    "tr",
}
_SKIP = {"script", "style", "noscript", "select", "option", "iframe", "template", "head"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)


@dataclass
class Page:
    text: str
    title: str | None
    published: str | None


_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_BLANKS = frozenset(("", "-", "/", "—", "–", "无"))


def _cell_text(td) -> str:
    return " ".join("".join(td.itertext()).split())


def _row_text(tr) -> str:
    cells = [_cell_text(td) for td in tr.iterchildren("td", "th")]
    if any(_NUMBER.fullmatch(c) for c in cells):
        cells = [BLANK if c in _BLANKS else c for c in cells]
    return "\t".join(c for c in cells if c)


def _flatten(body) -> str:
    """Rewrite the tree in place (rows to tab lines, blocks to line breaks), then let
    lxml serialise the text: ~3x faster than walking it in Python."""
    from lxml import etree

    for el in list(body.iter(*_SKIP)):
        el.text = None
        for child in list(el):
            el.remove(child)
    for tr in list(body.iter("tr")):
        line = _row_text(tr)
        for child in list(tr):
            tr.remove(child)
        tr.text = "\n" + line + "\n"
    for el in body.iter(*_BLOCK):
        el.text = "\n" + (el.text or "")
        el.tail = "\n" + (el.tail or "")
    return etree.tostring(body, method="text", encoding="unicode", with_tail=False)


def html_to_text(data: bytes) -> Page:
    from lxml import etree

    m = _CHARSET.search(data[:4096])
    text = decode(data, m.group(1).decode("ascii", "ignore") if m else None)
    try:  # plain etree elements: lxml.html's element classes cost ~25% here
        root = etree.fromstring(text, etree.HTMLParser(remove_comments=True))
    except Exception as exc:  # lxml raises XMLSyntaxError / ValueError on garbage
        raise UnreadableDocument(f"网页无法解析：{type(exc).__name__}") from exc
    if root is None:
        raise UnreadableDocument("网页没有可解析的内容")
    meta = {(e.get("name") or "").lower(): e.get("content") or "" for e in root.iter("meta")}
    title = (
        meta.get("articletitle") or (root.findtext(".//title") or "").split("_")[0].strip() or None
    )
    published = meta.get("pubdate") or meta.get("publishdate") or None
    body = root.find("body")
    flat = _flatten(body if body is not None else root)
    lines = [
        " ".join(line.split()) if "\t" not in line else line.strip() for line in flat.split("\n")
    ]
    return Page("\n".join(line for line in lines if line), title, published)
