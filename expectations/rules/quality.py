"""Plausibility of 表二/表三 (RULES.md §4.2): T2-RULES-AUTH, T2-FEE-UNIT, T3-FEE-ROW, CELL-BLANK.

Derived columns (`features`), NaN where a rule does not apply:
- `q_rules_unauthorised`: 1 when a 2021-format 表二 has a 规章 cell > 0 and the agency
  has no rule-making power (`history.rule_making_power`: registry level/kind, else the
  name); NaN when the power is unknown or present;
- `q_fee_unit_suspect`: 1 when 行政事业性收费 looks like 元, not 万元 (above
  `params_for("T2-FEE-UNIT")["max_wanyuan"]`, or the text quotes the same number in 元,
  or the cell is 10000 × an amount the text gives in 万元);
- `q_fee_row_unmentioned`: 1 when 三.六.2 总计 > 0 and part 六 never says 信息处理费;
- `q_blank_cells`: cells the parser read as 0 from a blank, "-", "/" or "无".
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from models.canonical import T3_COLUMNS, CanonicalReport
from models.finding import Finding

from ..features import is_number
from ..history import ReportContext, rule_making_power
from ..layout import CELLS, T2_FEE_ROW, T3_ROW_LABELS
from ..rule import Check, Failure, Rule, evidence, number

NAN = math.nan
BETWEEN = "expect_column_values_to_be_between"
_FEE_ROW = "三.六.2"
_LABELS = {cell.key: cell for cell in CELLS.values()}


def _fee(report: CanonicalReport) -> float:
    if report.format != "2021" or not report.t2:
        return NAN
    value = report.t2.get(T2_FEE_ROW)
    return float(value) if is_number(value) else NAN


def _rules_cells(report: CanonicalReport) -> list[float]:
    cells = (report.t2 or {}).get("规章") if report.format == "2021" else None
    return [float(v) for v in cells or [] if is_number(v)]


def _text(report: CanonicalReport) -> str:
    return "\n".join(report.sections.values())


_YUAN = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万?)元")


def fee_unit_suspect(report: CanonicalReport, max_wanyuan: float) -> float:
    """1 when the 万元 fee cell looks like a 元 amount (module docstring); NaN: no cell."""
    fee = _fee(report)
    if math.isnan(fee):
        return NAN
    if fee > max_wanyuan:
        return 1.0
    text = _text(report)
    for match in _fee_amounts(text):
        context = text[max(0, match.start() - 30) : match.start()]
        if "收费" not in context or "信息处理费" in context:
            continue
        amount = float(match.group(1))
        if match.group(2) and fee >= 1 and abs(amount * 10000 - fee) < 0.5:
            return 1.0
        if not match.group(2) and fee >= 1 and abs(amount - fee) < 0.005:
            return 1.0
    return 0.0


def _fee_amounts(text: str):
    """The _YUAN matches that start within 32 characters after a 收费 (the only ones
    `fee_unit_suspect` looks at), without scanning the whole text for amounts."""
    seen: set[int] = set()
    for fee in re.finditer("收费", text):
        for match in _YUAN.finditer(text, fee.start() + 2, fee.start() + 64):
            if match.start() <= fee.start() + 32 and match.start() not in seen:
                seen.add(match.start())
                yield match


def _fee_row(report: CanonicalReport) -> float:
    cells = (report.t3 or {}).get(_FEE_ROW)
    value = cells[-1] if isinstance(cells, list) and cells else None
    return float(value) if is_number(value) else NAN


def features(
    reports: Sequence[CanonicalReport], contexts: Sequence[ReportContext]
) -> dict[str, list[float]]:
    data: dict[str, list[float]] = {
        "q_rules_unauthorised": [],
        "q_fee_unit_suspect": [],
        "q_fee_row_unmentioned": [],
        "q_blank_cells": [],
    }
    for report, ctx in zip(reports, contexts, strict=True):
        power = rule_making_power(ctx.agency, report.agency)
        cells = _rules_cells(report)
        data["q_rules_unauthorised"].append(
            float(any(v > 0 for v in cells)) if power is False and cells else NAN
        )
        limit = ctx.config.params_for("T2-FEE-UNIT")["max_wanyuan"]
        data["q_fee_unit_suspect"].append(fee_unit_suspect(report, limit))
        dropped = _fee_row(report)
        data["q_fee_row_unmentioned"].append(
            NAN
            if math.isnan(dropped)
            else float(dropped > 0 and "信息处理费" not in report.sections.get("六", ""))
        )
        data["q_blank_cells"].append(float(len(report.blank_cells)))
    return data


def _flag(column: str) -> list[Check]:
    return [Check(BETWEEN, {"column": column, "max_value": 0})]


# T2-RULES-AUTH -------------------------------------------------------------


def _auth_explain(failure: Failure) -> list[Finding]:
    cells = list((failure.report.t2 or {}).get("规章") or [])
    return [
        failure.finding(
            "fail",
            "表二 规章",
            published="/".join(number(v) for v in cells),
            expected="0/0/0",
            evidence=evidence(failure.report, ["t2.规章"]),
            cells=[f"t2.规章.{i}" for i, v in enumerate(cells) if is_number(v) and v > 0],
            agency=failure.report.agency or "本机关",
        )
    ]


T2_RULES_AUTH = Rule(
    id="T2-RULES-AUTH",
    title_zh="只有享有规章制定权的机关填报规章",
    severity="warning",
    basis="《中华人民共和国立法法》：省、自治区、直辖市和设区的市、自治州的人民政府可以制定规章；县级政府、乡镇和地方政府部门无规章制定权（武汉2020年度报告模板注明）",
    formula_zh="表二“规章”行各栏 > 0 仅限国务院部门、省级人民政府、设区的市（自治州）人民政府",
    messages={
        "fail": "表二「规章」填报为{published}，但{agency}不享有规章制定权，规章各栏应为0（如为转发或执行上级规章，不应计入本表）",
    },
    checks=lambda: _flag("q_rules_unauthorised"),
    explain=_auth_explain,
    formats=("2021",),
)


# T2-FEE-UNIT ---------------------------------------------------------------


def _fee_unit_explain(failure: Failure) -> list[Finding]:
    fee = _fee(failure.report)
    return [
        failure.finding(
            "fail",
            "表二 行政事业性收费 本年收费金额",
            published=fee,
            expected=f"{number(round(fee / 10000, 6))}（万元）",
            evidence=evidence(failure.report, [f"t2.{T2_FEE_ROW}"]),
            cells=[f"t2.{T2_FEE_ROW}"],
        )
    ]


T2_FEE_UNIT = Rule(
    id="T2-FEE-UNIT",
    params={"max_wanyuan": 1_000_000.0},
    title_zh="行政事业性收费金额以万元填报",
    severity="info",
    basis="国办公开办函〔2021〕30号表二第二十条第（八）项：本年收费金额（单位：万元）",
    formula_zh="收费金额明显按元填报（超过上限，或正文以元、万元给出的同一金额与表内数值相差一万倍）时提示",
    messages={
        "fail": "表二「行政事业性收费」本年收费金额为{published}，疑似按元填报；单位应为万元，即{expected}",
    },
    checks=lambda: _flag("q_fee_unit_suspect"),
    explain=_fee_unit_explain,
    formats=("2021",),
)


# T3-FEE-ROW ----------------------------------------------------------------


def _fee_row_explain(failure: Failure) -> list[Finding]:
    return [
        failure.finding(
            "fail",
            "第六部分 信息处理费",
            published=_fee_row(failure.report),
            expected="第六部分说明信息处理费收取情况",
            evidence=evidence(failure.report, [f"t3.{_FEE_ROW}"]),
            cells=[f"t3.{_FEE_ROW}.{len(T3_COLUMNS) - 1}"],
            row=T3_ROW_LABELS[_FEE_ROW],
        )
    ]


T3_FEE_ROW = Rule(
    id="T3-FEE-ROW",
    title_zh="有逾期未缴费不再处理的申请时说明信息处理费",
    severity="info",
    basis="《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）；国办公开办函〔2021〕30号表三第三项（六）2",
    formula_zh="表三（六）2 总计 > 0（发出过收费通知），第六部分应提及信息处理费",
    messages={
        "fail": "表三「{row}」总计为{published}，说明发出过收费通知，但第六部分未说明信息处理费的收取情况，应予说明",
    },
    checks=lambda: _flag("q_fee_row_unmentioned"),
    explain=_fee_row_explain,
)


# CELL-BLANK ----------------------------------------------------------------


def _blank_explain(failure: Failure) -> list[Finding]:
    rows: dict[str, list[str]] = {}
    for key in failure.report.blank_cells:
        table = key.split(".", 1)[0]
        row = {"t3": key.rsplit(".", 1)[0], "t4": "t4"}.get(table, key)
        rows.setdefault(row, []).append(key)
    findings = []
    for row, keys in rows.items():
        cell = _LABELS.get(keys[0])
        if row == "t4":
            where = "表四"
        else:
            where = cell.where.rsplit(" 列 ", 1)[0] if cell else row
        findings.append(
            failure.finding(
                "fail",
                where,
                published="空白",
                expected="0",
                evidence=evidence(failure.report, [row]),
                cells=keys,
                place=where,
                count=len(keys),
            )
        )
    return findings


CELL_BLANK = Rule(
    id="CELL-BLANK",
    title_zh="空白、“-”、“/”或“无”单元格按0计算",
    severity="info",
    basis="国办公开办函〔2021〕30号附件表格各栏均应填写数字；实际报告中出现空白或“-”单元格（长春二道区2022、武汉2020）",
    formula_zh="单元格为空白、“-”、“—”、“/”或“无”时按0计算并提示",
    messages={
        "fail": "{place}有{count}个单元格为空白（或“-”“/”“无”），已按0计算；应填写数字0",
    },
    checks=lambda: _flag("q_blank_cells"),
    explain=_blank_explain,
)

RULES = (T2_RULES_AUTH, T2_FEE_UNIT, T3_FEE_ROW, CELL_BLANK)
