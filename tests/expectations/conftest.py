"""Shared fixtures: the hand-checked truth corpus and one GX checker per session.

`import great_expectations` (~5 s) and the context are paid once; tests that need
several reports checked put them in one batch (`check` below), as production does.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from models.canonical import CanonicalReport

TRUTH_DIR = Path(__file__).parents[1] / "fixtures/corpus/truth"


def report_from_truth(truth: dict) -> CanonicalReport:
    """The canonical report a truth file describes (values as published)."""
    return CanonicalReport(
        file=truth["file"],
        agency=truth.get("agency"),
        year=truth["year"],
        format=truth["format"],
        sections_present=list(truth["sections_present"]),
        published_date=truth["published_date"],
        t2=copy.deepcopy(truth["t2"]),
        t3=copy.deepcopy(truth["t3"]),
        t4=copy.deepcopy(truth["t4"]),
    )


@pytest.fixture(scope="session")
def truths() -> dict[str, dict]:
    """Truth files by file name (the batch's report ids)."""
    return {
        p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(TRUTH_DIR.glob("*.json"))
    }


@pytest.fixture(scope="session")
def truth_report(truths):
    """`truth_report(name)`: a fresh CanonicalReport of that truth file."""
    return lambda name: report_from_truth(truths[name])


@pytest.fixture(scope="session")
def checker():
    from expectations.validate import Checker

    return Checker()


@pytest.fixture(scope="session")
def corpus_check(truths, checker):
    """(reports, findings) of one `check_reports` over every truth report (ids: file names)."""
    from expectations.validate import check_reports

    reports = [report_from_truth(truth) for truth in truths.values()]
    return reports, check_reports(reports, checker=checker)


@pytest.fixture(scope="session")
def corpus_findings(truths, corpus_check):
    """The corpus findings grouped by truth file name."""
    name_of = {truth["file"]: name for name, truth in truths.items()}
    by_name: dict[str, list] = {name: [] for name in truths}
    for finding in corpus_check[1]:
        by_name[name_of[finding.report_id]].append(finding)
    return by_name


@pytest.fixture(scope="session")
def gx_sql_source():
    """`gx_sql_source(context, name, url)`: a GX data source on the test database URL
    (SQLite file or the `NIANBAO_TEST_DATABASE_URL` server), for the SQL execution engine."""

    def add(context, name: str, url: str):
        if url.startswith("sqlite"):
            return context.data_sources.add_sqlite(name, connection_string=url)
        if url.startswith("postgresql"):
            return context.data_sources.add_postgres(name, connection_string=url)
        return context.data_sources.add_sql(name, connection_string=url)

    return add
