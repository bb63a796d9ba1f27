"""Deliveries: which message went to whom, so sending is idempotent and retried.

Key: (recipient, message key, fingerprint of the state reported). Contract:
- `claim` returns the row for a composed message, creating it "pending"; a "sent"
  row means: do not send again. Older unsent rows of the same (recipient, key) are
  marked "superseded" — the new message reports the newer state. `claim_all` does
  the same for a run's messages in a few statements; its INSERT skips a row another
  run inserted meanwhile (the UNIQUE key), and both get the same row.
- `mark_sent` records the delivery and one "notified" event per finding it carried.
- `mark_failed` keeps the row "failed" with the error (no credentials) for the next
  run to retry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from models import batch
from models.base import utc_now
from models.lifecycle import record_event
from models.tables import CheckRun, Delivery, FindingRecord

__all__ = ["Claim", "claim", "claim_all", "deliveries_for_run", "mark_failed", "mark_sent"]

_KEY = ("recipient", "message_key", "fingerprint")


class Claim(NamedTuple):
    """A composed message, for `claim_all`."""

    recipient: str
    message_key: str
    fingerprint: str
    subject: str
    finding_ids: Sequence[int]


def claim(
    session: Session,
    recipient: str,
    message_key: str,
    fingerprint: str,
    *,
    run: CheckRun | None,
    subject: str,
    finding_ids: Sequence[int],
) -> Delivery:
    """The delivery row of this message for this recipient (see module contract)."""
    found = claim_all(
        session, [Claim(recipient, message_key, fingerprint, subject, finding_ids)], run=run
    )
    return found[0]


def claim_all(session: Session, claims: Sequence[Claim], *, run: CheckRun | None) -> list[Delivery]:
    """`claim` for each of `claims` (distinct keys), the rows in the same order."""
    keys = [(c.recipient, c.message_key) for c in claims]
    rows: dict[tuple[str, str, str], Delivery] = {}
    for chunk in batch.chunks(keys):
        query = select(Delivery).where(tuple_(Delivery.recipient, Delivery.message_key).in_(chunk))
        for row in session.scalars(query):
            rows[(row.recipient, row.message_key, row.fingerprint)] = row
    new = [c for c in claims if (c.recipient, c.message_key, c.fingerprint) not in rows]
    if new:
        wanted = {(c.recipient, c.message_key) for c in new}
        for row in rows.values():  # the new messages report a newer state
            if (row.recipient, row.message_key) in wanted and row.status in ("pending", "failed"):
                row.status = "superseded"
        session.flush()
        values = [
            dict(
                run_id=None if run is None else run.id,
                recipient=c.recipient,
                message_key=c.message_key,
                fingerprint=c.fingerprint,
                subject=c.subject,
                finding_ids=list(c.finding_ids),
                status="pending",
                attempts=0,
                error="",
                message_id="",
                created_at=utc_now(),
            )
            for c in new
        ]
        batch.insert_missing(session, Delivery.__table__, values, _KEY, [Delivery.id])
        triples = [(c.recipient, c.message_key, c.fingerprint) for c in new]
        for chunk in batch.chunks(triples):
            columns = tuple_(Delivery.recipient, Delivery.message_key, Delivery.fingerprint)
            for row in session.scalars(select(Delivery).where(columns.in_(chunk))):
                rows[(row.recipient, row.message_key, row.fingerprint)] = row
    return [rows[(c.recipient, c.message_key, c.fingerprint)] for c in claims]


def mark_sent(
    session: Session, delivery: Delivery, message_id: str, *, at: datetime | None = None
) -> None:
    """Delivered: status "sent", and a "notified" event for each finding it carried."""
    at = at or utc_now()
    delivery.status = "sent"
    delivery.attempts += 1
    delivery.sent_at = at
    delivery.message_id = message_id
    delivery.error = ""
    for finding_id in delivery.finding_ids:
        finding = session.get(FindingRecord, finding_id)
        if finding is not None:
            record_event(
                session,
                finding,
                "notified",
                at=at,
                delivery_id=delivery.id,
                note=delivery.recipient,
            )
    session.flush()


def mark_failed(session: Session, delivery: Delivery, error: str) -> None:
    """Not delivered: status "failed" with `error` (already free of credentials)."""
    delivery.status = "failed"
    delivery.attempts += 1
    delivery.error = error[:2000]
    session.flush()


def deliveries_for_run(session: Session, run_id: int) -> list[Delivery]:
    """Messages composed by `run_id`, in order."""
    return list(
        session.scalars(select(Delivery).where(Delivery.run_id == run_id).order_by(Delivery.id))
    )
