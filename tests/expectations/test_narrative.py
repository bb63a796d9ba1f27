"""Counts quoted in the narrative (expectations.narrative) and the TXT-* comparisons,
on real corpus reports: what is read, and the traps the truth notes list."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from expectations import narrative
from expectations.rules.text import t2_mismatches, t3_mismatches, t4_mismatches, zero_conflicts
from ingest.normalize import normalize
from ingest.parser import parse_file
from models.canonical import CanonicalReport

CORPUS = Path(__file__).parents[1] / "fixtures/corpus"


@cache
def _parsed(name: str) -> CanonicalReport:
    return parse_file(CORPUS / name)


def report(name: str) -> CanonicalReport:
    import copy

    return copy.deepcopy(_parsed(name))


def quotes(found) -> dict[str, int]:
    return {q.topic: q.value for q in found}


def with_part(text: str, part: str = "一", **tables) -> CanonicalReport:
    """A minimal report: one part's text and the given tables."""
    r = CanonicalReport(file="x.txt", year=2024, format="2021", **tables)
    r.sections = {part: normalize(text)}
    return r


def test_city_report_every_t3_topic():
    assert quotes(narrative.t3_quotes(report("001_huaian_shi_2024.txt"))) == {
        "received": 3119,
        "done": 3050,
        "carried_in": 34,
        "carried_over": 103,
    }


def test_outcome_counts_and_combined_outcomes():
    found = quotes(narrative.t3_quotes(report("008_pingtan_zone_2023.txt")))
    assert found["三.一+三.二"] == 42 and found["三.四"] == 31 and found["三.六"] == 2


def test_outcome_word_before_答复_is_an_outcome_not_the_total():
    found = quotes(narrative.t3_quotes(report("013_pingtan_scj_2025.txt")))
    assert found["三.一"] == 1 and found["三.三"] == 3 and "done" not in found


@pytest.mark.parametrize(
    "name",
    [
        "005_pingtan_zone_2020.txt",  # 收到群众诉求348件, 共公布政府信息2602条
        "019_pingtan_czj_2025.txt",  # 依申请公开信息数246条, 不子公开信息数168条
        "031_pingtan_czj_2020.txt",  # 依申请公开信息数182条 against an all-zero 表三
        "027_pingtan_jtj_2023.txt",  # 12345 诉求累计受理3519件
    ],
)
def test_traps_are_not_application_counts(name):
    r = report(name)
    assert t3_mismatches(r) == [] and zero_conflicts(r) == []
    assert all(q.value < 300 for q in narrative.t3_quotes(r))


def test_received_may_include_carried_over():  # truth note 007: 75 = 74 + 1
    assert t3_mismatches(report("007_pingtan_zone_2022.txt")) == []


def test_expected_t3_warnings():
    (m,) = t3_mismatches(report("003_hongze_qu_2024.txt"))
    assert (m.quote.value, m.published, m.cells) == (17, "95", ("t3.一.6",))
    found = {m.quote.topic: m.published for m in t3_mismatches(report("013_pingtan_scj_2025.txt"))}
    assert found == {"三.四": "0", "三.六": "4"}


def test_clean_reports_have_no_text_table_mismatch():
    for name in (
        "001_huaian_shi_2024.txt",
        "010_pingtan_zone_2025.txt",
        "022_pingtan_hzs_2023.txt",
    ):
        r = report(name)
        assert t3_mismatches(r) == t4_mismatches(r) == t2_mismatches(r) == zero_conflicts(r) == []


def test_t4_outcomes_attach_to_their_group():
    found = quotes(narrative.t4_quotes(report("001_huaian_shi_2024.txt")))
    assert found["复议"] == 351 and found["复议.其他"] == 178
    assert found["诉讼"] == 46 and found["诉讼.维持"] == 25


def test_t4_mismatch_after_edit():
    r = report("010_pingtan_zone_2025.txt")
    r.t4[0], r.t4[4] = 24, 35
    (m,) = t4_mismatches(r)
    assert (m.quote.topic, m.quote.value, m.published) == ("复议", 36, "35")


def test_t2_quotes_skip_clean_up_lists_and_broader_categories():
    assert quotes(narrative.t2_quotes(report("008_pingtan_zone_2023.txt"))) == {
        "行政规范性文件.0": 77
    }
    assert quotes(narrative.t2_quotes(report("001_huaian_shi_2024.txt"))) == {"规章.0": 1}


def test_t2_mismatch():
    r = with_part("2024年，我局制定规范性文件5件。", t2={"行政规范性文件": [6, 0, 10]})
    (m,) = t2_mismatches(r)
    assert (m.quote.value, m.published, m.cells) == (5, "6", ("t2.行政规范性文件.0",))


def test_negation_names_only_what_it_denies():
    r = report("013_pingtan_scj_2025.txt")  # denies 诉讼; 复议 = 10
    assert [q.topic for q in narrative.zero_statements(r)] == ["诉讼"]
    assert zero_conflicts(r) == []


def test_zero_conflicts_both_ways():
    t3 = {"一": [0, 0, 0, 0, 0, 0, 3], "二": [0] * 7}
    denial = with_part("今年以来，我局未收到政府信息公开申请。", t3=t3)
    assert [m.quote.topic for m in zero_conflicts(denial)] == ["applications"]
    empty = {"一": [0] * 7, "二": [0] * 7}
    counted = with_part("2024年，我局共收到政府信息公开申请3件。", t3=empty)
    assert [m.published for m in zero_conflicts(counted)] == ["0"]
    assert t3_mismatches(counted) == []  # one cause, one finding: TXT-ZERO owns it


def test_pdf_line_breaks_inside_words():
    r = with_part("全年共受理政府信息公开申请 12\n件，答\n复 12 件。")
    assert quotes(narrative.t3_quotes(r)) == {"received": 12, "done": 12}


def test_petition_office_name_is_not_a_petition_topic():
    """A 信访局 quoting its own applications (found by the checks benchmark: every
    injected TXT-T3 error of a 信访局 was missed); 信访举报投诉类 stays excluded."""
    own = with_part("2024年，祥岭市信访局新收政府信息公开申请118件，依法依规做好答复工作。")
    assert quotes(narrative.t3_quotes(own)) == {"received": 118}
    topic = with_part("收到信访举报投诉类申请3件。")
    assert quotes(narrative.t3_quotes(topic)) == {}
