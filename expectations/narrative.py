"""Counts quoted in the narrative, as data (RULES.md §4.2 TXT-T3, TXT-T4, TXT-T2, TXT-ZERO).

Contract:
- the text of a part is squashed (no whitespace: PDF line breaks split words), cut into
  sentences at 。 and into clauses at , ; : ( ) ! ? (NFKC has made them half-width);
- a count is a number directly followed by 件 (applications, cases, documents; 起/宗 for
  复议/诉讼). Counts in 条 are information items, never applications
  ("依申请公开信息数246条", "共公布政府信息2602条");
- 表三 quotes come from sentences that mention 申请, in parts 一 and 三; clauses about
  复议/诉讼, 诉求, 投诉, 信访 are never application counts ("收到群众诉求348件");
- a clause gives at most one quote; its topic is chosen by keyword, most specific first:
  办理结果 (予以公开 … 其他处理) > 结转 > 收到/受理 > 办结/答复;
- 表二 quotes need the exact words 规章 or 规范性文件 ("政策性文件 11 件" is broader);
  clauses about a 清理 (a clean-up list published during the year), 累计 or 历年 are
  snapshots, not the year's 表二 cells, and are skipped;
- negations ("未收到…申请", "未发生…行政诉讼") name exactly the topics they deny: a
  sentence that denies 诉讼 says nothing about 复议.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from models.canonical import CanonicalReport

_CLAUSE = re.compile(r"[,;:()!?，；：（）！？【】\[\]]")
_SENTENCE = re.compile(r"[。\n]")
_COUNT = r"(?<![\d.])(\d+)件"


@dataclass(frozen=True)
class Quote:
    """One count the text states: its topic, the number, the clause it is in."""

    topic: str
    value: int
    clause: str
    section: str


def squash(text: str) -> str:
    """Text without whitespace."""
    return re.sub(r"\s+", "", text)


@lru_cache(maxsize=8192)
def sentences(text: str) -> tuple[str, ...]:
    """Sentences of a part, squashed (line breaks are layout, not punctuation).

    Cached: the four TXT rules read the same parts of a report."""
    return tuple(s for s in _SENTENCE.split(squash(text)) if s)


def clauses(sentence: str) -> list[str]:
    return [c for c in _CLAUSE.split(sentence) if c]


def _parts(report: CanonicalReport, names: str) -> Iterator[tuple[str, str]]:
    for name in names:
        if text := report.sections.get(name):
            yield name, text


# 表三 ----------------------------------------------------------------------

# Outcome words in the order they must be tried: 不予公开 before 公开答复 ("不予公开答复3件").
_OUTCOMES = (
    ("不予公开", "三.三"),
    ("区分处理后公开", "三.二"),
    ("部分公开", "三.二"),
    ("区分处理", "三.二"),
    ("无法提供", "三.四"),
    ("不予处理", "三.五"),
    ("其他处理", "三.六"),
    ("予以公开", "三.一"),
    ("同意公开", "三.一"),
    ("公开答复", "三.一"),
)
_OUTCOME = re.compile("|".join(word for word, _ in _OUTCOMES))
_OUTCOME_GROUP = dict(_OUTCOMES)
_NOT_APPLICATIONS = re.compile(r"复议|诉讼|诉求|投诉|信访|举报|咨询|建议|提案|率|%")
# An agency's own name is not a topic: "市信访局新收政府信息公开申请118件" is a count.
_PETITION_OFFICE = re.compile(r"信访(?:局|办公室|办|事务中心|接待中心|和投诉受理中心)")
_CARRIED_IN = re.compile(r"上一?年度?结转|结转上一?年度?|上年度?未办结")
_CARRIED_OVER = re.compile(
    r"结转(?:至|到)?下一?年|结转至\d{4}年|顺延(?:至|到)下一?年|转入下一?年|下一?年度?继续办理"
)
_NO_CARRY = re.compile(r"(?:无|没有)(?:下一?年度?)?结转")
_RECEIVED = re.compile(r"收到|受理|新收|接收|接到|办理")
_DONE = re.compile(r"办结|答复|办理完毕|处理完毕")

T3_TOPICS = {
    "received": "收到申请数",
    "carried_in": "上年结转数",
    "done": "办结数",
    "carried_over": "结转下年度数",
    "三.一": "予以公开数",
    "三.二": "部分公开数",
    "三.三": "不予公开数",
    "三.四": "无法提供数",
    "三.五": "不予处理数",
    "三.六": "其他处理数",
    "三.一+三.二": "予以公开及部分公开数",
}


_COUNT_RE = re.compile(_COUNT)


def _first_count(clause: str, after: int = 0) -> int | None:
    m = _COUNT_RE.search(clause, after)
    return int(m.group(1)) if m else None


@lru_cache(maxsize=65536)
def _t3_clause(clause: str) -> tuple[str, int] | None:
    """(topic, value) of one clause of an application sentence, or None."""
    if _NOT_APPLICATIONS.search(_PETITION_OFFICE.sub("", clause)):
        return None
    words = _OUTCOME.findall(clause)
    if words:
        m = _OUTCOME.search(clause)
        value = _first_count(clause, m.end())
        if value is None or not re.search(
            "^(?:" + m.group(0) + r")[^\d]{0,8}?\d+件", clause[m.start() :]
        ):
            return None
        groups = sorted({_OUTCOME_GROUP[w] for w in words})
        if len(groups) > 2:
            return None
        return "+".join(groups), value
    if _NO_CARRY.search(clause):
        return "carried_over", 0
    for pattern, topic in ((_CARRIED_IN, "carried_in"), (_CARRIED_OVER, "carried_over")):
        if pattern.search(clause):
            value = _first_count(clause)
            return (topic, value) if value is not None else None
    if (m := _RECEIVED.search(clause)) and "申请" in clause:
        value = _first_count(clause, m.end())
        return ("received", value) if value is not None else None
    if m := _DONE.search(clause):
        value = _first_count(clause, m.end())
        return ("done", value) if value is not None else None
    return None


def t3_quotes(report: CanonicalReport) -> list[Quote]:
    """Application counts the text of parts 一 and 三 states (see the module contract)."""
    quotes: list[Quote] = []
    for name, text in _parts(report, "一三"):
        for sentence in sentences(text):
            if "申请" not in sentence:
                continue
            for clause in clauses(sentence):
                if found := _t3_clause(clause):
                    quotes.append(Quote(found[0], found[1], clause, name))
    return quotes


# 表四 ----------------------------------------------------------------------

_CASE_TOTAL = re.compile(
    r"行政(复议|诉讼)(?:案件|申请)?(?:共计|共|总计|合计)?[^\d,;、。]{0,4}?(\d+)(?:件|起|宗)"
)
_CASE_ITEM = re.compile(
    r"(结果维持|结果纠正|其他结果|尚未审结|维持|纠正)[^\d,;、。]{0,3}?(\d+)(?:件|起|宗)"
)
_ITEM_NAMES = {
    "结果维持": "维持",
    "维持": "维持",
    "结果纠正": "纠正",
    "纠正": "纠正",
    "其他结果": "其他",
    "尚未审结": "未结",
}


def t4_quotes(report: CanonicalReport) -> list[Quote]:
    """复议/诉讼 counts (topics `复议`, `诉讼`, `复议.维持` …) of parts 一 and 四.

    An outcome count belongs to the last 复议/诉讼 total before it in the same sentence.
    """
    quotes: list[Quote] = []
    for name, text in _parts(report, "一四"):
        for sentence in sentences(text):
            events = [(m.start(), "total", m) for m in _CASE_TOTAL.finditer(sentence)]
            events += [(m.start(), "item", m) for m in _CASE_ITEM.finditer(sentence)]
            group = None
            for _, kind, m in sorted(events, key=lambda e: e[0]):
                if kind == "total":
                    group = m.group(1)
                    quotes.append(Quote(group, int(m.group(2)), m.group(0), name))
                elif group is not None:
                    topic = f"{group}.{_ITEM_NAMES[m.group(1)]}"
                    quotes.append(Quote(topic, int(m.group(2)), m.group(0), name))
    return quotes


# 表二 ----------------------------------------------------------------------

_T2_DOC = re.compile(r"(规章(?!制度)|规范性文件)[^\d,;、。]{0,8}?(\d+)件")
_T2_SKIP = re.compile(r"清理|累计|历年|以来")
_T2_VERBS = (
    (re.compile(r"现行有效"), 2),
    (re.compile(r"废止|失效"), 1),
    (re.compile(r"制发|制定|出台|印发|新增|发布"), 0),
)
T2_COLUMN_NAMES = ("本年制发件数", "本年废止件数", "现行有效件数")


def t2_quotes(report: CanonicalReport) -> list[Quote]:
    """规章/行政规范性文件 counts of part 一; topic `规章.0` … `行政规范性文件.2`."""
    quotes: list[Quote] = []
    for name, text in _parts(report, "一"):
        for sentence in sentences(text):
            for clause in clauses(sentence):
                if _T2_SKIP.search(clause) or not (m := _T2_DOC.search(clause)):
                    continue
                row = "规章" if m.group(1) == "规章" else "行政规范性文件"
                column = next((i for p, i in _T2_VERBS if p.search(clause[: m.end()])), None)
                if column is not None:
                    quotes.append(Quote(f"{row}.{column}", int(m.group(2)), clause, name))
    return quotes


# Negations -----------------------------------------------------------------

_NEG = r"(?:未|没有|无|未曾)(?:发生|出现|收到|接到|接收|产生|涉及|受理|被|因|有)"
_NO_APPLICATION = re.compile(_NEG + r"[^,;。]{0,20}?申请|申请(?:数量?)?(?:均)?为(?:0|零)件?")
_NO_CASE = re.compile(_NEG + r"[^;。]{0,40}?(?:复议|诉讼)")
_TABLE_WORDS = re.compile(r"审结|维持|纠正|直接起诉|复议后")


def zero_statements(report: CanonicalReport) -> list[Quote]:
    """Sentences denying applications (`applications`) or cases (`复议`, `诉讼`)."""
    quotes: list[Quote] = []
    for name, text in _parts(report, "一三四"):
        for sentence in sentences(text):
            for clause in re.split(r"[;!?；]", sentence):
                if _TABLE_WORDS.search(clause):
                    continue
                if m := _NO_CASE.search(clause):
                    tail = clause[m.start() :]
                    for topic in ("复议", "诉讼"):
                        if topic in tail:
                            quotes.append(Quote(topic, 0, clause, name))
                elif _NO_APPLICATION.search(clause):
                    quotes.append(Quote("applications", 0, clause, name))
    return quotes
