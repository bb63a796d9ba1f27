"""Aligned passages two narratives share: the evidence of a SIM finding.

`aligned_passages(a, b)` aligns the two texts' sentence lists (masked: numbers and
years do not break a match) with difflib and returns the longest runs of matching
sentences as (text in a, text in b) pairs, as printed, longest first.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from .text import mask, sentences

LIMIT = 3
MAX_CHARS = 160


def _clip(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


def aligned_passages(a: str, b: str, limit: int = LIMIT) -> list[tuple[str, str]]:
    """Up to `limit` runs of sentences of `a` that `b` repeats (masked), longest first."""
    sa, sb = sentences(a), sentences(b)
    matcher = SequenceMatcher(None, [mask(s) for s in sa], [mask(s) for s in sb], autojunk=False)
    blocks = [m for m in matcher.get_matching_blocks() if m.size]
    blocks.sort(key=lambda m: -sum(len(s) for s in sa[m.a : m.a + m.size]))
    return [
        (_clip("".join(sa[m.a : m.a + m.size])), _clip("".join(sb[m.b : m.b + m.size])))
        for m in blocks[:limit]
    ]


def passages_text(pairs: list[tuple[str, str]], this: str, other: str) -> str:
    """Evidence lines: 「this」… ⇔ 「other」…"""
    return "\n".join(f"{this}：{a}\n{other}：{b}" for a, b in pairs)
