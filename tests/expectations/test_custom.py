"""The custom GX expectations on pandas and on SQL (SQLAlchemy execution engine): a SQLite
file, or the PostgreSQL server of `NIANBAO_TEST_DATABASE_URL`."""

from __future__ import annotations

import math

import pandas as pd
import pytest

FRAME = pd.DataFrame(
    {
        "report_id": ["ok", "bad", "null", "frac", "neg"],
        "a": [1.0, 2.0, None, 1.5, -1.0],
        "b": [2.0, 2.0, 5.0, 1.5, 2.0],
        "total": [3.0, 5.0, 5.0, 3.0, 1.0],
    }
)


@pytest.fixture(scope="module")
def gx_run(checker, tmp_path_factory, new_database_url, gx_sql_source):
    """run(expectations, engine) -> [(success, failing ids)] through a fresh GX context."""
    import great_expectations as gx
    import sqlalchemy as sa
    from great_expectations.data_context.types.base import ProgressBarsConfig

    url = new_database_url(tmp_path_factory.mktemp("gx"))
    engine = sa.create_engine(url)
    FRAME.to_sql("batch", engine, index=False)
    engine.dispose()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    pandas_batch = (
        context.data_sources.add_pandas("p")
        .add_dataframe_asset("a")
        .add_batch_definition_whole_dataframe("b")
    )
    sql_batch = (
        gx_sql_source(context, "s", url)
        .add_table_asset("a", table_name="batch")
        .add_batch_definition_whole_table("b")
    )
    runs = {"n": 0}

    def run(expectations, engine):
        runs["n"] += 1
        suite = context.suites.add(
            gx.ExpectationSuite(name=f"s{runs['n']}", expectations=expectations)
        )
        batch = pandas_batch if engine == "pandas" else sql_batch
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"v{runs['n']}", data=batch, suite=suite)
        )
        params = {"dataframe": FRAME} if engine == "pandas" else None
        result = definition.run(
            batch_parameters=params,
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": ["report_id"],
            },
        ).to_json_dict()
        return [
            (
                r["success"],
                sorted(row["report_id"] for row in r["result"].get("unexpected_index_list", [])),
            )
            for r in result["results"]
        ]

    return run


@pytest.mark.parametrize("engine", ["pandas", "sql"])
def test_linear_identity(gx_run, engine):
    from expectations.custom import ExpectMulticolumnLinearIdentity

    results = gx_run(
        [
            ExpectMulticolumnLinearIdentity(
                column_list=["total", "a", "b"], coefficients=[1, -1, -1]
            ),
            ExpectMulticolumnLinearIdentity(
                column_list=["total", "a", "b"], coefficients=[1, -1, -1], tolerance=2
            ),
        ],
        engine,
    )
    # "null" has a null cell: not applicable, never unexpected
    assert results == [(False, ["bad"]), (True, [])]


@pytest.mark.parametrize("engine", ["pandas", "sql"])
def test_non_negative_integers(gx_run, engine):
    from expectations.custom import ExpectMulticolumnValuesToBeNonNegativeIntegers

    results = gx_run(
        [ExpectMulticolumnValuesToBeNonNegativeIntegers(column_list=["a", "b"])], engine
    )
    assert results == [(False, ["frac", "neg"])]


def test_one_coefficient_per_column():
    from expectations.custom import ExpectMulticolumnLinearIdentity

    with pytest.raises(ValueError):
        ExpectMulticolumnLinearIdentity(column_list=["a", "b"], coefficients=[1])


def test_defaults_serialise_into_the_suite():
    from expectations.custom import ExpectMulticolumnLinearIdentity

    config = ExpectMulticolumnLinearIdentity(
        column_list=["a", "b"], coefficients=[1, -1]
    ).configuration
    assert config.type == "expect_multicolumn_linear_identity"
    assert config.kwargs["coefficients"] == [1, -1]
    assert not math.isnan(config.kwargs.get("tolerance", 0.0))
