"""表三/表四 arithmetic (RULES.md §4.2): T3-COLSUM, T3-RESULTSUM, T3-BALANCE, T4-TOTAL.

Each identity is one `expect_multicolumn_linear_identity` per row, column or group; a
row, column or group with a cell left out (null) is not checked (FMT-TABLES reports it).
The rules compute on the published values and never repair them. Registry order is the
check order of RULES.md §8 (COLSUM, RESULTSUM, BALANCE), so the first finding of a
report names the suspect cell.
"""

from __future__ import annotations

from models.canonical import (
    T3_APPLICANT_COLUMNS,
    T3_COLUMNS,
    T4_GROUP_NAMES,
    T4_GROUPS,
    T4_ITEM_NAMES,
    T4_ITEMS,
    leaf_rows,
)
from models.finding import Finding

from ..layout import (
    T3_CARRY_ROW,
    T3_INTAKE_ROWS,
    T3_LEAF_ROWS,
    T3_ROW_LABELS,
    T3_ROW_NAMES,
    T3_ROWS,
    T3_TOTAL_INDEX,
    T3_TOTAL_ROW,
    t3_column,
    t4_column,
)
from ..rule import Check, Failure, Rule, evidence, number

IDENTITY = "expect_multicolumn_linear_identity"
_APPLICANTS = range(len(T3_APPLICANT_COLUMNS))


def _cell(report, row: str, index: int) -> float:
    """A published 表三 cell; 0 where GX saw no value (an unused 三.六 variant)."""
    cells = (report.t3 or {}).get(row) or []
    value = cells[index] if index < len(cells) else None
    return 0 if value is None else value


# T3-COLSUM -----------------------------------------------------------------


def _colsum_checks() -> list[Check]:
    return [
        Check(
            IDENTITY,
            {
                "column_list": [t3_column(row, T3_TOTAL_INDEX)]
                + [t3_column(row, i) for i in _APPLICANTS],
                "coefficients": [1] + [-1] * len(_APPLICANTS),
            },
            where={"row": row},
        )
        for row in T3_ROWS
    ]


def _colsum_explain(failure: Failure) -> list[Finding]:
    row = str(failure.where["row"])
    report = failure.report
    return [
        failure.finding(
            "fail",
            f"表三 {T3_ROW_NAMES[row]} 行",
            published=_cell(report, row, T3_TOTAL_INDEX),
            expected=sum(_cell(report, row, i) for i in _APPLICANTS),
            evidence=evidence(report, [f"t3.{row}"]),
            cells=[f"t3.{row}.{i}" for i in range(len(T3_COLUMNS))],
            row=T3_ROW_LABELS[row],
        )
    ]


T3_COLSUM = Rule(
    id="T3-COLSUM",
    title_zh="表三每行总计等于六类申请人之和",
    severity="error",
    basis="由《政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）表三版式推导：申请人情况只分自然人与五类法人或其他组织，“总计”列即其合计",
    formula_zh="每行：总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他",
    messages={"fail": "表三「{row}」总计列为{published}，但六类申请人之和为{expected}"},
    checks=_colsum_checks,
    explain=_colsum_explain,
)


# T3-RESULTSUM --------------------------------------------------------------


def _resultsum_checks() -> list[Check]:
    return [
        Check(
            IDENTITY,
            {
                "column_list": [t3_column(T3_TOTAL_ROW, i)]
                + [t3_column(r, i) for r in T3_LEAF_ROWS],
                "coefficients": [1] + [-1] * len(T3_LEAF_ROWS),
            },
            where={"column": T3_COLUMNS[i]},
        )
        for i in range(len(T3_COLUMNS))
    ]


def _resultsum_explain(failure: Failure) -> list[Finding]:
    column = str(failure.where["column"])
    i = T3_COLUMNS.index(column)
    report = failure.report
    leaves = [r for r in leaf_rows(report.t3) if _cell(report, r, i)]
    return [
        failure.finding(
            "fail",
            f"表三 列 {column}",
            published=_cell(report, T3_TOTAL_ROW, i),
            expected=sum(_cell(report, r, i) for r in leaves),
            evidence=evidence(report, [f"t3.{r}" for r in (T3_TOTAL_ROW, *leaves)]),
            cells=[f"t3.{r}.{i}" for r in (T3_TOTAL_ROW, *leaves)],
            column=column,
        )
    ]


T3_RESULTSUM = Rule(
    id="T3-RESULTSUM",
    title_zh="表三第三项（七）总计等于各办理结果之和",
    severity="error",
    basis="由国办公开办函〔2021〕30号表三版式推导：每件申请只计入一种办理结果（“区分处理的，只计这一情形，不计其他情形”），（七）总计即各办理结果之和",
    formula_zh="每列：三（七）总计 = 三（一）至（六）各叶子行之和（2021年格式21行，2019年试行格式（六）为一行共19行）",
    messages={"fail": "表三「（七）总计」{column}列为{published}，但各办理结果之和为{expected}"},
    checks=_resultsum_checks,
    explain=_resultsum_explain,
)


# T3-BALANCE ----------------------------------------------------------------


def _balance_checks() -> list[Check]:
    rows = (*T3_INTAKE_ROWS, T3_TOTAL_ROW, T3_CARRY_ROW)
    return [
        Check(
            IDENTITY,
            {"column_list": [t3_column(r, i) for r in rows], "coefficients": [1, 1, -1, -1]},
            where={"column": T3_COLUMNS[i]},
        )
        for i in range(len(T3_COLUMNS))
    ]


def _balance_explain(failure: Failure) -> list[Finding]:
    column = str(failure.where["column"])
    i = T3_COLUMNS.index(column)
    report = failure.report
    rows = (*T3_INTAKE_ROWS, T3_TOTAL_ROW, T3_CARRY_ROW)
    new, carried, done, carry = (_cell(report, r, i) for r in rows)
    return [
        failure.finding(
            "fail",
            f"表三 列 {column}",
            published=f"{number(new)}+{number(carried)} ≠ {number(done)}+{number(carry)}",
            expected=f"第三项（七）+第四项 = {number(new + carried)}",
            evidence=evidence(report, [f"t3.{r}" for r in rows]),
            cells=[f"t3.{r}.{i}" for r in rows],
            column=column,
            intake=number(new + carried),
            outcome=number(done + carry),
        )
    ]


T3_BALANCE = Rule(
    id="T3-BALANCE",
    title_zh="表三勾稽关系：第一项加第二项等于第三项加第四项",
    severity="error",
    basis="国办公开办函〔2021〕30号表三表头注：“本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和”",
    formula_zh="每列：一 + 二 = 三（七）总计 + 四",
    messages={
        "fail": "表三{column}列第一项加第二项之和为{intake}，但第三项（七）总计加第四项之和为{outcome}，不符合勾稽关系"
    },
    checks=_balance_checks,
    explain=_balance_explain,
)


# T4-TOTAL ------------------------------------------------------------------


def _t4_checks() -> list[Check]:
    return [
        Check(
            IDENTITY,
            {
                "column_list": [t4_column(g * 5 + 4)] + [t4_column(g * 5 + k) for k in range(4)],
                "coefficients": [1, -1, -1, -1, -1],
            },
            where={"group": group},
        )
        for g, group in enumerate(T4_GROUPS)
    ]


def _t4_explain(failure: Failure) -> list[Finding]:
    group = str(failure.where["group"])
    g = T4_GROUPS.index(group)
    cells = failure.report.t4[g * 5 : g * 5 + 5]
    return [
        failure.finding(
            "fail",
            f"表四 {T4_GROUP_NAMES[group]}",
            published=cells[4],
            expected=sum(cells[:4]),
            evidence=evidence(failure.report, [f"t4.{group}", "t4"]),
            cells=[f"t4.{g * 5 + k}" for k in range(5)],
            group=T4_GROUP_NAMES[group],
            parts="、".join(T4_ITEM_NAMES[item] for item in T4_ITEMS[:4]),
        )
    ]


T4_TOTAL = Rule(
    id="T4-TOTAL",
    title_zh="表四各组总计等于结果维持、结果纠正、其他结果、尚未审结之和",
    severity="error",
    basis="由国办公开办函〔2021〕30号表四版式推导：行政复议、未经复议直接起诉、复议后起诉各组的“总计”即该组各项结果之和",
    formula_zh="每组（行政复议、未经复议直接起诉、复议后起诉）：总计 = 维持 + 纠正 + 其他 + 尚未审结",
    messages={"fail": "表四「{group}」总计为{published}，但{parts}之和为{expected}"},
    checks=_t4_checks,
    explain=_t4_explain,
)

RULES = (T3_COLSUM, T3_RESULTSUM, T3_BALANCE, T4_TOTAL)
