"""Persistence, in one place: plain functions on a caller's `Session`.

Contract:
- Each function adds or updates rows and flushes (ids are set); the caller owns the
  transaction (`with sessions.begin() as session: ...`).
- Recording the same key again updates the existing row; nothing is duplicated.
  Keys: agency id; (agency, year, sha256); document; (agency, year, rule, location);
  (run, agency). Each is also a UNIQUE constraint, and a new key is inserted with
  INSERT … ON CONFLICT DO NOTHING, then read back: two runs writing one key at once
  (two reviews of a province) end with one row, the other run's if it committed
  first, on SQLite and PostgreSQL alike.
- Set-based: the plural functions (`upsert_registry`, `record_documents`,
  `record_reports`, `record_outcomes`, `upsert_findings`, `previous_reports`) handle a
  whole run with a few statements per table (keys read with IN over ≤ 500 ids, new
  rows inserted and changed rows updated as one executemany each); the singular ones
  are the same code for one row, and return ORM objects. ORM objects of rows written
  here are expired, so they read back the stored values.
- Unknown status or severity values raise `ValueError` (vocabularies in
  `models.tables`, `models.finding.SEVERITIES`) before anything is written.

This module is the API; each part lives in a module of its own concept:
`models.registry_store` (agencies), `models.report_store` (documents, parsed reports,
latest and previous reports), `models.run_store` (runs, agency outcomes),
`models.finding_store` (findings), all built on `models.batch` (the set-based
statements). Finding status changes and their events live in `models.lifecycle`;
deliveries in `models.deliveries`; the ledger's read side in `models.ledger`.
"""

from __future__ import annotations

from models.finding_store import FindingRows, findings_for, record_findings, upsert_findings
from models.registry_store import upsert_agency, upsert_registry
from models.report_store import (
    StoredReport,
    latest_report,
    latest_report_ids,
    previous_reports,
    record_document,
    record_documents,
    record_report,
    record_reports,
)
from models.run_store import (
    finish_run,
    outcome_counts,
    outcomes_for_run,
    record_outcome,
    record_outcomes,
    start_run,
)

__all__ = [
    "FindingRows",
    "StoredReport",
    "findings_for",
    "finish_run",
    "latest_report",
    "latest_report_ids",
    "outcome_counts",
    "outcomes_for_run",
    "previous_reports",
    "record_document",
    "record_documents",
    "record_findings",
    "record_outcome",
    "record_outcomes",
    "record_report",
    "record_reports",
    "start_run",
    "upsert_agency",
    "upsert_findings",
    "upsert_registry",
]
