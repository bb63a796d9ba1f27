"""The markup of the report tables' cells (表二/三/四), as Jinja filters.

A page has about 200 numbers; as template macros they were most of a page's render
time, so these two fragments are built here. The markup is what the template's macros
wrote, escaped the same way (markupsafe):

- `value_cells(cells)`: one `<td class="num[ flag flag-SEV]" data-cell="KEY"[ title="RULES"]>TEXT</td>`
  per cell;
- `row_label(row, rowspan=1)`: `<th scope="row|rowgroup" class="lvl-N[ flag flag-SEV]"[ rowspan="N"][ data-cell="KEY"][ title="RULES"]>LABEL</th>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

from .tables import Cell, Row

__all__ = ["row_label", "value_cells"]

_SPECIAL = re.compile(r"[&<>'\"]")


def _text(value: object) -> str:
    """`value` escaped as markupsafe does (most cell texts and keys need nothing)."""
    text = str(value)
    return str(escape(text)) if _SPECIAL.search(text) else text


def _value_cell(c: Cell) -> str:
    m = c.mark
    if m is None:
        return f'<td class="num" data-cell="{_text(c.key)}">{_text(c.text)}</td>'
    return (
        f'<td class="num flag flag-{_text(m.severity)}" data-cell="{_text(c.key)}"'
        f' title="{_text(m.title)}">{_text(c.text)}</td>'
    )


def value_cells(cells: Iterable[Cell]) -> Markup:
    return Markup("".join(map(_value_cell, cells)))


def row_label(r: Row, rowspan: int = 1) -> Markup:
    m = r.mark
    parts = [
        f'<th scope="{"rowgroup" if rowspan > 1 else "row"}" class="lvl-{_text(r.level)}',
        f' flag flag-{_text(m.severity)}"' if m is not None else '"',
    ]
    if rowspan > 1:
        parts.append(f' rowspan="{_text(rowspan)}"')
    if r.key:
        parts.append(f' data-cell="{_text(r.key)}"')
    if m is not None:
        parts.append(f' title="{_text(m.title)}"')
    parts.append(f">{_text(r.label)}</th>")
    return Markup("".join(parts))
