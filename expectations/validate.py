"""Run the suite over a batch of reports: one GX validation call, findings out.

Contract of `check_reports`:
- one DataFrame (a row per report, `report_id` column), one GX validation call,
  result_format COMPLETE; GX names a failing row by its position in the frame (pandas)
  or by its `report_id` (`RESULT_FORMAT`, for a SQL table);
- results are read from GX's result objects and nothing is stored in the GX context
  (serialising and storing 10,000 rows' results cost more than the validation itself);
- each failing row of each expectation becomes the rule's findings (`Rule.explain`),
  ordered by report, then registry (check) order;
- a check that did not run (GX `exception_info`, `success is None`, a result missing
  or unlocatable, a failing row that yields no finding) raises CheckSetupError or
  RuleDefinitionError: it is never a pass;
- the result is a list of findings (`CheckResult`) whose `skipped` lists the rules that
  did not apply to a report and why (`history.Skip`: no previous report for a
  cross-year rule, …) — recorded, never counted as findings;
- findings of one cause are linked (`linking.link_causes`, RULES.md §8);
- a `Config` switches rules off and overrides severities (`expectations.config`).

Building a `Checker` (GX context, suite, batch definition) costs ~0.1 s after the ~5 s
`import great_expectations`; reuse one for many batches.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from models.canonical import CanonicalReport
from models.finding import Finding
from models.publication import Publication

from .config import Config
from .errors import CheckSetupError, RuleDefinitionError
from .features import build_frame
from .history import AgencyInfo, ReportContext, Skip, contexts_for
from .linking import link_causes
from .registry import RULE_MODULES, all_rules
from .rule import Failure, Rule
from .suite import build_suite

if TYPE_CHECKING:
    import pandas as pd

INDEX_COLUMN = "report_id"
RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": [INDEX_COLUMN],
    "return_unexpected_index_query": False,  # unused; building it costs ~20% of a run
}
# pandas: failing rows by frame position (an index column costs a lookup per failing row)
PANDAS_RESULT_FORMAT = {"result_format": "COMPLETE", "return_unexpected_index_query": False}


class CheckResult(list):
    """The findings of a batch (a list), with `skipped`: the `Skip` records."""

    def __init__(self, findings=(), skipped=()) -> None:
        super().__init__(findings)
        self.skipped: list[Skip] = list(skipped)


class Checker:
    """An ephemeral GX context holding the suite and one pandas batch definition."""

    def __init__(self, rules: Sequence[Rule] | None = None, config: Config | None = None) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.config = config or Config()
        rules = all_rules() if rules is None else rules
        self.rules = {rule.id: rule for rule in rules if self.config.enabled(rule.id)}
        self.suite = build_suite(list(self.rules.values()))
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        asset = context.data_sources.add_pandas("nianbao").add_dataframe_asset("reports")
        batch = asset.add_batch_definition_whole_dataframe("batch")
        self._suite = context.suites.add(self.suite)
        self._batch = batch
        self.context = context

    def validate(self, frame: pd.DataFrame) -> list[dict]:
        """GX results, one per expectation, for a feature frame (positional RangeIndex):
        dicts with `success`, `exception_info`, `expectation_config` (`type`, `meta`)
        and `result` (`unexpected_count`, `unexpected_index_list` of frame positions)."""
        try:
            batch = self._batch.get_batch(batch_parameters={"dataframe": frame})
            result = batch.validate(self._suite, result_format=PANDAS_RESULT_FORMAT)
        except Exception as exc:  # a validation that cannot run is not a pass
            raise CheckSetupError(f"GX validation failed to run: {exc}") from exc
        results = [_plain(r) for r in result.results]
        if len(results) != len(self.suite.expectations):
            raise CheckSetupError(
                f"GX returned {len(results)} results for {len(self.suite.expectations)} expectations"
            )
        return results

    def check(
        self,
        reports: Sequence[CanonicalReport],
        report_ids: Sequence[str] | None = None,
        publications: Sequence[Publication | None] | None = None,
        contexts: Sequence[ReportContext] | None = None,
    ) -> CheckResult:
        """Findings of every rule over the batch (see the module contract)."""
        if report_ids is None:
            report_ids = [report.file for report in reports]
        if not reports:
            return CheckResult()
        if contexts is None:
            contexts = contexts_for(report_ids, config=self.config)
        frame = build_frame(reports, report_ids, publications, contexts)
        findings = self.explain(self.validate(frame), reports, report_ids, publications, contexts)
        return CheckResult(findings, self.skips(reports, report_ids, contexts))

    def skips(
        self,
        reports: Sequence[CanonicalReport],
        report_ids: Sequence[str],
        contexts: Sequence[ReportContext],
    ) -> list[Skip]:
        """Rules that did not apply to a report, with the reason (not findings)."""
        skipped = [
            Skip(rid, rule.id, ctx.no_previous)
            for rid, ctx in zip(report_ids, contexts, strict=True)
            if ctx.previous is None
            for rule in self.rules.values()
            if rule.needs_previous
        ]
        for module in RULE_MODULES:
            if hook := getattr(module, "skips", None):
                found = hook(reports, contexts)
                skipped += [
                    Skip(report_ids[i], rule_id, why)
                    for i, rule_id, why in found
                    if rule_id in self.rules
                ]
        order = {rid: n for n, rid in enumerate(report_ids)}
        return sorted(skipped, key=lambda s: order[s.report_id])

    def explain(
        self,
        results: list[dict],
        reports: Sequence[CanonicalReport],
        report_ids: Sequence[str],
        publications: Sequence[Publication | None] | None = None,
        contexts: Sequence[ReportContext] | None = None,
    ) -> list[Finding]:
        """Findings from GX results over a batch of these reports (any execution engine)."""
        by_id = dict(zip(report_ids, reports, strict=True))
        pub_of = dict(zip(report_ids, publications or [None] * len(report_ids), strict=True))
        context_of = dict(zip(report_ids, contexts or [None] * len(report_ids), strict=True))
        order = {rid: n for n, rid in enumerate(report_ids)}
        findings: list[tuple[int, int, Finding]] = []
        for n, (meta, failing) in enumerate(_failures(results, report_ids)):
            rule = self.rules.get(str(meta["rule"]))
            if rule is None:
                raise RuleDefinitionError(f"GX result for unregistered rule {meta['rule']!r}")
            where = {k: v for k, v in meta.items() if k not in ("rule", "severity")}
            for report_id in failing:
                if report_id not in by_id:
                    raise CheckSetupError(f"{rule.id}: GX named an unknown report {report_id!r}")
                severity = self.config.severity_for(
                    rule.id, str(meta.get("severity", rule.severity))
                )
                failure = Failure(
                    rule,
                    report_id,
                    by_id[report_id],
                    where,
                    severity,
                    pub_of[report_id],
                    context_of[report_id],
                )
                found = rule.explain(failure)
                if not found:
                    raise RuleDefinitionError(
                        f"{rule.id} {where}: report {report_id!r} failed but yielded no finding"
                    )
                findings += [(order[report_id], n, f) for f in found]
        findings.sort(key=lambda item: item[:2])
        return link_causes([f for _, _, f in findings])


def _plain(result) -> dict:
    """The parts of a GX ExpectationValidationResult that `_failures` reads."""
    config = result.expectation_config
    return {
        "success": result.success,
        "exception_info": result.exception_info,
        "expectation_config": {"type": config.type, "meta": dict(config.meta or {})},
        "result": result.result,
    }


def _raised(result: dict) -> str | None:
    """The exception message GX recorded for an expectation, if any."""
    info = result.get("exception_info") or {}
    entries = [info] if "raised_exception" in info else list(info.values())
    for entry in entries:
        if isinstance(entry, dict) and entry.get("raised_exception"):
            return str(entry.get("exception_message") or "exception")
    return None


def _failures(
    results: list[dict], report_ids: Sequence[str] = ()
) -> Iterator[tuple[dict, list[str]]]:
    """(meta, failing report ids) per expectation; raises CheckSetupError on a broken one.

    A failing row is a `{report_id: …}` dict (SQL) or a frame position into `report_ids`."""
    for result in results:
        config = result.get("expectation_config") or {}
        meta = config.get("meta") or {}
        name = f"{meta.get('rule', '?')} {config.get('type', '?')}"
        if "rule" not in meta:
            raise CheckSetupError(f"{name}: expectation without a rule id in its meta")
        if message := _raised(result):
            raise CheckSetupError(f"{name} {meta}: GX could not evaluate it: {message}")
        if result.get("success") is None:
            raise CheckSetupError(f"{name} {meta}: GX returned no verdict")
        if result["success"]:
            continue
        details = result.get("result") or {}
        index = details.get("unexpected_index_list")
        count = details.get("unexpected_count")
        if index is None or count is None or len(index) != count:
            raise CheckSetupError(
                f"{name} {meta}: {count} failing rows but {len(index or [])} located"
            )
        try:
            yield (
                meta,
                [
                    str(row[INDEX_COLUMN]) if isinstance(row, dict) else report_ids[row]
                    for row in index
                ],
            )
        except (KeyError, IndexError, TypeError) as exc:
            raise CheckSetupError(f"{name} {meta}: a failing row cannot be located: {exc}") from exc


def check_reports(
    reports: Sequence[CanonicalReport],
    report_ids: Sequence[str] | None = None,
    *,
    checker: Checker | None = None,
    publications: Sequence[Publication | None] | None = None,
    previous: Mapping[str, CanonicalReport] | None = None,
    agencies: Sequence[AgencyInfo | None] | None = None,
    config: Config | None = None,
    no_previous: Mapping[str, str] | None = None,
) -> CheckResult:
    """Findings of every registered rule over `reports` (ids default to `report.file`).

    `publications`, one per report (or None), feed the PUB rules; without them those
    rules do not apply. A report that was never found is passed as an empty
    `CanonicalReport` (format and year None) with its `Publication`.
    `previous` maps a report id to the same agency's report of year-1 (cross-year
    rules; without one they are skipped, `CheckResult.skipped`, reason from
    `no_previous` or the default); `agencies`, one per report (or None), give the
    registry's level and kind (T2-RULES-AUTH; else inferred from the name); `config`
    switches rules off, overrides severities and thresholds (default: RULES.md).
    """
    if not reports:
        return CheckResult()
    if report_ids is None:
        report_ids = [report.file for report in reports]
    if checker is None or (config is not None and checker.config is not config):
        checker = Checker(config=config)
    years = {rid: r.year for rid, r in zip(report_ids, reports, strict=True)}
    contexts = contexts_for(report_ids, previous, agencies, checker.config, no_previous, years)
    return checker.check(reports, report_ids, publications, contexts)
