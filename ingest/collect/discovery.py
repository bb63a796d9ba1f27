"""Reading an agency's 年报 column and report pages (pure functions over HTML text).

- `report_links(html, base, year)`: links whose title names the year's annual report
  (`2024年政府信息公开工作年度报告`, `2024年度…`, `关于报送2024年度…的函`, agency name
  prefixed or not), best first, with the date shown beside each in the listing;
- `next_page(html, base, page)`: the column's next page (`下一页`, `index_1.html`, TRS
  `createPageHTML`), or None;
- `attachments(html, base)`: links to .docx/.doc/.pdf/.wps files;
- `is_shell(text)`: a page whose own text is not the report (it links to an attachment);
- `error_page(html)`: the reason when an HTML page is an error page served with 200;
- `page_date(html, text)`: the published date the page shows (meta PubDate, 发布时间/发布日期).

Each takes the markup as a string or as a `Page` (`Page.parse(html)`: parsed once, with
its title and visible text; its links and whitespace-free text are worked out once, on
first use), so a collector parses every page once. A link's absolute URL is only worked
out for the links a function keeps (`urljoin` is the costly part of a long listing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlsplit

ATTACHMENT_SUFFIXES = (".docx", ".doc", ".pdf", ".wps")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_NEXT_TEXT = {"下一页", "下页", "后一页", "下一頁", ">", "›", "»", ">>"}
_INDEX_PAGE = re.compile(r"index_(\d+)\.s?html?$")
_TRS_PAGER = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)")
_ERROR_TITLE = re.compile(
    r"(?<!\d)(?:404|403|500|502|503)(?!\d)|页面不存在|页面未找到|找不到|不存在|访问出错|出错了|错误页|无法访问|Not Found|Error",
    re.I,
)
_ERROR_BODY = re.compile(
    r"页面不存在|访问出错|找不到该页面|页面已删除|(?<!\d)404(?!\d)\s*(?:Not\s*Found|错误|页面)",
    re.I,
)
_REPORT_WORDS = re.compile(r"(政府信息公开|政务公开|信息公开).{0,12}(年度报告|年报|工作报告)")


@dataclass(frozen=True)
class Link:
    url: str
    title: str
    listed_date: str | None = None  # the date printed beside the link in the column


_SKIP = ("script", "style", "noscript", "select", "option", "iframe", "template")


@dataclass(frozen=True)
class Page:
    """An HTML page parsed once: markup, tree (None if unparseable), title, visible text."""

    html: str
    root: Any
    title: str
    text: str  # the body's text, script/style/… left out; one line per source line

    @classmethod
    def parse(cls, html: str) -> Page:
        root = _root(html)
        if root is None:
            return cls(html, None, "", "")
        node = next(root.iter("title"), None)  # C iteration; findtext(".//title") walks in Python
        title = " ".join((node.text_content() if node is not None else "").split())
        return cls(html, root, title, _visible_text(root))

    @cached_property
    def flat(self) -> str:
        """`text` without any whitespace (what the error-page and shell tests measure)."""
        return "".join(self.text.split())

    @cached_property
    def links(self) -> list[tuple[Any, str, str]]:
        """(element, href, title) of each followable `<a>`, in page order; the href as
        written (`urljoin(base, href)`: its URL)."""
        return list(_links(self.root)) if self.root is not None else []


def _visible_text(root) -> str:
    """Text of the body without script, style and the like (serialised by lxml in C);
    the skipped elements are emptied for the call and restored, so the tree is unchanged."""
    from lxml import etree

    body = root.find("body")
    body = root if body is None else body
    saved = []
    for el in list(body.iter(*_SKIP)):
        saved.append((el, el.text, list(el)))
        el.text = None
        for child in list(el):
            el.remove(child)
    try:
        raw = etree.tostring(body, method="text", encoding="unicode", with_tail=False)
    finally:
        for el, text, children in reversed(saved):
            el.text = text
            el.extend(children)
    return "\n".join(line for line in (" ".join(x.split()) for x in raw.split("\n")) if line)


def _root(html: str):
    import lxml.html

    try:
        return lxml.html.document_fromstring(html)
    except Exception:  # lxml raises ParserError/ValueError on empty or odd pages
        return None


def _page(html: str | Page) -> Page:
    return html if isinstance(html, Page) else Page.parse(html)


def _links(root):
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        title = " ".join(((a.get("title") or "") + " " + a.text_content()).split())
        yield a, href, title


def _links_of(html: str | Page):
    """(element, href, title) of each followable link; `urljoin(base, href)` its URL."""
    if isinstance(html, Page):
        return html.links
    root = _root(html)
    return _links(root) if root is not None else ()


def _has(href: str, *parts: str) -> bool:
    """`href` may hold one of `parts` once parsed: it holds one, or holds a character
    that `urlsplit` drops (tab, CR, LF), so that only parsing it can tell."""
    return any(p in href for p in parts) or "\t" in href or "\n" in href or "\r" in href


def _year_score(title: str, year: int) -> int:
    """0: not this year's report; higher is a better title match."""
    flat = "".join(title.split())  # str.split and re's \s agree on whitespace
    if f"{year}年" not in flat or not re.search(rf"(?<!\d){year}年", flat):
        return 0
    if not _REPORT_WORDS.search(flat):
        return 0
    other_years = {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})年", flat)} - {year}
    if other_years and flat.index(str(year)) > min(flat.index(str(y)) for y in other_years):
        return 0  # e.g. "2025年…关于2024年…": the first year named is the report's
    score = 1
    if re.search(rf"{year}年度?(政府信息公开|政务公开)(工作)?(年度)?报告", flat):
        score += 2
    return score


def names_report(title: str, year: int) -> bool:
    """The title names `year`'s annual report."""
    return _year_score(title, year) > 0


def _listed_date(a) -> str | None:
    parent = a.getparent()
    for node in (parent, parent.getparent() if parent is not None else None):
        if node is None:
            continue
        m = _DATE.search(node.text_content())
        if m:
            return _iso(*m.groups())
    return None


def report_links(html: str | Page, base: str, year: int) -> list[Link]:
    """Links naming `year`'s annual report, best first (stable within equal scores)."""
    found: list[tuple[int, int, Link]] = []
    seen: set[str] = set()
    for n, (a, href, title) in enumerate(_links_of(html)):
        score = _year_score(title, year)
        if score and (url := urljoin(base, href)) not in seen:
            seen.add(url)
            found.append((-score, n, Link(url, title, _listed_date(a))))
    return [link for _, _, link in sorted(found)]


def next_page(html: str | Page, base: str, page: int) -> str | None:
    """The URL of column page `page + 1` (page 0 is the first), or None."""
    html = _page(html)
    for _, href, title in html.links:
        if title.strip() in _NEXT_TEXT:
            url = urljoin(base, href)
            if url.rstrip("/") != base.rstrip("/"):
                return url
    wanted = page + 1
    # A joined path ends in index_<n>.html only if the href holds "index_" or the path
    # is the base's (an href without one): no other link needs joining.
    base_has = "index_" in urlsplit(base).path
    for _, href, _ in html.links:
        if not (base_has or _has(href, "index_")):
            continue
        url = urljoin(base, href)
        m = _INDEX_PAGE.search(urlsplit(url).path)
        if m and int(m.group(1)) == wanted:
            return url
    if m := _TRS_PAGER.search(html.html):
        total = int(m.group(1))
        if wanted < total:
            path = urlsplit(base).path
            folder = path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"
            suffix = ".shtml" if path.endswith(".shtml") else ".html"
            return urljoin(base, f"{folder}index_{wanted}{suffix}")
    return None


def attachments(html: str | Page, base: str) -> list[Link]:
    """Links to documents (.docx/.doc/.pdf/.wps), in page order."""
    root = html.root if isinstance(html, Page) else _root(html)
    out: dict[str, Link] = {}
    for a in root.iter("a") if root is not None else ():
        href = (a.get("href") or "").strip()
        if not _has(href.lower(), ".doc", ".pdf", ".wps"):
            continue  # no suffix can match (cheaper than urlsplit)
        if not urlsplit(href).path.lower().endswith(ATTACHMENT_SUFFIXES):
            continue  # a relative link's path ends as its absolute URL's does
        url = urljoin(base, href)
        if url not in out:
            title = " ".join(((a.get("title") or "") + " " + a.text_content()).split())
            out[url] = Link(url, title)
    return list(out.values())


def is_shell(text: str | Page) -> bool:
    """The page text does not hold the report itself (no 表三, little text); `text` is
    the page's visible text, or the `Page`."""
    flat = text.flat if isinstance(text, Page) else "".join(text.split())
    has_tables = "本年新收政府信息公开申请数量" in flat or "上年结转政府信息公开申请数量" in flat
    return not has_tables and len(flat) < 3000


def error_page(html: str | Page, text: str | None = None) -> str | None:
    """The reason an HTML page served with 200 is really an error page, else None.
    `text`: the page's text (default: the `Page`'s)."""
    page = _page(html)
    title = page.title
    flat = page.flat if text is None else "".join(text.split())
    if title and _ERROR_TITLE.search(title) and not _REPORT_WORDS.search(title):
        return f"网站返回的是错误页面（标题：{title[:40]}）"
    if len(flat) < 200 and _ERROR_BODY.search(flat):
        return f"网站返回的是错误页面（{flat[:40]}）"
    return None


_META_DATE = re.compile(
    r"""<meta[^>]+name\s*=\s*["'](?:PubDate|publishdate|firstpublishedtime|pubtime)["'][^>]*"""
    r"""content\s*=\s*["']([^"']+)""",
    re.I,
)
_SHOWN_DATE = re.compile(
    r"(?:发布时间|发布日期|发文日期|公开日期|日期)\s*[:：]?\s*((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
)


def page_date(html: str | Page, text: str | None = None) -> str | None:
    """ISO date the page says it was published (meta PubDate, else 发布时间/发布日期).
    `text`: the page's text (default: the `Page`'s)."""
    if isinstance(html, Page):
        html, text = html.html, html.text if text is None else text
    text = text or ""
    if m := _META_DATE.search(html[:20000]):
        if d := _DATE.search(m.group(1)):
            return _iso(*d.groups())
    if m := _SHOWN_DATE.search(text[:5000]):
        return _iso(*m.groups())
    return None


def _iso(y: str, m: str, d: str) -> str | None:
    from datetime import date

    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None
