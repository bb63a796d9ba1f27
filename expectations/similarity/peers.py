"""Most similar report of the same year by another agency, without all-pairs comparison.

Contract of `best_peers(items, threshold)`:
- `items` are (year, agency, masked text) per report; a report with no year or a text
  shorter than `MIN_CHARS` is not compared;
- identical texts are grouped first (score 1.0 with no shingling), so a batch of many
  copies costs one signature per distinct text;
- per year, distinct texts go into an `LSHIndex`; a text's candidates are ranked by their
  signature estimate and the best `VERIFY` are scored by exact Jaccard;
- a peer is a report whose agency is not the same: `key` reduces a name once per report
  (`history.agency_key`), `same` compares two keys (`history.same_key`); inside a group
  of identical texts the first member of each distinct key stands for its agency, so
  many copies by one agency cost one comparison each, not one per pair;
- returns {item index: (peer index, exact score)} for scores ≥ `threshold`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np

from .minhash import LSHIndex, estimate, jaccard, shingles, signature

MIN_CHARS = 200
VERIFY = 3


def best_peers(
    items: Sequence[tuple[int | None, str | None, str]],
    threshold: float,
    key: Callable[[str | None], str],
    same: Callable[[str, str], bool],
    cache: dict[str, np.ndarray] | None = None,
) -> dict[int, tuple[int, float]]:
    """For each item, its most similar other-agency item of the same year (see contract)."""
    # An unnamed report is its own agency (a key no other report has).
    keys = [key(agency) or f"\0{i}" for i, (_, agency, _) in enumerate(items)]
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i, (year, _, text) in enumerate(items):
        if year is not None and len(text) >= MIN_CHARS:
            groups[(year, text)].append(i)
    distinct = list(groups)
    hashes = [shingled(text, cache) for _, text in distinct]
    sigs = [signature(h) for h in hashes]
    indexes: dict[int, LSHIndex] = defaultdict(LSHIndex)
    for d, (year, _) in enumerate(distinct):
        indexes[year].add(d, sigs[d])

    firsts: dict[tuple[int, str], dict[str, int]] = {}  # group -> key -> first member

    def other(i: int, group: tuple[int, str]) -> int | None:
        if group not in firsts:
            firsts[group] = {}
            for j in groups[group]:
                firsts[group].setdefault(keys[j], j)
        ki = keys[i]
        return next((j for k, j in firsts[group].items() if not same(ki, k)), None)

    out: dict[int, tuple[int, float]] = {}
    for d, group in enumerate(distinct):
        members = groups[group]
        ranked = sorted(
            (c for c in indexes[group[0]].candidates(sigs[d]) if c != d),
            key=lambda c: -estimate(sigs[d], sigs[c]),
        )
        scores: dict[int, float] = {}
        for i in members:
            if (j := other(i, group)) is not None:
                out[i] = (j, 1.0)
                continue
            best: tuple[int, float] | None = None
            verified = 0
            for c in ranked:
                if verified == VERIFY:
                    break
                if (j := other(i, distinct[c])) is None:
                    continue
                verified += 1
                if c not in scores:
                    scores[c] = jaccard(hashes[d], hashes[c])
                if scores[c] >= threshold and (best is None or scores[c] > best[1]):
                    best = (j, scores[c])
            if best is not None:
                out[i] = best
    return out


def shingled(text: str, cache: dict[str, np.ndarray] | None) -> np.ndarray:
    """`shingles(text)`, kept in `cache` (a batch's texts are shingled once)."""
    if cache is None:
        return shingles(text)
    if text not in cache:
        cache[text] = shingles(text)
    return cache[text]


def pair_score(a: str, b: str, cache: dict[str, np.ndarray] | None = None) -> float:
    """Exact Jaccard of two masked texts' shingle sets (1.0 when equal)."""
    if a == b:
        return 1.0 if a else 0.0
    return jaccard(shingled(a, cache), shingles(b))
