"""The narrative compared by the SIM rules: parts 一 and 五, masked.

Contract of `narrative(report, parts)`:
- the parts' texts without their printed headings, whitespace removed;
- the standard sentences excluded (`STANDARD`: the report's statutory preamble formula
  "本报告根据…编制", the 统计期限 and 电子版/联系方式 sentences), so shared wording
  required of everyone does not count as copying;
- `mask`: every run of digits (Arabic or Chinese numerals before 年) becomes one `#`,
  so a report copied with only its numbers and years changed is still identical.
"""

from __future__ import annotations

import re
from functools import lru_cache

from models.canonical import CanonicalReport

_YEAR_CN = re.compile(r"[〇零○一二三四五六七八九]{4}年")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
STANDARD = re.compile(
    r"本(?:年度)?报告(?:是)?(?:根据|依据|按照)|统计期限|(?:报告|本报告)?电子版|"
    r"如对本(?:年度)?报告有(?:任何)?疑问|联系(?:人|方式|电话)|附件下载"
)
_SENTENCE = re.compile(r"(?<=[。;；!?！？])")
# Every STANDARD match contains one of these: a substring test first is ~10x cheaper.
_STANDARD_WORDS = ("报告", "统计期限", "电子版", "联系", "附件下载")


def _standard(sentence: str) -> bool:
    return any(w in sentence for w in _STANDARD_WORDS) and bool(STANDARD.search(sentence))


@lru_cache(maxsize=65536)
def mask(text: str) -> str:
    """Numbers and years replaced by `#`; whitespace removed."""
    text = re.sub(r"\s+", "", text)
    return _DIGITS.sub("#", _YEAR_CN.sub("#年", text))


_HEADING = re.compile(r"^\s*[一二三四五六]\s*[、.][^\d,。:;\n]{0,24}?(?:情况|措施|计划|概述)")


def part_text(report: CanonicalReport, part: str) -> str:
    """One part's text without its heading (the heading line may run into the body)."""
    return _HEADING.sub("", report.sections.get(part, ""), count=1)


@lru_cache(maxsize=8192)
def sentences(text: str) -> tuple[str, ...]:
    """Squashed sentences (ending at 。; ! ?), standard ones excluded."""
    squashed = re.sub(r"\s+", "", text)
    return tuple(s for s in _SENTENCE.split(squashed) if s and not _standard(s))


def narrative(report: CanonicalReport, parts: str = "一五") -> str:
    """The masked text the SIM rules compare (see the module contract)."""
    return mask("".join(s for p in parts for s in sentences(part_text(report, p))))
