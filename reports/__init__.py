"""HTML audit summaries: typed contexts, Jinja2 templates, the rendered site."""

from .contexts import (
    PARSED,
    AgencyRow,
    AgencySummaryContext,
    FindingView,
    ProvinceIndexContext,
    SourceDocument,
)
from .names import page_name
from .render import render_agency_summary, render_province_index, write_site

__all__ = [
    "PARSED",
    "AgencyRow",
    "AgencySummaryContext",
    "FindingView",
    "ProvinceIndexContext",
    "SourceDocument",
    "page_name",
    "render_agency_summary",
    "render_province_index",
    "write_site",
]
