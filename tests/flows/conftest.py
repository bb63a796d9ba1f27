"""The sample province's 2023 review, parsed and checked once per session."""

from __future__ import annotations

import pytest

from flows import stages
from flows.settings import SAMPLE_PROVINCE
from ingest.registry import load_registry
from ingest.sources import find_documents


@pytest.fixture(scope="session")
def sample_2023():
    """(agencies, outcomes, findings) of the bundled sample province, 2023: what the
    persist stage gets in a review (14 agencies, 5 parsed reports, real findings)."""
    agencies = load_registry(SAMPLE_PROVINCE / "registry.csv")
    found = find_documents(SAMPLE_PROVINCE / "reports", 2023, agencies)
    items = [(a.agency_id, found.documents.get(a.agency_id, [])) for a in agencies]
    outcomes = stages.parse_batch(items, 2023)
    return agencies, outcomes, stages.check_outcomes(outcomes)
