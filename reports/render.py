"""Render the HTML audit site: one page per agency, the province index, the rule reference.

Pages stand alone (CSS inlined, no external assets) so they can be emailed.
The Environment uses StrictUndefined and autoescape: a missing context field raises,
and every value is HTML-escaped.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from .contexts import AgencySummaryContext, ProgressContext, ProvinceIndexContext, RulesContext
from .files import write_atomic
from .names import INDEX, RULES_PAGE, page_name
from .table_html import row_label, value_cells

AGENCY_TEMPLATE = "agency_summary.html"
INDEX_TEMPLATE = "province_index.html"
PROGRESS_TEMPLATE = "progress.html"
PROGRESS_PAGE = "progress.html"
RULES_TEMPLATE = "rules.html"


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates ship with the package: no stat per page
    )
    env.filters["filesize"] = filesize
    env.filters["datetime"] = datetime_text
    env.filters["row_label"] = row_label
    env.filters["value_cells"] = value_cells
    return env


def render_agency_summary(ctx: AgencySummaryContext) -> str:
    return environment().get_template(AGENCY_TEMPLATE).render(ctx=ctx)


def render_province_index(ctx: ProvinceIndexContext) -> str:
    return environment().get_template(INDEX_TEMPLATE).render(ctx=ctx)


def render_progress(ctx: ProgressContext) -> str:
    return environment().get_template(PROGRESS_TEMPLATE).render(ctx=ctx)


def render_rules(ctx: RulesContext) -> str:
    return environment().get_template(RULES_TEMPLATE).render(ctx=ctx)


def write_rules(out_dir: str | Path, ctx: RulesContext) -> Path:
    """Write `rules.html` (the rule reference the findings link to) beside the index."""
    return write_atomic(Path(out_dir) / RULES_PAGE, render_rules(ctx))


def write_progress(out_dir: str | Path, ctx: ProgressContext) -> Path:
    """Write `progress.html` (the 整改进展 overview) beside the index."""
    return write_atomic(Path(out_dir) / PROGRESS_PAGE, render_progress(ctx))


def write_site(
    out_dir: str | Path,
    index_ctx: ProvinceIndexContext,
    agency_ctxs: Iterable[AgencySummaryContext],
) -> list[Path]:
    """Write `index.html` and one page per agency (see names.page_name); return the paths,
    index first. Raises ValueError, before writing anything, on a duplicate agency id or
    an index row without a page."""
    ctxs = _named(agency_ctxs)
    dangling = sorted(r.agency_id for r in index_ctx.rows if r.href not in ctxs)
    if dangling:
        raise ValueError(f"index rows without an agency page: {dangling}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = [write_atomic(out / INDEX, render_province_index(index_ctx))]
    return written + _write(out, ctxs)


def write_pages(out_dir: str | Path, agency_ctxs: Iterable[AgencySummaryContext]) -> list[Path]:
    """Write (replace) some agencies' pages of a site `write_site` wrote, e.g. those whose
    findings were just notified; the index is left as it is. Raises ValueError, before
    writing anything, on a duplicate agency id."""
    return _write(Path(out_dir), _named(agency_ctxs))


def _named(agency_ctxs: Iterable[AgencySummaryContext]) -> dict[str, AgencySummaryContext]:
    """Page name -> context; ValueError on a duplicate page."""
    named: dict[str, AgencySummaryContext] = {}
    for ctx in agency_ctxs:
        name = page_name(ctx.agency_id)
        if name in named:
            raise ValueError(f"duplicate agency page {name!r} (agency id {ctx.agency_id!r})")
        named[name] = ctx
    return named


def _write(out: Path, named: dict[str, AgencySummaryContext]) -> list[Path]:
    """Each page rendered and written in turn (a province's pages are hundreds of MB
    of text: never all in memory at once)."""
    return [write_atomic(out / name, render_agency_summary(ctx)) for name, ctx in named.items()]


def filesize(size: int) -> str:
    """'1.2 MB（1,234,567 字节）'."""
    value, unit = float(size), "B"
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            break
        value /= 1024
    head = f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
    return f"{head}（{size:,} 字节）"


def datetime_text(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")
