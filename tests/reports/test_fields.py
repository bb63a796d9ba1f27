"""Every field of every template context is shown by its template (datasette style).

Each field gets a distinctive value (strings, ints, datetimes; nested dataclasses and
lists of them recursively) and the rendered page must contain it. A new field that the
template ignores fails here unless it is listed in EXEMPT with a reason.
"""

from __future__ import annotations

import dataclasses
import itertools
import types
import typing
from datetime import datetime

import pytest

from models.canonical import CanonicalReport
from reports.contexts import (
    AgencySummaryContext,
    ProgressContext,
    ProvinceIndexContext,
    RulesContext,
)
from reports.render import (
    render_agency_summary,
    render_progress,
    render_province_index,
    render_rules,
)

# field -> why the sentinel check does not apply
EXEMPT = {
    "AgencySummaryContext.report": "drawn as 表二/三/四; checked in test_agency_summary",
}


def _sentinels(cls, prefix: str, numbers, expected: list[str], seen: list[str]):
    """Kwargs for `cls` with a distinctive value per field; fills the strings to find."""
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        name, hint = f"{cls.__name__}.{f.name}", hints[f.name]
        if typing.get_origin(hint) in (typing.Union, types.UnionType):  # X | None -> X
            hint = next(a for a in typing.get_args(hint) if a is not type(None))
        kind, origin = hint, typing.get_origin(hint)
        if name in EXEMPT:
            continue
        seen.append(name)
        if kind is str:
            kwargs[f.name] = value = f"S3NT[{prefix}{f.name}]"
            expected.append(value)
        elif kind is int:
            kwargs[f.name] = value = next(numbers)
            expected.append(f"{value:,}" if f.name == "size" else str(value))
        elif kind is datetime:
            kwargs[f.name] = datetime(2031, 7, 19, 13, next(numbers) % 60)
            expected.append(kwargs[f.name].strftime("%Y-%m-%d %H:%M"))
        elif origin is tuple and typing.get_args(kind)[0] is str:
            kwargs[f.name] = value = (f"S3NT[{prefix}{f.name}]",)
            expected.append(value[0])
        elif origin is list and dataclasses.is_dataclass(typing.get_args(kind)[0]):
            item = typing.get_args(kind)[0]
            kwargs[f.name] = [
                item(**_sentinels(item, f"{prefix}{f.name}.", numbers, expected, seen))
            ]
        elif dataclasses.is_dataclass(kind):
            kwargs[f.name] = kind(**_sentinels(kind, f"{prefix}{f.name}.", numbers, expected, seen))
        else:
            raise AssertionError(f"no sentinel for {name}: {hint}; add one or exempt it")
    return kwargs


def _build(cls, **fixed):
    expected: list[str] = []
    seen: list[str] = []
    kwargs = _sentinels(cls, "-", itertools.count(900_001, 7), expected, seen)
    return cls(**kwargs, **fixed), expected, seen


@pytest.mark.parametrize(
    ("cls", "render", "fixed"),
    [
        (AgencySummaryContext, render_agency_summary, "report"),
        (ProvinceIndexContext, render_province_index, None),
        (ProgressContext, render_progress, None),
        (RulesContext, render_rules, None),
    ],
)
def test_every_field_is_rendered(cls, render, fixed, hongze_2023: CanonicalReport):
    ctx, expected, seen = _build(cls, **({fixed: hongze_2023} if fixed else {}))
    html = render(ctx)
    missing = [value for value in expected if value not in html]
    assert not missing, f"fields not shown by the template: {missing}"
    assert len(seen) >= len(dataclasses.fields(cls))


def test_exemptions_name_real_fields():
    for name in EXEMPT:
        cls_name, field_name = name.split(".")
        cls = {"AgencySummaryContext": AgencySummaryContext}[cls_name]
        assert field_name in {f.name for f in dataclasses.fields(cls)}
