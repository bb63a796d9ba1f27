"""A small synthetic province (20 agencies × 2 years), generated once per session."""

from __future__ import annotations

import pytest

from ingest.synthetic.generate import generate


@pytest.fixture(scope="session")
def clean_province(tmp_path_factory):
    """Every report clean (no injected error)."""
    return generate(tmp_path_factory.mktemp("clean"), 20, 2, seed=11, error_share=0.0)


@pytest.fixture(scope="session")
def checker():
    """One GX checker for the package's tests (building one costs the GX import)."""
    from expectations.validate import Checker

    return Checker()
