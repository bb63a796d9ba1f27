"""The real reports a synthetic province is built from (the bundled sample province).

Contract of `load_bases(folder)` (cached per folder):
- every 2021-format report under `<folder>/reports/<year>/` is parsed once (`parse_file`);
  its 表二/表三/表四 are the base of the numbers (`Base.report`);
- its parts 一 and 五 are cut into sentences; a sentence is kept for the pools when it
  states nothing a rule compares with the tables or the year: no count in 件/起/宗/人次,
  no negation near applications, cases or fees, no year other than the report's, no number at
  all next to 申请/复议/诉讼/规章/规范性文件, no date, not a standard sentence (本报告…,
  统计期限…); the report's year becomes `{Y}` and its agency and place names `{机关}`,
  `{地方}` (filled in for each synthetic report);
- part 一 sentences are filed by the aspects they name (`expectations.rules.sections.
  ASPECTS`), part 五 sentences as problems or measures; stock phrases are counted with
  `sections.GENERIC` so a part 五 built from them is not boilerplate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from models.canonical import CanonicalReport

SAMPLE = Path(__file__).resolve().parents[2] / "sample" / "province"

_SENTENCE = re.compile(r"(?<=[。！？；])")
_COUNTED = re.compile(r"\d+(?:\.\d+)?\s*(?:件|起|宗|人次|个申请)")
_NEGATION = re.compile(r"(?:未|没有|无|不存在|零)[^。]{0,30}?(?:申请|复议|诉讼|收费|处理费)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_DATE = re.compile(r"\d+\s*月\s*\d+\s*日|\d{4}[-/.]\d{1,2}")
_TOPIC_NUMBER = re.compile(
    r"(申请|复议|诉讼|规章|规范性文件|收费|处理费)[^。]{0,12}\d|\d[^。]{0,6}(申请|复议|诉讼)"
)
_STANDARD = re.compile(r"本报告|统计期限|电子版|联系电话|联系方式|邮编|网址|www\.|http")
_ENUM = re.compile(
    r"^\s*(?:[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[.、．])\s*"
)
_HEADING_ONLY = re.compile(r"^[^，,。]{0,24}(?:方面|情况|工作)?[。；]?$")
_PROBLEM = re.compile(r"问题|不足|差距|短板|薄弱|不够|有待|欠缺|滞后")
# Place names the sample reports use for themselves.
_PLACES = ("平潭综合实验区", "平潭", "实验区", "淮安市", "淮安", "洪泽区", "洪泽")


@dataclass(frozen=True)
class Base:
    """One real report: its numbers (values as parsed) and where it came from."""

    path: Path
    report: CanonicalReport


@dataclass
class Pools:
    """Sentences with `{Y}`, `{机关}`, `{地方}` placeholders, by where they may go."""

    aspects: dict[str, list[str]] = field(default_factory=dict)  # part 一, by aspect
    opening: list[str] = field(default_factory=list)  # part 一, general
    problems: list[str] = field(default_factory=list)  # part 五
    measures: list[str] = field(default_factory=list)  # part 五


@dataclass(frozen=True)
class Bases:
    reports: tuple[Base, ...]
    pools: Pools


def sentences(text: str) -> list[str]:
    """A part's text cut after 。！？；, whitespace removed."""
    flat = re.sub(r"\s+", "", text)
    return [s for s in _SENTENCE.split(flat) if s]


def template(sentence: str, year: int, names: tuple[str, ...]) -> str | None:
    """The sentence with placeholders, or None when it may not be reused (see contract)."""
    s = _ENUM.sub("", sentence)
    if len(s) < 16 or len(s) > 180 or _HEADING_ONLY.match(s):
        return None
    if _COUNTED.search(s) or _NEGATION.search(s) or _DATE.search(s) or _STANDARD.search(s):
        return None
    if _TOPIC_NUMBER.search(s):
        return None
    if any(int(y) != year for y in _YEAR.findall(s)):
        return None
    s = s.replace(f"{year}年", "{Y}年")
    if _YEAR.search(s):
        return None
    for name in sorted(names, key=len, reverse=True):
        s = s.replace(name, "{机关}")
    for place in _PLACES:
        s = s.replace(place, "{地方}")
    if not s.endswith(("。", "；", "！")):
        s += "。"
    return s[:-1] + "。" if s.endswith("；") else s


def _body(report: CanonicalReport, part: str) -> str:
    text = report.sections.get(part, "")
    heading = report.headings.get(part, "")
    flat = re.sub(r"\s+", "", text)
    head = re.sub(r"\s+", "", heading)
    return flat[len(head) :] if head and flat.startswith(head) else flat


@lru_cache(maxsize=4)
def load_bases(folder: Path = SAMPLE) -> Bases:
    """The sample province's 2021-format reports and sentence pools (see the contract)."""
    from expectations.rules.sections import ASPECTS, GENERIC
    from ingest.errors import IngestError
    from ingest.parser import parse_file
    from ingest.registry import load_registry

    registry = {a.agency_id: a for a in load_registry(Path(folder) / "registry.csv")}
    bases: list[Base] = []
    pools = Pools(aspects={a: [] for a in ASPECTS})
    seen: set[str] = set()
    for path in sorted((Path(folder) / "reports").glob("*/*")):
        try:
            report = parse_file(path)
        except IngestError:
            continue
        if report.format != "2021" or not report.t3 or not report.t4 or not report.year:
            continue
        bases.append(Base(path, report))
        agency = registry.get(path.stem)
        names = tuple(
            n
            for n in (
                report.agency,
                agency.name if agency else None,
                *(agency.aliases if agency else ()),
            )
            if n
        )
        for part in ("一", "五"):
            for raw in sentences(_body(report, part)):
                s = template(raw, report.year, names)
                if s is None or s in seen:
                    continue
                seen.add(s)
                if len(GENERIC.findall(s)) * 100 / len(s) >= 2.0:
                    continue  # stock phrases: part 五 would read as boilerplate
                if part == "五":
                    (pools.problems if _PROBLEM.search(s) else pools.measures).append(s)
                    continue
                hits = [a for a, pattern in ASPECTS.items() if pattern.search(s)]
                for a in hits:
                    pools.aspects[a].append(s)
                if not hits:
                    pools.opening.append(s)
    if not bases:
        raise FileNotFoundError(f"{folder} 中没有 2021 年格式的年度报告")
    return Bases(tuple(bases), pools)
