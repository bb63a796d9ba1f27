"""Display views of 表二/表三/表四, with the cells that findings name marked.

Cell keys are those of `Finding.cells`: "t3.<row>.<col index>", "t4.<index>",
"t2.<row>.<index>" for a list row and "t2.<row>" for a scalar row. A row key
("t3.三.六.1", "t2.规章", as in `CanonicalReport.missing_rows`) marks the row label.
Marking is by exact key; a key that names no rendered cell marks nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from models.canonical import (
    T3_COLUMNS,
    T3_ROWS_2021,
    T3_ROWS_SINGLE_SIX,
    T4_GROUPS,
    T4_ITEM_NAMES,
    T4_ITEMS,
    CanonicalReport,
)

from .labels import SEVERITY_ORDER, T2_COLUMNS, T3_GROUP_HEADERS, T3_ROW_LABELS, T4_ROW_LABELS

MISSING = "—"  # a value position the report does not have
T4_COLUMNS = tuple(T4_ITEM_NAMES[i] for i in T4_ITEMS)


class Flagged(Protocol):
    """What marking needs of a finding."""

    rule: str
    severity: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Mark:
    """The rules naming one cell; `severity` is the worst of them."""

    rules: tuple[str, ...]
    severity: str

    @property
    def title(self) -> str:
        return ", ".join(self.rules)


@dataclass(frozen=True)
class Cell:
    key: str
    text: str
    mark: Mark | None = None


@dataclass(frozen=True)
class Row:
    """One printed row. `cells` None: the report left the row out (未填报).

    `header` rows are group labels with no numbers; `columns` names each cell (表二).
    """

    key: str
    label: str
    cells: tuple[Cell, ...] | None
    mark: Mark | None = None
    level: int = 0
    header: bool = False
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportTables:
    """The three tables; a table is None when the report has none."""

    t2: tuple[Row, ...] | None
    t3: tuple[Row, ...] | None
    t4: tuple[Row, ...] | None
    t3_columns: tuple[str, ...] = T3_COLUMNS
    t4_columns: tuple[str, ...] = T4_COLUMNS


def cell_marks(findings: Iterable[Flagged]) -> dict[str, Mark]:
    """Cell key -> rules naming it (in finding order, no repeats) and worst severity."""
    rules: dict[str, list[str]] = {}
    worst: dict[str, str] = {}
    for f in findings:
        for key in f.cells:
            rules.setdefault(key, [])
            if f.rule not in rules[key]:
                rules[key].append(f.rule)
            worst[key] = min(worst.get(key, f.severity), f.severity, key=_severity_rank)
    return {k: Mark(tuple(v), worst[k]) for k, v in rules.items()}


def number_text(value: object) -> str:
    """A published value as printed: integral floats without '.0', None as '—'."""
    if value is None:
        return MISSING
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def report_tables(report: CanonicalReport, marks: dict[str, Mark]) -> ReportTables:
    return ReportTables(
        t2=t2_rows(report.t2, report.format, marks),
        t3=t3_rows(report.t3, marks),
        t4=t4_rows(report.t4, marks),
    )


def t2_rows(
    t2: dict[str, object] | None, fmt: str | None, marks: dict[str, Mark]
) -> tuple[Row, ...] | None:
    """表二 in the report's own key order; column labels by format, else 第n项."""
    if t2 is None:
        return None
    known = T2_COLUMNS.get(fmt or "", T2_COLUMNS["2021"])
    rows = []
    for name, value in t2.items():
        key = f"t2.{name}"
        if value is None:
            rows.append(Row(key, name, None, marks.get(key)))
            continue
        if isinstance(value, list | tuple):
            cells = tuple(
                Cell(f"{key}.{i}", number_text(v), marks.get(f"{key}.{i}"))
                for i, v in enumerate(value)
            )
            mark = marks.get(key)
        else:  # a scalar row: its one cell carries the row key
            cells = (Cell(key, number_text(value), marks.get(key)),)
            key, mark = "", None
        columns = known.get(name, ())
        if len(columns) != len(cells):
            columns = tuple(f"第{i + 1}项" for i in range(len(cells)))
        rows.append(Row(key, name, cells, mark, columns=columns))
    return tuple(rows)


def t3_rows(
    t3: dict[str, list[int] | None] | None, marks: dict[str, Mark]
) -> tuple[Row, ...] | None:
    """表三 in printed order: 21 leaf rows, or 19 when the report has a single 三.六."""
    if t3 is None:
        return None
    order = T3_ROWS_SINGLE_SIX if "三.六" in t3 else T3_ROWS_2021
    order = (*order, *(k for k in t3 if k not in order))
    rows = []
    for name in order:
        if name in T3_GROUP_HEADERS:
            rows.append(
                Row("", T3_GROUP_HEADERS[name], None, level=_t3_level(name) - 1, header=True)
            )
        key, keys = _t3_keys(name)
        values = t3.get(name)
        cells = None
        if values is not None:
            padded = list(values) + [None] * (len(T3_COLUMNS) - len(values))
            cells = tuple(
                Cell(k, number_text(v), marks.get(k))
                for k, v in zip(_cell_keys(key, len(padded), keys), padded, strict=True)
            )
        label = T3_ROW_LABELS.get(name, name)
        rows.append(Row(key, label, cells, marks.get(key), level=_t3_level(name)))
    return tuple(rows)


def t4_rows(t4: list[int] | None, marks: dict[str, Mark]) -> tuple[Row, ...] | None:
    """表四 as 3 group rows × 5 items (维持, 纠正, 其他, 未结, 总计)."""
    if t4 is None:
        return None
    rows = []
    for g, group in enumerate(T4_GROUPS):
        cells = []
        for i in range(len(T4_ITEMS)):
            n = g * len(T4_ITEMS) + i
            value = t4[n] if n < len(t4) else None
            cells.append(Cell(f"t4.{n}", number_text(value), marks.get(f"t4.{n}")))
        rows.append(Row("", T4_ROW_LABELS[group], tuple(cells)))
    return tuple(rows)


@functools.lru_cache(maxsize=1024)
def _t3_keys(name: str) -> tuple[str, tuple[str, ...]]:
    """The row key of a 表三 row and its cell keys (the same for every report)."""
    key = f"t3.{name}"
    return key, tuple(f"{key}.{i}" for i in range(len(T3_COLUMNS)))


def _cell_keys(key: str, n: int, known: tuple[str, ...]) -> tuple[str, ...]:
    return known if n == len(known) else tuple(f"{key}.{i}" for i in range(n))


def _t3_level(name: str) -> int:
    return name.count(".")  # 一/二/四: 0; 三.一…三.七: 1; 三.三.1…: 2


def _severity_rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)
