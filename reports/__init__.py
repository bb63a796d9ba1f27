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
    SourceDocument,
    TrendPoint,
)
from .names import page_name
from .render import (
    render_agency_summary,
    render_progress,
    render_province_index,
    write_progress,
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
    "SourceDocument",
    "TrendPoint",
    "page_name",
    "render_agency_summary",
    "render_progress",
    "render_province_index",
    "write_progress",
    "write_site",
]
