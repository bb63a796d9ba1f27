"""The rule reference page (rules.html): every registry rule, and every finding links to it."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from expectations.registry import all_rules
from flows import stages
from reports.names import RULES_PAGE, page_name
from reports.render import render_agency_summary


@pytest.fixture(scope="module")
def rules_page(tmp_path_factory) -> str:
    """rules.html as the review's render stage writes it (no agencies needed)."""
    out = tmp_path_factory.mktemp("site")
    paths = stages.render(out, 2023, "示例省", 7, [], [], {})
    assert out / RULES_PAGE in paths
    return (out / RULES_PAGE).read_text(encoding="utf-8")


def _rows(page: str, elements) -> dict[str, str]:
    """Rule id -> the text of its table row (the row's id is the anchor)."""
    parsed = elements(page)
    rows, current = {}, None
    for tag, attrs, text in parsed.items:
        if tag == "tr" and "rule-entry" in attrs.get("class", ""):
            current = attrs["id"]
            rows[current] = []
        if current is not None:
            rows[current].append("".join(text))
    return {rid: "".join(parts) for rid, parts in rows.items()}


def test_every_rule_has_an_entry_with_its_basis(rules_page, elements):
    rows = _rows(rules_page, elements)
    rules = all_rules()
    assert list(rows) == [r.id for r in rules]  # one anchor per rule, in check order
    for rule in rules:
        row = rows[rule.id]
        for text in (rule.id, rule.title_zh, rule.formula_zh, rule.basis):
            assert text in row, (rule.id, text)
    for heading in ("规则编号", "名称", "公式（文字表述）", "严重程度", "法律依据"):
        assert f"<th>{heading}</th>" in rules_page


def test_lowered_severities_are_shown(rules_page, elements):
    row = _rows(rules_page, elements)["FMT-SECTIONS"]  # missing: 错误; order: 警告
    assert "错误" in row and "部分情形为警告" in row


def test_findings_link_to_their_rule(rules_page, make_ctx, hongze_2023, hongze_findings, elements):
    page = render_agency_summary(make_ctx(hongze_2023, hongze_findings))
    links = [
        a["href"]
        for tag, a, _ in elements(page).items
        if tag == "a" and a.get("href", "").startswith(RULES_PAGE)
    ]
    assert links == [
        f"{RULES_PAGE}#{f.rule}" for f in make_ctx(hongze_2023, hongze_findings).sorted_findings
    ]
    anchors = {a["id"] for tag, a, _ in elements(rules_page).items if tag == "tr" and "id" in a}
    registered = {r.id for r in all_rules()}
    for link in links:
        rule = link.split("#", 1)[1]
        if rule in registered:
            assert rule in anchors, link


def test_rule_ids_are_safe_anchors():
    for rule in all_rules():
        assert html.escape(rule.id) == rule.id and " " not in rule.id


def test_agency_pages_never_overwrite_site_pages():
    for reserved in ("rules", "index", "progress"):
        assert page_name(reserved) != f"{reserved}.html"
    assert Path(page_name("pingtan-zone")).name == "pingtan-zone.html"
