"""GX expectation suite generated from the registry; its exported JSON.

Contract:
- one expectation per `Check` of every rule, in registry order; `meta` is
  `{"rule": id, "severity": ..., **location}` and GX's own `severity` mirrors ours;
- a rule's formats/years become the expectation's `row_condition`
  (`format IN (...)`, `year >= since`), so a row outside them is not checked;
- an expectation GX refuses to build raises CheckSetupError;
- `export_suites()` writes `expectations/suites/nianbao.json` (ids stripped, so the file
  only changes when the registry does); run `python -m expectations.suite` after
  changing a rule. A test keeps the file up to date.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from .errors import CheckSetupError
from .registry import all_rules
from .rule import Rule

SUITE_NAME = "nianbao"
SUITES_DIR = Path(__file__).parent / "suites"
GX_SEVERITY = {"error": "critical", "warning": "warning", "info": "info"}


def _row_condition(rule: Rule):
    from great_expectations.expectations.row_conditions import Column

    conditions = []
    if rule.formats is not None:
        conditions.append(Column("format").is_in(list(rule.formats)))
    if rule.since is not None:
        conditions.append(Column("year") >= rule.since)
    if not conditions:
        return None
    condition = conditions[0]
    for other in conditions[1:]:
        condition = condition & other
    return condition


def build_expectations(rules: Sequence[Rule] | None = None) -> list:
    """GX expectation objects of the rules (all registered rules by default)."""
    from great_expectations.expectations.registry import get_expectation_impl

    from . import custom  # noqa: F401  (registers the custom expectation types)

    expectations = []
    for rule in all_rules() if rules is None else rules:
        condition = _row_condition(rule)
        for check in rule.checks():
            severity = check.severity or rule.severity
            kwargs = dict(check.kwargs)
            if condition is not None:
                kwargs["row_condition"] = condition
            try:
                expectation = get_expectation_impl(check.type)(
                    **kwargs,
                    meta={"rule": rule.id, "severity": severity, **check.where},
                    severity=GX_SEVERITY[severity],
                )
            except Exception as exc:  # GX raises many types: all mean "cannot check"
                raise CheckSetupError(f"{rule.id}: cannot build {check.type}: {exc}") from exc
            expectations.append(expectation)
    return expectations


def build_suite(rules: Sequence[Rule] | None = None, name: str = SUITE_NAME):
    """A GX ExpectationSuite of the rules (all registered rules by default)."""
    import great_expectations as gx

    return gx.ExpectationSuite(name=name, expectations=build_expectations(rules))


def _strip_ids(value):
    if isinstance(value, dict):
        return {k: _strip_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_strip_ids(v) for v in value]
    return value


def suite_json(rules: Sequence[Rule] | None = None) -> dict:
    """The suite as GX JSON, without the random ids."""
    return _strip_ids(build_suite(rules).to_json_dict())


def suite_text(rules: Sequence[Rule] | None = None) -> str:
    """The exported file's content."""
    return json.dumps(suite_json(rules), ensure_ascii=False, indent=2) + "\n"


def export_suites(directory: Path = SUITES_DIR) -> list[Path]:
    """Write the suite JSON under `directory`; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{SUITE_NAME}.json"
    path.write_text(suite_text(), encoding="utf-8")
    return [path]


if __name__ == "__main__":
    for written in export_suites():
        print(written)
