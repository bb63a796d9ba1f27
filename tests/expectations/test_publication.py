"""PUB-DEADLINE, PUB-MISSING, PUB-CHANGED: one failing and one passing case each."""

from __future__ import annotations

from datetime import date

import pytest

from expectations.deadlines import local_deadline, statutory_deadline
from expectations.registry import all_rules
from models.canonical import CanonicalReport
from models.publication import Publication

BASE = "009_pingtan_zone_2024.json"


def pub(**kw) -> Publication:
    args = dict(
        agency_id="a",
        kind="department",
        year=2024,
        found=True,
        checked_on="2025-06-01",
        published_date="2025-01-20",
        date_source="页面发布日期",
        deadline="2025-01-31",
        versions=1,
        url="http://gov.example/a.html",
    )
    return Publication(**{**args, **kw})


CASES = {
    "on time": (pub(), set()),
    "late by statute": (pub(published_date="2025-02-05"), {("PUB-DEADLINE", "error")}),
    "late by local notice": (
        pub(local_deadline="2025-01-15"),
        {("PUB-DEADLINE", "warning")},
    ),
    "late by both: once, as error": (
        pub(published_date="2025-02-05", local_deadline="2025-01-26"),
        {("PUB-DEADLINE", "error")},
    ),
    "other kind, no deadline configured": (
        pub(kind="other", deadline=None, published_date="2025-06-01"),
        set(),
    ),
    "missing after deadline": (pub(found=False, published_date=None), {("PUB-MISSING", "error")}),
    "missing before deadline": (
        pub(found=False, published_date=None, checked_on="2025-01-15"),
        set(),
    ),
    "missing within grace": (
        pub(found=False, published_date=None, checked_on="2025-02-03", grace_days=7),
        set(),
    ),
    "changed": (pub(versions=2), {("PUB-CHANGED", "info")}),
}


@pytest.fixture(scope="module")
def findings(truth_report, checker):
    reports, pubs = [], []
    for context in (c for c, _ in CASES.values()):
        reports.append(truth_report(BASE) if context.found else CanonicalReport(file="x"))
        pubs.append(context)
    found = {name: set() for name in CASES}
    for f in checker.check(reports, list(CASES), pubs):
        found[f.report_id].add((f.rule, f.severity))
    return found


@pytest.mark.parametrize("name", list(CASES))
def test_case(name, findings):
    assert findings[name] == CASES[name][1]


def test_every_pub_rule_has_a_failing_case():
    produced = {rule for _, expected in CASES.values() for rule, _ in expected}
    assert produced == {r.id for r in all_rules() if r.id.startswith("PUB-")}


def test_without_context_pub_rules_skip(truth_report, checker):
    report = truth_report(BASE)
    assert not [f for f in checker.check([report], ["r"]) if f.rule.startswith("PUB-")]


def test_messages(truth_report, checker):
    report = truth_report(BASE)
    (f,) = [
        f
        for f in checker.check([report], ["r"], [pub(published_date="2025-02-05")])
        if f.rule == "PUB-DEADLINE"
    ]
    assert (
        f.message
        == "2024年度报告于2025-02-05发布，县级以上人民政府部门的法定发布期限为2025-01-31，逾期5天"
    )


def test_statutory_deadlines():
    assert statutory_deadline("department", 2023) == date(2024, 1, 31)
    assert statutory_deadline("government", 2023) == date(2024, 3, 31)
    assert statutory_deadline("department", 2018) == date(2019, 3, 31)
    assert statutory_deadline("other", 2023) is None
    table = {"township": "02-20", "city/department": "01-26", "x1": "01-20"}
    assert local_deadline(table, 2023, "x1", "city", "department") == date(2024, 1, 20)
    assert local_deadline(table, 2023, "x2", "city", "department") == date(2024, 1, 26)
    assert local_deadline(table, 2023, "x3", "township", "other") == date(2024, 2, 20)
    assert local_deadline(table, 2023, "x4", "county", "government") is None
