"""The suite generated from the registry, its exported JSON, and its portability to SQL."""

from __future__ import annotations

import json

from expectations.registry import all_rules
from expectations.suite import (
    GX_SEVERITY,
    SUITES_DIR,
    build_suite,
    export_suites,
    suite_json,
    suite_text,
)


def test_exported_suite_is_up_to_date():
    """Regenerate with `python -m expectations.suite` when this fails."""
    assert (SUITES_DIR / "nianbao.json").read_text(encoding="utf-8") == suite_text()


def test_export_writes_the_suite(tmp_path):
    (path,) = export_suites(tmp_path)
    assert json.loads(path.read_text(encoding="utf-8")) == suite_json()


def test_every_expectation_carries_its_rule(checker):
    rules = {rule.id: rule for rule in all_rules()}
    seen = set()
    for expectation in suite_json()["expectations"]:
        meta = expectation["meta"]
        rule = rules[meta["rule"]]
        seen.add(rule.id)
        assert expectation["severity"] == GX_SEVERITY[meta["severity"]]
        conditioned = rule.formats is not None or rule.since is not None
        assert ("row_condition" in expectation["kwargs"]) == conditioned, rule.id
    assert seen == set(rules)


def test_exported_json_loads_back_into_gx(checker):
    import great_expectations as gx

    data = json.loads((SUITES_DIR / "nianbao.json").read_text(encoding="utf-8"))
    suite = gx.ExpectationSuite(**data)
    assert len(suite.expectations) == len(build_suite().expectations)


def test_suite_runs_on_sql_like_on_pandas(corpus_check, checker, database_url, gx_sql_source):
    """The same suite over the corpus in a SQL table (SQLite, or the PostgreSQL test
    server) gives the same findings."""
    import great_expectations as gx
    import sqlalchemy as sa
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from expectations.features import build_frame
    from expectations.validate import RESULT_FORMAT

    reports, findings = corpus_check
    ids = [report.file for report in reports]
    engine = sa.create_engine(database_url)
    build_frame(reports, ids).to_sql("reports", engine, index=False)
    engine.dispose()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        gx_sql_source(context, "s", database_url)
        .add_table_asset("reports", table_name="reports")
        .add_batch_definition_whole_table("b")
    )
    suite = context.suites.add(build_suite())
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name="sql", data=batch, suite=suite)
    )
    results = definition.run(result_format=RESULT_FORMAT).to_json_dict()["results"]
    assert checker.explain(results, reports, ids) == findings
    assert findings  # the corpus has real errors
