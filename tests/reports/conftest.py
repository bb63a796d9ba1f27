"""Shared builders: real truth files as CanonicalReports, and contexts around them."""

from __future__ import annotations

import json
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from models.canonical import CANONICAL_KEYS, CanonicalReport
from models.finding import Finding
from reports.contexts import PARSED, AgencySummaryContext, FindingView, SourceDocument

TRUTH = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "truth"
BASIS_30 = "国办公开办函〔2021〕30号《中华人民共和国政府信息公开工作年度报告格式》"


def truth_report(name: str) -> CanonicalReport:
    data = json.loads((TRUTH / name).read_text(encoding="utf-8"))
    return CanonicalReport(**{k: data[k] for k in CANONICAL_KEYS})


def hongze_2023_findings() -> list[FindingView]:
    """The real problems of 002_hongze_qu_2023 (truth notes): two T4-TOTAL errors, the
    single-row （六） (FMT-TABLES warning) and the label typo (FMT-LABEL info)."""
    raw = [
        Finding(
            "002_hongze_qu_2023.txt",
            "T4-TOTAL",
            "error",
            "表四 行政复议",
            "行政复议总计应等于维持、纠正、其他、尚未审结之和",
            published="10+1+0+0，总计 0",
            expected="11",
            evidence="10 1 0 0 0",
            cells=("t4.0", "t4.1", "t4.2", "t4.3", "t4.4"),
        ),
        Finding(
            "002_hongze_qu_2023.txt",
            "T4-TOTAL",
            "error",
            "表四 复议后起诉",
            "复议后起诉总计应等于维持、纠正、其他、尚未审结之和",
            published="5+0+0+0，总计 0",
            expected="5",
            evidence="5 0 0 0 0",
            cells=("t4.10", "t4.11", "t4.12", "t4.13", "t4.14"),
        ),
        Finding(
            "002_hongze_qu_2023.txt",
            "FMT-TABLES",
            "warning",
            "表三 （六）其他处理",
            "表三（六）其他处理未分列 1–3 项",
            evidence="（六）其他处理",
            cells=("t3.三.六",),
        ),
        Finding(
            "002_hongze_qu_2023.txt",
            "FMT-LABEL",
            "info",
            "表三 （三）2",
            "行标题与格式不符",
            published="2.其他法律行政止公开",
            expected="2.其他法律行政法规禁止公开",
            cells=("t3.三.三.2",),
        ),
    ]
    titles = {
        "T4-TOTAL": "表四各组总计等于各项之和",
        "FMT-TABLES": "表格行列完整",
        "FMT-LABEL": "行列标题符合格式",
    }
    return [FindingView.from_finding(f, titles[f.rule], BASIS_30) for f in raw]


def agency_ctx(report: CanonicalReport | None, findings=(), **overrides) -> AgencySummaryContext:
    fields = dict(
        agency_id="hongze-qu",
        agency_name=report.agency if report else "洪泽区人民政府",
        region="江苏省淮安市洪泽区",
        year=report.year if report else 2023,
        status=PARSED,
        status_text="已解析",
        source=SourceDocument(
            "https://www.hongze.gov.cn/doc/2024/02/26/report.pdf",
            "3f" * 32,
            245_760,
            "2024-03-05",
        ),
        report=report,
        published_date=report.published_date if report else None,
        format=report.format if report else None,
        findings=list(findings),
        generated_at=datetime(2025, 4, 1, 9, 30),
        run_id="run-20250401-01",
    )
    fields.update(overrides)
    return AgencySummaryContext(**fields)


class Elements(HTMLParser):
    """Start tags as (tag, attrs dict, text) — text is the element's own direct text."""

    def __init__(self, html: str):
        super().__init__()
        self.items: list[tuple[str, dict[str, str], list[str]]] = []
        self._open: list[list[str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        text: list[str] = []
        self.items.append((tag, {k: v or "" for k, v in attrs}, text))
        if tag not in ("br", "meta", "img", "input", "hr", "link"):
            self._open.append(text)

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        if self._open:
            self._open[-1].append(data)

    def with_attr(self, name: str) -> list[tuple[str, dict[str, str], str]]:
        return [(t, a, "".join(x)) for t, a, x in self.items if name in a]


@pytest.fixture
def hongze_2023() -> CanonicalReport:
    return truth_report("002_hongze_qu_2023.json")


@pytest.fixture
def hongze_findings() -> list[FindingView]:
    return hongze_2023_findings()


@pytest.fixture
def load_truth():
    return truth_report


@pytest.fixture
def make_ctx():
    return agency_ctx


@pytest.fixture
def elements():
    return Elements
