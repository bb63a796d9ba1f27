"""表二 (主动公开): rows by label; run-together cells split by plausibility and the text.

表二 prints no arithmetic, so a run such as `6233440` (制发/废止/现行有效) has several
readings. The parser keeps readings the narrative confirms (e.g. "制发行政规范性文件62件"),
then prefers the plausible stock (现行有效 not below 制发 or 废止, fewest digits) and
records the cell as ambiguous whenever more than one reading was left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.anchors import RowSpec, find_rows
from ingest.splitting import BLANK, enumerate_splits, value
from ingest.t4 import numeric_blocks
from models.canonical import T2_WIDTHS

SPECS_2021 = [
    RowSpec("规章", ("规章",)),
    RowSpec("行政规范性文件", ("规范性文件",)),
    RowSpec("行政许可", ("行政许可",)),
    RowSpec("行政处罚", ("行政处罚",)),
    RowSpec("行政强制", ("行政强制",)),
    RowSpec("行政事业性收费", ("行政事业性收费", "事业性收费")),
]

SPECS_2019 = [
    RowSpec("规章", ("规章",)),
    RowSpec("规范性文件", ("规范性文件",)),
    RowSpec("行政许可", ("行政许可",)),
    RowSpec("其他对外管理服务事项", ("其他对外管理服务事项", "对外管理服务")),
    RowSpec("行政处罚", ("行政处罚",)),
    RowSpec("行政强制", ("行政强制",)),
    RowSpec("行政事业性收费", ("行政事业性收费", "事业性收费")),
    RowSpec("政府集中采购", ("政府集中采购", "集中采购")),
]


@dataclass
class T2Result:
    values: dict[str, object]
    provenance: dict[str, str]
    blank_cells: list[str] = field(default_factory=list)
    ambiguous: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


def _narrative(text: str) -> dict[int, set[int]]:
    """Counts of 规范性文件 the text states: column index -> values."""
    found: dict[int, set[int]] = {0: set(), 1: set(), 2: set()}
    doc = r"(?:行政)?规范性文件"
    patterns = {
        0: rf"(?:制发|制定|印发|出台|发布)(?:了|的)?(?:本年度|本年)?(?:的)?{doc}\s*(\d+)\s*件",
        1: rf"废止(?:了|的)?{doc}\s*(\d+)\s*件",
        2: rf"现行有效(?:的)?{doc}\s*(\d+)\s*件",
    }
    for col, pat in patterns.items():
        found[col].update(int(m) for m in re.findall(pat, text))
    return found


def _stock_score(cells: list[str]) -> tuple:
    a, b, c = (value(x) for x in cells)
    plausible = c >= max(a, b)
    return (not plausible, len(cells[2].lstrip("-")), a < b)


def _trial_docs_score(cells: list[str]) -> tuple:
    """新制作 / 新公开 / 对外公开总数: usually 新制作 = 新公开, total the largest."""
    a, b, c = (value(x) for x in cells)
    return (a != b, c < max(a, b), len(cells[2]))


def _trial_pair_score(cells: list[str]) -> tuple:
    """上一年 / 增减 / 处理决定: a short change, balanced neighbours (a guess, marked)."""
    lens = [len(c.lstrip("-")) for c in cells]
    if len(cells) == 3:
        return (lens[1], abs(lens[0] - lens[2]), value(cells[1]) != 0)
    return (abs(lens[0] - 2),)


_UNITS = re.compile(r"万元|[笔元项件个]")


def _first_block(chunk: str) -> list[str]:
    """The row's numbers: the first run of numbers (units such as 笔/元 between them)."""
    blocks = numeric_blocks(_UNITS.sub(" ", chunk))
    return blocks[0][2] if blocks else []


def _split_decimal_pair(tok: str) -> list[list[str]]:
    """`13575394432.52` as (count, amount): every count prefix."""
    whole, _, frac = tok.partition(".")
    out = []
    for n in range(1, min(len(whole), 5)):
        if whole[n] == "0" and len(whole) - n > 1:
            continue
        if whole[0] == "0" and n > 1:
            continue
        out.append([whole[:n], whole[n:] + ("." + frac if frac else "")])
    return out


def parse_t2(text: str, start: int, end: int, fmt: str, narrative: str) -> T2Result | None:
    """表二 between start and end (the part 二 text)."""
    caption = re.search(r"第\s*二\s*十\s*条", text[start:end])
    begin = start + caption.start() if caption else start
    specs = SPECS_2019 if fmt == "2019trial" else SPECS_2021
    shape = T2_WIDTHS["2019trial" if fmt == "2019trial" else "2021"]
    hits = find_rows(text, begin, end, specs)
    if not hits:
        return None
    stated = _narrative(narrative)
    result = T2Result(values={k: None for k in shape}, provenance={})
    for h in hits:
        n = shape[h.key] or 1
        toks = _first_block(h.chunk)
        if not toks:
            continue
        result.provenance[h.key] = " ".join(
            text[h.label_start : h.keyword_end + len(h.chunk)].split()
        )[:120]
        if n == 1:
            cell = toks[0]
            if cell.startswith("0") and len(cell) > 1 and "." not in cell:
                cell = "0"  # `02025年…`: the cell is 0, the rest is the following text
            result.values[h.key] = value(cell)
            if cell == BLANK:
                result.blank_cells.append(f"t2.{h.key}")
            continue
        readings = enumerate_splits(toks, (n,), None, limit=5000)
        if not readings and h.key == "政府集中采购" and len(toks) == 1:
            readings = _split_decimal_pair(toks[0])
        if not readings:
            result.ambiguous[h.key] = "无法拆分为规定的列数"
            continue
        if len(readings) > 1 and fmt != "2019trial" and h.key == "行政规范性文件":
            confirmed = [
                r
                for r in readings
                if all(not stated[i] or value(r[i]) in stated[i] for i in range(3))
            ]
            partly = [r for r in readings if any(value(r[i]) in stated[i] for i in range(3))]
            readings = confirmed or partly or readings
        if len(readings) > 1:
            if fmt != "2019trial":
                score = _stock_score
            elif h.key in ("规章", "规范性文件"):
                score = _trial_docs_score
            else:
                score = _trial_pair_score
            readings = sorted(readings, key=score)
            result.ambiguous[h.key] = (
                f"连写数字「{''.join(toks)}」有{len(readings)}种拆分，按常理取其一"
            )
        cells = readings[0]
        result.values[h.key] = [value(c) for c in cells]
        result.blank_cells += [f"t2.{h.key}.{i}" for i, c in enumerate(cells) if c == BLANK]
    result.missing = [k for k in shape if result.values[k] is None]
    return result
