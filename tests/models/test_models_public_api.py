"""The public surface of the persistence layer: small, listed, documented."""

import models.base
import models.batch
import models.db
import models.deliveries
import models.finding_store
import models.ledger
import models.lifecycle
import models.registry_store
import models.report_store
import models.run_store
import models.store
import models.tables

SURFACE = {
    models.base: {"Base", "UTCDateTime", "utc_now"},
    models.db: {
        "DATABASE_URL_VARIABLE",
        "Database",
        "create_schema",
        "database_url_from_env",
        "describe_error",
        "make_engine",
        "session_factory",
    },
    models.store: {
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
    },
    models.batch: {
        "CHUNK",
        "check",
        "chunks",
        "dialect_insert",
        "expire",
        "id_of",
        "insert_missing",
        "insert_new",
        "select_rows",
        "update_by_id",
    },
    models.registry_store: {"upsert_agency", "upsert_registry"},
    models.report_store: {
        "StoredReport",
        "latest_report",
        "latest_report_ids",
        "previous_reports",
        "record_document",
        "record_documents",
        "record_report",
        "record_reports",
    },
    models.run_store: {
        "finish_run",
        "outcome_counts",
        "outcomes_for_run",
        "record_outcome",
        "record_outcomes",
        "start_run",
    },
    models.finding_store: {
        "FindingKey",
        "FindingRows",
        "StoredFinding",
        "findings_for",
        "record_findings",
        "upsert_findings",
    },
    models.lifecycle: {
        "TRANSITIONS",
        "TransitionError",
        "fix_target",
        "record_event",
        "track",
        "track_batch",
        "transition",
        "waive",
    },
    models.ledger: {
        "LedgerEntry",
        "agencies",
        "agencies_with_open_findings",
        "find_finding",
        "latest_outcomes",
        "ledger",
        "report_versions",
    },
    models.deliveries: {
        "Claim",
        "claim",
        "claim_all",
        "deliveries_for_run",
        "mark_failed",
        "mark_sent",
    },
    models.tables: {
        "DELIVERY_STATUSES",
        "EVENT_KINDS",
        "FINDING_STATUSES",
        "OPEN_STATUSES",
        "OUTCOME_STATUSES",
        "REPORT_STATUSES",
        "RUN_STATUSES",
        "Agency",
        "AgencyOutcome",
        "CheckRun",
        "Delivery",
        "FindingEvent",
        "FindingRecord",
        "ParsedReport",
        "SourceDocument",
    },
}


def test_public_names_are_exactly_these():
    for module, names in SURFACE.items():
        assert set(module.__all__) == names, module.__name__


def test_every_public_callable_states_its_contract():
    for module in SURFACE:
        assert module.__doc__, module.__name__
        for name in module.__all__:
            value = getattr(module, name)
            if callable(value):
                assert value.__doc__, f"{module.__name__}.{name}"
