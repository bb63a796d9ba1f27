"""A statutory rule: one registry entry (STYLE.md practice 1). No GX import here.

A `Rule` says what the statute requires (id, title, severity, basis, formula, Chinese
message templates, applicable formats and years), how GX checks it (`checks()`: GX
expectation configs over the feature columns of `features.build_frame`) and how a
failing report becomes findings (`explain(failure)`). The id is written once, here;
each check's GX `meta` carries it as `{"rule": id, ...location}`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from models.canonical import CanonicalReport
from models.finding import SEVERITIES, Finding
from models.publication import Publication

if TYPE_CHECKING:
    from .history import ReportContext


@dataclass(frozen=True)
class Check:
    """One GX expectation of a rule.

    `type` is the GX snake-case expectation type, `kwargs` its arguments over frame
    columns, `where` the location it checks (copied into `meta` beside the rule id),
    `severity` the findings' severity when it differs from the rule's.
    """

    type: str
    kwargs: Mapping[str, object]
    where: Mapping[str, object] = field(default_factory=dict)
    severity: str | None = None


@dataclass(frozen=True)
class Failure:
    """One report failing one check: the input of `Rule.explain`."""

    rule: Rule
    report_id: str
    report: CanonicalReport
    where: Mapping[str, object]
    severity: str
    publication: Publication | None = None  # the PUB rules' context, if any
    context: ReportContext | None = None  # previous report, agency, configuration

    def finding(
        self,
        kind: str,
        where: str,
        *,
        published: object = "",
        expected: object = "",
        evidence: str = "",
        cells: Sequence[str] = (),
        **args: object,
    ) -> Finding:
        """A finding whose message is the rule's template `kind` filled with `args`."""
        published, expected = number(published), number(expected)
        message = self.rule.messages[kind].format(published=published, expected=expected, **args)
        return Finding(
            report_id=self.report_id,
            rule=self.rule.id,
            severity=self.severity,
            where=where,
            message=message,
            published=published,
            expected=expected,
            evidence=evidence,
            cells=tuple(cells),
        )


@dataclass(frozen=True)
class Rule:
    """One statutory rule of RULES.md §4 (see the module docstring)."""

    id: str
    title_zh: str
    severity: str  # the catalog severity; a check may lower it (e.g. order → warning)
    basis: str  # 法律依据, in Chinese
    formula_zh: str
    messages: Mapping[str, str]  # kind -> Chinese template with named placeholders
    checks: Callable[[], Sequence[Check]]
    explain: Callable[[Failure], list[Finding]]
    formats: tuple[str, ...] | None = None  # report formats it applies to; None: any
    since: int | None = None  # first report year it applies to; None: any
    params: Mapping[str, float] = field(default_factory=dict)  # thresholds (RULES.md defaults)
    needs_previous: bool = False  # cross-year: skipped (with a reason) without a y-1 report

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.id}: unknown severity {self.severity!r}")


def evidence(report: CanonicalReport, keys: Sequence[str]) -> str:
    """Source text of the given provenance keys (`t3.三.七`, `t4`), one per line."""
    seen: list[str] = []
    for key in keys:
        text = report.provenance.get(key)
        if text and text not in seen:
            seen.append(text)
    return "\n".join(seen)


def number(value: object) -> str:
    """A published number as text: 12 not 12.0; other values as printed."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
