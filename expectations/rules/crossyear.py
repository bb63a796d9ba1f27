"""Cross-year rules (RULES.md §4.2): T3-CARRY-XYEAR, T2-VALID-XYEAR, T2-REPEAL-BOUND,
SIM-SAME-NUMBERS.

They compare a report with the same agency's report of year-1 (`ReportContext.previous`:
from the database in the review, from the batch in `nianbao check`). The comparison is
computed before validation into `xy_*` columns (`features`), NaN where it does not apply;
GX then checks each column is 0 (or ≤ 0). Without a previous report every rule here is
skipped with a recorded reason (`needs_previous`); `skips` records the other reasons
(上年为2019年试行格式; a stock below the roll-forward that part 一 explains by a
清理 or 失效 — a clean-up lowers the stock, it never raises it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from models.canonical import T3_COLUMNS, CanonicalReport
from models.finding import Finding

from ..features import is_number
from ..history import ReportContext
from ..layout import T3_ROW_LABELS, T3_TOTAL_INDEX
from ..rule import Check, Failure, Rule, evidence, number

NAN = math.nan
BETWEEN = "expect_column_values_to_be_between"
T3_SLUGS = ("natural", "business", "research", "nonprofit", "legal", "other", "total")
T2_KINDS = {"规章": "rules", "行政规范性文件": "norms"}
# Part 一 explains a re-baselined stock (RULES.md §4.2 T2-VALID-XYEAR: suppress).
CLEANUP = re.compile(r"清理|失效|有效期届满|到期|历史累计")


def _t3(report: CanonicalReport | None, row: str, i: int) -> float:
    cells = ((report.t3 or {}).get(row) or []) if report is not None else []
    value = cells[i] if i < len(cells) else None
    return float(value) if is_number(value) else NAN


def _t2(report: CanonicalReport | None, row: str, i: int) -> float:
    if report is None or report.format != "2021" or not report.t2:
        return NAN
    cells = report.t2.get(row)
    value = cells[i] if isinstance(cells, list | tuple) and i < len(cells) else None
    return float(value) if is_number(value) else NAN


def _t2_comparable(report: CanonicalReport, previous: CanonicalReport | None) -> bool:
    return previous is not None and report.format == "2021" and previous.format == "2021"


def _cleanup_explained(report: CanonicalReport) -> bool:
    return bool(CLEANUP.search(report.sections.get("一", "")))


def _cells(report: CanonicalReport) -> dict[str, object]:
    cells: dict[str, object] = {}
    for row, value in (report.t2 or {}).items():
        for i, v in enumerate(value if isinstance(value, list | tuple) else [value]):
            cells[f"t2.{row}.{i}"] = v
    for row, value in (report.t3 or {}).items():
        for i, v in enumerate(value or []):
            cells[f"t3.{row}.{i}"] = v
    for i, v in enumerate(report.t4 or []):
        cells[f"t4.{i}"] = v
    return cells


def same_numbers(report: CanonicalReport, previous: CanonicalReport | None) -> float:
    """1 when every cell of 表二/三/四 equals y-1's (same format, Σ > 0); 0; NaN: no y-1."""
    if previous is None or report.format != previous.format:
        return NAN
    now, before = _cells(report), _cells(previous)
    if not now or now != before:
        return 0.0
    return float(sum(v for v in now.values() if is_number(v)) > 0)


def features(
    reports: Sequence[CanonicalReport], contexts: Sequence[ReportContext]
) -> dict[str, list[float]]:
    """`xy_carry_<col>`, `xy_valid_<kind>`, `xy_repeal_<kind>`, `xy_same_numbers`."""
    data: dict[str, list[float]] = {f"xy_carry_{slug}": [] for slug in T3_SLUGS}
    for kind in T2_KINDS.values():
        data[f"xy_valid_{kind}"], data[f"xy_repeal_{kind}"] = [], []
    data["xy_same_numbers"] = []
    for report, ctx in zip(reports, contexts, strict=True):
        prev = ctx.previous
        carry = [_t3(report, "二", i) - _t3(prev, "四", i) for i in range(len(T3_COLUMNS))]
        total_ok = carry[T3_TOTAL_INDEX] == 0
        for i, slug in enumerate(T3_SLUGS):  # a column split only once the total agrees
            data[f"xy_carry_{slug}"].append(carry[i] if i == T3_TOTAL_INDEX or total_ok else NAN)
        comparable = _t2_comparable(report, prev)
        tolerance = ctx.config.params_for("T2-VALID-XYEAR").get("tolerance", 0.0)
        for row, kind in T2_KINDS.items():
            issued, repealed, valid = (_t2(report, row, i) for i in range(3))
            before = _t2(prev, row, 2) if comparable else NAN
            diff = valid - (before + issued - repealed)
            if abs(diff) <= tolerance or (diff < 0 and _cleanup_explained(report)):
                diff = 0.0
            data[f"xy_valid_{kind}"].append(diff)
            data[f"xy_repeal_{kind}"].append(repealed - (before + issued))
        data["xy_same_numbers"].append(same_numbers(report, prev))
    return data


def skips(
    reports: Sequence[CanonicalReport], contexts: Sequence[ReportContext]
) -> list[tuple[int, str, str]]:
    """(report index, rule id, Chinese reason) of the T2 cross-year rules not checked."""
    out = []
    for n, (report, ctx) in enumerate(zip(reports, contexts, strict=True)):
        prev = ctx.previous
        if prev is None:
            continue
        if not _t2_comparable(report, prev):
            why = (
                f"本年度或上一年度（{prev.year}年）报告不是2021年新版格式，表二没有可比的"
                "现行有效件数，跨年度表二规则未检查"
            )
            out += [(n, "T2-VALID-XYEAR", why), (n, "T2-REPEAL-BOUND", why)]
        elif _cleanup_explained(report):
            for row in T2_KINDS:
                issued, repealed, valid = (_t2(report, row, i) for i in range(3))
                expected = _t2(prev, row, 2) + issued - repealed
                if valid < expected:
                    why = (
                        f"表二「{row}」现行有效件数{number(valid)}少于按上年推算的"
                        f"{number(expected)}件，但第一部分说明了文件清理或失效，不作提示"
                    )
                    out.append((n, "T2-VALID-XYEAR", why))
    return out


def _previous(failure: Failure) -> CanonicalReport:
    prev = failure.context.previous if failure.context is not None else None
    if prev is None:  # GX failed a row whose comparison was NaN
        raise ValueError(f"{failure.rule.id}: no previous report for {failure.report_id}")
    return prev


# T3-CARRY-XYEAR ------------------------------------------------------------


def _carry_checks() -> list[Check]:
    return [
        Check(
            BETWEEN,
            {"column": f"xy_carry_{slug}", "min_value": 0, "max_value": 0},
            where={"column": T3_COLUMNS[i]},
            severity=None if i == T3_TOTAL_INDEX else "warning",
        )
        for i, slug in enumerate(T3_SLUGS)
    ]


def _carry_explain(failure: Failure) -> list[Finding]:
    column = str(failure.where["column"])
    i = T3_COLUMNS.index(column)
    prev = _previous(failure)
    report = failure.report
    return [
        failure.finding(
            "total" if i == T3_TOTAL_INDEX else "column",
            f"表三 第二项 列 {column}",
            published=_t3(report, "二", i),
            expected=_t3(prev, "四", i),
            evidence="\n".join(
                filter(
                    None,
                    [
                        evidence(report, ["t3.二"]),
                        f"{prev.year}年报告：{evidence(prev, ['t3.四'])}"
                        if evidence(prev, ["t3.四"])
                        else "",
                    ],
                )
            ),
            cells=[f"t3.二.{i}"],
            column=column,
            prev_year=prev.year,
            carry=T3_ROW_LABELS["二"],
            left=T3_ROW_LABELS["四"],
        )
    ]


T3_CARRY_XYEAR = Rule(
    id="T3-CARRY-XYEAR",
    title_zh="本年“上年结转”等于上一年度“结转下年度继续办理”",
    severity="error",
    basis="由国办公开办函〔2021〕30号表三行次定义推导：上年度“结转下年度继续办理”的申请即本年度“上年结转”的申请；督查实践以此核对跨年数据",
    formula_zh="每列：本年表三第二项 = 上一年度报告表三第四项（总计列不符为错误，仅分列不符为警告）；无上一年度报告时不检查",
    messages={
        "total": "表三「{carry}」总计为{published}，但{prev_year}年度报告「{left}」总计为{expected}，本年上年结转应为{expected}",
        "column": "表三「{carry}」{column}列为{published}，但{prev_year}年度报告「{left}」{column}列为{expected}（总计一致，分列不一致），应为{expected}",
    },
    checks=_carry_checks,
    explain=_carry_explain,
    needs_previous=True,
)


# T2-VALID-XYEAR ------------------------------------------------------------


def _valid_checks() -> list[Check]:
    return [
        Check(BETWEEN, {"column": f"xy_valid_{kind}", "min_value": 0, "max_value": 0}, {"row": row})
        for row, kind in T2_KINDS.items()
    ]


def _valid_explain(failure: Failure) -> list[Finding]:
    row = str(failure.where["row"])
    prev = _previous(failure)
    issued, repealed, valid = (_t2(failure.report, row, i) for i in range(3))
    before = _t2(prev, row, 2)
    return [
        failure.finding(
            "fail",
            f"表二 {row} 现行有效件数",
            published=valid,
            expected=before + issued - repealed,
            evidence=evidence(failure.report, [f"t2.{row}"]),
            cells=[f"t2.{row}.2"],
            row=row,
            prev_year=prev.year,
            before=number(before),
            issued=number(issued),
            repealed=number(repealed),
        )
    ]


T2_VALID_XYEAR = Rule(
    id="T2-VALID-XYEAR",
    params={"tolerance": 0.0},
    title_zh="现行有效件数与上年衔接",
    severity="warning",
    basis="督查实践（经验规则，格式未明文规定）：现行有效件数应等于上年现行有效件数加本年制发件数减本年废止件数；文件自然失效、清理、机构调整可使其不成立",
    formula_zh="规章、行政规范性文件：现行有效_y = 现行有效_(y-1) + 本年制发_y − 本年废止_y；现行有效少于推算值而第一部分说明了清理或失效时不提示",
    messages={
        "fail": "表二「{row}」现行有效件数为{published}，按{prev_year}年度现行有效{before}件、本年制发{issued}件、废止{repealed}件推算应为{expected}件；如有清理或自然失效，请在第一部分说明",
    },
    checks=_valid_checks,
    explain=_valid_explain,
    formats=("2021",),
    needs_previous=True,
)


# T2-REPEAL-BOUND -----------------------------------------------------------


def _repeal_checks() -> list[Check]:
    return [
        Check(BETWEEN, {"column": f"xy_repeal_{kind}", "max_value": 0}, {"row": row})
        for row, kind in T2_KINDS.items()
    ]


def _repeal_explain(failure: Failure) -> list[Finding]:
    row = str(failure.where["row"])
    prev = _previous(failure)
    issued, repealed = _t2(failure.report, row, 0), _t2(failure.report, row, 1)
    before = _t2(prev, row, 2)
    return [
        failure.finding(
            "fail",
            f"表二 {row} 本年废止件数",
            published=repealed,
            expected=f"≤{number(before + issued)}",
            evidence=evidence(failure.report, [f"t2.{row}"]),
            cells=[f"t2.{row}.1"],
            row=row,
            prev_year=prev.year,
            before=number(before),
            issued=number(issued),
            bound=number(before + issued),
        )
    ]


T2_REPEAL_BOUND = Rule(
    id="T2-REPEAL-BOUND",
    title_zh="本年废止件数不超过可废止的文件数",
    severity="warning",
    basis="由国办公开办函〔2021〕30号表二栏目推导：本年废止的文件只能是上年末现行有效或本年制发的文件",
    formula_zh="规章、行政规范性文件：本年废止_y ≤ 现行有效_(y-1) + 本年制发_y",
    messages={
        "fail": "表二「{row}」本年废止{published}件，超过{prev_year}年度现行有效{before}件与本年制发{issued}件之和，应不超过{bound}件",
    },
    checks=_repeal_checks,
    explain=_repeal_explain,
    formats=("2021",),
    needs_previous=True,
)


# SIM-SAME-NUMBERS ----------------------------------------------------------


def _same_checks() -> list[Check]:
    return [Check(BETWEEN, {"column": "xy_same_numbers", "max_value": 0})]


def _same_explain(failure: Failure) -> list[Finding]:
    prev = _previous(failure)
    return [
        failure.finding(
            "fail",
            "表二、表三、表四",
            published="与上一年度完全相同",
            expected="按本年度实际情况填报",
            evidence=f"{prev.year}年报告：{prev.file}",
            prev_year=prev.year,
        )
    ]


SIM_SAME_NUMBERS = Rule(
    id="SIM-SAME-NUMBERS",
    title_zh="表格数据与上一年度完全相同",
    severity="warning",
    basis="国办公开办函〔2021〕30号（四）明确责任：年度报告内容雷同的，依《中华人民共和国政府信息公开条例》第四十七条追责；东莞市统计局连续三年数据相同案例",
    formula_zh="表二、表三、表四每个单元格都与上一年度报告相同，且数值之和大于0",
    messages={
        "fail": "表二、表三、表四的全部数据与{prev_year}年度报告完全相同，疑似沿用上年数据，应按本年度实际情况填报",
    },
    checks=_same_checks,
    explain=_same_explain,
    needs_previous=True,
)

RULES = (T3_CARRY_XYEAR, T2_VALID_XYEAR, T2_REPEAL_BOUND, SIM_SAME_NUMBERS)
