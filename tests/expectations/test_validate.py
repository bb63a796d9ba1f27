"""check_reports over the real corpus, over one-cell edits of clean reports, and on failure."""

from __future__ import annotations

import dataclasses

import pytest

from expectations.errors import CheckSetupError, RuleDefinitionError
from expectations.registry import all_rules, get_rule
from expectations.rule import Check
from expectations.validate import Checker, _failures, check_reports
from models.canonical import T4_GROUP_NAMES
from models.finding import Finding

RULE_IDS = {rule.id for rule in all_rules()}


def _where(truth_where: str) -> str:
    """Truth-file location ("column 自然人", "group 复议") as our `where`."""
    kind, _, name = truth_where.partition(" ")
    if kind == "column":
        return f"表三 列 {name}"
    if kind == "group":
        return f"表四 {T4_GROUP_NAMES[name]}"
    return truth_where


def _expected(entries: list[dict]) -> set[tuple[str, str]]:
    return {
        (e["rule"], _where(e["where"]))
        for e in entries
        if e["rule"] in RULE_IDS and e["severity"] == "error"
    }


def test_corpus_errors_match_truth(truths, corpus_findings):
    """Every truth file: our errors are its expected errors, give or take optional ones."""
    for name, truth in truths.items():
        errors = {(f.rule, f.where) for f in corpus_findings[name] if f.severity == "error"}
        expected = _expected(truth.get("expected_findings", []))
        optional_rules = {r for r, _ in _expected(truth.get("optional_findings", []))}
        assert expected <= errors, name
        extra = {(r, w) for r, w in errors - expected if r not in optional_rules}
        assert not extra, name
        if truth.get("clean"):
            assert not errors, name


def test_corpus_known_errors(corpus_findings):
    """The published errors of RULES-relevant files, spelled out."""

    def errors(name):
        return sorted((f.rule, f.where) for f in corpus_findings[name] if f.severity == "error")

    assert errors("026_pingtan_zrz_2021.json") == sorted(
        [
            ("T3-RESULTSUM", "表三 列 自然人"),
            ("T3-RESULTSUM", "表三 列 社会公益组织"),
            ("T3-BALANCE", "表三 列 自然人"),
            ("T3-BALANCE", "表三 列 社会公益组织"),
        ]
    )
    assert errors("002_hongze_qu_2023.json") == [
        ("T4-TOTAL", "表四 复议后起诉"),
        ("T4-TOTAL", "表四 行政复议"),
    ]
    assert errors("005_pingtan_zone_2020.json") == [
        ("T3-RESULTSUM", "表三 列 总计"),
        ("T3-RESULTSUM", "表三 列 自然人"),
    ]


def test_corpus_warnings(corpus_findings):
    """Warnings of these rules: the single-row （六） of 洪泽 and the missing 规章 rows."""
    warnings = {
        (name, f.rule, f.where)
        for name, found in corpus_findings.items()
        for f in found
        if f.severity == "warning"
    }
    single_six = {
        "002_hongze_qu_2023.json",
        "002_hongze_qu_2023.pdf.json",
        "003_hongze_qu_2024.json",
        "003_hongze_qu_2024.pdf.json",
    }
    no_rules_row = {
        "013_pingtan_scj_2025.json",
        "013_pingtan_scj_2025.html.json",
        "024_pingtan_jinjing_pq_2024.json",
        "030_pingtan_hzs_2025.json",
    }
    assert warnings == {(n, "FMT-TABLES", "表三") for n in single_six} | {
        (n, "FMT-TABLES", "表二") for n in no_rules_row
    }


def test_no_version_error_for_single_six_in_2021_format(corpus_findings):
    assert not [f for f in corpus_findings["002_hongze_qu_2023.json"] if f.rule == "FMT-VERSION"]


def test_finding_content(corpus_findings):
    """Message says what is wrong and the expected value; published/expected/cells set."""
    (finding,) = [
        f
        for f in corpus_findings["026_pingtan_zrz_2021.json"]
        if f.rule == "T3-RESULTSUM" and f.where.endswith("自然人")
    ]
    assert finding.severity == "error"
    assert finding.message == "表三「（七）总计」自然人列为18，但各办理结果之和为16"
    assert (finding.published, finding.expected) == ("18", "16")
    assert finding.cells == ("t3.三.七.0", "t3.三.一.0", "t3.三.三.7.0")
    (t4,) = [f for f in corpus_findings["002_hongze_qu_2023.json"] if f.where == "表四 行政复议"]
    assert t4.message == "表四「行政复议」总计为0，但结果维持、结果纠正、其他结果、尚未审结之和为11"
    assert t4.cells == ("t4.0", "t4.1", "t4.2", "t4.3", "t4.4")


def test_findings_follow_report_then_check_order(corpus_findings):
    rules = [f.rule for f in corpus_findings["026_pingtan_zrz_2021.json"]]
    assert rules == ["T3-RESULTSUM", "T3-RESULTSUM", "T3-BALANCE", "T3-BALANCE"]


# One-cell edits of clean reports -------------------------------------------


def _apply(old, value):
    return value(old) if callable(value) else value


def t3(row, i, value):
    """Edit: 表三 cell (row, column index) := value (or value(old))."""

    def edit(report):
        report.t3[row][i] = _apply(report.t3[row][i], value)

    return edit


def t4(i, value):
    def edit(report):
        report.t4[i] = _apply(report.t4[i], value)

    return edit


def t2(row, value, i=None):
    def edit(report):
        if i is None:
            report.t2[row] = _apply(report.t2[row], value)
        else:
            report.t2[row][i] = _apply(report.t2[row][i], value)

    return edit


def field(name, value):
    def edit(report):
        setattr(report, name, value)

    return edit


def both(*edits):
    def edit(report):
        for e in edits:
            e(report)

    return edit


def merge_six(report):
    """The 2021 表三 with （六） printed as one row, as 洪泽区 did."""
    rows = [report.t3.pop(f"三.六.{i}") for i in (1, 2, 3)]
    report.t3["三.六"] = [sum(cells) for cells in zip(*rows, strict=True)]


def plus(n):
    return lambda v: v + n


def unchanged(report):
    pass


BASE_2021 = "009_pingtan_zone_2024.json"
BASE_2019 = "014_pingtan_shs_2020.json"
E, W = "error", "warning"
ZRZ_SOURCE = {
    "t3.三.七": "（七）总计 180 0 0 0 018",
    "t3.三.一": "（一）予以公开 120 02 0 014",
}
EDITS = {
    "t3 一 总计": (
        BASE_2021,
        t3("一", 6, plus(1)),
        {("T3-COLSUM", "表三 第一项 行", E), ("T3-BALANCE", "表三 列 总计", E)},
    ),
    "t3 三.二 自然人": (
        BASE_2021,
        t3("三.二", 0, plus(1)),
        {("T3-COLSUM", "表三 第三项（二） 行", E), ("T3-RESULTSUM", "表三 列 自然人", E)},
    ),
    "t3 三.七 商业企业": (
        BASE_2021,
        t3("三.七", 1, plus(1)),
        {
            ("T3-COLSUM", "表三 第三项（七）总计 行", E),
            ("T3-RESULTSUM", "表三 列 商业企业", E),
            ("T3-BALANCE", "表三 列 商业企业", E),
        },
    ),
    "t3 四 总计": (
        BASE_2021,
        t3("四", 6, plus(1)),
        {("T3-COLSUM", "表三 第四项 行", E), ("T3-BALANCE", "表三 列 总计", E)},
    ),
    "t3 三.六.3 其他": (
        BASE_2021,
        t3("三.六.3", 5, plus(2)),
        {("T3-COLSUM", "表三 第三项（六）3 行", E), ("T3-RESULTSUM", "表三 列 其他", E)},
    ),
    "t4 复议 总计": (BASE_2021, t4(4, plus(1)), {("T4-TOTAL", "表四 行政复议", E)}),
    "t4 直诉 纠正": (BASE_2021, t4(6, plus(1)), {("T4-TOTAL", "表四 未经复议直接起诉", E)}),
    "t4 negative": (
        BASE_2021,
        both(t4(5, -1), t4(6, 1)),
        {("CELL-INT", "表四 未经复议直接起诉 结果维持", E)},
    ),
    "t3 fraction": (
        BASE_2021,
        both(
            t3("三.一", 0, 70.5), t3("三.二", 0, 29.5), t3("三.一", 6, 70.5), t3("三.二", 6, 29.5)
        ),
        {
            ("CELL-INT", "表三 第三项（一） 列 自然人", E),
            ("CELL-INT", "表三 第三项（一） 列 总计", E),
            ("CELL-INT", "表三 第三项（二） 列 自然人", E),
            ("CELL-INT", "表三 第三项（二） 列 总计", E),
        },
    ),
    "t3 text cell": (BASE_2021, t3("一", 1, "1"), {("CELL-INT", "表三 第一项 列 商业企业", E)}),
    "t2 fee negative": (
        BASE_2021,
        t2("行政事业性收费", -1.5),
        {("CELL-INT", "表二 行政事业性收费 本年收费金额（万元）", E)},
    ),
    "t2 fee decimal": (BASE_2021, t2("行政事业性收费", 0.25), set()),
    "t2 count decimal": (
        BASE_2021,
        t2("行政许可", 1.5),
        {("CELL-INT", "表二 行政许可 本年处理决定数量", E)},
    ),
    "t2 rules negative": (
        BASE_2021,
        t2("规章", -1, 2),
        {("CELL-INT", "表二 规章 现行有效件数", E)},
    ),
    "section 五 missing": (
        BASE_2021,
        field("sections_present", ["一", "二", "三", "四", "六"]),
        {("FMT-SECTIONS", "第五部分", E)},
    ),
    "sections out of order": (
        BASE_2021,
        field("sections_present", ["一", "二", "四", "三", "五", "六"]),
        {("FMT-SECTIONS", "报告结构", W)},
    ),
    "section order flag": (
        BASE_2021,
        field("section_order_ok", False),
        {("FMT-SECTIONS", "报告结构", W)},
    ),
    "t4 missing": (BASE_2021, field("t4", None), {("FMT-TABLES", "表四", E)}),
    "t3 missing": (BASE_2021, field("t3", None), {("FMT-TABLES", "表三", E)}),
    "t3 row missing": (
        BASE_2021,
        lambda r: r.t3.update({"三.三.1": None}),
        {("FMT-TABLES", "表三", W)},
    ),
    "t3 cell missing": (BASE_2021, t3("一", 0, None), {("FMT-TABLES", "表三", W)}),
    "t3 single 六 in 2021": (BASE_2021, merge_six, {("FMT-TABLES", "表三", W)}),
    "parser missing row": (
        BASE_2021,
        field("missing_rows", ["t2.规章"]),
        {("FMT-TABLES", "表二", W)},
    ),
    "2019 trial in 2021": (BASE_2019, field("year", 2021), {("FMT-VERSION", "报告格式", E)}),
    "old format in 2022": (
        BASE_2021,
        both(field("format", "pre2019"), field("year", 2022)),
        {("FMT-VERSION", "报告格式", E)},
    ),
    "2019 trial 六": (
        BASE_2019,
        t3("三.六", 0, plus(1)),
        {("T3-COLSUM", "表三 第三项（六） 行", E), ("T3-RESULTSUM", "表三 列 自然人", E)},
    ),
    "2019 trial 增减 negative": (BASE_2019, t2("行政许可", -7, 1), set()),
    "provenance": (
        "026_pingtan_zrz_2021.json",
        field("provenance", ZRZ_SOURCE),
        {
            ("T3-RESULTSUM", "表三 列 自然人", E),
            ("T3-RESULTSUM", "表三 列 社会公益组织", E),
            ("T3-BALANCE", "表三 列 自然人", E),
            ("T3-BALANCE", "表三 列 社会公益组织", E),
        },
    ),
    "clean 2021": (BASE_2021, unchanged, set()),
    "clean 2019 trial": (BASE_2019, unchanged, set()),
}


@pytest.fixture(scope="module")
def edited_findings(truth_report, checker) -> dict[str, list[Finding]]:
    """All edits checked in one batch (one report per edit, id = edit name)."""
    reports = []
    for base, edit, _ in EDITS.values():
        report = truth_report(base)
        edit(report)
        reports.append(report)
    found: dict[str, list[Finding]] = {name: [] for name in EDITS}
    for finding in checker.check(reports, list(EDITS)):
        found[finding.report_id].append(finding)
    return found


@pytest.mark.parametrize("name", list(EDITS))
def test_edit_yields_exactly_its_rules(name, edited_findings):
    expected = EDITS[name][2]
    assert {(f.rule, f.where, f.severity) for f in edited_findings[name]} == expected


def test_every_foundation_rule_has_a_failing_edit():
    """The foundation rules here; every rule has cases in tests/expectations/conformance."""
    produced = {rule for _, _, expected in EDITS.values() for rule, _, _ in expected}
    foundation = {
        "FMT-VERSION",
        "FMT-SECTIONS",
        "FMT-TABLES",
        "CELL-INT",
        "T3-COLSUM",
        "T3-RESULTSUM",
        "T3-BALANCE",
        "T4-TOTAL",
    }
    assert foundation <= produced


def test_edit_messages(edited_findings):
    (colsum,) = [f for f in edited_findings["t3 一 总计"] if f.rule == "T3-COLSUM"]
    assert (
        colsum.message
        == "表三「一、本年新收政府信息公开申请数量」总计列为219，但六类申请人之和为218"
    )
    (balance,) = [f for f in edited_findings["t3 四 总计"] if f.rule == "T3-BALANCE"]
    assert (
        balance.message
        == "表三总计列第一项加第二项之和为218，但第三项（七）总计加第四项之和为219，不符合勾稽关系"
    )
    (missing,) = edited_findings["section 五 missing"]
    assert missing.message == "报告缺少第五部分「五、存在的主要问题及改进情况」"
    (single,) = edited_findings["t3 single 六 in 2021"]
    assert "缺少第三项（六）1、第三项（六）2、第三项（六）3" in single.message
    (merged,) = edited_findings["section order flag"]
    assert merged.message.startswith("报告各部分有合并或顺序错乱")
    (version,) = edited_findings["2019 trial in 2021"]
    assert "2019年试行格式" in version.message and version.expected.startswith("2021年新版格式")
    (text,) = edited_findings["t3 text cell"]
    assert text.message == "表三「一、本年新收政府信息公开申请数量」商业企业列为“1”，不是数字"


def test_evidence_quotes_provenance(edited_findings):
    (resultsum,) = [
        f
        for f in edited_findings["provenance"]
        if f.rule == "T3-RESULTSUM" and f.where.endswith("社会公益组织")
    ]
    assert resultsum.evidence == f"{ZRZ_SOURCE['t3.三.七']}\n{ZRZ_SOURCE['t3.三.一']}"


# Report ids and empty batches ------------------------------------------------


def test_report_ids_default_to_file_names(truths, corpus_check):
    assert {f.report_id for f in corpus_check[1]} <= {t["file"] for t in truths.values()}
    assert "026_pingtan_zrz_2021.txt" in {f.report_id for f in corpus_check[1]}


def test_empty_batch_needs_no_gx():
    assert check_reports([]) == []


def test_duplicate_report_ids_are_refused(truth_report, checker):
    report = truth_report("002_hongze_qu_2023.json")
    with pytest.raises(ValueError):
        checker.check([report, report], ["a", "a"])


# A check that cannot run is an error, never a pass ---------------------------


def test_expectation_on_a_missing_column_raises(truth_report):
    broken = dataclasses.replace(
        get_rule("T4-TOTAL"),
        checks=lambda: [
            Check(
                "expect_column_values_to_be_between", {"column": "no_such_column", "min_value": 0}
            )
        ],
    )
    report = truth_report("006_pingtan_zone_2021.json")
    with pytest.raises(CheckSetupError, match="T4-TOTAL"):
        Checker([broken]).check([report], ["r"])


def test_expectation_gx_refuses_to_build_raises():
    broken = dataclasses.replace(
        get_rule("T4-TOTAL"),
        checks=lambda: [
            Check(
                "expect_multicolumn_linear_identity",
                {"column_list": ["t4_review_total", "t4_review_upheld"], "coefficients": [1]},
            )
        ],
    )
    with pytest.raises(CheckSetupError, match="T4-TOTAL"):
        Checker([broken])


def test_failing_row_without_finding_raises(truth_report):
    silent = dataclasses.replace(get_rule("T4-TOTAL"), explain=lambda failure: [])
    report = truth_report("002_hongze_qu_2023.json")
    with pytest.raises(RuleDefinitionError):
        Checker([silent]).check([report], ["r"])


def _result(**changes):
    result = {
        "success": False,
        "exception_info": {"raised_exception": False, "exception_message": None},
        "expectation_config": {"type": "expect_x", "meta": {"rule": "T4-TOTAL"}},
        "result": {"unexpected_count": 1, "unexpected_index_list": [{"report_id": "r"}]},
    }
    result.update(changes)
    return result


@pytest.mark.parametrize(
    "result",
    [
        _result(success=None),
        _result(exception_info={"raised_exception": True, "exception_message": "boom"}),
        _result(exception_info={"metric-id": {"raised_exception": True, "exception_message": "x"}}),
        _result(
            result={"unexpected_count": 25, "unexpected_index_list": [{"report_id": "r"}] * 20}
        ),
        _result(result={"unexpected_count": 1}),
        _result(expectation_config={"type": "expect_x", "meta": {}}),
    ],
    ids=["no-verdict", "raised", "metric-raised", "truncated", "unlocated", "no-rule"],
)
def test_unusable_results_raise(result):
    with pytest.raises(CheckSetupError):
        list(_failures([result]))


def test_usable_result_names_failing_reports():
    assert list(_failures([_result()])) == [({"rule": "T4-TOTAL"}, ["r"])]
