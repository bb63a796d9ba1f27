from ingest.collect import discovery

BASE = "http://gov.example/col/index.html"


def _page(*titles, extra=""):
    items = "".join(
        f'<li><a href="/a{n}.html">{t}</a> 2024-01-0{n + 1}</li>' for n, t in enumerate(titles)
    )
    return f"<html><body><ul>{items}</ul>{extra}</body></html>"


def test_title_variants_name_the_year():
    html = _page(
        "关于开展2024年政务公开工作的通知",
        "2024年度政府信息公开工作年度报告",
        "某某局2024年政府信息公开工作年度报告",
        "关于报送2024年度政府信息公开工作年度报告的函",
        "2023年政府信息公开工作年度报告",
    )
    links = discovery.report_links(html, BASE, 2024)
    assert [link.url.rsplit("/", 1)[1] for link in links] == ["a1.html", "a2.html", "a3.html"]
    assert links[0].listed_date == "2024-01-02"
    assert discovery.report_links(html, BASE, 2022) == []


def test_next_page_patterns():
    assert discovery.next_page(_page(extra='<a href="index_1.html">下一页</a>'), BASE, 0) == (
        "http://gov.example/col/index_1.html"
    )
    assert discovery.next_page(_page(extra='<a href="index_2.html">3</a>'), BASE, 1).endswith(
        "index_2.html"
    )
    trs = _page(extra="<script>createPageHTML(3, 0, 'index', 'html');</script>")
    assert discovery.next_page(trs, BASE, 0) == "http://gov.example/col/index_1.html"
    assert discovery.next_page(trs, BASE, 2) is None
    assert discovery.next_page(_page(), BASE, 0) is None


def test_error_page_and_dates():
    assert discovery.error_page("<title>404 Not Found</title>", "Not Found")
    assert discovery.error_page("<title>访问出错</title>", "出错")
    assert (
        discovery.error_page("<title>2023年度政府信息公开工作年度报告</title>", "正文" * 200)
        is None
    )
    html = '<meta name="PubDate" content="2024-01-20 09:00">'
    assert discovery.page_date(html, "") == "2024-01-20"
    assert discovery.page_date("", "标题\n发布日期：2024年2月3日") == "2024-02-03"


def test_shell_and_attachments():
    html = '<a href="/f/r.docx">年报</a><a href="/f/r.doc">旧</a><a href="/x.html">x</a>'
    assert [a.url for a in discovery.attachments(html, BASE)] == [
        "http://gov.example/f/r.docx",
        "http://gov.example/f/r.doc",
    ]
    assert discovery.is_shell("附件：年报")
    assert not discovery.is_shell("本年新收政府信息公开申请数量 " * 10)
