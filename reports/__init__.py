"""HTML audit summaries: typed contexts, Jinja2 templates, the rendered site."""

from .contexts import (
    PARSED,
    AgencyRow,
    AgencySummaryContext,
    CountRow,
    FindingView,
    OpenAgency,
    ProgressContext,
    ProvinceIndexContext,
    RuleEntry,
    RulesContext,
    SourceDocument,
    TrendPoint,
)
from .names import page_name, rule_href
from .render import (
    render_agency_summary,
    render_progress,
    render_province_index,
    render_rules,
    write_pages,
    write_progress,
    write_rules,
    write_site,
)

__all__ = [
    "PARSED",
    "AgencyRow",
    "AgencySummaryContext",
    "CountRow",
    "FindingView",
    "OpenAgency",
    "ProgressContext",
    "ProvinceIndexContext",
    "RuleEntry",
    "RulesContext",
    "SourceDocument",
    "TrendPoint",
    "page_name",
    "render_agency_summary",
    "render_progress",
    "render_province_index",
    "render_rules",
    "rule_href",
    "write_pages",
    "write_progress",
    "write_rules",
    "write_site",
]
