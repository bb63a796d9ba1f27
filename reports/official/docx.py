"""The official layout as a Word document: one table per section, merged cells."""

from __future__ import annotations

import io

from models.canonical import CanonicalReport
from reports.official.layout import (
    Table,
    report_tables,
    section_paragraphs,
    shown_sections,
    title,
)


def _place(rows: Table) -> tuple[list[tuple[int, int, object]], int]:
    """Grid positions (row, col, cell) honouring spans; and the grid width."""
    taken: set[tuple[int, int]] = set()
    placed = []
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
            width = max(width, c)
    return placed, width


def _table(document, rows: Table) -> None:
    placed, width = _place(rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    grid = table._cells  # one pass; `table.cell(r, c)` rescans the table each call
    for r, c, cell in placed:
        target = grid[r * width + c]
        if cell.rowspan > 1 or cell.colspan > 1:
            end = grid[(r + cell.rowspan - 1) * width + c + cell.colspan - 1]
            target = target.merge(end)
        target.text = cell.text


def to_docx(report: CanonicalReport) -> bytes:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "页眉：示例政府办公室 1 2 3"
    document.add_heading(title(report), level=1)
    tables = report_tables(report)
    if report.preamble:
        document.add_paragraph(report.preamble)
    for section, heading in shown_sections(report).items():
        document.add_paragraph(heading)
        for paragraph in section_paragraphs(report, section):
            document.add_paragraph(paragraph)
        if section in tables:
            _table(document, tables[section])
    if report.published_date:
        y, m, d = report.published_date.split("-")
        document.add_paragraph(f"{report.agency or ''}")
        document.add_paragraph(f"{int(y)}年{int(m)}月{int(d)}日")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
