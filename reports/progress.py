"""Ledger entries (models.ledger) as the summaries' views: findings with their
lifecycle, and the 整改进展 overview (counts by region and rule, fix rate over time,
agencies still open).

Rule titles and bases come from the caller (`describe(rule) -> (title, basis)`), so
this module needs no rule registry.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from models.ledger import LedgerEntry

from .contexts import CountRow, FindingView, OpenAgency, ProgressContext, TrendPoint

Describe = Callable[[str], tuple[str, str]]
MAX_TREND_POINTS = 12
_RESOLVING = {"fixed": 1, "waived": 1, "reopened": -1}


def day(value: datetime | None) -> str:
    return "" if value is None else value.date().isoformat()


def fix_target_text(entry: LedgerEntry) -> str:
    text = f"{entry.fix_year}年度报告"
    if entry.compared_year is not None:
        text += f"（与{entry.compared_year}年度报告比对）"
    return text


def finding_view(entry: LedgerEntry, describe: Describe) -> FindingView:
    title, basis = describe(entry.rule)
    return FindingView(
        rule=entry.rule,
        title=title,
        severity=entry.severity,
        basis=basis,
        where=entry.location,
        message=entry.message,
        published=entry.published,
        expected=entry.expected,
        evidence=entry.evidence,
        cells=entry.cells,
        status=entry.status,
        found_on=day(entry.found_at),
        notified_on=day(entry.notified_at),
        fixed_on=day(entry.fixed_at),
        fix_target=fix_target_text(entry),
        waiver=f"{entry.waived_reason}（{entry.waived_by}）" if entry.waived_by else "",
    )


def finding_views(
    entries: Iterable[LedgerEntry], describe: Describe
) -> dict[str, list[FindingView]]:
    """Agency id -> its findings as views (every status), in ledger order."""
    out: dict[str, list[FindingView]] = defaultdict(list)
    for entry in entries:
        out[entry.agency_id].append(finding_view(entry, describe))
    return dict(out)


def _count_rows(entries: Sequence[LedgerEntry], key: Callable[[LedgerEntry], str]):
    groups: dict[str, Counter] = defaultdict(Counter)
    for e in entries:
        groups[key(e)]["open" if e.is_open else e.status] += 1
    return [
        CountRow(label, c["open"], c["fixed"], c["waived"])
        for label, c in sorted(groups.items(), key=lambda kv: (-kv[1]["open"], kv[0]))
    ]


def trend(entries: Sequence[LedgerEntry], limit: int = MAX_TREND_POINTS) -> list[TrendPoint]:
    """Cumulative found/resolved at the end of each day with an event (the last `limit`)."""
    changes: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for e in entries:
        changes[e.found_at.date()][0] += 1
        for kind, at in e.events:
            if kind in _RESOLVING:
                changes[at.date()][1] += _RESOLVING[kind]
    points, found, resolved = [], 0, 0
    for d in sorted(changes):
        found += changes[d][0]
        resolved += changes[d][1]
        points.append(TrendPoint(d.isoformat(), found, resolved))
    return points[-limit:]


def open_agencies(entries: Sequence[LedgerEntry]) -> list[OpenAgency]:
    by_agency: dict[str, list[LedgerEntry]] = defaultdict(list)
    for e in entries:
        if e.is_open:
            by_agency[e.agency_id].append(e)
    rows = []
    for agency_id, items in by_agency.items():
        notified = [e.notified_at for e in items if e.notified_at]
        rows.append(
            OpenAgency(
                agency_id=agency_id,
                name=items[0].agency_name,
                region=items[0].region,
                open=len(items),
                errors=sum(e.severity == "error" for e in items),
                first_found=day(min(e.found_at for e in items)),
                notified=day(min(notified)) if notified else "",
            )
        )
    return sorted(rows, key=lambda r: (-r.errors, -r.open, r.agency_id))


def progress_context(
    scope: str,
    year: int,
    run_id: str,
    generated_at: datetime,
    entries: Sequence[LedgerEntry],
    agencies: int,
) -> ProgressContext:
    return ProgressContext(
        scope=scope,
        year=year,
        run_id=run_id,
        generated_at=generated_at,
        by_region=_count_rows(entries, lambda e: e.region or "（未注明地区）"),
        by_rule=_count_rows(entries, lambda e: e.rule),
        trend=trend(entries),
        open_agencies=open_agencies(entries),
        agencies=agencies,
    )
