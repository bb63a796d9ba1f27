"""The element of a web page that holds the report, so that the site's navigation,
menus and footer are neither flattened nor parsed.

The article is the smallest element that holds every table outside navigation, menus
and footers, and the keywords of the first and the last part (总体/概述 … 其他需要报告);
widened to the nearest element that also holds the page title before it, so the page's
own heading and 发布时间 line stay with it. A page without such tables, or whose tables
sit in no element with both keywords, has no article: the caller keeps the whole page.
Every miss falls back to a larger element, never to less of the report.
"""

from __future__ import annotations

import re

from lxml import etree

_CHROME_TAGS = frozenset(("nav", "header", "footer", "aside"))
_CHROME_NAMES = re.compile(r"foot|nav|menu", re.I)  # in an id or class
# Evaluated in C: the string value of an element is all the text below it.
_WITH_PARTS = etree.XPath(
    'ancestor-or-self::*[(contains(., "总体") or contains(., "概述"))'
    ' and (contains(., "其他需要") or contains(., "其他事项") or contains(., "需要说明的其他"))][1]'
)
# Nearest element with the title in a preceding sibling: the article's own heading
# (before it, never the <title> in <head>). Only the text before the article is read.
_AFTER_TITLE = etree.XPath(
    "ancestor-or-self::*[not(self::body)][preceding-sibling::*[contains(., $title)]][1]"
)


def _is_chrome(el) -> bool:
    names = f"{el.get('id', '')} {el.get('class', '')}"
    return el.tag in _CHROME_TAGS or _CHROME_NAMES.search(names) is not None


def _content_tables(body) -> list:
    """Tables with no navigation, menu or footer element between them and <body>."""
    chrome = {body: False}  # per element: is it or an ancestor below <body> chrome
    tables = []
    for table in body.iter("table"):
        path, el = [], table.getparent()
        while el not in chrome:
            path.append(el)
            el = el.getparent()
        inside = chrome[el]
        for el in reversed(path):
            inside = chrome[el] = inside or _is_chrome(el)
        if not inside:
            tables.append(table)
    return tables


def _common_ancestor(elements: list):
    path = [elements[0], *elements[0].iterancestors()]  # innermost first
    for el in elements[1:]:
        around = {el, *el.iterancestors()}
        path = path[next(i for i, a in enumerate(path) if a in around) :]
    return path[0]


def article(body, title: str | None = None):
    """The element holding the report, or None when the page shows none."""
    tables = _content_tables(body)
    if not tables:
        return None
    found = _WITH_PARTS(_common_ancestor(tables))
    if not found:
        return None
    after_title = _AFTER_TITLE(found[0], title=title) if title else None
    return after_title[0].getparent() if after_title else found[0]
