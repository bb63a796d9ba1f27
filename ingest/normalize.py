"""Text normalisation before matching labels (RULES.md §8)."""

from __future__ import annotations

import re
import unicodedata

_PAGE_NUMBER = re.compile(r"^[ \t]*[-－—–]\s*\d{1,3}\s*[-－—–][ \t]*$", re.M)
_QUOTE_PAIRS = (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"), ("〔", "["), ("〕", "]"))
# PDF fonts often print ideographs as CJK radicals; NFKC maps the Kangxi block but
# not these supplement forms.
_HAS_RADICAL = re.compile("[\u2e80-\u2eff]")
_RADICALS = str.maketrans("⺠⻚⻓⻅⻋⻔⻛⻝⻩⻆⻜⻢⻘⻬⻄", "民页长见车门风食黄角飞马青齐西")
# Full-width ASCII (！…～) and the ideographic space: NFKC maps each to one ASCII
# character. Replacing the ones present first leaves text that passes NFKC's quick check,
# so `unicodedata.normalize` returns at once instead of decomposing every character
# (~1 ms on a report). The result is the same.
_FULL_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "}


def normalize(text: str) -> str:
    """NFKC (full-width brackets, digits, ideographic spaces), unified quotes, no page numbers."""
    if _HAS_RADICAL.search(text):
        text = text.translate(_RADICALS)
    for wide in _FULL_WIDTH.keys() & set(text):
        text = text.replace(wide, _FULL_WIDTH[wide])
    text = unicodedata.normalize("NFKC", text)
    for a, b in _QUOTE_PAIRS:  # str.replace is much faster than translate with a dict
        if a in text:
            text = text.replace(a, b)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    return _PAGE_NUMBER.sub("", text)


def loose(word: str) -> str:
    """A regex matching `word` with any whitespace between its characters."""
    return r"\s*".join(re.escape(ch) for ch in word if not ch.isspace())


def squash(text: str) -> str:
    """Text without whitespace, for label comparison."""
    return re.sub(r"\s+", "", text)
