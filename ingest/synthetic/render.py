"""A synthetic report as a published file, in the formats agencies publish.

`render(report, kind)` → (suffix, bytes), through the official-layout renderer
(`reports.official`):

| kind | file |
|---|---|
| `html` | web page, UTF-8 declared in `<meta>` |
| `html-gbk` | web page, GBK declared in `<meta>` (GB18030 when a character is not in GBK) |
| `txt` | crawler text: `标题:`/`发布时间:` header, then the page flattened one table row a line |
| `docx` | Word document with merged cells (`docx_fast`: the same document, from a template) |
| `pdf` | the web page laid out by PyMuPDF on one tall page (a text layer, ruled tables) |

`choose_kind(rng)` draws a kind with the shares of `SHARES`.
"""

from __future__ import annotations

import random

from models.canonical import CanonicalReport

SHARES = {"html": 0.35, "html-gbk": 0.10, "txt": 0.30, "docx": 0.20, "pdf": 0.05}
SUFFIX = {"html": ".html", "html-gbk": ".html", "txt": ".txt", "docx": ".docx", "pdf": ".pdf"}
_PDF_CSS = "td{border:1px solid black; font-size:8pt} h1{font-size:11pt} body{font-size:9pt}"
_BODY_MARK = "==================== 正文 ===================="


def choose_kind(rng: random.Random) -> str:
    return rng.choices(list(SHARES), weights=list(SHARES.values()))[0]


def to_text(report: CanonicalReport) -> bytes:
    from ingest.html_text import html_to_text
    from reports.official import to_html
    from reports.official.layout import title

    page = html_to_text(to_html(report))
    lines = [line.strip() for line in page.text.splitlines() if line.strip()]
    head = [f"标题: {title(report)}", f"发布时间: {report.published_date or ''}", _BODY_MARK]
    return "\n".join(head + lines).encode("utf-8")


def to_pdf(report: CanonicalReport) -> bytes:
    """One tall page: PyMuPDF's Story drops a table that would cross a page break."""
    import io

    import pymupdf

    from reports.official import to_html

    html = to_html(report).decode("utf-8")
    width, margin = pymupdf.paper_rect("a4").width, 36
    probe = pymupdf.Story(html=html, user_css=_PDF_CSS)
    _, filled = probe.place(pymupdf.Rect(margin, margin, width - margin, 50_000))
    page = pymupdf.Rect(0, 0, width, pymupdf.Rect(filled).y1 + margin)
    story = pymupdf.Story(html=html, user_css=_PDF_CSS)
    buffer = io.BytesIO()
    writer = pymupdf.DocumentWriter(buffer)
    device = writer.begin_page(page)
    story.place(page + (margin, margin, -margin, 0))
    story.draw(device)
    writer.end_page()
    writer.close()
    return buffer.getvalue()


def render(report: CanonicalReport, kind: str) -> tuple[str, bytes]:
    """The file suffix and bytes of `report` published as `kind`."""
    from reports.official import to_html

    from .docx_fast import to_docx_fast

    if kind == "html":
        data = to_html(report)
    elif kind == "html-gbk":
        try:
            data = to_html(report, "gbk")
        except UnicodeEncodeError:  # a character GBK lacks: its superset, as sites do
            data = to_html(report, "gb18030")
    elif kind == "txt":
        data = to_text(report)
    elif kind == "docx":
        data = to_docx_fast(report)
    elif kind == "pdf":
        data = to_pdf(report)
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return SUFFIX[kind], data
