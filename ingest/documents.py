"""Read a document file into plain text plus the metadata its container carries.

Text (.txt), web pages (.html/.htm/.shtml), text PDFs (.pdf), Word (.docx) and legacy
Word/WPS (.doc/.wps, through antiword or catdoc). Anything else, or anything that
cannot be read, raises an IngestError subclass with a Chinese reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import EmptyDocument, UnreadableDocument

MAX_BYTES = 50 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
DOC_SUFFIXES = {".doc", ".wps"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class RawDocument:
    path: Path
    media: str  # text | html | pdf
    text: str
    sha256: str
    size: int
    title: str | None = None
    meta_date: str | None = None


def decode(data: bytes, declared: str | None = None) -> str:
    """Bytes to text: BOM / declared charset / UTF-8 / GB18030, else detection."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    tried = [declared] if declared else []
    for enc in [*tried, "utf-8", "gb18030"]:
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableDocument("无法识别文件的字符编码")
    return str(best)


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    return b"\x00" in sample


def load(path: Path) -> RawDocument:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableDocument(f"无法读取文件：{exc.strerror or exc}") from exc
    if size > MAX_BYTES:
        raise UnreadableDocument(
            f"文件过大（{size // (1024 * 1024)} MB，上限 {MAX_BYTES // (1024 * 1024)} MB）"
        )
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise EmptyDocument("文件为空")
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES or data.startswith(b"%PDF"):
        from ingest.pdf_text import pdf_to_text

        text = pdf_to_text(data)
        return RawDocument(path, "pdf", text, digest, size)
    if suffix in DOCX_SUFFIXES or (data.startswith(b"PK") and suffix not in HTML_SUFFIXES):
        from ingest.docx_text import docx_to_text

        return RawDocument(path, "docx", docx_to_text(data), digest, size)
    if suffix in DOC_SUFFIXES or data.startswith(OLE_MAGIC):
        from ingest.doc_text import doc_to_text

        return RawDocument(path, "doc", doc_to_text(data, suffix or ".doc"), digest, size)
    if _looks_binary(data):
        raise UnreadableDocument("文件不是文本、网页或 PDF（含二进制内容），无法解析")
    if suffix in HTML_SUFFIXES or data.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")):
        from ingest.html_text import html_to_text

        page = html_to_text(data)
        return RawDocument(path, "html", page.text, digest, size, page.title, page.published)
    if suffix in TEXT_SUFFIXES or not suffix:
        text = decode(data)
        return RawDocument(path, "text", text, digest, size)
    raise UnreadableDocument(f"暂不支持的文件格式：{suffix}")
