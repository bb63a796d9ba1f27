"""Meta-tests of the registry: every rule is complete, ids are unique and written once."""

from __future__ import annotations

import re
import string
from types import SimpleNamespace

import pytest

from expectations import registry
from expectations.errors import RuleDefinitionError
from expectations.registry import all_rules, get_rule
from models.finding import SEVERITIES

CJK = re.compile(r"[\u4e00-\u9fff]")
FOUNDATION = {
    "FMT-VERSION",
    "FMT-SECTIONS",
    "FMT-TABLES",
    "CELL-INT",
    "T3-COLSUM",
    "T3-RESULTSUM",
    "T3-BALANCE",
    "T4-TOTAL",
}
PUBLICATION = {"PUB-DEADLINE", "PUB-MISSING", "PUB-CHANGED"}
# The rest of RULES.md §4.1 (issue 5). Not here: PUB-COLUMN (not implemented yet) and
# TRACK-FIX (a process, models/lifecycle.py, not a check).
CATALOG = {
    "FMT-LABEL",
    "FMT-PERIOD",
    "FMT-STALE-YEAR",
    "CELL-BLANK",
    "T3-CARRY-XYEAR",
    "T3-FEE-ROW",
    "T2-VALID-XYEAR",
    "T2-REPEAL-BOUND",
    "T2-RULES-AUTH",
    "T2-FEE-UNIT",
    "TXT-T3",
    "TXT-T4",
    "TXT-T2",
    "TXT-ZERO",
    "SEC1-ASPECTS",
    "SEC1-GOV-EVAL",
    "SEC5-RECTIFY",
    "SEC5-BOILERPLATE",
    "SEC6-FEE",
    "SIM-PREV-YEAR",
    "SIM-PEER",
    "SIM-SAME-NUMBERS",
}


def test_ids_are_unique_and_well_formed():
    ids = [rule.id for rule in all_rules()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)+", i) for i in ids)
    assert set(ids) == FOUNDATION | PUBLICATION | CATALOG


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_rule_is_complete(rule):
    assert rule.severity in SEVERITIES
    assert CJK.search(rule.title_zh) and CJK.search(rule.basis) and CJK.search(rule.formula_zh)
    assert rule.messages
    for template in rule.messages.values():
        assert CJK.search(template)
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert names, f"{rule.id}: a message without placeholders says nothing specific"
    checks = rule.checks()
    assert checks
    for check in checks:
        assert check.type.startswith("expect_")
        assert check.severity in (None, *SEVERITIES)
        assert "rule" not in check.where and "severity" not in check.where


def test_get_rule():
    assert get_rule("T3-BALANCE").id == "T3-BALANCE"
    with pytest.raises(RuleDefinitionError):
        get_rule("NO-SUCH-RULE")


def test_duplicate_ids_are_refused(monkeypatch):
    rule = get_rule("T4-TOTAL")
    monkeypatch.setattr(registry, "RULE_MODULES", (SimpleNamespace(RULES=(rule, rule)),))
    with pytest.raises(RuleDefinitionError, match="T4-TOTAL"):
        all_rules()


def test_rule_ids_are_written_once():
    """The id literal appears in its rule module only (suites and findings derive it)."""
    from pathlib import Path

    package = Path(registry.__file__).parent
    sources = {p: p.read_text(encoding="utf-8") for p in package.rglob("*.py")}
    for rule in all_rules():
        holders = [p.name for p, text in sources.items() if f'"{rule.id}"' in text]
        assert len(holders) == 1, (rule.id, holders)


def test_check_order_follows_rules_md():
    ids = [rule.id for rule in all_rules()]
    assert ids.index("T3-COLSUM") < ids.index("T3-RESULTSUM") < ids.index("T3-BALANCE")
