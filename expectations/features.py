"""The check batch: one pandas row per report, one column per cell or derived feature.

Contract of `build_frame`:
- `report_id`, `year` (float, NaN if unknown), `format` (None if unknown);
- one float column per cell of `layout.CELLS`, the value as published (never repaired);
  a row, table or cell the report left out is NaN, so identities over it do not apply
  (FMT-TABLES reports the gap);
- 表三 has two layouts of （六）: the cells of the variant the table does not use are 0 —
  they do not exist, so they add nothing to the leaf sum (T3-RESULTSUM sums the leaf
  rows present, `models.canonical.leaf_rows`);
- 表二 cells are filled for the 2021 format only (the 2019 trial 表二 holds legitimately
  negative 本年增/减 and money amounts);
- a cell that is not a finite number (a string, a bool, NaN) is NaN and counted in `cells_nonnumeric`;
- derived: `sections_missing`, `sections_in_order`, `t{2,3,4}_present`, `t{2,3,4}_gaps`;
- publication (`publication_features`, NaN where a report has no `Publication`):
  `pub_days_late`, `pub_local_days_late`, `pub_missing_overdue`, `pub_versions`;
- rule-derived (`rule_features`): the columns of every registered rule module that
  defines `features(reports, contexts)` (cross-year, text, similarity; `history`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import TYPE_CHECKING

from models.canonical import (
    SECTIONS,
    T2_WIDTHS,
    T3_COLUMNS,
    T3_ROWS_2021,
    T3_ROWS_SINGLE_SIX,
    T4_GROUPS,
    CanonicalReport,
)
from models.publication import Publication

from .history import ReportContext, contexts_for
from .layout import (
    CELLS,
    T2_2021,
    T3_ROWS,
    T3_SIX_VARIANTS,
    t2_column,
    t3_column,
    t4_column,
    table_columns,
)

if TYPE_CHECKING:
    import pandas as pd

TABLES = ("t2", "t3", "t4")
MISSING, INCOMPLETE = "missing", "incomplete"
NAN = math.nan


def is_number(value: object) -> bool:
    """A published number: a finite int or float, not a bool."""
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _number(value: object) -> float:
    kind = type(value)
    if kind is int:  # the common cases first: this runs for every cell of every report
        return float(value)
    if kind is float:
        return value if math.isfinite(value) else NAN
    return float(value) if is_number(value) else NAN


def sections_missing(report: CanonicalReport) -> list[str]:
    """The six parts (一…六) the report lacks, in canonical order."""
    return [s for s in SECTIONS if s not in report.sections_present]


def sections_in_order(report: CanonicalReport) -> bool:
    """The present parts appear in canonical order and the parser saw no disorder."""
    ranks = [SECTIONS.index(s) for s in report.sections_present if s in SECTIONS]
    return report.section_order_ok and ranks == sorted(ranks)


def t3_expected_rows(report: CanonicalReport) -> tuple[str, ...]:
    """表三 rows the report's format requires: 21 leaf rows unless a 2019-trial single （六）."""
    t3 = report.t3 or {}
    split_six = any(r in t3 for r in T3_SIX_VARIANTS[1])
    return T3_ROWS_2021 if report.format == "2021" or split_six else T3_ROWS_SINGLE_SIX


def _row_gap(value: object, width: int) -> str | None:
    if value is None:
        return MISSING
    if width == 0:
        return None
    if not isinstance(value, list | tuple) or len(value) != width or None in value:
        return INCOMPLETE
    return None


def table_gaps(report: CanonicalReport) -> dict[str, list[tuple[str, str]]]:
    """Per table, the (cell-key prefix, missing|incomplete) of rows the report left out.

    Includes the parser's `report.missing_rows`. A table that is None has no gaps here
    (it is missing as a whole).
    """
    gaps: dict[str, list[tuple[str, str]]] = {t: [] for t in TABLES}
    if report.t2 is not None and report.format in T2_WIDTHS:
        for row, width in T2_WIDTHS[report.format].items():
            if kind := _row_gap(report.t2.get(row), width):
                gaps["t2"].append((f"t2.{row}", kind))
    if report.t3 is not None:
        for row in t3_expected_rows(report):
            if kind := _row_gap(report.t3.get(row), len(T3_COLUMNS)):
                gaps["t3"].append((f"t3.{row}", kind))
    if report.t4 is not None:
        for g, group in enumerate(T4_GROUPS):
            cells = list(report.t4[g * 5 : g * 5 + 5])
            if len(cells) < 5 or None in cells:
                kind = MISSING if all(c is None for c in cells) else INCOMPLETE
                gaps["t4"].append((f"t4.{group}", kind))
        if len(report.t4) > 15:
            gaps["t4"].append(("t4", INCOMPLETE))
    for key in report.missing_rows:
        table = key.split(".", 1)[0]
        if table in gaps and key not in {k for k, _ in gaps[table]}:
            gaps[table].append((key, MISSING))
    return gaps


# Positions of each table row's cells among `CELLS`, computed once (`_cell_values` runs
# per report).
_POSITION = {column: n for n, column in enumerate(CELLS)}
_T2_POSITIONS = {
    row: tuple(_POSITION[t2_column(row, i)] for i in range(3))
    if cols
    else (_POSITION[t2_column(row)],)
    for row, cols in T2_2021.items()
}
_T3_POSITIONS = {
    row: tuple(_POSITION[t3_column(row, i)] for i in range(len(T3_COLUMNS))) for row in T3_ROWS
}
_T4_POSITIONS = tuple(_POSITION[t4_column(i)] for i in range(15))


def _cell_values(report: CanonicalReport) -> tuple[list[float], int]:
    """Frame values of the cells of one report, in `CELLS` order (NaN where the report
    has no such cell), and the count of non-numeric cells."""
    raw: list[tuple[tuple[int, ...], list]] = []  # (positions, values) per row
    if report.t2 is not None and report.format == "2021":
        for row, positions in _T2_POSITIONS.items():
            value = report.t2.get(row)
            if len(positions) == 1:
                raw.append((positions, [value]))
            else:
                raw.append((positions, list(value) if isinstance(value, list | tuple) else []))
    if report.t3 is not None:
        t3 = report.t3
        for row, positions in _T3_POSITIONS.items():
            value = t3.get(row)
            raw.append((positions, list(value) if isinstance(value, list | tuple) else []))
        for used, unused in (T3_SIX_VARIANTS, T3_SIX_VARIANTS[::-1]):
            if any(r in t3 for r in used) and not any(r in t3 for r in unused):
                raw += [(_T3_POSITIONS[r], [0] * len(T3_COLUMNS)) for r in unused]
    if report.t4 is not None:
        raw.append((_T4_POSITIONS, list(report.t4[:15])))
    values = [NAN] * len(_POSITION)
    nonnumeric = 0
    for positions, cells in raw:
        for position, value in zip(
            positions, cells + [None] * (len(positions) - len(cells)), strict=False
        ):
            values[position] = number = _number(value)
            nonnumeric += value is not None and number != number  # NaN: not a number
    return values, nonnumeric


def _days(later: str, earlier: str) -> float:
    from datetime import date

    return float((date.fromisoformat(later) - date.fromisoformat(earlier)).days)


def publication_features(pub: Publication | None) -> dict[str, float]:
    """PUB-* columns of one report (RULES.md §4.2); NaN where a rule does not apply.

    - `pub_days_late`: days published after the statutory deadline;
    - `pub_local_days_late`: days after a stricter local deadline, only when the
      statutory deadline was met (a report is flagged once, at its severest);
    - `pub_missing_overdue`: 1 when no report was found and the effective deadline plus
      the crawl tolerance had passed on the day the collection looked, else 0;
    - `pub_versions`: distinct contents seen for the report.
    """
    out = dict.fromkeys(PUBLICATION_COLUMNS, NAN)
    if pub is None:
        return out
    if pub.found and pub.published_date:
        if pub.deadline:
            out["pub_days_late"] = _days(pub.published_date, pub.deadline)
        if pub.local_deadline and not out["pub_days_late"] > 0:
            out["pub_local_days_late"] = _days(pub.published_date, pub.local_deadline)
    deadline = pub.effective_deadline
    if deadline:
        overdue = _days(pub.checked_on, deadline) > pub.grace_days
        out["pub_missing_overdue"] = float(not pub.found and overdue)
    if pub.found:
        out["pub_versions"] = float(pub.versions)
    return out


PUBLICATION_COLUMNS = (
    "pub_days_late",
    "pub_local_days_late",
    "pub_missing_overdue",
    "pub_versions",
)


def rule_features(
    reports: Sequence[CanonicalReport], contexts: Sequence[ReportContext]
) -> dict[str, list]:
    """Derived columns of the rule modules that define `features(reports, contexts)`."""
    from .registry import RULE_MODULES

    data: dict[str, list] = {}
    for module in RULE_MODULES:
        if hook := getattr(module, "features", None):
            for column, values in hook(reports, contexts).items():
                if column in data or len(values) != len(reports):
                    raise ValueError(f"{module.__name__}: bad feature column {column!r}")
                data[column] = values
    return data


def build_frame(
    reports: Sequence[CanonicalReport],
    report_ids: Sequence[str],
    publications: Sequence[Publication | None] | None = None,
    contexts: Sequence[ReportContext] | None = None,
) -> pd.DataFrame:
    """One row per report (see the module contract); returns a pandas DataFrame."""
    import numpy as np
    import pandas as pd

    publications = publications or [None] * len(reports)
    if len(publications) != len(reports):
        raise ValueError(f"{len(reports)} reports but {len(publications)} publications")
    if len(reports) != len(report_ids):
        raise ValueError(f"{len(reports)} reports but {len(report_ids)} report ids")
    if len(set(report_ids)) != len(report_ids):
        raise ValueError("report ids must be unique")
    data: dict[str, list] = {
        "report_id": list(report_ids),
        "year": [float(r.year) if r.year is not None else NAN for r in reports],
        "format": [r.format for r in reports],
        "sections_missing": [len(sections_missing(r)) for r in reports],
        "sections_in_order": [sections_in_order(r) for r in reports],
    }
    for table in TABLES:
        data[f"{table}_present"] = [getattr(r, table) is not None for r in reports]
    all_gaps = [table_gaps(r) for r in reports]
    for table in TABLES:
        data[f"{table}_gaps"] = [len(g[table]) for g in all_gaps]
    cells = [_cell_values(r) for r in reports]
    data["cells_nonnumeric"] = [n for _, n in cells]
    matrix = np.array([v for v, _ in cells], dtype=float).reshape(len(reports), len(CELLS))
    for n, column in enumerate(CELLS):
        data[column] = matrix[:, n]
    pubs = [publication_features(p) for p in publications]
    for column in PUBLICATION_COLUMNS:
        data[column] = [p[column] for p in pubs]
    data.update(rule_features(reports, contexts or contexts_for(report_ids)))
    # Most-referenced columns first: GX resolves each column name by a linear scan.
    order = ["report_id", *(c for t in ("t3", "t4", "t2") for c in table_columns(t))]
    frame = pd.DataFrame(data)[order + [c for c in data if c not in order]]
    frame["report_id"] = frame["report_id"].astype(object)
    frame["format"] = frame["format"].astype(object)
    return frame
