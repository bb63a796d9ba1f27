"""The rule registry: every statutory rule of the check stage, in check order.

The registry lists its rule modules explicitly (no discovery, no mutable global);
`all_rules()` fails on a duplicate id. Order: structure, cells, then the table
arithmetic in the order of RULES.md §8, cross-year, text against tables (TXT-*),
part contents (SEC*), similarity (SIM-*), then publication (PUB-*).
"""

from __future__ import annotations

from collections import Counter

from .errors import RuleDefinitionError
from .rule import Check, Failure, Rule
from .rules import (
    cells,
    crossyear,
    formatting,
    publication,
    quality,
    sections,
    similarity,
    structure,
    tables,
    text,
)

__all__ = ["Check", "Failure", "Rule", "RULE_MODULES", "all_rules", "get_rule"]

RULE_MODULES = (
    structure,
    formatting,
    cells,
    quality,
    tables,
    crossyear,
    text,
    sections,
    similarity,
    publication,
)


def all_rules() -> tuple[Rule, ...]:
    """Every registered rule, in check order (built once per set of rule modules)."""
    sources = [module.RULES for module in RULE_MODULES]
    cached = _ALL.get("sources", [])
    if len(cached) != len(sources) or any(a is not b for a, b in zip(cached, sources, strict=True)):
        rules = tuple(rule for module in RULE_MODULES for rule in module.RULES)
        counts = Counter(rule.id for rule in rules)
        if duplicates := sorted(i for i, n in counts.items() if n > 1):
            raise RuleDefinitionError(f"duplicate rule ids: {', '.join(duplicates)}")
        _ALL.update(sources=sources, rules=rules)  # held: identity stays meaningful
    return _ALL["rules"]


_ALL: dict = {}


def get_rule(rule_id: str) -> Rule:
    """The rule with this id; RuleDefinitionError if none is registered."""
    for rule in all_rules():
        if rule.id == rule_id:
            return rule
    raise RuleDefinitionError(f"no rule {rule_id!r} is registered")
