"""Locate the six parts (一…六) of a report by their headings (RULES.md §2.2)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.canonical import SECTIONS

_CN = "一二三四五六七八九十"
_NUM = {s: rf"(?<![{_CN}]){s}|(?<![\d.]){n}" for s, n in zip("一二三四五六", "123456", strict=True)}
# Keywords after the numeral; filler may not cross a clause or a number.
_KEYWORDS = {
    "一": r"总体情况|概述|总体",
    "二": r"主动公开",
    "三": r"收到和处理|收到及处理|依申请公开",
    "四": r"行政复议|行政法复议",
    "五": r"存在的?主要问题|存在问题|问题及改进|主要问题",
    "六": r"其他需要报告|其他事项|其他需要|需要说明的其他",
}
_FILLER = r"[^\d、。,;:\n]{0,16}?"


@dataclass(frozen=True)
class Heading:
    section: str
    start: int  # where the heading starts
    end: int  # where the heading's keyword ends
    text: str  # the printed heading line


def _pattern(section: str) -> re.Pattern[str]:
    num = _NUM[section]
    return re.compile(rf"(?:{num})\s*[、.]\s*{_FILLER}(?:{_KEYWORDS[section]})")


_PATTERNS = {s: _pattern(s) for s in SECTIONS}


def find_headings(text: str, start: int = 0) -> dict[str, Heading]:
    """First heading of each part at or after the previous part's heading."""
    found: dict[str, Heading] = {}
    cursor = start
    for section in SECTIONS:
        pattern = _PATTERNS[section]
        m = pattern.search(text, cursor) or pattern.search(text, start)
        if not m:
            continue
        line_end = text.find("\n", m.start())
        line_end = len(text) if line_end < 0 else line_end
        printed = text[m.start() : min(line_end, m.start() + 40)].strip()
        found[section] = Heading(section, m.start(), m.end(), printed)
        if m.start() >= cursor:
            cursor = m.end()
    return found


def section_texts(text: str, headings: dict[str, Heading]) -> dict[str, str]:
    """Each present part's text, from its heading to the next heading."""
    ordered = sorted(headings.values(), key=lambda h: h.start)
    out = {}
    for i, h in enumerate(ordered):
        stop = ordered[i + 1].start if i + 1 < len(ordered) else len(text)
        out[h.section] = text[h.start : stop]
    return out


def in_order(headings: dict[str, Heading]) -> bool:
    starts = [headings[s].start for s in SECTIONS if s in headings]
    return starts == sorted(starts)
