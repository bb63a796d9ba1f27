"""Deliver the summaries by email after a review or recheck (plain stage functions).

- Each supervisor address (registry `supervisor_emails`) gets one digest: the
  整改进展 of the agencies it supervises inline (HTML, CSS inlined, with a plain-text
  alternative), their audit summaries and the 整改台账 attached.
- With `MailSettings.contacts`, each agency with findings gets its own summary at
  its `contact_emails`.
- Idempotent: a message is keyed by (recipient, message key, fingerprint of the
  state it reports) in `deliveries`; one already sent is never sent again, a failed
  one is retried by the next run that composes it (models.deliveries). Each message
  is recorded in its own transaction right after it was handed over.
- A run killed between handing a message over and recording it sends it again on
  restart (at least once). Its Message-ID derives from the key, so the copy is the
  same message: it replaces its outbox file, and mail clients can drop the duplicate.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections import defaultdict, deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from itertools import islice
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from flows.mail_content import AgencyBody, Body, DigestBody
from models import deliveries, ledger, store
from models.db import Database
from models.ledger import LedgerEntry
from models.tables import CheckRun, Delivery, FindingRecord, ParsedReport
from reports.mail import (
    DeliveryError,
    MailSettings,
    Wire,
    compose,
    make_mailer,
    prepare,
    recipient,
)
from reports.names import page_name

_IN_CHUNK = 500  # ids per IN (...) query
POOL_MIN_MESSAGES = 64  # fewer are composed here (a worker process takes ~0.5 s to start)


@dataclass(frozen=True)
class Outgoing:
    """One message to compose and send (before it is built)."""

    to: str
    name: str
    key: str
    fingerprint: str
    subject: str
    finding_ids: tuple[int, ...]
    body: Body | DigestBody | AgencyBody  # rendered where it is composed


@dataclass
class DeliveryResult:
    sent: int = 0
    skipped: int = 0  # already delivered
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    via: str = ""  # "smtp host:port" or the outbox folder
    # agencies whose findings a sent message carried: only their pages can show a new
    # 通知 date (re-render those after delivery, `reports.write_pages`)
    notified: set[str] = field(default_factory=set)


def message_id(m: Outgoing, domain: str) -> str:
    """The Message-ID of `m`, the same whenever the same state goes to the same address."""
    key = hashlib.sha256(f"{m.to}\n{m.key}\n{m.fingerprint}".encode()).hexdigest()
    return f"<{key[:32]}.nianbao@{domain or 'localhost'}>"


def fingerprint(entries: list[LedgerEntry], outcomes: list[tuple[str, str]]) -> str:
    """The state a message reports: finding statuses (with when) and agency outcomes."""
    parts = sorted(f"{e.finding_id}:{e.status}:{e.status_at}" for e in entries)
    parts += sorted(f"{a}:{s}" for a, s in outcomes)
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def plan(
    session,
    year: int,
    scope: str,
    run_id: int | None,
    pages_dir: Path,
    contacts: bool,
    now: datetime,
) -> list[Outgoing]:
    """Every message the current state calls for (digest per supervisor, agency mails),
    with what to render (`flows.mail_content`)."""
    from flows.publish import describe
    from reports.mail.messages import agency_subject, digest_subject
    from reports.progress import finding_views, progress_context

    entries = ledger.ledger(session, year)
    outcomes = ledger.latest_outcomes(session, year)
    agencies = ledger.agencies(session)
    by_agency: dict[str, list[LedgerEntry]] = defaultdict(list)
    for e in entries:
        by_agency[e.agency_id].append(e)
    supervised: dict[str, list[str]] = defaultdict(list)
    for a in agencies:
        if a.id in outcomes:
            for addr in a.emails:
                supervised[addr.lower()].append(a.id)
    run_text = str(run_id or "—")
    out: list[Outgoing] = []
    for addr, ids in sorted(supervised.items()):
        mine = [e for i in ids for e in by_agency.get(i, [])]
        ctx = progress_context(scope, year, run_text, now, mine, len(ids))
        pages = tuple(
            (f"{i}.html", pages_dir / page_name(i))
            for i in ids
            if by_agency.get(i) and (pages_dir / page_name(i)).is_file()
        )
        out.append(
            Outgoing(
                to=addr,
                name="",
                key=f"digest:{year}",
                fingerprint=fingerprint(mine, [(i, outcomes[i].status) for i in ids]),
                subject=digest_subject(ctx),
                finding_ids=tuple(e.finding_id for e in mine if e.is_open),
                body=DigestBody(ctx, tuple(mine), pages),
            )
        )
    if not contacts:
        return out
    views = finding_views(entries, describe)
    mailed = [a for a in agencies if a.contact_emails and by_agency.get(a.id) and a.id in outcomes]
    reports = _latest_reports(session, year, [a.id for a in mailed])
    for a in mailed:
        mine = by_agency[a.id]
        ctx = _agency_context(
            a, year, outcomes[a.id], reports.get(a.id), views[a.id], run_text, now
        )
        for addr in a.contact_emails:
            out.append(
                Outgoing(
                    to=addr.lower(),
                    name=a.name,
                    key=f"agency:{year}:{a.id}",
                    fingerprint=fingerprint(mine, [(a.id, outcomes[a.id].status)]),
                    subject=agency_subject(ctx),
                    finding_ids=tuple(e.finding_id for e in mine if e.is_open),
                    body=AgencyBody(ctx),
                )
            )
    return out


def _latest_reports(session, year: int, agency_ids: list[str]) -> dict[str, ParsedReport]:
    """Each agency's `models.store.latest_report` with its document, in a few queries
    for all agencies instead of two per agency."""
    ids = list(store.latest_report_ids(session, agency_ids, year).values())
    found: dict[str, ParsedReport] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        query = (
            select(ParsedReport)
            .options(joinedload(ParsedReport.document))
            .where(ParsedReport.id.in_(ids[start : start + _IN_CHUNK]))
        )
        found.update((r.agency_id, r) for r in session.scalars(query))
    return found


def _agency_context(agency, year, outcome, report_row, views, run_text, now):
    from ingest.outcome import STATUS_TEXT
    from models.canonical import CanonicalReport
    from reports.contexts import AgencySummaryContext, SourceDocument

    document = report_row.document if report_row else None
    report = (  # the page draws the tables; the texts would ride along to every worker
        CanonicalReport.from_dict(report_row.canonical).without_texts()
        if report_row is not None and report_row.canonical and outcome.status == "parsed"
        else None
    )
    return AgencySummaryContext(
        agency_id=agency.id,
        agency_name=agency.name,
        region=agency.region or "",
        year=year,
        status=outcome.status,
        status_text=STATUS_TEXT.get(outcome.status, outcome.status),
        source=SourceDocument(
            location=document.location if document else "—",
            sha256=document.sha256 if document else "—",
            size=(document.size or 0) if document else 0,
            fetched=document.last_fetched_at.date().isoformat() if document else "—",
        ),
        report=report,
        published_date=report.published_date if report else None,
        format=report.format if report else None,
        findings=views,
        generated_at=now,
        run_id=run_text,
        status_detail="" if report else outcome.reason,
    )


def deliver(
    database_url: str,
    pages_dir: Path,
    year: int,
    scope: str,
    run_id: int | None,
    mail: MailSettings,
    *,
    now: datetime | None = None,
    workers: int | None = None,
) -> DeliveryResult:
    """Send what the current state calls for and record every attempt (module docstring).

    `workers`: processes composing the messages when there are many (default: one per
    core; 1 composes here)."""
    now = now or datetime.now(UTC)
    result = DeliveryResult(
        via=f"smtp {mail.smtp.host}:{mail.smtp.port}" if mail.smtp else str(mail.outbox)
    )
    db = Database.connect(database_url)
    try:
        db.create_schema()
        with db.sessions() as session:
            messages = plan(session, year, scope, run_id, Path(pages_dir), mail.contacts, now)
        with db.sessions.begin() as session:
            run = session.get(CheckRun, run_id) if run_id is not None else None
            rows = deliveries.claim_all(session, [_claim(m) for m in messages], run=run)
            states = [(row.id, row.status) for row in rows]
        todo = [
            (m, row_id)
            for m, (row_id, status) in zip(messages, states, strict=True)
            if status != "sent"
        ]
        result.skipped += len(messages) - len(todo)
        with (
            make_mailer(mail) as mailer,
            closing(_prepared([m for m, _ in todo], mail, now, mailer.smtp, workers)) as wires,
        ):
            for (m, row_id), wire in zip(todo, wires, strict=True):
                with db.sessions.begin() as session:
                    # locked on PostgreSQL: a review delivering at the same time waits,
                    # then finds it sent
                    row = session.get(Delivery, row_id, with_for_update=True)
                    if row.status == "sent":
                        result.skipped += 1
                        continue
                    try:
                        mailer.send_wire(wire)
                    except DeliveryError as exc:
                        deliveries.mark_failed(session, row, str(exc))
                        result.failed += 1
                        result.errors.append(f"{m.to}：{exc}")
                    else:
                        carried = _load_findings(session, row.finding_ids)
                        deliveries.mark_sent(session, row, message_id(m, mail.sender.domain))
                        result.notified.update(f.agency_id for f in carried)
                        result.sent += 1
    finally:
        db.dispose()
    return result


def _claim(m: Outgoing) -> deliveries.Claim:
    return deliveries.Claim(m.to, m.key, m.fingerprint, m.subject, m.finding_ids)


def _prepare(job: tuple[Outgoing, tuple[str, str, str], datetime, bool]) -> Wire:
    """One message rendered, composed and written out (`reports.mail.prepare`); in a
    worker process when there are many."""
    m, (name, user, domain), now, smtp = job
    sender = Address(name, user, domain)
    body = m.body.render()
    message = compose(
        sender=sender,
        to=recipient(m.to, m.name),
        subject=m.subject,
        html=body.html,
        text=body.text,
        attachments=body.attachments,
        date=now,
        message_id=message_id(m, domain),
    )
    return prepare(message, smtp=smtp)


def _prepared(
    messages: list[Outgoing], mail: MailSettings, now: datetime, smtp: bool, workers: int | None
) -> Iterator[Wire]:
    """`messages` prepared for sending, in order. Rendering, composing and writing out
    a message is pure CPU (Jinja2, openpyxl, the email package), so with many messages
    it runs in worker processes
    while this one hands the previous ones over and records them; a few messages ahead
    at most (a digest with its pages attached is megabytes)."""
    sender = (mail.sender.display_name, mail.sender.username, mail.sender.domain)
    jobs = iter([(m, sender, now, smtp) for m in messages])
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(messages) < POOL_MIN_MESSAGES:
        yield from map(_prepare, jobs)
        return
    context = multiprocessing.get_context("spawn")  # this process runs threads
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        ahead = deque(pool.submit(_prepare, job) for job in islice(jobs, 4 * workers))
        while ahead:
            wire = ahead.popleft().result()
            if (job := next(jobs, None)) is not None:
                ahead.append(pool.submit(_prepare, job))
            yield wire


def _load_findings(session, finding_ids) -> list[FindingRecord]:
    """The findings a message carried, in one query: while the caller holds them (the
    session keeps only weak references), `mark_sent` finds each in the session
    instead of querying it."""
    ids = list(finding_ids)
    found: list[FindingRecord] = []
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        found += session.scalars(select(FindingRecord).where(FindingRecord.id.in_(chunk)))
    return found
