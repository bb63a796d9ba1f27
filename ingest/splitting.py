"""Split a row's published digits into cells.

Crawler text often runs a row's cells together (`21710000218` = 217,1,0,0,0,0,218).
Spaces, when present, are cell boundaries, but not every boundary has one. A cell is
`0` or digits without a leading zero. `enumerate_splits` yields every reading with the
requested number of cells whose groups satisfy `accept`; callers pick among them with
the table's own arithmetic and record the rest as ambiguity.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

BLANK = "∅"  # a cell printed empty, "-", "/", "—" or "无"
TOKEN = re.compile(rf"-?\d+(?:\.\d+)?|{BLANK}|(?<!\S)[-/—–](?!\S)|(?<!\S)无(?!\S)")

MAX_CELL_DIGITS = 8


def tokens(chunk: str) -> list[str]:
    """Numeric tokens of a chunk; blank markers become BLANK."""
    out = []
    for tok in TOKEN.findall(chunk):
        out.append(BLANK if tok in ("-", "/", "—", "–", "无") else tok)
    return out


def _cells_of(token: str) -> Iterator[tuple[str, str]]:
    """(first cell, rest) pairs for one token."""
    if token == BLANK:
        yield BLANK, ""
        return
    sign = "-" if token.startswith("-") else ""
    digits = token[1:] if sign else token
    if "." in digits:  # decimals are never split
        yield token, ""
        return
    if digits.startswith("0"):
        yield sign + "0", digits[1:]
        return
    for n in range(1, min(len(digits), MAX_CELL_DIGITS) + 1):
        yield sign + digits[:n], digits[n:]


def enumerate_splits(
    toks: list[str],
    groups: tuple[int, ...],
    accept: Callable[[int, list[str]], bool] | None = None,
    limit: int = 20000,
) -> list[list[str]]:
    """All readings of `toks` as cells in consecutive groups of the given sizes.

    `accept(group_index, cells)` prunes a group as soon as it is complete.
    """
    total = sum(groups)
    if len(toks) == total:  # one token per cell (spaced or tabular text): nothing to split
        if not all(_whole_cell(t) for t in toks):
            return []
        cells, start = list(toks), 0
        for g, size in enumerate(groups):
            if accept is not None and not accept(g, cells[start : start + size]):
                return []
            start += size
        return [cells]
    bounds = []
    acc = 0
    for size in groups:
        acc += size
        bounds.append(acc)
    out: list[list[str]] = []
    # most cells the tokens from i on can still give (each token at least one)
    capacity = [0] * (len(toks) + 1)
    for i in range(len(toks) - 1, -1, -1):
        capacity[i] = capacity[i + 1] + _weight(toks[i])

    def walk(i: int, rest: str, cells: list[str]) -> None:
        if len(out) >= limit:
            return
        if not rest:
            if i == len(toks):
                if len(cells) == total:
                    out.append(list(cells))
                return
            rest = toks[i]
            i += 1
        remaining_cells = total - len(cells)
        if remaining_cells <= 0:
            return
        if len(toks) - i > remaining_cells - 1:
            return  # every remaining token needs a cell
        if len(rest) + capacity[i] < remaining_cells:
            return
        for cell, tail in _cells_of(rest):
            cells.append(cell)
            k = len(cells)
            if k in bounds and accept is not None:
                g = bounds.index(k)
                if not accept(g, cells[k - groups[g] : k]):
                    cells.pop()
                    continue
            walk(i, tail, cells)
            cells.pop()

    walk(0, "", [])
    return out


def _whole_cell(tok: str) -> bool:
    """A token that is exactly one cell: blank, decimal, 0, or digits without a leading 0."""
    if tok == BLANK or "." in tok:
        return True
    digits = tok.lstrip("-")
    return digits == "0" or (not digits.startswith("0") and len(digits) <= MAX_CELL_DIGITS)


def _weight(tok: str) -> int:
    """Most cells a token can yield."""
    if tok == BLANK or "." in tok:
        return 1
    return len(tok.lstrip("-"))


def value(cell: str) -> int | float:
    if cell == BLANK:
        return 0
    return float(cell) if "." in cell else int(cell)
