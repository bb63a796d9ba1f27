"""Text PDFs to linear text: layout text around tables, one line per ruled-table row.

Text outside tables keeps the page's lines (words apart by a space). Each ruled table
becomes one line per row, cells joined by tabs, like the web-page path
(`ingest.html_text`): a cell's wrapped text is joined up again, and an empty cell in a
numeric column of a row that holds numbers becomes the blank marker, so a blank cell
keeps its column (CELL-BLANK). Cells merged into a neighbour (None) are dropped. Page
content is put in reading order by its top coordinate, so a row's numbers stay on the
row's line even when its label wraps over several lines and is centred vertically.

Two backends give that output. PyMuPDF (`ingest.pdf_mupdf`) is the default: MuPDF
reads the characters and vector lines and the ruled tables are found by pdfplumber's
"lines" method. pdfplumber (below) reads a file MuPDF could open only by repairing it,
so a damaged file is refused as before instead of giving the pages MuPDF recovered.

Measured on the corpus PDFs (issue 3; 3 files, 5-6 pages, tables that carry on over a
page), `/tmp/evalp.py pdf` and `benchmarks/bench_parse.py --formats pdf --seconds 8`
on one core of a busy 2-core machine (load 2-4; CPU-time rate in brackets):

    backend                                     cells right     reports/s
    PyMuPDF, own "lines" table finder           572/572 100%    11.4-17.6 (14.5 CPU)
    pdfplumber 0.11, "lines"                    572/572 100%     1.1 (1.3 CPU)
    PyMuPDF 2.0 page.find_tables(use_layout=False)  271/572  47%   ~5 (CPU)
    PyMuPDF 2.0 page.find_tables() (layout model)   288/572  50%   ~0.2 (CPU)

Year, format, published date and sections are right for both kept backends, and their
table rows are identical (`test_mupdf_table_rows_match_pdfplumber`), so pdfplumber is
not used as a per-page fallback. `find_tables()` joins characters in content-stream
order within a cell ("7730.28" came out "773028 .", "1.属于国家秘密" as "1属于国家秘密.")
and ran the separately ruled small tables of section 二 into one grid (cells lost). On
the Chromium round-trip PDFs (Type3 fonts) PyMuPDF takes ~0.5 s a file, pdfplumber
~1.2 s; MuPDF maps their CJK-radical code points to the ideographs itself. PyMuPDF
1.28.2 gives the same 572/572 as 2.0, and 2.0 also imports onnxruntime (~1.2 s).
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any

from ingest.errors import EmptyDocument, UnreadableDocument
from ingest.splitting import BLANK

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_BLANKS = ("", "-", "/", "—", "–", "无")
# CJK ideographs, CJK and full-width punctuation: no spaces are written between them.
_CJK = "\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
# A table is a data table when some row has at least this many cells of its own; a
# one-column "table" is a ruled frame around body text and is read as layout text.
_MIN_COLUMNS = 2
PASSWORD_MESSAGE = "PDF 文件有密码保护，无法读取，请向机构索取无密码版本"
# pdfplumber's defaults (ruling lines, 3 pt tolerances). Measured on the corpus PDFs:
# snap/join tolerance 1-6 pt and edge_min_length 10 give the same cells; an
# intersection tolerance of 1 pt or "lines_strict" split tables and lose cells.
_TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def _cell_text(cell: str) -> str:
    """A cell's text on one line; whitespace around CJK text (wrapping, spacing) goes."""
    return " ".join(_SPACE_NEAR_CJK.sub("", cell).split())


def _is_number(cell: str | None) -> bool:
    return cell is not None and _NUMBER.fullmatch(cell) is not None


def _row_lines(rows: list[list[str | None]]) -> list[str]:
    """One line per table row: cells joined by tabs, blanks of numeric rows marked."""
    cells = [[None if c is None else _cell_text(c) for c in row] for row in rows]
    numeric_columns = {i for row in cells for i, c in enumerate(row) if _is_number(c)}
    lines = []
    for row in cells:
        has_number = any(_is_number(c) for c in row)
        out = []
        for i, c in enumerate(row):
            if c is None:  # merged into the cell to its left or above
                continue
            if has_number and i in numeric_columns and c in _BLANKS:
                out.append(BLANK)
            elif c:
                out.append(c)
        lines.append("\t".join(out))
    return lines


def _text_lines(page: Any) -> list[tuple[float, str]]:
    """Layout-text lines of a page, each with the top of its first character."""
    textmap = page.get_textmap(layout=True)
    lines: list[tuple[float, str]] = []
    top = float("-inf")
    chars: list[str] = []
    line_top: float | None = None
    for text, obj in [*textmap.tuples, ("\n", None)]:
        if text == "\n":
            if line_top is not None:
                top = line_top
            lines.append((top, "".join(chars).rstrip()))
            chars, line_top = [], None
            continue
        chars.append(text)
        if obj is not None and (line_top is None or obj["top"] < line_top):
            line_top = obj["top"]
    return lines


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _page_text(page: Any) -> str:
    """A page's text outside tables and its tables' rows, ordered by top coordinate."""
    items: list[tuple[float, int, str]] = []  # (top, order, line)
    boxes = []
    for table in page.find_tables(_TABLE_SETTINGS):
        rows = table.extract()
        if max((sum(c is not None for c in row) for row in rows), default=0) < _MIN_COLUMNS:
            continue
        boxes.append(table.bbox)
        for row, line in zip(table.rows, _row_lines(rows), strict=True):
            if line:
                items.append((row.bbox[1], len(items), line))
    outside = page.filter(lambda obj: not _inside(obj, boxes)) if boxes else page
    for top, line in _text_lines(outside):
        items.append((top, len(items), line))
    items.sort()
    return "\n".join(line for _, _, line in items)


def _page_text_or_layout(page: Any) -> str:
    try:
        return _page_text(page)
    except Exception:  # table finding failed on an odd page: plain layout text for it
        return page.extract_text(layout=True) or ""


def pdf_to_text(data: bytes) -> str:
    from ingest.pdf_mupdf import mupdf_pages

    pages = mupdf_pages(data)
    if pages is None:  # MuPDF had to repair the file: pdfplumber reads it or refuses it
        pages = _pdfplumber_pages(data)
    text = "\n".join(line.rstrip() for page in pages for line in page.splitlines())
    if not text.strip():
        raise EmptyDocument("PDF 没有文字层（可能是扫描件），需要 OCR")
    return text


def _pdfplumber_pages(data: bytes) -> list[str]:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # per-glyph font warnings
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [_page_text_or_layout(page) for page in pdf.pages]
    except PDFSyntaxError as exc:
        raise UnreadableDocument(f"PDF 文件已损坏：{exc}") from exc
    except PDFPasswordIncorrect as exc:
        raise UnreadableDocument(PASSWORD_MESSAGE) from exc
    except Exception as exc:  # pdfminer raises many kinds on broken files
        # pdfplumber wraps pdfminer's errors: look inside for the password case.
        inner = [exc, *exc.args, exc.__cause__, exc.__context__]
        if any(isinstance(e, PDFPasswordIncorrect) for e in inner):
            raise UnreadableDocument(PASSWORD_MESSAGE) from exc
        raise UnreadableDocument(f"PDF 文件无法读取：{type(exc).__name__}") from exc
