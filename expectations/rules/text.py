"""Text against tables (RULES.md §4.2): TXT-T3, TXT-T4, TXT-T2, TXT-ZERO.

The counts come from `expectations.narrative` (which clauses count, and the traps it
refuses: 诉求, 条 of information, 政策性文件, 清理 lists). Each rule's feature column is
the number of disagreeing topics (NaN where the table is absent); `explain` recomputes
the disagreements from the report, one finding per topic (the first quote that
disagrees).

- TXT-T3: 收到/受理 N ∈ {一, 一+二} (a text may count the carried-over applications,
  note 007; "办理" also admits 三（七）); 上年结转 = 二; 办结/答复 = 三（七）;
  结转下年度 = 四 ("无下年度结转": 四 = 0); each outcome (予以公开 … 其他处理, or
  "予以公开及部分公开") = the 总计 of its rows.
- TXT-T4: 行政复议 N = 复议 总计; 行政诉讼 N = 直诉 + 复议后诉 总计; outcomes
  (结果维持 …) after a total = the matching cells of that group.
- TXT-T2 (2021 format): 规章/行政规范性文件 制发, 废止, 现行有效 in part 一 = 表二.
  A 清理 list ("清理并集中发布现行有效行政规范性文件393件") is a snapshot during the
  year, not the year-end 现行有效 cell: not compared (truth note 008, 393 + 77 = 470).
- TXT-ZERO: "未收到…申请" with 表三 一 > 0, "未发生…行政复议/诉讼" with that 表四
  total > 0; the reverse — a count > 0 in the text while the table is all 0 — is
  reported here, not by TXT-T3/TXT-T4 (one cause, one finding).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from models.canonical import CanonicalReport
from models.finding import Finding

from ..history import ReportContext
from ..narrative import (
    T2_COLUMN_NAMES,
    T3_TOPICS,
    Quote,
    t2_quotes,
    t3_quotes,
    t4_quotes,
    zero_statements,
)
from ..rule import Check, Failure, Rule, number

BETWEEN = "expect_column_values_to_be_between"
TOTAL = 6  # 表三 总计 column index
NAN = math.nan


@dataclass(frozen=True)
class Mismatch:
    """One topic whose quoted count disagrees with the table."""

    quote: Quote
    published: str  # the table value(s), as text
    table: str  # Chinese location in the table
    cells: tuple[str, ...]


def _num(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return None
    return float(value)


def _t3_total(report: CanonicalReport, rows: Sequence[str]) -> float | None:
    """Σ 总计 of the rows (None if any is missing)."""
    total = 0.0
    for row in rows:
        cells = (report.t3 or {}).get(row)
        value = (
            _num(cells[TOTAL]) if isinstance(cells, list | tuple) and len(cells) > TOTAL else None
        )
        if value is None:
            return None
        total += value
    return total


def _group_rows(report: CanonicalReport, group: str) -> list[str]:
    return [r for r in (report.t3 or {}) if r == group or r.startswith(group + ".")]


_T3_ROWS = {"received": "一", "carried_in": "二", "done": "三.七", "carried_over": "四"}
_T3_PLACES = {
    "received": "第一项（本年新收）",
    "carried_in": "第二项（上年结转）",
    "done": "第三项（七）总计",
    "carried_over": "第四项（结转下年度继续办理）",
    "三.一": "第三项（一）予以公开",
    "三.二": "第三项（二）部分公开",
    "三.三": "第三项（三）不予公开",
    "三.四": "第三项（四）无法提供",
    "三.五": "第三项（五）不予处理",
    "三.六": "第三项（六）其他处理",
}


def t3_mismatches(report: CanonicalReport) -> list[Mismatch]:
    """TXT-T3 disagreements, one per topic (see the module docstring)."""
    if report.t3 is None:
        return []
    new, carried = _t3_total(report, ["一"]), _t3_total(report, ["二"])
    out: dict[str, Mismatch] = {}
    for quote in t3_quotes(report):
        if quote.topic in out:
            continue
        if quote.topic == "received":
            if new is None:
                continue
            if quote.value > 0 and new + (carried or 0) == 0:
                continue  # TXT-ZERO
            allowed = {new} | ({new + carried} if carried else set())
            if "办理" in quote.clause and (done := _t3_total(report, ["三.七"])) is not None:
                allowed.add(done)
            rows = ["一", "二"] if carried else ["一"]
            published = number(new) + (f"（含上年结转{number(new + carried)}）" if carried else "")
        else:
            if quote.topic in _T3_ROWS:
                rows = [_T3_ROWS[quote.topic]]
            else:
                rows = [r for g in quote.topic.split("+") for r in _group_rows(report, g)]
            value = _t3_total(report, rows) if rows else None
            if value is None:
                continue
            allowed, published = {value}, number(value)
        if quote.value not in allowed:
            places = "、".join(_T3_PLACES.get(g, g) for g in quote.topic.split("+"))
            out[quote.topic] = Mismatch(
                quote, published, f"表三{places}", tuple(f"t3.{r}.{TOTAL}" for r in rows)
            )
    return list(out.values())


_T4_ITEMS = {"维持": 0, "纠正": 1, "其他": 2, "未结": 3}
_T4_GROUPS = {"复议": (0,), "诉讼": (1, 2)}
_T4_NAMES = {"复议": "行政复议", "诉讼": "行政诉讼（未经复议直接起诉与复议后起诉）"}
_ITEM_NAMES = {"维持": "结果维持", "纠正": "结果纠正", "其他": "其他结果", "未结": "尚未审结"}


def _t4_cells(report: CanonicalReport, topic: str) -> list[int] | None:
    group, _, item = topic.partition(".")
    index = _T4_ITEMS[item] if item else 4
    cells = [g * 5 + index for g in _T4_GROUPS[group]]
    if report.t4 is None or len(report.t4) < 15:
        return None
    if any(_num(report.t4[c]) is None for c in cells):
        return None
    return cells


def _t4_total(report: CanonicalReport, group: str) -> float | None:
    cells = _t4_cells(report, group)
    return None if cells is None else sum(float(report.t4[c]) for c in cells)


def t4_mismatches(report: CanonicalReport) -> list[Mismatch]:
    """TXT-T4 disagreements, one per topic."""
    out: dict[str, Mismatch] = {}
    for quote in t4_quotes(report):
        if quote.topic in out or (cells := _t4_cells(report, quote.topic)) is None:
            continue
        group, _, item = quote.topic.partition(".")
        if quote.value > 0 and _t4_total(report, group) == 0:
            continue  # TXT-ZERO
        value = sum(float(report.t4[c]) for c in cells)
        if quote.value != value:
            place = _T4_NAMES[group] + (_ITEM_NAMES[item] if item else "总计")
            out[quote.topic] = Mismatch(
                quote, number(value), f"表四{place}", tuple(f"t4.{c}" for c in cells)
            )
    return list(out.values())


def t2_mismatches(report: CanonicalReport) -> list[Mismatch]:
    """TXT-T2 disagreements (2021-format 表二), one per topic."""
    if report.t2 is None or report.format != "2021":
        return []
    out: dict[str, Mismatch] = {}
    for quote in t2_quotes(report):
        row, _, column = quote.topic.partition(".")
        cells = report.t2.get(row)
        if quote.topic in out or not isinstance(cells, list | tuple) or len(cells) != 3:
            continue
        value = _num(cells[int(column)])
        if value is not None and quote.value != value:
            out[quote.topic] = Mismatch(
                quote,
                number(value),
                f"表二「{row}」{T2_COLUMN_NAMES[int(column)]}",
                (f"t2.{row}.{column}",),
            )
    return list(out.values())


def zero_conflicts(report: CanonicalReport) -> list[Mismatch]:
    """TXT-ZERO: a denial against a non-zero table, or a count against an all-zero table."""
    out: dict[str, Mismatch] = {}
    new = _t3_total(report, ["一"]) if report.t3 is not None else None
    carried = _t3_total(report, ["二"]) if report.t3 is not None else None
    for quote in zero_statements(report):
        if quote.topic in out:
            continue
        if quote.topic == "applications":
            if new:
                out["applications"] = Mismatch(
                    quote, number(new), "表三第一项（本年新收）", ("t3.一.6",)
                )
        elif total := _t4_total(report, quote.topic):
            cells = _t4_cells(report, quote.topic) or []
            out[quote.topic] = Mismatch(
                quote,
                number(total),
                f"表四{_T4_NAMES[quote.topic]}总计",
                tuple(f"t4.{c}" for c in cells),
            )
    if new is not None and new + (carried or 0) == 0 and "applications" not in out:
        for quote in t3_quotes(report):
            if quote.topic == "received" and quote.value > 0:
                out["applications"] = Mismatch(quote, "0", "表三第一项（本年新收）", ("t3.一.6",))
                break
    for quote in t4_quotes(report):
        group = quote.topic.partition(".")[0]
        if group not in out and quote.value > 0 and _t4_total(report, group) == 0:
            cells = _t4_cells(report, group) or []
            out[group] = Mismatch(
                quote, "0", f"表四{_T4_NAMES[group]}总计", tuple(f"t4.{c}" for c in cells)
            )
    return list(out.values())


# Feature hook ----------------------------------------------------------------

COLUMNS = {
    "TXT-T3": ("txt_t3_mismatches", t3_mismatches, lambda r: r.t3 is not None),
    "TXT-T4": ("txt_t4_mismatches", t4_mismatches, lambda r: r.t4 is not None),
    "TXT-T2": ("txt_t2_mismatches", t2_mismatches, lambda r: r.t2 is not None),
    "TXT-ZERO": (
        "txt_zero_conflicts",
        zero_conflicts,
        lambda r: r.t3 is not None or r.t4 is not None,
    ),
}


def features(
    reports: Sequence[CanonicalReport], contexts: Sequence[ReportContext]
) -> dict[str, list[float]]:
    """One column per rule: the number of disagreeing topics (NaN: no table to compare)."""
    return {
        column: [float(len(find(r))) if applies(r) else NAN for r in reports]
        for column, find, applies in COLUMNS.values()
    }


def _checks(rule_id: str):
    def checks() -> list[Check]:
        return [Check(BETWEEN, {"column": COLUMNS[rule_id][0], "max_value": 0})]

    return checks


def _explain(rule_id: str):
    find = COLUMNS[rule_id][1]

    def explain(failure: Failure) -> list[Finding]:
        findings = []
        for m in find(failure.report):
            topic = T3_TOPICS.get(m.quote.topic) or _topic_name(m.quote.topic)
            findings.append(
                failure.finding(
                    "fail",
                    f"第{m.quote.section}部分 正文与{m.table}",
                    published=m.quote.value,
                    expected=m.published,
                    evidence=m.quote.clause,
                    cells=m.cells,
                    topic=topic,
                    table=m.table,
                    section=m.quote.section,
                    statement=m.quote.clause,
                )
            )
        return findings

    return explain


def _topic_name(topic: str) -> str:
    if topic in ("复议", "诉讼"):
        return f"{_T4_NAMES[topic].split('（')[0]}案件数"
    if topic == "applications":
        return "政府信息公开申请"
    group, _, item = topic.partition(".")
    if group in _T4_NAMES:
        return f"{_T4_NAMES[group].split('（')[0]}{_ITEM_NAMES[item]}数"
    row, _, column = topic.partition(".")
    return f"{row}{T2_COLUMN_NAMES[int(column)]}"


_ACCURACY = "《政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）要求年度报告内容准确、数据精确，正文与表格不得相互矛盾"

TXT_T3 = Rule(
    id="TXT-T3",
    title_zh="正文中的申请数量与表三一致",
    severity="warning",
    basis=_ACCURACY
    + "；对应关系为审核实践（表三第一项、第二项、第三项（七）、第四项及各办理结果）",
    formula_zh="正文“收到/受理申请N件”= 表三第一项总计（或第一项加第二项）；“办结/答复N件”= 第三项（七）总计；“结转下年度N件”= 第四项总计；“予以公开/部分公开/不予公开/无法提供/不予处理/其他处理N件”= 对应各行总计之和",
    messages={
        "fail": "第{section}部分正文所述{topic}为{published}件，但{table}为{expected}，正文与表格不一致"
    },
    checks=_checks("TXT-T3"),
    explain=_explain("TXT-T3"),
)

TXT_T4 = Rule(
    id="TXT-T4",
    title_zh="正文中的行政复议、行政诉讼数量与表四一致",
    severity="warning",
    basis=_ACCURACY,
    formula_zh="正文“行政复议N件”= 表四行政复议总计；“行政诉讼N件”= 未经复议直接起诉与复议后起诉总计之和；其后“结果维持/结果纠正/其他结果/尚未审结N件”= 该组对应单元格",
    messages={
        "fail": "第{section}部分正文所述{topic}为{published}件，但{table}为{expected}，正文与表格不一致"
    },
    checks=_checks("TXT-T4"),
    explain=_explain("TXT-T4"),
)

TXT_T2 = Rule(
    id="TXT-T2",
    title_zh="正文中的规章、行政规范性文件数量与表二一致",
    severity="warning",
    basis=_ACCURACY
    + "；地方通知（如武政办发〔2025〕54号）要求总体情况写明本年制发、废止和现行有效的规章、行政规范性文件数量",
    formula_zh="第一部分“制发/制定/印发规章或规范性文件N件”= 表二本年制发件数；“废止N件”= 本年废止件数；“现行有效N件”= 现行有效件数（清理、累计口径的数字不比对）",
    messages={
        "fail": "第{section}部分正文所述{topic}为{published}件，但{table}为{expected}，正文与表格不一致"
    },
    checks=_checks("TXT-T2"),
    explain=_explain("TXT-T2"),
    formats=("2021",),
)

TXT_ZERO = Rule(
    id="TXT-ZERO",
    title_zh="正文称“未收到申请/未发生复议诉讼”与表格一致",
    severity="warning",
    basis=_ACCURACY,
    formula_zh="正文称未收到政府信息公开申请 ⇒ 表三第一项总计为0；称未发生行政复议（行政诉讼）⇒ 表四相应总计为0；反之，表格全为0时正文不应有大于0的数量",
    messages={
        "fail": "第{section}部分正文称“{statement}”，但{table}为{expected}，正文与表格相矛盾"
    },
    checks=_checks("TXT-ZERO"),
    explain=_explain("TXT-ZERO"),
)

RULES = (TXT_T3, TXT_T4, TXT_T2, TXT_ZERO)
