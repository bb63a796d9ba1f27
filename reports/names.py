"""File names of the rendered site: `index.html`, `rules.html` and one page per agency id."""

from __future__ import annotations

import hashlib
import re

INDEX = "index.html"
RULES_PAGE = "rules.html"  # the rule reference beside the index
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_RESERVED = {"con", "prn", "aux", "nul", "index", "rules", "progress"} | {
    f"{p}{i}" for p in ("com", "lpt") for i in range(10)
}
_MAX_STEM = 80


def page_name(agency_id: str) -> str:
    """`<agency_id>.html` when the id is a safe ASCII name, else a sanitised stem plus
    8 hex of the id's SHA-1 (distinct ids never share a page, none is `index.html`)."""
    stem = _UNSAFE.sub("_", agency_id).strip("._")[:_MAX_STEM]
    if stem != agency_id or stem.split(".")[0].lower() in _RESERVED or not stem:
        digest = hashlib.sha1(agency_id.encode("utf-8")).hexdigest()[:8]
        stem = f"{stem}_{digest}" if stem else digest
    return f"{stem}.html"


def rule_href(rule_id: str) -> str:
    """Link to a rule's entry on the rule reference page: `rules.html#T3-BALANCE`."""
    return f"{RULES_PAGE}#{rule_id}"
