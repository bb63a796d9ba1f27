"""表四: 15 cells in one data row, split so that each group's 总计 adds up when possible."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.splitting import BLANK, TOKEN, enumerate_splits, value

GROUPS = (5, 5, 5)


@dataclass
class T4Result:
    values: list[int]
    provenance: str
    blank_cells: list[str]
    ambiguous: str | None = None


def _group_total(_g: int, cells: list[str]) -> bool:
    return sum(value(c) for c in cells[:4]) == value(cells[4])


def numeric_blocks(text: str) -> list[tuple[int, int, list[str]]]:
    """Runs of numeric tokens separated only by whitespace: (start, end, tokens)."""
    blocks: list[tuple[int, int, list[str]]] = []
    for m in TOKEN.finditer(text):
        tok = m.group(0)
        tok = BLANK if tok in ("-", "/", "—", "–", "无") else tok
        if blocks and not text[blocks[-1][1] : m.start()].strip():
            s, _, toks = blocks[-1]
            blocks[-1] = (s, m.end(), toks + [tok])
        else:
            blocks.append((m.start(), m.end(), [tok]))
    return blocks


def _capacity(toks: list[str]) -> int:
    return sum(1 if t == BLANK or "." in t else len(t.lstrip("-")) for t in toks)


def parse_t4(text: str, start: int, end: int) -> T4Result | None:
    """The first numeric block after the table header that can hold 15 cells."""
    region = text[start:end]
    header = re.search(r"尚\s*未\s*审\s*结|结\s*果\s*维\s*持|行\s*政\s*诉\s*讼", region)
    offset = header.start() if header else 0
    for b_start, b_end, toks in numeric_blocks(region[offset:]):
        if _capacity(toks) < 15:
            continue
        toks = toks[:15]  # a longer run: the table's 15 cells come first
        source = " ".join(region[offset + b_start : offset + b_end].split())
        good = enumerate_splits(toks, GROUPS, _group_total)
        ambiguous = None
        if not good:
            good = enumerate_splits(toks, GROUPS, None, limit=5000)
            if len(good) > 1:
                ambiguous = "表四各组合计与分项不符，连写数字无法按合计唯一拆分"
        elif len(good) > 1:
            ambiguous = f"表四连写数字有{len(good)}种符合合计的拆分"
        if not good:
            continue
        cells = good[0]
        return T4Result(
            values=[value(c) for c in cells],
            provenance=source,
            blank_cells=[f"t4.{i}" for i, c in enumerate(cells) if c == BLANK],
            ambiguous=ambiguous,
        )
    return None
