"""The registry's agencies in the database (contract as `models.store`): keyed by the
registry's stable agency id; the registry is the truth, so a changed entry is replaced
and an unchanged one is not written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from models.batch import expire, insert_missing, select_rows, update_by_id
from models.tables import Agency

__all__ = ["upsert_agency", "upsert_registry"]

_AGENCY_FIELDS = ("name", "region", "level", "kind", "parent_id", "emails", "contact_emails")


def upsert_agency(
    session: Session,
    agency_id: str,
    name: str,
    *,
    region: str | None = None,
    level: str | None = None,
    kind: str | None = None,
    parent_id: str | None = None,
    emails: Iterable[str] = (),
    contact_emails: Iterable[str] = (),
) -> Agency:
    """Insert or replace the registry entry `agency_id` (the registry is the truth)."""
    values = {
        "name": name,
        "region": region,
        "level": level,
        "kind": kind,
        "parent_id": parent_id,
        "emails": list(emails),
        "contact_emails": list(contact_emails),
    }
    _upsert_agencies(session, {agency_id: values})
    return session.get(Agency, agency_id, populate_existing=True)


def upsert_registry(session: Session, agencies: Iterable[Any]) -> None:
    """Every registry agency (`ingest.registry.Agency`-like objects), upserted: new ids
    inserted, changed entries replaced, unchanged ones not written."""
    _upsert_agencies(
        session,
        {
            a.agency_id: {
                "name": a.name,
                "region": a.region,
                "level": a.level,
                "kind": a.kind,
                "parent_id": a.parent_id,
                "emails": list(a.supervisor_emails),
                "contact_emails": list(getattr(a, "contact_emails", ())),
            }
            for a in agencies
        },
    )


def _upsert_agencies(session: Session, wanted: Mapping[str, Mapping[str, Any]]) -> None:
    table = Agency.__table__
    session.flush()

    def stored(ids: Iterable[str]) -> dict[str, Row]:
        return {row.id: row for row in select_rows(session, list(table.c), table.c.id, ids)}

    have = stored(wanted)
    new = [{"id": i, **values} for i, values in wanted.items() if i not in have]
    inserted = {row.id for row in insert_missing(session, table, new, ["id"], [table.c.id])}
    if len(inserted) < len(new):  # stored by a concurrent run: replace if it differs
        have |= stored(row["id"] for row in new if row["id"] not in inserted)
    changed = [
        {"_id": i, **values}
        for i, values in wanted.items()
        if i in have and any(getattr(have[i], f) != values[f] for f in _AGENCY_FIELDS)
    ]
    update_by_id(session, table, changed)
    expire(session, Agency, (row["_id"] for row in changed))
