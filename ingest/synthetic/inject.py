"""Injected errors: one catalogue for the synthetic province and the checks benchmark.

Each kind is an `Injection`: the rule its error must produce (`target`), the rules the
same error may also produce (`allowed`: its arithmetic or textual consequences), the
rules it may produce in the same agency's *next* report (`next_year`), whether it
needs last year's report (`needs_previous`), and `apply(report, rng)`, which changes a
clean `CanonicalReport` in place and returns the `Place` it changed.

| kind | change | target | allowed |
|---|---|---|---|
| t3-colsum | one applicant cell of 一 or a leaf row +1, 总计 unchanged | T3-COLSUM | T3-RESULTSUM, T3-BALANCE |
| t3-resultsum | 三.七 one column +1 and its 总计 +1 | T3-RESULTSUM | T3-BALANCE, TXT-T3 |
| t3-balance | 四 one column +1 and its 总计 +1 | T3-BALANCE | TXT-T3; next year: T3-CARRY-XYEAR |
| t3-carry | 二 one column +1, answered (三.一, 三.七) +1: balanced, but 二 ≠ last year's 四 | T3-CARRY-XYEAR | TXT-T3 |
| t4-total | one group's 总计 +1 | T4-TOTAL | TXT-T4 |
| cell-int | 行政许可 + 0.5 | CELL-INT | — |
| txt-t3 | part 一 quotes 新收申请 N + 二 + k (k ≥ 1: neither reading TXT-T3 accepts) | TXT-T3 | — |
| period | preamble's 统计期限 names year y−1 | FMT-PERIOD | — |
| sections | part 六 left out | FMT-SECTIONS | SEC6-FEE, T3-FEE-ROW (the fee statement was in 六) |
| table-missing | 表四 left out | FMT-TABLES | — |
| version | 表二 in the 2019 trial layout | FMT-VERSION | FMT-TABLES, TXT-T2; next year: T2-VALID-XYEAR, T2-REPEAL-BOUND |

TXT-T3/TXT-T4 are consequences only where a text quotes the changed total (办结, 结转,
行政复议 N 件): the real corpus texts do, the synthetic ones quote only 新收 (T3[一, 总计])
and 表二, which no table injection changes.

`Place.cells` uses the finding cell keys (`t3.一.0`, `t4.4`, `t2.行政许可`): a target
finding that names one of them found the error at its place.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from models.canonical import T3_COLUMNS, T4_GROUP_NAMES, T4_GROUPS, CanonicalReport

T3_LEAVES = ("三.一", "三.二", "三.三.4", "三.四.1", "三.五.2", "三.六.3")


@dataclass(frozen=True)
class Place:
    """Where the error is: the table or part, a Chinese description, the cell keys."""

    table: str
    where: str
    cells: tuple[str, ...] = ()


@dataclass(frozen=True)
class Injection:
    kind: str
    target: str
    allowed: frozenset[str] = field(default_factory=frozenset)
    next_year: frozenset[str] = field(default_factory=frozenset)
    needs_previous: bool = False
    not_after: frozenset[str] = field(default_factory=frozenset)  # last year's kinds it cancels
    apply: Callable[[CanonicalReport, random.Random], Place] | None = None
    applies: Callable[[CanonicalReport], bool] = lambda report: True


def _t3_cell(row: str, col: int) -> str:
    return f"t3.{row}.{col}"


def _bump(report: CanonicalReport, row: str, col: int, by: int = 1) -> None:
    report.t3[row][col] += by


def _colsum(report: CanonicalReport, rng: random.Random) -> Place:
    row, col = rng.choice(("一", *T3_LEAVES)), rng.randrange(6)
    _bump(report, row, col)
    return Place("表三", f"表三 {row} 列 {T3_COLUMNS[col]}", (_t3_cell(row, col),))


def _resultsum(report: CanonicalReport, rng: random.Random) -> Place:
    col = rng.randrange(6)
    _bump(report, "三.七", col)
    _bump(report, "三.七", 6)
    return Place(
        "表三", f"表三 三.七 列 {T3_COLUMNS[col]}", (_t3_cell("三.七", col), _t3_cell("三.七", 6))
    )


def _balance(report: CanonicalReport, rng: random.Random) -> Place:
    col = rng.randrange(6)
    _bump(report, "四", col)
    _bump(report, "四", 6)
    return Place("表三", f"表三 四 列 {T3_COLUMNS[col]}", (_t3_cell("四", col), _t3_cell("四", 6)))


def _carry(report: CanonicalReport, rng: random.Random) -> Place:
    col = rng.randrange(6)
    for row in ("二", "三.一", "三.七"):
        _bump(report, row, col)
        _bump(report, row, 6)
    return Place("表三", f"表三 二 列 {T3_COLUMNS[col]}", (_t3_cell("二", col), _t3_cell("二", 6)))


def _t4(report: CanonicalReport, rng: random.Random) -> Place:
    group = rng.randrange(3)
    report.t4[group * 5 + 4] += 1
    name = T4_GROUP_NAMES[T4_GROUPS[group]]
    return Place("表四", f"表四 {name} 总计", (f"t4.{group * 5 + 4}",))


def _cellint(report: CanonicalReport, rng: random.Random) -> Place:
    report.t2["行政许可"] = report.t2["行政许可"] + 0.5
    return Place("表二", "表二 行政许可 本年处理决定数量", ("t2.行政许可",))


_QUOTE = re.compile(r"(新收政府信息公开申请)(\d+)(件)")


def _txt(report: CanonicalReport, rng: random.Random) -> Place:
    k = report.t3["二"][6] + rng.randint(1, 5)  # TXT-T3 also accepts 一 + 二 (受理 with carry-over)
    text = report.sections["一"]
    report.sections["一"] = _QUOTE.sub(lambda m: f"{m[1]}{int(m[2]) + k}{m[3]}", text, count=1)
    return Place("第一部分", "第一部分 依申请公开 新收申请数", ("t3.一.6",))


def _period(report: CanonicalReport, rng: random.Random) -> Place:
    year = report.year
    report.preamble = report.preamble.replace(f"自{year}年1月1日", f"自{year - 1}年1月1日")
    report.preamble = report.preamble.replace(f"至{year}年12月31日", f"至{year - 1}年12月31日")
    return Place("前言", "前言 统计期限")


def _sections(report: CanonicalReport, rng: random.Random) -> Place:
    report.sections_present = [s for s in report.sections_present if s != "六"]
    report.sections.pop("六", None)
    return Place("第六部分", "第六部分 其他需要报告的事项")


def _table(report: CanonicalReport, rng: random.Random) -> Place:
    report.t4 = None
    return Place("表四", "表四")


def _version(report: CanonicalReport, rng: random.Random) -> Place:
    """The 2019 trial 表二 (RULES.md §2.5), carrying the same year's values."""
    t2 = report.t2
    report.format = "2019trial"
    report.t2 = {
        "规章": list(t2["规章"]),
        "规范性文件": list(t2["行政规范性文件"]),
        "行政许可": [t2["行政许可"], 0, t2["行政许可"]],
        "其他对外管理服务事项": [0, 0, 0],
        "行政处罚": [t2["行政处罚"], 0, t2["行政处罚"]],
        "行政强制": [t2["行政强制"], 0, t2["行政强制"]],
        "行政事业性收费": [0, 0],
        "政府集中采购": [0, 0],
    }
    return Place("表二", "表二 格式")


def _has_t3(report: CanonicalReport) -> bool:
    return report.t3 is not None and all(report.t3.get(r) for r in ("一", "二", *T3_LEAVES))


def _has_quote(report: CanonicalReport) -> bool:
    return bool(_QUOTE.search(report.sections.get("一", "")))


def _is_2021(report: CanonicalReport) -> bool:
    return (
        report.format == "2021"
        and (report.year or 0) >= 2021
        and isinstance((report.t2 or {}).get("行政许可"), int)
        and isinstance(report.t2.get("行政规范性文件"), list)
    )


CATALOGUE: dict[str, Injection] = {
    i.kind: i
    for i in (
        Injection(
            "t3-colsum",
            "T3-COLSUM",
            frozenset({"T3-RESULTSUM", "T3-BALANCE"}),
            apply=_colsum,
            applies=_has_t3,
        ),
        Injection(
            "t3-resultsum",
            "T3-RESULTSUM",
            frozenset({"T3-BALANCE", "TXT-T3"}),
            apply=_resultsum,
            applies=_has_t3,
        ),
        Injection(
            "t3-balance",
            "T3-BALANCE",
            frozenset({"TXT-T3"}),
            next_year=frozenset({"T3-CARRY-XYEAR"}),
            apply=_balance,
            applies=_has_t3,
        ),
        Injection(
            "t3-carry",
            "T3-CARRY-XYEAR",
            frozenset({"TXT-T3"}),
            needs_previous=True,
            not_after=frozenset({"t3-balance"}),  # last year's 四 +1 may equal this 二 +1
            apply=_carry,
            applies=_has_t3,
        ),
        Injection(
            "t4-total",
            "T4-TOTAL",
            frozenset({"TXT-T4"}),
            apply=_t4,
            applies=lambda r: bool(r.t4) and len(r.t4) == 15,
        ),
        Injection("cell-int", "CELL-INT", apply=_cellint, applies=_is_2021),
        Injection("txt-t3", "TXT-T3", apply=_txt, applies=_has_quote),
        Injection(
            "period",
            "FMT-PERIOD",
            apply=_period,
            applies=lambda r: bool(r.year) and f"自{r.year}年1月1日" in (r.preamble or ""),
        ),
        Injection(
            "sections",
            "FMT-SECTIONS",
            frozenset({"SEC6-FEE", "T3-FEE-ROW"}),
            apply=_sections,
            applies=lambda r: "六" in r.sections_present,
        ),
        Injection(
            "table-missing",
            "FMT-TABLES",
            apply=_table,
            applies=lambda r: bool(r.t4) and len(r.t4) == 15,
        ),
        Injection(
            "version",
            "FMT-VERSION",
            frozenset({"FMT-TABLES", "TXT-T2"}),
            next_year=frozenset({"T2-VALID-XYEAR", "T2-REPEAL-BOUND"}),
            apply=_version,
            applies=_is_2021,
        ),
    )
}
CLEAN = Injection("clean", "")


def candidates(report: CanonicalReport, has_previous: bool, previous_kind: str = "") -> list[str]:
    """Kinds that can be injected into this report (`previous_kind`: last year's error)."""
    return [
        k
        for k, i in CATALOGUE.items()
        if i.applies(report)
        and (has_previous or not i.needs_previous)
        and previous_kind not in i.not_after
    ]
