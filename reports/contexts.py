"""Typed contexts, one per template (datasette style): the template sees `ctx` only.

- `AgencySummaryContext` -> agency_summary.html (one agency's audit summary).
- `ProvinceIndexContext` -> province_index.html (the province's overview).
- `ProgressContext` -> progress.html (整改进展: counts by region and rule, fix rate
  over time, agencies still open); also the body of the supervisors' digest email.
- `RulesContext` -> rules.html (规则说明: every registry rule, one anchor per id, the
  target of each finding's rule link).

Every field is shown by its template (tests/reports/test_fields.py). Rule titles and
legal bases come from the caller as plain strings (the rule registry lives elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from models.canonical import CanonicalReport
from models.finding import Finding

from .labels import FORMAT_LABELS, SEVERITY_LABELS, SEVERITY_ORDER, STATUS_LABELS
from .names import page_name, rule_href
from .tables import ReportTables, cell_marks, report_tables

PARSED = "parsed"  # the outcome status of a document read into a CanonicalReport
OPEN_STATUSES = ("open", "reopened")  # models.tables.OPEN_STATUSES


@dataclass(frozen=True)
class FindingView:
    """One finding as shown: the Finding's fields plus the rule's title and basis.

    Lifecycle (TRACK-FIX): `status` and the ISO dates 发现/通知/整改 ("" = not yet);
    `fix_target` names the report to be corrected; `waiver` is "理由（决定人）".
    """

    rule: str  # registry id, "T4-TOTAL"
    title: str  # rule title, "表四各组总计等于各项之和"
    severity: str  # error | warning | info
    basis: str  # 法律依据
    where: str
    message: str
    published: str = ""
    expected: str = ""
    evidence: str = ""
    cells: tuple[str, ...] = ()
    status: str = "open"
    found_on: str = ""
    notified_on: str = ""
    fixed_on: str = ""
    fix_target: str = ""
    waiver: str = ""

    @classmethod
    def from_finding(cls, finding: Finding, title: str, basis: str) -> FindingView:
        return cls(
            rule=finding.rule,
            title=title,
            severity=finding.severity,
            basis=basis,
            where=finding.where,
            message=finding.message,
            published=finding.published,
            expected=finding.expected,
            evidence=finding.evidence,
            cells=tuple(finding.cells),
        )

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(self.severity, self.severity)

    @property
    def rule_href(self) -> str:
        """The rule's entry on the rule reference page (rules.html#T3-BALANCE)."""
        return rule_href(self.rule)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def unresolved(self) -> bool:
        """Still to be corrected (open or reopened)."""
        return self.status in OPEN_STATUSES

    @property
    def in_report(self) -> bool:
        """Still present in the report shown (every status but fixed)."""
        return self.status != "fixed"


@dataclass(frozen=True)
class SourceDocument:
    """The collected document: where it came from and which bytes were read."""

    location: str  # URL or file path
    sha256: str
    size: int  # bytes
    fetched: str  # ISO date (or datetime) of collection

    @property
    def is_url(self) -> bool:
        return self.location.startswith(("http://", "https://"))


@dataclass(frozen=True)
class AgencySummaryContext:
    """One agency's audit summary for one year.

    `status` is PARSED or the caller's code for why not (the page then shows a banner
    with `status_text`/`status_detail`); tables are drawn only when `report` is set.
    """

    agency_id: str
    agency_name: str
    region: str
    year: int
    status: str
    status_text: str  # 已解析 / 文件损坏 / 非年度报告 / 年份不符 …
    source: SourceDocument
    report: CanonicalReport | None
    published_date: str | None  # ISO date, None when the report states none
    format: str | None  # "2021" | "2019trial" | "pre2019"
    findings: list[FindingView]
    generated_at: datetime
    run_id: str
    status_detail: str = ""  # longer Chinese explanation, optional

    @property
    def parsed(self) -> bool:
        return self.status == PARSED

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS.get(self.format or "", self.format or "未识别")

    @property
    def sorted_findings(self) -> list[FindingView]:
        """Errors, then warnings, then infos; stable within a severity."""
        rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
        return sorted(self.findings, key=lambda f: rank.get(f.severity, len(rank)))

    @property
    def counts(self) -> dict[str, int]:
        """Severity -> number of unresolved findings (every severity present as a key)."""
        out = dict.fromkeys(SEVERITY_ORDER, 0)
        for f in self.findings:
            if f.unresolved:
                out[f.severity] = out.get(f.severity, 0) + 1
        return out

    @property
    def resolved(self) -> list[FindingView]:
        """Findings fixed or waived (shown as 整改进展)."""
        return [f for f in self.findings if not f.unresolved]

    @property
    def tables(self) -> ReportTables | None:
        if self.report is None:
            return None
        return report_tables(self.report, cell_marks(f for f in self.findings if f.in_report))


@dataclass(frozen=True)
class AgencyRow:
    """One agency on the province index; `href` is its page written by write_site."""

    agency_id: str
    name: str
    region: str
    status: str
    status_text: str
    errors: int = 0
    warnings: int = 0
    infos: int = 0

    @property
    def parsed(self) -> bool:
        return self.status == PARSED

    @property
    def href(self) -> str:
        return page_name(self.agency_id)

    @classmethod
    def for_agency(cls, ctx: AgencySummaryContext) -> AgencyRow:
        """The index row summarising one agency page."""
        n = ctx.counts
        return cls(
            agency_id=ctx.agency_id,
            name=ctx.agency_name,
            region=ctx.region,
            status=ctx.status,
            status_text=ctx.status_text,
            errors=n["error"],
            warnings=n["warning"],
            infos=n["info"],
        )


@dataclass(frozen=True)
class ProvinceIndexContext:
    """The overview of one review: `scope` is the province, city or sample name."""

    scope: str
    year: int
    run_id: str
    generated_at: datetime
    rows: list[AgencyRow] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.year}年度政府信息公开工作年度报告审核汇总"

    @property
    def sorted_rows(self) -> list[AgencyRow]:
        """Agencies with errors first, then unparsed ones, then warnings; stable."""
        return sorted(self.rows, key=lambda r: (r.errors == 0, r.parsed, r.warnings == 0))

    @property
    def totals(self) -> dict[str, int]:
        return {
            "agencies": len(self.rows),
            "parsed": sum(r.parsed for r in self.rows),
            "with_errors": sum(r.errors > 0 for r in self.rows),
            "errors": sum(r.errors for r in self.rows),
            "warnings": sum(r.warnings for r in self.rows),
            "infos": sum(r.infos for r in self.rows),
        }


@dataclass(frozen=True)
class CountRow:
    """Findings of one region or one rule, by lifecycle status."""

    label: str
    open: int
    fixed: int
    waived: int

    @property
    def total(self) -> int:
        return self.open + self.fixed + self.waived

    @property
    def fixed_percent(self) -> int:
        return round(100 * self.fixed / self.total) if self.total else 0

    @property
    def waived_percent(self) -> int:
        return round(100 * self.waived / self.total) if self.total else 0


@dataclass(frozen=True)
class TrendPoint:
    """Cumulative findings found and resolved (fixed or waived) by the end of `day`."""

    day: str  # ISO date
    found: int
    resolved: int

    @property
    def percent(self) -> int:
        return round(100 * self.resolved / self.found) if self.found else 0


@dataclass(frozen=True)
class OpenAgency:
    """An agency with findings still to correct; `href` is its page (names.page_name)."""

    agency_id: str
    name: str
    region: str
    open: int
    errors: int
    first_found: str  # ISO date
    notified: str  # ISO date of the first notification, "" if none yet

    @property
    def href(self) -> str:
        return page_name(self.agency_id)


@dataclass(frozen=True)
class ProgressContext:
    """The 整改进展 overview of one year for a province or one supervisor's agencies."""

    scope: str
    year: int
    run_id: str
    generated_at: datetime
    by_region: list[CountRow] = field(default_factory=list)
    by_rule: list[CountRow] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    open_agencies: list[OpenAgency] = field(default_factory=list)
    agencies: int = 0  # agencies covered

    @property
    def title(self) -> str:
        return f"{self.year}年度政府信息公开工作年度报告整改进展"

    @property
    def totals(self) -> dict[str, int]:
        rows = self.by_rule
        found = sum(r.total for r in rows)
        fixed = sum(r.fixed for r in rows)
        waived = sum(r.waived for r in rows)
        return {
            "found": found,
            "open": sum(r.open for r in rows),
            "fixed": fixed,
            "waived": waived,
            "percent": round(100 * (fixed + waived) / found) if found else 0,
        }


@dataclass(frozen=True)
class RuleEntry:
    """One registry rule on the rule reference page; `id` is also its anchor."""

    id: str  # "T3-BALANCE"
    title: str  # 名称
    severity: str  # catalog severity: error | warning | info
    formula: str  # 公式（文字表述）
    basis: str  # 法律依据
    other_severities: tuple[str, ...] = ()  # severities some of its checks give instead

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(self.severity, self.severity)

    @property
    def other_severity_labels(self) -> list[str]:
        return [SEVERITY_LABELS.get(s, s) for s in self.other_severities]


@dataclass(frozen=True)
class RulesContext:
    """The rule reference (规则说明) of one review: every rule, in check order."""

    year: int
    run_id: str
    generated_at: datetime
    rules: list[RuleEntry] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.year}年度政府信息公开工作年度报告审核规则说明"
