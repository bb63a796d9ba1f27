"""Deliveries: which message went to whom, so sending is idempotent and retried.

Key: (recipient, message key, fingerprint of the state reported). Contract:
- `claim` returns the row for a composed message, creating it "pending"; a "sent"
  row means: do not send again. Older unsent rows of the same (recipient, key) are
  marked "superseded" — the new message reports the newer state.
- `mark_sent` records the delivery and one "notified" event per finding it carried.
- `mark_failed` keeps the row "failed" with the error (no credentials) for the next
  run to retry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import utc_now
from models.lifecycle import record_event
from models.tables import CheckRun, Delivery, FindingRecord

__all__ = ["claim", "deliveries_for_run", "mark_failed", "mark_sent"]


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
    row = session.scalar(
        select(Delivery).where(
            Delivery.recipient == recipient,
            Delivery.message_key == message_key,
            Delivery.fingerprint == fingerprint,
        )
    )
    if row is not None:
        return row
    for older in session.scalars(
        select(Delivery).where(
            Delivery.recipient == recipient,
            Delivery.message_key == message_key,
            Delivery.status.in_(("pending", "failed")),
        )
    ):
        older.status = "superseded"
    row = Delivery(
        run_id=None if run is None else run.id,
        recipient=recipient,
        message_key=message_key,
        fingerprint=fingerprint,
        subject=subject,
        finding_ids=list(finding_ids),
        status="pending",
        attempts=0,
        error="",
        message_id="",
    )
    session.add(row)
    session.flush()
    return row


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
