"""What the publication rules (PUB-*) know about one agency's report for one year.

Built by the collection from the website and the archive; `check_reports` takes one per
report (None: no publication context, the PUB rules skip that report, e.g. in
`nianbao check FILE`). Dates are ISO strings (YYYY-MM-DD).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Publication:
    agency_id: str
    kind: str  # government | department | other (registry)
    year: int  # the report year collected for
    found: bool  # a report was found on the website
    checked_on: str  # the day the collection looked
    published_date: str | None = None  # earliest of the shown date and the first crawl
    date_source: str | None = None  # Chinese: 页面发布日期 / 栏目列表日期 / 首次采集日期
    deadline: str | None = None  # statutory (条例第四十九条); None: none for this kind
    local_deadline: str | None = None  # stricter local notice, from configuration
    grace_days: int = 0  # crawl tolerance before PUB-MISSING
    versions: int = 0  # distinct contents seen for this report
    url: str | None = None  # where the report was found

    @property
    def effective_deadline(self) -> str | None:
        """The earliest deadline that applies (statutory or local)."""
        dates = [d for d in (self.deadline, self.local_deadline) if d]
        return min(dates) if dates else None
