"""Web pages to text: only the article is flattened; a page without one is kept whole."""

from ingest.html_text import html_to_text

TITLE = "某某局2024年度政府信息公开工作年度报告"
NAV = '<div class="nav"><a href="/">首页</a><ul><li>政务公开</li><li>互动交流</li></ul></div>'
FOOTER = '<div id="footer"><table><tr><td>版权所有：某某网站</td><td>1</td></tr></table></div>'
PART_1 = "<p>一、总体情况</p><p>统计期限自2024年1月1日起至2024年12月31日止。</p>"
PART_2 = "<p>二、主动公开政府信息情况</p><table><tr><td>规章</td><td>1</td><td></td></tr></table>"
PART_6 = "<p>六、其他需要报告的事项</p><p>无。</p>"


def _text(body: str) -> str:
    head = f"<head><title>{TITLE}_某某网站</title></head>"
    return html_to_text(f"<!DOCTYPE html><html>{head}<body>{body}</body></html>".encode()).text


def test_article_keeps_its_heading_and_date_not_the_site_around_it():
    heading = f'<div class="info"><h1>{TITLE}</h1><span>发布时间：2025-01-20</span></div>'
    article = f'<div class="detail">{heading}<div class="text">{PART_1}{PART_2}{PART_6}</div></div>'
    text = _text(f'{NAV}<div class="main">{article}</div>{FOOTER}')
    assert text.startswith(f"{TITLE}\n发布时间：2025-01-20\n一、总体情况\n统计期限")
    assert "规章\t1\t∅" in text
    assert text.endswith("六、其他需要报告的事项\n无。")


def test_parts_in_sibling_blocks_are_all_kept():
    parts = "".join(f"<section>{p}</section>" for p in (PART_1, PART_2, PART_6))
    text = _text(f'{NAV}<div class="text">{parts}</div>')
    assert text.split("\n") == [
        "一、总体情况",
        "统计期限自2024年1月1日起至2024年12月31日止。",
        "二、主动公开政府信息情况",
        "规章\t1\t∅",
        "六、其他需要报告的事项",
        "无。",
    ]


def test_title_only_in_head_keeps_the_parts():
    assert _text(f"{NAV}<div>{PART_1}{PART_2}{PART_6}</div>").startswith("一、总体情况")


def test_page_without_tables_is_kept_whole():
    assert _text(f"{NAV}<div>{PART_1}{PART_6}</div>").startswith("首页\n政务公开")


def test_page_with_tables_only_in_the_footer_is_kept_whole():
    assert _text(f"{NAV}<div>{PART_1}{PART_6}</div>{FOOTER}").startswith("首页\n政务公开")


def test_page_without_the_last_part_is_kept_whole():
    text = _text(f"{NAV}<div>{PART_1}{PART_2}</div>{FOOTER}")
    assert text.startswith("首页\n政务公开") and "规章\t1\t∅" in text


def test_corpus_page_loses_navigation_and_footer(corpus):
    text = html_to_text((corpus / "005_pingtan_zone_2020.html").read_bytes()).text
    assert text.startswith("平潭综合实验区2020年度政府信息公开工作年度报告\n来源：")
    assert "时间：2021-03-05 08:58" in text[:200]
    assert "闽ICP备" not in text and "网站支持IPV6" not in text


def test_row_reads_its_cells_only():
    text = _text(
        "<table><tr><td>1</td><span>x</span><td> </td></tr><tr><td>a<p>b</p></td></tr></table>"
    )
    assert text == "1\t∅\nab"


def test_utf8_bom_wins_over_the_declared_charset():
    page = b'\xef\xbb\xbf<html><head><meta charset="gbk"></head><body><p>\xe6\x8a\xa5</p></body></html>'
    assert html_to_text(page).text == "报"


def test_gbk_page_declared_utf8_is_still_read():
    page = '<html><head><meta charset="utf-8"></head><body><p>年度报告</p></body></html>'
    assert html_to_text(page.encode("gbk")).text == "年度报告"
