"""Entry points for the scheduled deployments (prefect.yaml).

A schedule cannot compute a parameter, so these flows take the report year as
optional: by default the year before today's (Asia/Shanghai) — on 1 February 2026
the 2025 reports are due. Both call the real flows as subflows.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from prefect import flow

from flows.annual_review import annual_review
from flows.recheck import recheck

TIMEZONE = ZoneInfo("Asia/Shanghai")


def report_year(now: datetime | None = None) -> int:
    """The year whose reports are due this year (the previous calendar year)."""
    return (now or datetime.now(TIMEZONE)).year - 1


@flow(name="scheduled-review")
def scheduled_review(
    year: int | None = None,
    registry: str | None = None,
    source: str | None = None,
    out_dir: str | None = None,
):
    """The annual review of `year` (default: the reports due this year)."""
    return annual_review(year or report_year(), registry, source, out_dir)


@flow(name="scheduled-recheck")
def scheduled_recheck(
    year: int | None = None,
    registry: str | None = None,
    source: str | None = None,
    out_dir: str | None = None,
):
    """The weekly recheck of `year` (default: the reports due this year)."""
    return recheck(year or report_year(), registry, source, out_dir)
