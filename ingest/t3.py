"""表三: rows by label, cells by splitting, ambiguity resolved by the table's arithmetic.

Each row's readings must satisfy 总计 = Σ applicant columns (T3-COLSUM) when any
reading does. Among the combinations of row readings, the parser keeps the one
that breaks the fewest column identities (T3-RESULTSUM, T3-BALANCE); a report's
real error survives because no reading can repair it. Rows whose reading is still
not unique are recorded as ambiguous.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ingest.anchors import RowHit, RowSpec, find_rows
from ingest.splitting import BLANK, enumerate_splits, value
from ingest.t4 import numeric_blocks

COLS = 7

ROW_SPECS = [
    RowSpec("一", ("本年新收", "新收政府信息公开申请")),
    RowSpec("二", ("上年结转",)),
    RowSpec("三.一", ("予以公开",)),
    RowSpec("三.二", ("部分公开",)),
    RowSpec("三.三.1", ("国家秘密",)),
    RowSpec("三.三.2", ("其他法律", "禁止公开")),
    RowSpec("三.三.3", ("三安全", "一稳定", "危及")),
    RowSpec("三.三.4", ("第三方",)),
    RowSpec("三.三.5", ("三类内", "内部事务")),
    RowSpec("三.三.6", ("四类", "过程性")),
    RowSpec("三.三.7", ("执法案卷", "执法案")),
    RowSpec("三.三.8", ("查询事项",)),
    RowSpec("三.四.1", ("不掌握",)),
    RowSpec("三.四.2", ("现成信息", "另行制作")),
    RowSpec("三.四.3", ("仍不明确", "补正后")),
    RowSpec("三.五.1", ("信访", "举报投诉")),
    RowSpec("三.五.2", ("重复申请",)),
    RowSpec("三.五.3", ("出版物",)),
    RowSpec("三.五.4", ("大量反复",)),
    RowSpec("三.五.5", ("重新出具", "确认或重新")),
    RowSpec("三.六", ("其他处理",)),
    RowSpec("三.六.1", ("不补正", "逾期不补")),
    RowSpec("三.六.2", ("收费通知", "缴纳费用")),
    RowSpec("三.六.3", (), regex=r"3\s*[.、]\s*其\s*他"),
    RowSpec("三.七", (), regex=r"\(\s*七\s*\)\s*总\s*计|\(\s*七\s*\)\s*合\s*计"),
    RowSpec("四", ("结转下年度", "结转下年")),
]
SIX_SUBROWS = ("三.六.1", "三.六.2", "三.六.3")


@dataclass
class T3Result:
    values: dict[str, list[int]]
    provenance: dict[str, str]
    labels: dict[str, str]
    blank_cells: list[str] = field(default_factory=list)
    ambiguous: dict[str, str] = field(default_factory=dict)  # row -> why
    missing: list[str] = field(default_factory=list)


def _colsum(_g: int, cells: list[str]) -> bool:
    return sum(value(c) for c in cells[:6]) == value(cells[6])


_GLUED_YEAR = re.compile(r"(?:19|20)\d{2}(?=\s*年)")


def row_tokens(chunk: str) -> list[str]:
    """The row's printed cells: the first run of numbers, without a following text's year.

    `20000022025年，我局…` is the row `2000002` glued to the narrative's `2025年`.
    """
    blocks = numeric_blocks(_GLUED_YEAR.sub(" ", chunk))
    return blocks[0][2] if blocks else []


def row_readings(chunk: str) -> tuple[list[list[str]], bool]:
    """Readings of one row; the flag says whether they satisfy COLSUM."""
    toks = row_tokens(chunk)
    if not toks:  # the label is printed, its cells are empty
        return [[BLANK] * COLS], True
    ok = enumerate_splits(toks, (COLS,), _colsum)
    if ok:
        return ok, True
    anyway = enumerate_splits(toks, (COLS,), None, limit=2000)
    if anyway:
        return anyway, False
    # Fewer printed cells than columns: some cells were left blank.
    digits = "".join(t for t in toks if t != BLANK)
    if digits and set(digits) == {"0"}:
        return [[BLANK] * COLS], True
    padded = []
    n_cells = sum(1 if t == BLANK else len(t) for t in toks)
    missing = COLS - n_cells
    if 0 < missing <= 2 and all("." not in t for t in toks):
        cells = [c for t in toks for c in ([t] if t == BLANK else list(t))]
        for pos in itertools.combinations(range(COLS), missing):
            row, it = [], iter(cells)
            for i in range(COLS):
                row.append(BLANK if i in pos else next(it))
            if _colsum(0, row):
                padded.append(row)
    return padded, bool(padded)


def _violations(rows: dict[str, list[int]]) -> int:
    bad = 0
    leaves = [r for r in rows if r.startswith("三.") and r != "三.七"]
    for c in range(COLS):
        if "三.七" in rows and leaves:
            bad += sum(rows[r][c] for r in leaves) != rows["三.七"][c]
        if all(k in rows for k in ("一", "二", "三.七", "四")):
            bad += rows["一"][c] + rows["二"][c] != rows["三.七"][c] + rows["四"][c]
    return bad


def _choose(readings: dict[str, list[list[str]]]) -> tuple[dict[str, list[str]], set[str]]:
    """The combination of row readings breaking the fewest identities; rows left ambiguous."""
    fixed = {k: v[0] for k, v in readings.items() if len(v) == 1}
    open_rows = [k for k, v in readings.items() if len(v) > 1]
    if not open_rows:
        return fixed, set()
    size = 1
    for k in open_rows:
        size *= len(readings[k])
    if size > 200_000:  # too many: keep each row's first reading, say so
        return {**fixed, **{k: readings[k][0] for k in open_rows}}, set(open_rows)
    best_score, best = None, []
    for combo in itertools.product(*(readings[k] for k in open_rows)):
        chosen = {**fixed, **dict(zip(open_rows, combo, strict=True))}
        score = _violations({k: [value(c) for c in v] for k, v in chosen.items()})
        if best_score is None or score < best_score:
            best_score, best = score, [combo]
        elif score == best_score:
            best.append(combo)
    winner = best[0]
    ambiguous = {k for i, k in enumerate(open_rows) if len({tuple(b[i]) for b in best}) > 1}
    return {**fixed, **dict(zip(open_rows, winner, strict=True))}, ambiguous


def parse_t3(text: str, start: int, end: int) -> T3Result | None:
    """表三 between start and end, or None when no row label is there."""
    hits = find_rows(text, start, end, ROW_SPECS)
    by_key: dict[str, RowHit] = {h.key: h for h in hits}
    if "一" not in by_key and "三.七" not in by_key:
        return None
    if any(k in by_key for k in SIX_SUBROWS):
        hits = [h for h in hits if h.key != "三.六"]
        hits = _recut(text, hits, end)
    else:
        pass  # single （六）其他处理 row (2019 trial format, or merged)
    readings: dict[str, list[list[str]]] = {}
    notes: dict[str, str] = {}
    for h in hits:
        found, consistent = row_readings(h.chunk)
        if found:
            readings[h.key] = found
            if not consistent:
                notes[h.key] = "该行各列之和与总计不符，无法按总计拆分"
    chosen, ambiguous = _choose(readings)
    result = T3Result(values={}, provenance={}, labels={})
    for h in hits:
        if h.key not in chosen:
            result.missing.append(h.key)
            continue
        cells = chosen[h.key]
        result.values[h.key] = [value(c) for c in cells]
        result.provenance[h.key] = " ".join(
            text[h.label_start : h.keyword_end + len(h.chunk)].split()
        )
        result.labels[h.key] = " ".join(text[h.label_start : h.keyword_end].split())
        result.blank_cells += [f"t3.{h.key}.{i}" for i, c in enumerate(cells) if c == BLANK]
    for k in ambiguous:
        result.ambiguous[k] = (
            f"连写数字有多种拆分，按表内勾稽关系仍无法唯一确定（{len(readings[k])}种读法）"
        )
    for k, why in notes.items():
        result.ambiguous.setdefault(k, why)
    return result


def _recut(text: str, hits: list[RowHit], end: int) -> list[RowHit]:
    for i, hit in enumerate(hits):
        stop = hits[i + 1].label_start if i + 1 < len(hits) else end
        hit.chunk = text[hit.keyword_end : max(stop, hit.keyword_end)]
    return hits
