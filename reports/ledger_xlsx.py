"""The 整改台账 as an XLSX workbook (openpyxl): one row per finding.

Columns are Chinese; dates are real Excel dates (WPS/Excel sort and filter them);
the header row is frozen and filtered.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from models.ledger import LedgerEntry

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


def _date(value):
    return None if value is None else value.date()


def ledger_bytes(entries: Sequence[LedgerEntry], title: Callable[[str], str]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    ws.append([h for h, _ in HEADERS])
    for cell, (_, width) in zip(ws[1], HEADERS, strict=True):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[cell.column_letter].width = width
    for n, e in enumerate(entries, start=1):
        ws.append(
            [
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
            ]
        )
        fill = PatternFill("solid", fgColor=_FILL.get(e.status, "FFFFFF"))
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if cell.column in (13, 14, 15):
                cell.number_format = "yyyy-mm-dd"
        ws.cell(ws.max_row, 16).fill = fill
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_ledger(
    path: str | Path, entries: Sequence[LedgerEntry], title: Callable[[str], str]
) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ledger_bytes(entries, title))
    return path
