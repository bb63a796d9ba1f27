"""整改台账.xlsx: one row per finding, real dates, header frozen and filtered, cells
styled (wrapped, dates formatted, the status coloured)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from models.ledger import LedgerEntry
from reports.ledger_xlsx import HEADERS, ledger_bytes

FOUND = datetime(2024, 5, 6, 7, 8, tzinfo=UTC)


def _entry(n: int, status: str, **changes) -> LedgerEntry:
    values = dict(
        finding_id=n,
        agency_id=f"a{n}",
        agency_name=f"机构{n}",
        region="淮安市",
        year=2023,
        rule="T4-TOTAL",
        severity="error",
        location="表四 行政复议",
        message="总计应等于各项之和",
        published="10",
        expected="11",
        evidence="",
        cells=("t4.4",),
        status=status,
        fix_year=2024,
        compared_year=None,
        found_at=FOUND,
        notified_at=None,
        fixed_at=None,
        waived_at=None,
        waived_by="",
        waived_reason="",
        status_at=None,
        events=(),
    )
    return LedgerEntry(**{**values, **changes})


def _sheet(entries):
    return load_workbook(io.BytesIO(ledger_bytes(entries, lambda rule: f"名称{rule}"))).active


def test_rows_values_and_dates():
    entries = [
        _entry(1, "open", notified_at=FOUND),
        _entry(2, "fixed", fixed_at=FOUND, compared_year=2022),
        _entry(3, "waived", waived_by="张三", waived_reason="=不适用"),
    ]
    ws = _sheet(entries)
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == tuple(h for h, _ in HEADERS)
    assert rows[1][:8] == (
        1,
        "机构1",
        "淮安市",
        2023,
        "2024年度报告",
        "T4-TOTAL",
        "名称T4-TOTAL",
        "错误",
    )
    assert rows[2][4] == "2024年度报告（与2022年度报告比对）"
    assert [r[12:16] for r in rows[1:3]] == [
        (datetime(2024, 5, 6), datetime(2024, 5, 6), None, "待整改"),
        (datetime(2024, 5, 6), None, datetime(2024, 5, 6), "已整改"),
    ]
    assert rows[3][15:] == ("已豁免", "=不适用", "张三")


def test_layout_and_styles():
    ws = _sheet([_entry(1, "open"), _entry(2, "fixed"), _entry(3, "odd"), _entry(4, "open")])
    assert ws.title == "整改台账" and ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == ws.dimensions == "A1:R5"
    assert [ws.column_dimensions[c].width for c in "AJR"] == [6, 40, 10]
    head = ws["A1"]
    assert head.font.b and (head.alignment.horizontal, head.alignment.vertical) == (
        "center",
        "center",
    )
    for row in ws.iter_rows(min_row=2):
        assert all(c.alignment.vertical == "top" and c.alignment.wrap_text for c in row)
        assert [c.number_format for c in row[12:15]] == ["yyyy-mm-dd"] * 3
        assert row[0].number_format == "General" and not row[0].font.b
    fills = [ws.cell(r, 16).fill.fgColor.rgb for r in range(2, 6)]
    assert fills == ["00FDE4E1", "00E8F3E8", "00FFFFFF", "00FDE4E1"]
    assert ws.cell(2, 15).value is None and ws.cell(2, 13).value.date() == date(2024, 5, 6)


def test_empty_ledger_has_the_header_only():
    ws = _sheet([])
    assert [c.value for c in ws[1]] == [h for h, _ in HEADERS]
    assert ws.max_row == 1 and ws.auto_filter.ref == "A1:R1"
