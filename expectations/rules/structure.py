"""Report structure (RULES.md §4.2): FMT-VERSION, FMT-SECTIONS, FMT-TABLES.

- FMT-VERSION: a report for 2021 or later in an older format is an error. A 2021-format
  report whose 表三 prints （六） as one row is not a version error (FMT-TABLES warns).
- FMT-SECTIONS: a missing part is an error, parts out of order a warning.
- FMT-TABLES: a missing 表二/表三/表四 is an error, rows missing from a present table a
  warning (including a 2021-format 表三 without 三.六.1–3).
"""

from __future__ import annotations

from dataclasses import replace

from models.canonical import SECTIONS, T4_GROUP_NAMES
from models.finding import Finding

from ..features import MISSING, sections_in_order, sections_missing, table_gaps
from ..layout import FORMAT_NAMES, SECTION_HEADINGS, T3_ROW_NAMES, TABLE_CAPTIONS, TABLE_NAMES
from ..rule import Check, Failure, Rule

TABLE_FORMATS = ("2021", "2019trial")  # formats with the fixed six parts and three tables


# FMT-VERSION ---------------------------------------------------------------


def _version_checks() -> list[Check]:
    return [Check("expect_column_values_to_be_in_set", {"column": "format", "value_set": ["2021"]})]


def _version_explain(failure: Failure) -> list[Finding]:
    report = failure.report
    return [
        failure.finding(
            "fail",
            "报告格式",
            published=FORMAT_NAMES.get(report.format, report.format),
            expected=FORMAT_NAMES["2021"],
            year=report.year,
        )
    ]


FMT_VERSION = Rule(
    id="FMT-VERSION",
    title_zh="2021年度及以后的报告须使用新版格式",
    severity="error",
    basis="《政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）自2021年度报告起施行，替代2019年试行格式（国办公开办函〔2019〕60号）",
    formula_zh="年度 ≥ 2021 ⇒ 格式 = 2021年新版格式（表二为本年制发件数/本年废止件数/现行有效件数等）",
    messages={"fail": "{year}年度报告使用的是{published}，2021年度起应使用{expected}"},
    checks=_version_checks,
    explain=_version_explain,
    since=2021,
)


# FMT-SECTIONS --------------------------------------------------------------


def _sections_checks() -> list[Check]:
    return [
        Check(
            "expect_column_values_to_be_between",
            {"column": "sections_missing", "max_value": 0},
            where={"kind": "missing"},
        ),
        Check(
            "expect_column_values_to_be_in_set",
            {"column": "sections_in_order", "value_set": [True]},
            where={"kind": "order"},
            severity="warning",
        ),
    ]


def _sections_explain(failure: Failure) -> list[Finding]:
    report = failure.report
    if failure.where["kind"] == "order":
        # In canonical order yet flagged: the parser saw parts merged or repeated.
        kind = "merged" if sections_in_order(replace(report, section_order_ok=True)) else "order"
        return [
            failure.finding(
                kind,
                "报告结构",
                published="、".join(report.sections_present),
                expected="、".join(SECTIONS),
            )
        ]
    return [
        failure.finding(
            "missing",
            f"第{s}部分",
            published="缺失",
            expected=SECTION_HEADINGS[s],
            section=s,
        )
        for s in sections_missing(report)
    ]


FMT_SECTIONS = Rule(
    id="FMT-SECTIONS",
    title_zh="报告六个部分齐全且顺序正确",
    severity="error",
    basis="《中华人民共和国政府信息公开条例》第五十条；国办公开办函〔2021〕30号“报告内容”（一）至（六），内容不能遗漏",
    formula_zh="一、总体情况 … 六、其他需要报告的事项 均出现（缺少为错误），且按一至六的顺序（顺序错乱为警告）",
    messages={
        "missing": "报告缺少第{section}部分「{expected}」",
        "order": "报告各部分顺序为{published}，应为{expected}",
        "merged": "报告各部分有合并或顺序错乱，不符合格式要求的{expected}六个部分依次排列",
    },
    checks=_sections_checks,
    explain=_sections_explain,
    formats=TABLE_FORMATS,
)


# FMT-TABLES ----------------------------------------------------------------


def _tables_checks() -> list[Check]:
    checks: list[Check] = []
    for table in ("t2", "t3", "t4"):
        checks.append(
            Check(
                "expect_column_values_to_be_in_set",
                {"column": f"{table}_present", "value_set": [True]},
                where={"table": table, "kind": "missing"},
            )
        )
        checks.append(
            Check(
                "expect_column_values_to_be_between",
                {"column": f"{table}_gaps", "max_value": 0},
                where={"table": table, "kind": "gaps"},
                severity="warning",
            )
        )
    return checks


def _row_name(key: str) -> str:
    table, _, row = key.partition(".")
    if table == "t3":
        return T3_ROW_NAMES.get(row, row)
    if table == "t4":
        return T4_GROUP_NAMES.get(row, row or "表四")
    return row


def _tables_explain(failure: Failure) -> list[Finding]:
    table = str(failure.where["table"])
    name = TABLE_NAMES[table]
    if failure.where["kind"] == "missing":
        return [
            failure.finding(
                "missing",
                name,
                published="缺失",
                expected=f"{name}（{TABLE_CAPTIONS[table]}）",
                table=name,
            )
        ]
    gaps = table_gaps(failure.report)[table]
    missing = [_row_name(k) for k, kind in gaps if kind == MISSING]
    incomplete = [_row_name(k) for k, kind in gaps if kind != MISSING]
    parts = [f"缺少{'、'.join(missing)}"] if missing else []
    parts += [f"{'、'.join(incomplete)}不完整"] if incomplete else []
    return [
        failure.finding(
            "gaps",
            name,
            published="；".join(parts),
            expected=f"{name}的全部行和列",
            # Only rows that are printed can be marked: a missing row key such as
            # `t3.三.六.1` would name a cell of the merged row 三.六 instead.
            cells=[k for k, kind in gaps if kind != MISSING],
            table=name,
        )
    ]


FMT_TABLES = Rule(
    id="FMT-TABLES",
    title_zh="表二、表三、表四齐全，行列完整",
    severity="error",
    basis="国办公开办函〔2021〕30号附件表格（表二至表四）；不得擅自删减报告事项",
    formula_zh="表二、表三、表四均存在（缺表为错误）；每张表含格式规定的全部行（缺行为警告）",
    messages={
        "missing": "报告缺少{expected}",
        "gaps": "{table}行列不完整：{published}",
    },
    checks=_tables_checks,
    explain=_tables_explain,
    formats=TABLE_FORMATS,
)

RULES = (FMT_VERSION, FMT_SECTIONS, FMT_TABLES)
