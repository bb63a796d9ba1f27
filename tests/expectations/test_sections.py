"""Part contents (expectations.rules.sections) on real reports and minimal edits."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

from expectations.history import AgencyInfo, ReportContext
from expectations.rules import sections as sec
from ingest.parser import parse_file

CORPUS = Path(__file__).parents[1] / "fixtures/corpus"


@cache
def _parsed(name: str):
    return parse_file(CORPUS / name)


def report(name: str):
    return copy.deepcopy(_parsed(name))


def test_aspects():
    assert sec.aspects_missing(report("009_pingtan_zone_2024.txt")) == []
    assert sec.aspects_missing(report("026_pingtan_zrz_2021.txt")) == ["政府信息公开平台建设"]


def test_gov_eval_only_for_governments():
    city = report("001_huaian_shi_2024.txt")
    assert sec.gov_eval_missing(city, None) == ["工作考核", "社会评议", "责任追究"]
    assert sec.gov_eval_missing(report("018_pingtan_gaj_2024.txt"), None) is None
    zone = report("009_pingtan_zone_2024.txt")  # a 管委会: government only per the registry
    assert sec.gov_eval_missing(zone, None) is None
    ctx = ReportContext(agency=AgencyInfo(kind="government"))
    assert sec.gov_eval_missing(zone, ctx)


def test_rectify():
    assert sec.reports_rectification(report("016_pingtan_jtj_2021.txt")) is True
    assert sec.reports_rectification(report("027_pingtan_jtj_2023.txt")) is True
    r = report("001_huaian_shi_2024.txt")
    assert sec.reports_rectification(r) is False
    r.sections["五"] += "针对上年度报告指出的问题，已完成整改。"
    assert sec.reports_rectification(r) is True


def test_fee_statement():
    for name in (
        "001_huaian_shi_2024.txt",
        "007_pingtan_zone_2022.txt",
        "016_pingtan_jtj_2021.txt",
    ):
        assert sec.fee_stated(report(name)) is True, name
    assert sec.fee_stated(report("013_pingtan_scj_2025.txt")) is True  # 实际收取金额 table
    assert sec.fee_stated(report("026_pingtan_zrz_2021.txt")) is False  # "无"
    assert sec.fee_stated(report("012_pingtan_scj_2022.txt")) is False  # policy only


def test_boilerplate():
    assert sec.is_generic(report("009_pingtan_zone_2024.celltext.txt")) is True
    assert sec.is_generic(report("009_pingtan_zone_2024.txt")) is False
    r, prev = report("009_pingtan_zone_2024.txt"), report("008_pingtan_zone_2023.txt")
    assert sec.part5_similarity(r, prev) < 0.1
    assert sec.part5_similarity(r, report("009_pingtan_zone_2024.html")) == 1.0
    assert sec.part5_similarity(r, None) is None


def test_hook_columns():
    reports = [report("026_pingtan_zrz_2021.txt"), report("016_pingtan_jtj_2021.txt")]
    cols = sec.features(reports, [ReportContext(), ReportContext()])
    assert cols["sec1_aspects_missing"] == [1.0, 0.0]
    assert cols["sec6_fee_missing"] == [1.0, 0.0]
    assert cols["sec5_no_rectify"] == [1.0, 0.0]
