"""PyMuPDF backend of `ingest.pdf_text`: ruled tables found from the page's vector lines.

PyMuPDF reads the page (MuPDF, in C): its text as characters with boxes
(`get_text("rawdict")`) and its vector graphics (`get_cdrawings()`). Ruled tables are
found here from those graphics by pdfplumber's "lines" method, the one the pdfplumber
backend uses: every stroked line and every side of a rectangle is an edge; edges are
snapped (3 pt) and joined (3 pt) into ruling lines, lines shorter than 3 pt dropped;
their crossings (3 pt tolerance) are the grid points, and a cell is the smallest
rectangle of grid points whose four sides are drawn. Cells that share a corner make a
table; a table of one cell is none. Rows are cells with the same top, columns cells
with the same left side, so a cell merged over its neighbours leaves None in their
places, as pdfplumber's `Table.extract()` does.

Not `page.find_tables()`: PyMuPDF's own finder is a port of pdfplumber's in Python that
builds a Python object per character, and from PyMuPDF 2.0 it also runs a neural
layout model per page (pymupdf-layout, onnxruntime) unless `use_layout=False`. On the
corpus PDFs it read 271/572 cells right at ~5 reports/s (288/572 at ~0.2 with the
layout model), against 572/572 at ~14 for the finder below; see `ingest.pdf_text`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from typing import Any

from ingest.errors import UnreadableDocument
from ingest.pdf_text import _MIN_COLUMNS, PASSWORD_MESSAGE, _row_lines

# pdfplumber's defaults for the "lines" strategy.
_SNAP = 3.0
_JOIN = 3.0
_MIN_EDGE = 3.0
_CROSS = 3.0
# Characters within this many points of a line's baseline are on the line (pdfplumber
# groups words into lines with a 3 pt tolerance on their tops).
_LINE_TOLERANCE = 3.0
# A gap wider than this between two characters of a line is written as a space.
_GAP = 3.0
# Ligatures and white space kept; no images; characters outside the page dropped;
# a glyph with no Unicode mapping gives its CID rather than nothing.
_TEXT_FLAGS = 1 | 2 | 64 | 128

Char = tuple[float, float, float, float, str]  # x0, top, x1, bottom, text (no spaces)


def _chars(page: Any) -> list[Char]:
    out = []
    for block in page.get_text("rawdict", flags=_TEXT_FLAGS)["blocks"]:
        for line in block.get("lines", ()):
            for span in line["spans"]:
                for ch in span["chars"]:
                    c = ch["c"]
                    if c.isspace():
                        continue
                    x0, y0, x1, y1 = ch["bbox"]
                    out.append((x0, y0, x1, y1, c))
    return out


def _edges(page: Any) -> tuple[list[list[float]], list[list[float]]]:
    """Horizontal edges as [top, x0, x1] and vertical edges as [x, top, bottom]."""
    hs: list[list[float]] = []
    vs: list[list[float]] = []

    def segment(x0: float, y0: float, x1: float, y1: float) -> None:
        if y0 == y1:
            hs.append([y0, min(x0, x1), max(x0, x1)])
        elif x0 == x1:
            vs.append([x0, min(y0, y1), max(y0, y1)])

    for path in page.get_cdrawings():
        for item in path["items"]:
            kind = item[0]
            if kind == "l":
                (x0, y0), (x1, y1) = item[1], item[2]
                segment(x0, y0, x1, y1)
            elif kind == "re":
                x0, y0, x1, y1 = item[1]
                hs.append([y0, x0, x1])
                hs.append([y1, x0, x1])
                vs.append([x0, y0, y1])
                vs.append([x1, y0, y1])
            elif kind == "qu":
                ul, ur, ll, lr = item[1]
                for a, b in ((ul, ur), (ur, lr), (lr, ll), (ll, ul)):
                    segment(a[0], a[1], b[0], b[1])
    return hs, vs


def _snap(edges: list[list[float]]) -> None:
    """Move edges whose positions lie within _SNAP of a neighbour to the cluster mean."""
    edges.sort(key=lambda e: e[0])
    start = 0
    for i in range(1, len(edges) + 1):
        if i == len(edges) or edges[i][0] - edges[i - 1][0] > _SNAP:
            group = edges[start:i]
            mean = sum(e[0] for e in group) / len(group)
            for e in group:
                e[0] = mean
            start = i


def _join(edges: list[list[float]]) -> list[tuple[float, float, float]]:
    """Join collinear edges that overlap or lie within _JOIN of each other."""
    out: list[tuple[float, float, float]] = []
    edges.sort()
    current: list[float] | None = None
    for pos, a, b in edges:
        if current is not None and pos == current[0] and a <= current[2] + _JOIN:
            current[2] = max(current[2], b)
            continue
        if current is not None:
            out.append((current[0], current[1], current[2]))
        current = [pos, a, b]
    if current is not None:
        out.append((current[0], current[1], current[2]))
    return [e for e in out if e[2] - e[1] >= _MIN_EDGE]


Box = tuple[float, float, float, float]


def _cells(hs: list[tuple[float, float, float]], vs: list[tuple[float, float, float]]) -> list[Box]:
    """pdfplumber's `intersections_to_cells`: the smallest drawn rectangle at each point."""
    points: dict[tuple[float, float], tuple[set[int], set[int]]] = {}
    for vi, (x, top, bottom) in enumerate(vs):
        for hi, (y, x0, x1) in enumerate(hs):
            if top <= y + _CROSS and bottom >= y - _CROSS and x0 - _CROSS <= x <= x1 + _CROSS:
                v_ids, h_ids = points.setdefault((x, y), (set(), set()))
                v_ids.add(vi)
                h_ids.add(hi)
    by_x: dict[float, list[tuple[float, float]]] = defaultdict(list)
    by_y: dict[float, list[tuple[float, float]]] = defaultdict(list)
    ordered = sorted(points)
    for pt in ordered:
        by_x[pt[0]].append(pt)
        by_y[pt[1]].append(pt)

    def v_connects(p: tuple[float, float], q: tuple[float, float]) -> bool:
        return not points[p][0].isdisjoint(points[q][0])

    def h_connects(p: tuple[float, float], q: tuple[float, float]) -> bool:
        return not points[p][1].isdisjoint(points[q][1])

    cells = []
    for pt in ordered:
        below = [q for q in by_x[pt[0]] if q[1] > pt[1]]
        right = [q for q in by_y[pt[1]] if q[0] > pt[0]]
        found = None
        for b in below:
            if not v_connects(pt, b):
                continue
            for r in right:
                if not h_connects(pt, r):
                    continue
                corner = (r[0], b[1])
                if corner in points and v_connects(corner, r) and h_connects(corner, b):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _tables(cells: list[Box]) -> list[list[Box]]:
    """pdfplumber's `cells_to_tables`: cells sharing a corner, tables of 2+ cells."""
    remaining = list(cells)
    tables: list[list[Box]] = []
    while remaining:
        table = [remaining.pop(0)]
        corners = set(_corners(table[0]))
        grew = True
        while grew:
            grew = False
            rest = []
            for cell in remaining:
                cs = _corners(cell)
                if any(c in corners for c in cs):
                    corners.update(cs)
                    table.append(cell)
                    grew = True
                else:
                    rest.append(cell)
            remaining = rest
        tables.append(table)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def _corners(b: Box) -> tuple[tuple[float, float], ...]:
    return ((b[0], b[1]), (b[0], b[3]), (b[2], b[1]), (b[2], b[3]))


def _grid(table: list[Box]) -> list[list[Box | None]]:
    """Rows by top, columns by left side; None where a merged cell covers the place."""
    xs = sorted({c[0] for c in table})
    rows: dict[float, dict[float, Box]] = defaultdict(dict)
    for c in sorted(table, key=lambda c: (c[1], c[0])):
        rows[c[1]][c[0]] = c
    return [[row.get(x) for x in xs] for _, row in sorted(rows.items())]


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines: bottoms within _LINE_TOLERANCE of the line's first."""
    lines: list[list[Char]] = []
    for ch in sorted(chars, key=lambda c: c[3]):
        if lines and ch[3] - lines[-1][0][3] <= _LINE_TOLERANCE:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return lines


def _line_text(line: list[Char]) -> str:
    """A line's characters left to right; a gap wider than _GAP becomes a space."""
    parts = []
    right = None
    for x0, _, x1, _, c in sorted(line):
        if right is not None and x0 - right > _GAP:
            parts.append(" ")
        parts.append(c)
        right = x1
    return "".join(parts)


def _text(chars: list[Char]) -> str:
    return "\n".join(_line_text(line) for line in _lines(chars))


def _cell_text(band: list[tuple[float, float, Char]], box: Box) -> str:
    """Text of the characters whose middle is in the box (right and bottom side open,
    as pdfplumber); `band` holds (middle y, middle x, character) of the box's row."""
    x0, top, x1, bottom = box
    return _text([ch for y, x, ch in band if x0 <= x < x1 and top <= y < bottom])


def page_text(page: Any) -> str:
    """A page's text outside tables and its tables' rows, ordered by top coordinate."""
    chars = _chars(page)
    hs, vs = _edges(page)
    _snap(hs)
    _snap(vs)
    cells = _cells(_join(hs), _join(vs))
    items: list[tuple[float, int, str]] = []  # (top, order, line)
    boxes: list[Box] = []
    mids = sorted(((ch[1] + ch[3]) / 2, (ch[0] + ch[2]) / 2, ch) for ch in chars)
    ys = [m[0] for m in mids]
    for table in _tables(cells):
        grid = _grid(table)
        rows = []
        for row in grid:
            top = min(c[1] for c in row if c is not None)
            bottom = max(c[3] for c in row if c is not None)
            band = mids[bisect_left(ys, top) : bisect_left(ys, bottom)]
            rows.append([None if c is None else _cell_text(band, c) for c in row])
        if max((sum(c is not None for c in row) for row in rows), default=0) < _MIN_COLUMNS:
            continue
        box = (
            min(c[0] for c in table),
            min(c[1] for c in table),
            max(c[2] for c in table),
            max(c[3] for c in table),
        )
        boxes.append(box)
        for cells_of_row, line in zip(grid, _row_lines(rows), strict=True):
            if line:
                top = min(c[1] for c in cells_of_row if c is not None)
                items.append((top, len(items), line))
    if boxes:
        chars = [ch for ch in chars if not any(_inside(ch, b) for b in boxes)]
    for line in _lines(chars):  # placed at the top of its highest character
        items.append((min(c[1] for c in line), len(items), _line_text(line)))
    items.sort()
    return "\n".join(line for _, _, line in items)


def _inside(ch: Char, box: Box) -> bool:
    x = (ch[0] + ch[2]) / 2
    y = (ch[1] + ch[3]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def mupdf_pages(data: bytes) -> list[str] | None:
    """Each page's text; None when MuPDF could open the file only by repairing it."""
    import pymupdf

    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except pymupdf.FileDataError as exc:
        raise UnreadableDocument(f"PDF 文件已损坏：{exc}") from exc
    except Exception as exc:
        raise UnreadableDocument(f"PDF 文件无法读取：{type(exc).__name__}") from exc
    with doc:
        if doc.needs_pass:
            raise UnreadableDocument(PASSWORD_MESSAGE)
        if doc.is_repaired:
            return None
        return [_page_text_or_plain(page) for page in doc]


def _page_text_or_plain(page: Any) -> str:
    try:
        return page_text(page)
    except Exception:  # an odd page: its plain text, in MuPDF's reading order
        return page.get_text(sort=True)
