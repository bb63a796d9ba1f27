"""agency_summary.html: labels, findings, marked cells, escaping, variants."""

from __future__ import annotations

import dataclasses

import jinja2
import pytest

from models.canonical import T3_COLUMNS, T3_ROWS_2021, T3_ROWS_SINGLE_SIX
from reports.labels import T3_GROUP_HEADERS, T3_ROW_LABELS, T4_ROW_LABELS
from reports.render import AGENCY_TEMPLATE, environment, render_agency_summary


def test_chinese_labels_and_header(hongze_2023, make_ctx):
    html = render_agency_summary(make_ctx(hongze_2023))
    assert '<html lang="zh-CN">' in html and '<meta charset="utf-8">' in html
    assert '"Noto Sans CJK SC"' in html and '"Microsoft YaHei"' in html
    for row in T3_ROWS_SINGLE_SIX:
        assert T3_ROW_LABELS[row] in html
    for label in (
        *T3_COLUMNS,
        "法人或其他组织",
        "申请人情况",
        "三、本年度办理结果",
        "（三）不予公开",
    ):
        assert label in html
    for label in (*T4_ROW_LABELS.values(), "结果维持", "结果纠正", "其他结果", "尚未审结"):
        assert label in html
    for label in ("规章", "行政规范性文件", "本年制发件数", "本年收费金额（万元）", "7730.28"):
        assert label in html
    for label in (
        "机构",
        "年度",
        "报告来源",
        "SHA-256",
        "发布日期",
        "格式",
        "2021版",
        "报告未注明",
    ):
        assert label in html
    assert "洪泽区人民政府" in html and "3f" * 32 in html


def test_findings_table(hongze_2023, hongze_findings, make_ctx):
    html = render_agency_summary(make_ctx(hongze_2023, hongze_findings))
    for head in ("规则", "严重程度", "位置", "问题说明", "公开值", "应为", "法律依据", "原文证据"):
        assert f"<th>{head}</th>" in html
    for f in hongze_findings:
        for text in (f.rule, f.title, f.message, f.where, f.basis):
            assert text in html
    assert "错误 2 项，警告 1 项，提示 1 项" in html
    # errors listed first
    assert (
        html.index("T4-TOTAL</code>")
        < html.index("FMT-TABLES</code>")
        < html.index("FMT-LABEL</code>")
    )


def test_marked_cells_are_exactly_the_finding_cells(
    hongze_2023, hongze_findings, make_ctx, elements
):
    page = elements(render_agency_summary(make_ctx(hongze_2023, hongze_findings)))
    flagged = {
        a["data-cell"]: (t, a, text)
        for t, a, text in page.with_attr("data-cell")
        if "flag" in a.get("class", "").split()
    }
    named = {c: f for f in hongze_findings for c in f.cells}
    assert set(flagged) == set(named)
    for key, (_tag, attrs, _) in flagged.items():
        assert f"flag-{named[key].severity}" in attrs["class"].split()
        assert attrs["title"] == named[key].rule
    assert flagged["t4.4"][0] == "td" and flagged["t4.4"][2] == "0"
    assert flagged["t4.10"][2] == "5"
    assert flagged["t3.三.六"][0] == "th" and flagged["t3.三.六"][2] == "（六）其他处理"
    # an unflagged cell keeps its value and no flag
    cells = {a["data-cell"]: (a, text) for _, a, text in page.with_attr("data-cell")}
    assert cells["t3.一.0"][1] == "21" and "flag" not in cells["t3.一.0"][0]["class"]


def test_cell_named_by_two_rules_takes_worst_severity(
    hongze_2023, hongze_findings, make_ctx, elements
):
    extra = dataclasses.replace(
        hongze_findings[3], rule="T3-COLSUM", severity="error", cells=("t3.三.三.2",)
    )
    page = elements(render_agency_summary(make_ctx(hongze_2023, [*hongze_findings, extra])))
    [(_, attrs, _)] = [x for x in page.with_attr("data-cell") if x[1]["data-cell"] == "t3.三.三.2"]
    assert "flag-error" in attrs["class"] and attrs["title"] == "FMT-LABEL, T3-COLSUM"


def test_escaping(hongze_2023, hongze_findings, make_ctx):
    evil = "<script>alert('x')</script>"
    bad = dataclasses.replace(hongze_findings[0], message=evil, evidence=f'"{evil}"')
    html = render_agency_summary(make_ctx(hongze_2023, [bad], agency_name=evil))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


class Without:
    """A context proxy lacking one attribute."""

    def __init__(self, obj, missing):
        self._obj, self._missing = obj, missing

    def __getattr__(self, name):
        if name == self._missing:
            raise AttributeError(name)
        return getattr(self._obj, name)


@pytest.mark.parametrize(
    "missing", ["agency_name", "region", "run_id", "source", "findings", "status_text"]
)
def test_strict_undefined_raises_on_missing_field(hongze_2023, make_ctx, missing):
    template = environment().get_template(AGENCY_TEMPLATE)
    ctx = make_ctx(hongze_2023)
    template.render(ctx=Without(ctx, "not_a_field"))  # the proxy itself renders
    with pytest.raises(jinja2.UndefinedError):
        template.render(ctx=Without(ctx, missing))


def test_unparsed_document_shows_banner_and_no_tables(make_ctx, elements):
    ctx = make_ctx(
        None,
        status="corrupt",
        status_text="文件损坏",
        status_detail="PDF 交叉引用表损坏，无法读取正文",
    )
    html = render_agency_summary(ctx)
    assert 'class="banner"' in html
    assert "本文件未能作为2023年度报告审核：文件损坏" in html
    assert "PDF 交叉引用表损坏，无法读取正文" in html
    assert "文件未能解析，未进行逐项审核" in html
    for absent in ("表二", "表三", "表四", "data-cell", 'class="t3"', "未填报"):
        assert absent not in html
    tables = [a.get("class") for t, a, _ in elements(html).items if t == "table"]
    assert tables == ["meta"]


def test_parsed_report_has_no_banner(hongze_2023, make_ctx):
    html = render_agency_summary(make_ctx(hongze_2023))
    assert 'class="banner"' not in html and "未发现问题" in html


def t3_row_keys(page) -> list[str]:
    return [
        a["data-cell"]
        for t, a, _ in page.with_attr("data-cell")
        if t == "th" and a["data-cell"].startswith("t3.")
    ]


def test_nineteen_row_variant(load_truth, make_ctx, elements):
    report = load_truth("003_hongze_qu_2024.json")
    assert "三.六" in report.t3 and "三.六.1" not in report.t3
    html = render_agency_summary(make_ctx(report))
    assert t3_row_keys(elements(html)) == [f"t3.{r}" for r in T3_ROWS_SINGLE_SIX]
    assert html.count("（六）其他处理") == 1
    assert T3_ROW_LABELS["三.六.1"] not in html
    assert "95" in html


def test_twenty_one_row_variant(load_truth, make_ctx, elements):
    html = render_agency_summary(make_ctx(load_truth("001_huaian_shi_2024.json")))
    assert t3_row_keys(elements(html)) == [f"t3.{r}" for r in T3_ROWS_2021]
    for header in T3_GROUP_HEADERS.values():
        assert header in html
    assert T3_ROW_LABELS["三.六.2"] in html


def test_null_rows_and_tables_show_not_reported(hongze_2023, make_ctx, elements):
    t3 = dict(hongze_2023.t3, 二=None)
    t2 = dict(hongze_2023.t2, 规章=None)
    report = dataclasses.replace(hongze_2023, t2=t2, t3=t3, t4=None)
    html = render_agency_summary(make_ctx(report))
    assert "报告未填报表四" in html
    rows = [r for r in html.splitlines() if 'data-cell="t3.二"' in r or 'data-cell="t2.规章"' in r]
    assert len(rows) == 2 and all("未填报" in r for r in rows)
    assert 'data-cell="t3.二.0"' not in html


def test_2019_trial_table_two_rendered_generically(load_truth, make_ctx):
    report = load_truth("004_pingtan_zone_2019.json")
    html = render_agency_summary(make_ctx(report))
    for text in (
        "2019试行版",
        "规范性文件",
        "其他对外管理服务事项",
        "政府集中采购",
        "采购项目数量",
        "采购总金额",
        "75394432.52",
        "本年新制作数量",
        "上一年项目数量",
    ):
        assert text in html
    assert 'data-cell="t2.政府集中采购.1"' in html


def test_null_table_two_key_in_real_report(load_truth, make_ctx):
    report = load_truth("013_pingtan_scj_2025.json")
    assert report.t2["规章"] is None
    html = render_agency_summary(make_ctx(report))
    [row] = [r for r in html.splitlines() if 'data-cell="t2.规章"' in r]
    assert "未填报" in row
