"""CELL-INT (RULES.md §4.2): counts are integers ≥ 0, the fee a number ≥ 0.

Checked: every cell of 表三 and 表四, and the 2021-format 表二 (counts; the fee
行政事业性收费 in 万元 may be a decimal). Not checked: the 2019 trial 表二, whose
本年增/减 cells are legitimately negative and whose 采购总金额 is money. One finding per
offending cell; a cell that is not a number at all is also a CELL-INT error.
"""

from __future__ import annotations

from collections.abc import Iterator

from models.canonical import CanonicalReport
from models.finding import Finding

from ..features import is_number
from ..layout import CELLS, T2_FEE_ROW, Cell, t2_column, table_columns
from ..rule import Check, Failure, Rule, evidence

FEE_COLUMN = t2_column(T2_FEE_ROW)
_COUNT_TABLES = ("t2", "t3", "t4")


def _checks() -> list[Check]:
    checks = [
        Check(
            "expect_multicolumn_values_to_be_non_negative_integers",
            {"column_list": [c for c in table_columns(table) if c != FEE_COLUMN]},
            where={"table": table, "kind": "count"},
        )
        for table in _COUNT_TABLES
    ]
    checks.append(
        Check(
            "expect_column_values_to_be_between",
            {"column": FEE_COLUMN, "min_value": 0},
            where={"table": "t2", "kind": "fee"},
        )
    )
    checks.append(
        Check(
            "expect_column_values_to_be_between",
            {"column": "cells_nonnumeric", "max_value": 0},
            where={"kind": "nonnumeric"},
        )
    )
    return checks


def _published(report: CanonicalReport, cell: Cell) -> object:
    """The value the report published for `cell` (None if absent)."""
    if cell.table == "t4":
        t4 = report.t4 or []
        return t4[cell.index] if cell.index < len(t4) else None
    table = getattr(report, cell.table) or {}
    value = table.get(cell.row)
    if cell.index is None:
        return value
    if not isinstance(value, list | tuple) or cell.index >= len(value):
        return None
    return value[cell.index]


def _cells(report: CanonicalReport) -> Iterator[tuple[Cell, object]]:
    """The checked cells the report has, with their published values."""
    for cell in CELLS.values():
        if cell.table == "t2" and report.format != "2021":
            continue
        value = _published(report, cell)
        if value is not None:
            yield cell, value


def _bad(kind: str, cell: Cell, value: object) -> bool:
    if kind == "nonnumeric":
        return not is_number(value)
    if not is_number(value) or (cell.column == FEE_COLUMN) != (kind == "fee"):
        return False
    return value < 0 or (kind == "count" and value != int(value))


def _explain(failure: Failure) -> list[Finding]:
    kind = str(failure.where["kind"])
    table = failure.where.get("table")
    report = failure.report
    return [
        failure.finding(
            kind,
            cell.where,
            published=value,
            expected={"count": "非负整数", "fee": "非负数", "nonnumeric": "数字"}[kind],
            evidence=evidence(report, [f"{cell.table}.{cell.row}" if cell.row else cell.table]),
            cells=[cell.key],
            cell=cell.label,
        )
        for cell, value in _cells(report)
        if (table is None or cell.table == table) and _bad(kind, cell, value)
    ]


CELL_INT = Rule(
    id="CELL-INT",
    title_zh="统计数为非负整数，收费金额为非负数",
    severity="error",
    basis="由国办公开办函〔2021〕30号表二、表三、表四版式推导：件数、数量只能是非负整数；收费金额（万元）不能为负",
    formula_zh="表三、表四及2021年格式表二的每个数量单元格 ∈ {0, 1, 2, …}；表二行政事业性收费 ≥ 0",
    messages={
        "count": "{cell}为{published}，应为非负整数",
        "fee": "{cell}为{published}，收费金额不能为负数",
        "nonnumeric": "{cell}为“{published}”，不是数字",
    },
    checks=_checks,
    explain=_explain,
)

RULES = (CELL_INT,)
