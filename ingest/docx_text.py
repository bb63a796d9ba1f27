"""Word documents (.docx) to linear text, in body order: paragraphs, then table rows.

Read straight from `word/document.xml` (python-docx's cell API rescans merged tables
and costs ~0.3 s a report). A table row becomes one line of its cells separated by
tabs; a vertically merged cell is written once (its continuation cells are skipped,
a horizontal span is one `w:tc`); an empty cell in a row that holds numbers becomes
the blank marker. Headers and footers live in other parts and are not read.
"""

from __future__ import annotations

import io
import re
import zipfile

from ingest.errors import EmptyDocument, UnreadableDocument
from ingest.splitting import BLANK

MAX_UNCOMPRESSED = 100 * 1024 * 1024  # a zip bomb stops here
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_LABEL = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_BLANKS = ("", "-", "/", "—", "–", "无")


def _document_xml(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(info.file_size for info in zf.infolist())
            if total > MAX_UNCOMPRESSED:
                raise UnreadableDocument(
                    f"DOCX 解压后过大（{total // (1024 * 1024)} MB），疑似压缩炸弹，已拒绝读取"
                )
            try:
                return zf.read("word/document.xml")
            except KeyError as exc:
                raise UnreadableDocument(
                    "DOCX 文件缺少正文（word/document.xml），不是 Word 文档"
                ) from exc
    except zipfile.BadZipFile as exc:
        raise UnreadableDocument("DOCX 文件已损坏（不是有效的 ZIP 压缩包）") from exc


def _cell_text(tc) -> str:
    text = "".join(t.text or "" for t in tc.iter(f"{W}t"))
    return (
        re.sub(r"\s+", "", text) if re.search(r"[\u4e00-\u9fff]", text) else " ".join(text.split())
    )


def _continues_merge(tc) -> bool:
    v = tc.find(f"{W}tcPr/{W}vMerge")
    return v is not None and v.get(f"{W}val") in (None, "continue")


def _row_line(tr) -> str:
    cells = [_cell_text(tc) for tc in tr.findall(f"{W}tc") if not _continues_merge(tc)]
    if any(_NUMBER.fullmatch(c) for c in cells):
        labels = [i for i, c in enumerate(cells) if _LABEL.search(c) and c != "无"]
        first = labels[-1] + 1 if labels else 0
        cells = cells[:first] + [BLANK if c in _BLANKS else c for c in cells[first:]]
    return "\t".join(c for c in cells if c)


def _paragraph(p) -> str:
    return "".join(
        ("\t" if t.tag == f"{W}tab" else t.text or "") for t in p.iter(f"{W}t", f"{W}tab")
    )


def docx_to_text(data: bytes) -> str:
    from lxml import etree

    xml = _document_xml(data)
    try:
        root = etree.fromstring(
            xml, parser=etree.XMLParser(resolve_entities=False, huge_tree=False)
        )
    except etree.XMLSyntaxError as exc:
        raise UnreadableDocument(f"DOCX 正文无法解析：{exc.msg}") from exc
    body = root.find(f"{W}body")
    if body is None:
        raise UnreadableDocument("DOCX 文件没有正文")
    lines: list[str] = []
    for block in body:
        if block.tag == f"{W}p":
            lines.append(_paragraph(block))
        elif block.tag == f"{W}tbl":
            lines += [_row_line(tr) for tr in block.iter(f"{W}tr")]
    text = "\n".join(line for line in lines if line.strip())
    if not text.strip():
        raise EmptyDocument("DOCX 文档没有文字内容")
    return text
