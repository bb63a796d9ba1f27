"""Find table rows by their printed labels, in order, and cut the text between them.

Labels are matched whitespace-insensitively by a distinctive keyword (typos and
stray spaces such as `自然 人` or `行政止公开` still match). A row's cells are the
numbers between the end of its keyword and the start of the next row's label; the
next label's enumerator (`2.`, `3、`), which crawler text glues to the previous
row's digits (`00000002.其他法律…`), belongs to the label, not to the cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.normalize import loose


@dataclass(frozen=True)
class RowSpec:
    key: str
    keywords: tuple[str, ...]  # literal words, tried in order
    regex: str | None = None  # a raw pattern instead of keywords


@dataclass
class RowHit:
    key: str
    label_start: int  # start of the printed label, enumerator included
    keyword_end: int  # end of the matched keyword
    chunk: str = ""  # text holding the row's cells


def _compile(spec: RowSpec) -> list[re.Pattern[str]]:
    if spec.regex:
        return [re.compile(spec.regex)]
    return [re.compile(loose(k)) for k in spec.keywords]


_COMPILED: dict[RowSpec, list[re.Pattern[str]]] = {}


def _search(spec: RowSpec, text: str, start: int, end: int) -> re.Match[str] | None:
    pats = _COMPILED.get(spec)
    if pats is None:
        pats = _COMPILED[spec] = _compile(spec)
    best = None
    for pat in pats:
        m = pat.search(text, start, end)
        if m and (best is None or m.start() < best.start()):
            best = m
            break  # keywords are in order of preference
    return best


MAX_LABEL_PREFIX = 14  # longest label text before its keyword (`申请人无正当理由逾期` + `1.`)


_ROW_MARKER = re.compile(r"[一二三四]\s*、|\(\s*[一二三四五六七]\s*\)|[1-8]\s*[.、]")


def label_start(text: str, keyword_start: int, floor: int) -> int:
    """Walk back from a keyword over the label text to its enumerator, if any.

    The walk stops at digits (the previous row's cells) and at a line break; within
    what it covered, the label starts at its last row marker (`一、`, `(一)`, `2.`).
    """
    i = keyword_start
    while i > floor and keyword_start - i < MAX_LABEL_PREFIX:
        ch = text[i - 1]
        if ch.isdigit() or ch == "\n":
            break
        i -= 1
    j = i
    while j < keyword_start and text[j] == " ":
        j += 1
    if j < keyword_start and text[j] in ".、" and i > floor and text[i - 1].isdigit():
        return i - 1
    markers = list(_ROW_MARKER.finditer(text, i, keyword_start))
    return markers[-1].start() if markers else i


LOOKAHEAD = 3


def find_rows(text: str, start: int, end: int, specs: list[RowSpec]) -> list[RowHit]:
    """Rows found in order between start and end; a row not found is left out.

    A row whose keyword only appears after a later row's label is taken as absent
    (its word was matched somewhere else, e.g. in the narrative after the table).
    """
    hits: list[RowHit] = []
    cursor = start
    for i, spec in enumerate(specs):
        m = _search(spec, text, cursor, end)
        if not m:
            continue
        later = [_search(s, text, cursor, m.start()) for s in specs[i + 1 : i + 1 + LOOKAHEAD]]
        if any(x is not None for x in later):
            continue
        floor = hits[-1].keyword_end if hits else start
        begin = m.start() if spec.regex else label_start(text, m.start(), floor)
        hits.append(RowHit(spec.key, begin, m.end()))
        cursor = m.end()
    for i, hit in enumerate(hits):
        stop = hits[i + 1].label_start if i + 1 < len(hits) else end
        hit.chunk = text[hit.keyword_end : max(stop, hit.keyword_end)]
    return hits
