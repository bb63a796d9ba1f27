"""province_index.html: title, totals, ordering, links."""

from __future__ import annotations

from datetime import datetime

from reports.contexts import PARSED, AgencyRow, ProvinceIndexContext
from reports.names import page_name
from reports.render import render_province_index


def index_ctx(rows) -> ProvinceIndexContext:
    return ProvinceIndexContext(
        "福建省平潭综合实验区", 2024, "run-7", datetime(2025, 4, 2, 8, 0), rows
    )


ROWS = [
    AgencyRow("pt-gaj", "平潭综合实验区公安局", "平潭", PARSED, "已解析", 0, 1, 2),
    AgencyRow("pt-jtj", "平潭综合实验区交通与建设局", "平潭", "corrupt", "文件损坏"),
    AgencyRow("hz", "淮安市洪泽区人民政府", "淮安", PARSED, "已解析", 2, 1, 1),
    AgencyRow("pt-czj", "平潭综合实验区财政金融局", "平潭", PARSED, "已解析"),
]


def test_title_and_totals():
    html = render_province_index(index_ctx(ROWS))
    assert "2024年度政府信息公开工作年度报告审核汇总" in html
    assert "福建省平潭综合实验区" in html
    totals = index_ctx(ROWS).totals
    assert totals == {
        "agencies": 4,
        "parsed": 3,
        "with_errors": 1,
        "errors": 2,
        "warnings": 2,
        "infos": 3,
    }
    for label in ("机构数", "已解析", "有错误的机构", "错误", "警告", "提示"):
        assert label in html


def test_errors_first_then_unparsed_and_links(elements):
    html = render_province_index(index_ctx(ROWS))
    order = [a["data-agency"] for _, a, _ in elements(html).with_attr("data-agency")]
    assert order == ["hz", "pt-jtj", "pt-gaj", "pt-czj"]
    hrefs = [a["href"] for t, a, _ in elements(html).items if t == "a"]
    assert hrefs == [page_name(i) for i in order]
    assert 'class="has-errors" data-agency="hz"' in html
    assert 'class="unparsed" data-agency="pt-jtj"' in html


def test_escaping_and_empty():
    evil = AgencyRow("x", "<b>局</b>", "<i>", PARSED, "已解析")
    html = render_province_index(index_ctx([evil]))
    assert "<b>局</b>" not in html and "&lt;b&gt;局&lt;/b&gt;" in html
    assert "本次审核无机构" in render_province_index(index_ctx([]))


def test_row_from_agency_context(hongze_2023, hongze_findings, make_ctx):
    row = AgencyRow.for_agency(make_ctx(hongze_2023, hongze_findings))
    assert (row.agency_id, row.name, row.errors, row.warnings, row.infos) == (
        "hongze-qu",
        "洪泽区人民政府",
        2,
        1,
        1,
    )
