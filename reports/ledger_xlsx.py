"""The 整改台账 as an XLSX workbook (openpyxl): one row per finding.

Columns are Chinese; dates are real Excel dates (WPS/Excel sort and filter them);
the header row is frozen and filtered. Written in openpyxl's write-only mode (rows
stream out; cost linear in rows).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter

from models.ledger import LedgerEntry

from .files import write_atomic
from .labels import SEVERITY_LABELS, STATUS_LABELS
from .progress import fix_target_text

__all__ = ["HEADERS", "ledger_bytes", "write_ledger"]

HEADERS = (
    ("序号", 6),
    ("机构", 28),
    ("地区", 16),
    ("年度", 6),
    ("整改对象", 16),
    ("规则", 14),
    ("规则名称", 24),
    ("严重程度", 8),
    ("位置", 22),
    ("问题说明", 40),
    ("公开值", 16),
    ("应为", 12),
    ("发现日期", 11),
    ("通知日期", 11),
    ("整改日期", 11),
    ("状态", 8),
    ("豁免理由", 24),
    ("豁免决定人", 10),
)
_FILL = {"open": "FDE4E1", "reopened": "FDE4E1", "fixed": "E8F3E8", "waived": "EEEEEE"}


DATE_COLUMNS = (13, 14, 15)
STATUS_COLUMN = 16


def _date(value):
    return None if value is None else value.date()


def _style(ws, **attrs) -> StyleArray:
    """A cell style registered in `ws`'s workbook, for `Cell(style_array=…)`: one
    lookup per style, not one per cell."""
    cell = WriteOnlyCell(ws)
    for name, value in attrs.items():
        setattr(cell, name, value)
    return cell._style


def ledger_bytes(entries: Sequence[LedgerEntry], title: Callable[[str], str]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("整改台账")
    for n, (_, width) in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A2"
    size = f"A1:{get_column_letter(len(HEADERS))}{len(entries) + 1}"
    ws.auto_filter.ref = size
    ws.calculate_dimension = lambda: size  # openpyxl writes <dimension> when it knows it
    head = _style(
        ws, font=Font(bold=True), alignment=Alignment(horizontal="center", vertical="center")
    )
    ws.append([Cell(ws, 1, 1, h, head) for h, _ in HEADERS])
    if entries:  # a style is registered (and written) only once a row uses it
        _append_rows(ws, entries, title)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _append_rows(ws, entries: Sequence[LedgerEntry], title: Callable[[str], str]) -> None:
    top = Alignment(vertical="top", wrap_text=True)
    column = [_style(ws, alignment=top)] * len(HEADERS)
    for i in DATE_COLUMNS:
        column[i - 1] = _style(ws, alignment=top, number_format="yyyy-mm-dd")
    fills: dict[str, StyleArray] = {}
    for n, e in enumerate(entries, start=1):
        if e.status not in fills:
            color = _FILL.get(e.status, "FFFFFF")
            fills[e.status] = _style(ws, alignment=top, fill=PatternFill("solid", fgColor=color))
        column[STATUS_COLUMN - 1] = fills[e.status]
        values = (
            n,
            e.agency_name,
            e.region,
            e.year,
            fix_target_text(e),
            e.rule,
            title(e.rule),
            SEVERITY_LABELS.get(e.severity, e.severity),
            e.location,
            e.message,
            e.published,
            e.expected,
            _date(e.found_at),
            _date(e.notified_at),
            _date(e.fixed_at),
            STATUS_LABELS.get(e.status, e.status),
            e.waived_reason,
            e.waived_by,
        )
        ws.append([Cell(ws, 1, 1, v, st) for v, st in zip(values, column, strict=True)])


def write_ledger(
    path: str | Path, entries: Sequence[LedgerEntry], title: Callable[[str], str]
) -> Path:
    return write_atomic(path, ledger_bytes(entries, title))
