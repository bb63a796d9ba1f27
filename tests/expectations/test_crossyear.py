"""Cross-year rules over the seven 平潭综合实验区 reports (2019–2025) run as one history,
the skip records, one cause one finding, and the province configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from expectations.config import Config, ConfigError, parse_config
from expectations.history import AgencyInfo, batch_previous, rule_making_power
from expectations.validate import check_reports
from ingest.parser import parse_file

CORPUS = Path(__file__).parents[1] / "fixtures/corpus"
PINGTAN = [
    "004_pingtan_zone_2019.txt",
    "005_pingtan_zone_2020.txt",
    "006_pingtan_zone_2021.txt",
    "007_pingtan_zone_2022.txt",
    "008_pingtan_zone_2023.txt",
    "009_pingtan_zone_2024.txt",
    "010_pingtan_zone_2025.txt",
]
XYEAR = {"T3-CARRY-XYEAR", "T2-VALID-XYEAR", "T2-REPEAL-BOUND", "SIM-SAME-NUMBERS"}


@pytest.fixture(scope="module")
def history(checker):
    reports = [parse_file(CORPUS / name) for name in PINGTAN]
    previous = batch_previous(reports, PINGTAN)
    return previous, check_reports(reports, PINGTAN, checker=checker, previous=previous)


def test_history_pairs_each_year_with_the_year_before(history):
    previous, _ = history
    assert {rid: p.file for rid, p in previous.items()} == dict(
        zip(PINGTAN[1:], PINGTAN[:-1], strict=True)
    )


def test_pingtan_cross_year_results_verified_by_hand(history):
    """By hand (truth files 004–010):
    T3-CARRY-XYEAR: 二_y = 四_{y-1} for every pair (2022 二 = 1 = 2021 四 = 1; all others 0).
    T2-VALID-XYEAR: 2020/2021 skipped (2019 trial 表二); 2022 665+88−55 = 698 ✓;
    2023 698+77−132 = 643 ≠ 470, below and explained by 全面清理 → skipped with reason;
    2024 470+62−33 = 499 ≠ 440 → warning; 2025 440+58−45 = 453 ≠ 546 → warning (above:
    a clean-up cannot explain it). 规章 all 0 ✓.
    T2-REPEAL-BOUND: 55 ≤ 753, 132 ≤ 775, 33 ≤ 532, 45 ≤ 498 ✓; 2020/2021 skipped.
    SIM-SAME-NUMBERS: no two consecutive years identical ✓."""
    _, result = history
    got = sorted((f.report_id, f.rule, f.expected) for f in result if f.rule in XYEAR)
    assert got == [
        ("009_pingtan_zone_2024.txt", "T2-VALID-XYEAR", "499"),
        ("010_pingtan_zone_2025.txt", "T2-VALID-XYEAR", "453"),
    ]
    assert all(f.severity == "warning" for f in result if f.rule in XYEAR)
    skipped = {(s.report_id, s.rule) for s in result.skipped}
    assert {(PINGTAN[0], rule) for rule in XYEAR} <= skipped  # 2019: no 2018 report
    for name in PINGTAN[1:3]:  # 2019 trial 表二 before them
        assert (name, "T2-VALID-XYEAR") in skipped and (name, "T2-REPEAL-BOUND") in skipped
        assert (name, "T3-CARRY-XYEAR") not in skipped
    assert ("008_pingtan_zone_2023.txt", "T2-VALID-XYEAR") in skipped
    assert "清理" in next(s.reason for s in result.skipped if s.report_id == PINGTAN[4])


def test_no_previous_report_is_a_skip_not_a_finding(checker, truth_report):
    report = truth_report("007_pingtan_zone_2022.json")
    result = check_reports([report], ["r"], checker=checker)
    assert not [f for f in result if f.rule in XYEAR]
    assert {s.rule for s in result.skipped} >= XYEAR
    assert all("上一年度" in s.reason for s in result.skipped if s.rule in XYEAR)


def test_previous_of_another_year_is_refused(checker, truth_report):
    report, other = (
        truth_report("007_pingtan_zone_2022.json"),
        truth_report("004_pingtan_zone_2019.json"),
    )
    result = check_reports([report], ["r"], checker=checker, previous={"r": other})
    assert not [f for f in result if f.rule in XYEAR]
    assert any("2019年" in s.reason for s in result.skipped)


def test_carry_mismatch_on_total_is_an_error(checker, truth_report):
    report, prev = (
        truth_report("007_pingtan_zone_2022.json"),
        truth_report("006_pingtan_zone_2021.json"),
    )
    prev.t3["四"] = [0] * 7
    [finding] = [
        f
        for f in check_reports([report], ["r"], checker=checker, previous={"r": prev})
        if f.rule == "T3-CARRY-XYEAR"
    ]
    assert finding.severity == "error" and finding.where == "表三 第二项 列 总计"
    assert (finding.published, finding.expected) == ("1", "0")


def test_one_cause_links_balance_to_resultsum(corpus_findings):
    """026: the 三.七 row moved 2 社会公益组织 into 自然人; both rules stay, linked."""
    findings = corpus_findings["026_pingtan_zrz_2021.json"]
    sums = [f for f in findings if f.rule == "T3-RESULTSUM"]
    balances = [f for f in findings if f.rule == "T3-BALANCE"]
    assert len(sums) == 2 and len(balances) == 2
    for f in balances:
        assert f.severity == "error"
        assert f.caused_by.startswith(f"T3-RESULTSUM {f.where}")
        assert "（七）总计" in f.caused_by
    assert all(len(f.related) == 1 and f.related[0].startswith("T3-BALANCE") for f in sums)


def test_rule_making_power():
    assert rule_making_power(None, "淮安市人民政府") is True
    assert rule_making_power(None, "江苏省人民政府") is True
    assert rule_making_power(None, "淮安市洪泽区人民政府") is False
    assert rule_making_power(None, "平潭综合实验区财政金融局") is False
    assert rule_making_power(None, None) is None
    assert rule_making_power(AgencyInfo("x", "city", "government"), None) is True
    assert rule_making_power(AgencyInfo("x", "county", "government"), None) is False


def test_hongze_renamed_in_its_title_is_still_one_agency():
    reports = [parse_file(CORPUS / n) for n in ("002_hongze_qu_2023.txt", "003_hongze_qu_2024.txt")]
    ids = [r.file for r in reports]
    assert batch_previous(reports, ids) == {ids[1]: reports[0]}


def test_config_defaults_and_overrides():
    assert Config().params_for("SIM-PREV-YEAR") == {"warning": 0.85, "error": 0.98}
    config = parse_config(
        {
            "deadlines": {"city/department": "1-25"},
            "severity": {"T2-VALID-XYEAR": "info"},
            "params": {"SIM-PREV-YEAR": {"warning": 0.9}},
            "disabled": ["T2-RULES-AUTH"],
        }
    )
    assert config.deadlines == {"city/department": "01-25"}
    assert config.params_for("SIM-PREV-YEAR") == {"warning": 0.9, "error": 0.98}
    assert not config.enabled("T2-RULES-AUTH")
    assert config.severity_for("T2-VALID-XYEAR", "warning") == "info"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"severity": {"NO-SUCH": "info"}}, "没有编号为「NO-SUCH」的规则"),
        ({"severity": {"T3-BALANCE": "fatal"}}, "严重程度「fatal」无效"),
        ({"params": {"SIM-PREV-YEAR": {"x": 1}}}, "未知参数「x」"),
        ({"params": {"SIM-PREV-YEAR": {"warning": "high"}}}, "应为非负数"),
        ({"params": {"T3-BALANCE": {"x": 1}}}, "没有可配置的参数"),
        ({"deadlines": {"city": "13-40"}}, "应写作 MM-DD"),
        ({"disabled": "T3-BALANCE"}, "应为规则编号的列表"),
        ({"rules": []}, "未知的配置项 rules"),
    ],
)
def test_config_errors_are_chinese_and_precise(data, words):
    with pytest.raises(ConfigError, match=words):
        parse_config(data, "配置文件 p.yaml")


def test_config_severity_and_disabled_apply(truth_report):
    report, prev = (
        truth_report("009_pingtan_zone_2024.json"),
        truth_report("008_pingtan_zone_2023.json"),
    )
    config = parse_config({"severity": {"T2-VALID-XYEAR": "info"}, "disabled": ["FMT-LABEL"]})
    result = check_reports([report], ["r"], previous={"r": prev}, config=config)
    assert {f.severity for f in result if f.rule == "T2-VALID-XYEAR"} == {"info"}
    assert not [f for f in result if f.rule == "FMT-LABEL"]
