"""The review's stages as plain functions (tests call them directly; the flow orchestrates).

parse → check → persist → render. Each takes and returns plain values.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from pathlib import Path

from ingest.outcome import ParseOutcome, read_agency
from ingest.registry import Agency
from models.finding import Finding


class PersistError(Exception):
    """The run could not be stored; nothing of it was (one transaction, rolled back).

    The message is Chinese and free of credentials; the database error is `__cause__`.
    """


def parse_batch(items: Sequence[tuple], year: int) -> list[ParseOutcome]:
    """Read each agency's documents; every agency gets exactly one outcome.

    An item is (agency_id, paths) or, for an agency collected from the web,
    (agency_id, paths, collection): its publication context rides on the outcome, and
    a collection that found nothing gives the outcome its reason.
    """
    outcomes = []
    for agency_id, paths, *web in items:
        collection = web[0] if web else None
        outcome = read_agency(agency_id, paths, year)
        if collection is not None:
            outcome.publication = collection.publication
            if not paths:
                outcome.status = "failed" if collection.status == "failed" else "missing"
                outcome.reason = collection.reason
        outcomes.append(outcome)
    return outcomes


def check_outcomes(
    outcomes: Sequence[ParseOutcome],
    database_url: str | None = None,
    agencies: Sequence[Agency] = (),
    config_path: str | None = None,
) -> dict[str, list[Finding]]:
    """All parsed reports validated in one batch; findings grouped by agency id.

    Each agency's list is a `CheckResult`: its `skipped` holds the rules not checked and
    why. With `database_url`, cross-year rules compare with the agency's stored report
    of year-1 (by agency id, else through the registry aliases of `agencies`, which also
    give T2-RULES-AUTH the level and kind); `config_path` is the province configuration.
    """
    from expectations.config import load_config
    from expectations.history import AgencyInfo
    from expectations.validate import CheckResult, check_reports
    from models.canonical import CanonicalReport

    # A report never found is checked as an empty report with its publication (PUB-MISSING).
    parsed = [o for o in outcomes if o.report is not None or o.publication is not None]
    found: dict[str, list[Finding]] = {o.agency_id: CheckResult() for o in outcomes}
    if not parsed:
        return found
    registry = {a.agency_id: a for a in agencies}
    ids = [o.agency_id for o in parsed]
    years = {o.agency_id: o.report.year for o in parsed if o.report and o.report.year}
    previous = _previous_reports(database_url, years, registry) if database_url else {}
    findings = check_reports(
        [o.report or CanonicalReport(file=o.agency_id) for o in parsed],
        ids,
        publications=[o.publication for o in parsed],
        previous=previous,
        agencies=[
            AgencyInfo(a.name, a.level, a.kind) if (a := registry.get(i)) else None for i in ids
        ],
        config=load_config(config_path),
    )
    for f in findings:
        found[f.report_id].append(f)
    for skip in findings.skipped:
        found[skip.report_id].skipped.append(skip)
    return found


def _previous_reports(database_url: str, years: dict[str, int], registry: dict[str, Agency]):
    """Each agency's stored report of its report year − 1 (agency id, then aliases)."""
    from models import store
    from models.db import Database

    db = Database.connect(database_url)
    try:
        db.create_schema()
        found = {}
        with db.sessions.begin() as session:
            for year in sorted(set(years.values())):
                wanted = {
                    aid: registry[aid].aliases if aid in registry else ()
                    for aid, y in years.items()
                    if y == year
                }
                found.update(store.previous_reports(session, wanted, year - 1))
        return found
    finally:
        db.dispose()


def persist(
    database_url: str,
    year: int,
    agencies: Sequence[Agency],
    outcomes: Sequence[ParseOutcome],
    findings: dict[str, list[Finding]],
    params: dict,
) -> tuple[int, dict[str, int]]:
    """Store agencies, documents, reports, the run, outcomes and findings in one transaction.

    A database failure (unreachable, connection lost, locked) raises `PersistError`:
    the transaction is rolled back, so no partial run is left behind.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from models.db import Database, describe_error

    db = Database.connect(database_url)
    try:
        return _persist(db, year, agencies, outcomes, findings, params)
    except SQLAlchemyError as exc:
        raise PersistError(
            f"{describe_error(exc, database_url)}。本次审核结果没有保存：一次运行的全部记录"
            "在同一个事务中写入，已整体回滚，数据库保持运行前的状态；恢复数据库后重新运行即可"
        ) from exc
    finally:
        db.dispose()


def _persist(db, year, agencies, outcomes, findings, params) -> tuple[int, dict[str, int]]:
    """Set-based: a few statements per table for the whole run, not per agency."""
    from models import lifecycle, store

    db.create_schema()
    with db.write_sessions.begin() as session:
        store.upsert_registry(session, agencies)
        run = store.start_run(session, year, params)
        read = [o for o in outcomes if o.path is not None and o.sha256 is not None]
        document_ids = store.record_documents(
            session,
            [
                {
                    "agency_id": o.agency_id,
                    "year": year,
                    "location": str(o.path),
                    "content": o.sha256,
                    "file_name": o.path.name,
                    "size": o.size,
                    "media_type": o.path.suffix.lstrip("."),
                }
                for o in read
            ],
        )
        reports = store.record_reports(
            session,
            [
                {
                    "document_id": document_id,
                    "agency_id": o.agency_id,
                    "year": year,
                    "canonical": o.report,
                    "status": "parsed" if o.report else o.status,
                    "message": o.reason,
                }
                for o, document_id in zip(read, document_ids, strict=True)
            ],
        )
        report_of = {o.agency_id: r for o, r in zip(read, reports, strict=True)}
        store.record_outcomes(session, run, [(o.agency_id, o.status, o.reason) for o in outcomes])
        counts = lifecycle.track_batch(
            session,
            run,
            year,
            {
                o.agency_id: (report_of.get(o.agency_id), findings.get(o.agency_id, []))
                for o in outcomes
            },
        )
        totals = _totals(outcomes, findings)
        store.finish_run(session, run, "finished", {**totals, **counts})
        run_id = run.id
    return run_id, totals


def _totals(outcomes: Sequence[ParseOutcome], findings: dict[str, list[Finding]]) -> dict[str, int]:
    totals = {"agencies": len(outcomes), "parsed": sum(o.report is not None for o in outcomes)}
    for sev in ("error", "warning", "info"):
        totals[sev] = sum(f.severity == sev for fs in findings.values() for f in fs)
    totals["agencies_with_errors"] = sum(
        any(f.severity == "error" for f in fs) for fs in findings.values()
    )
    return totals


def render(
    out_dir: Path,
    year: int,
    scope: str,
    run_id: int,
    agencies: Sequence[Agency],
    outcomes: Sequence[ParseOutcome],
    findings: dict[str, list[Finding]],
    database_url: str | None = None,
    only: Collection[str] | None = None,
) -> list[Path]:
    """Write the province index, one audit summary per agency and the rule reference
    (`rules.html`, which every finding links to).

    With `database_url`, each page lists the agency's findings from the ledger (every
    status, with 发现/通知/整改 dates) instead of this run's `findings`.

    With `only` (agency ids), rewrite just those agencies' pages of a site written
    before, e.g. after delivery recorded their 通知 dates; the index (whose counts do not
    change) and the rule reference are left as they are.
    """
    from expectations.registry import all_rules, get_rule
    from reports import (
        AgencyRow,
        AgencySummaryContext,
        FindingView,
        ProvinceIndexContext,
        RuleEntry,
        RulesContext,
        SourceDocument,
        write_pages,
        write_rules,
        write_site,
    )

    now = datetime.now(UTC)
    by_id = {o.agency_id: o for o in outcomes}
    contexts = []
    progress = None
    if database_url is not None:
        from flows.publish import finding_views

        progress = finding_views(database_url, year)
    if only is not None:
        only = set(only)
        agencies = [a for a in agencies if a.agency_id in only]
    for a in agencies:
        o = by_id[a.agency_id]
        if progress is not None:  # the stored findings with their 整改 progress
            views = progress.get(a.agency_id, [])
        else:
            views = []
            for f in findings.get(a.agency_id, []):
                rule = get_rule(f.rule)
                views.append(FindingView.from_finding(f, rule.title_zh, rule.basis))
        source = SourceDocument(
            location=str(o.path) if o.path else "—",
            sha256=o.sha256 or "—",
            size=o.size or 0,
            fetched=now.date().isoformat(),
        )
        report = o.report
        contexts.append(
            AgencySummaryContext(
                agency_id=a.agency_id,
                agency_name=a.name,
                region=a.region,
                year=year,
                status=o.status,
                status_text=o.status_text,
                source=source,
                report=report,
                published_date=report.published_date if report else None,
                format=report.format if report else None,
                findings=views,
                generated_at=now,
                run_id=str(run_id),
                status_detail="" if report else o.reason,
            )
        )
    if only is not None:
        return write_pages(out_dir, contexts)
    index = ProvinceIndexContext(
        scope=scope,
        year=year,
        run_id=str(run_id),
        generated_at=now,
        rows=[AgencyRow.for_agency(c) for c in contexts],
    )
    rules = [
        RuleEntry(
            id=r.id,
            title=r.title_zh,
            severity=r.severity,
            formula=r.formula_zh,
            basis=r.basis,
            other_severities=tuple(
                sorted({c.severity for c in r.checks() if c.severity not in (None, r.severity)})
            ),
        )
        for r in all_rules()
    ]
    paths = write_site(out_dir, index, contexts)
    paths.append(write_rules(out_dir, RulesContext(year, str(run_id), now, rules)))
    return paths
