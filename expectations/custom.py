"""Custom GX expectations for the statutory arithmetic. Imports great_expectations: import lazily.

- `ExpectMulticolumnLinearIdentity`: per row, `|Σ coefficients[i] · column_list[i]| ≤ tolerance`
  (`a + b = c + d` is coefficients `[1, 1, -1, -1]`). A row with any null in its columns
  is not applicable (skipped, counted as missing, never unexpected).
- `ExpectMulticolumnValuesToBeNonNegativeIntegers`: per row, every non-null value of the
  columns is an integer ≥ 0; nulls are skipped cell by cell.

Both work on pandas and on SQLAlchemy engines (SQLite, PostgreSQL). Importing this module
registers them with GX (snake-case types `expect_multicolumn_linear_identity`,
`expect_multicolumn_values_to_be_non_negative_integers`).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from great_expectations.compatibility import pydantic
from great_expectations.compatibility.sqlalchemy import sqlalchemy as sa
from great_expectations.execution_engine import PandasExecutionEngine, SqlAlchemyExecutionEngine
from great_expectations.expectations.expectation import MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    MulticolumnMapMetricProvider,
)
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (  # noqa: E501
    multicolumn_condition_partial,
)

# Float noise guard for sums of published integers stored as float64.
EPSILON = 1e-9


class MulticolumnLinearIdentity(MulticolumnMapMetricProvider):
    """Row condition: |Σ kᵢ·xᵢ| ≤ tolerance."""

    condition_metric_name = "multicolumn_values.linear_identity"
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_list",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )
    condition_value_keys = ("coefficients", "tolerance")

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, coefficients, tolerance=0.0, **kwargs):
        total = column_list.mul(list(coefficients), axis=1).sum(axis=1, skipna=False)
        return total.abs() <= tolerance + EPSILON

    @multicolumn_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column_list, coefficients, tolerance=0.0, **kwargs):
        total = sum(c * k for c, k in zip(column_list, coefficients, strict=True))
        return sa.func.abs(total) <= tolerance + EPSILON


class MulticolumnNonNegativeIntegers(MulticolumnMapMetricProvider):
    """Row condition: every non-null value is an integer ≥ 0."""

    condition_metric_name = "multicolumn_values.non_negative_integers"
    condition_domain_keys = MulticolumnLinearIdentity.condition_domain_keys

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, **kwargs):
        values = column_list.astype("float64")
        good = values.isna() | ((values >= 0) & (values == values.round()))
        return good.all(axis=1)

    @multicolumn_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column_list, **kwargs):
        return sa.and_(
            *(
                sa.or_(c.is_(None), sa.and_(c >= 0, sa.cast(c, sa.BigInteger) == c))
                for c in column_list
            )
        )


class ExpectMulticolumnLinearIdentity(MulticolumnMapExpectation):
    """Expect Σ coefficients[i] · column_list[i] = 0 (± tolerance) in every applicable row."""

    coefficients: list[float]
    tolerance: float = 0.0
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = (
        "any_value_is_missing"
    )

    map_metric: ClassVar[str] = MulticolumnLinearIdentity.condition_metric_name
    success_keys: ClassVar[tuple[str, ...]] = ("mostly", "coefficients", "tolerance")
    args_keys: ClassVar[tuple[str, ...]] = ("column_list", "coefficients", "tolerance")

    @pydantic.root_validator(skip_on_failure=True)
    def _one_coefficient_per_column(cls, values):
        columns, coefficients = values.get("column_list"), values.get("coefficients")
        if columns is not None and len(columns) != len(coefficients):
            raise ValueError(
                f"{len(coefficients)} coefficients for {len(columns)} columns in a linear identity"
            )
        return values


class ExpectMulticolumnValuesToBeNonNegativeIntegers(MulticolumnMapExpectation):
    """Expect every non-null value of the columns to be an integer ≥ 0."""

    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = (
        "all_values_are_missing"
    )

    map_metric: ClassVar[str] = MulticolumnNonNegativeIntegers.condition_metric_name
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)
    args_keys: ClassVar[tuple[str, ...]] = ("column_list",)
