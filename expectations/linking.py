"""One cause, one finding (RULES.md §8): link the 表三 arithmetic findings of one typo.

The table identities run in check order T3-COLSUM, T3-RESULTSUM, T3-BALANCE. When a
later finding of a report shares a cell with an earlier one, it is a consequence: it
keeps its own severity and message (both identities really fail, and the corpus truth
lists both) but gets `caused_by` — the primary finding and the suspect cell(s) they
share — and the primary lists it in `related`. An agency reads one instruction: fix the
suspect cell, and the linked findings go with it.
"""

from __future__ import annotations

from dataclasses import replace

from models.finding import Finding

from .layout import CELLS
from .rules.tables import T3_BALANCE, T3_COLSUM, T3_RESULTSUM

LINKED_RULES = tuple(rule.id for rule in (T3_COLSUM, T3_RESULTSUM, T3_BALANCE))
_LABELS = {cell.key: cell.label for cell in CELLS.values()}


def _ref(finding: Finding) -> str:
    return f"{finding.rule} {finding.where}"


def link_causes(findings: list[Finding]) -> list[Finding]:
    """The findings, in order, with consequences linked to their primary finding."""
    out = list(findings)
    by_report: dict[str, list[int]] = {}
    for n, f in enumerate(out):
        if f.rule in LINKED_RULES:
            by_report.setdefault(f.report_id, []).append(n)
    for indexes in by_report.values():
        indexes.sort(key=lambda n: (LINKED_RULES.index(out[n].rule), n))
        primaries: list[int] = []
        for n in indexes:
            cells = set(out[n].cells)
            primary = next(
                (p for p in primaries if out[p].rule != out[n].rule and cells & set(out[p].cells)),
                None,
            )
            if primary is None:
                primaries.append(n)
                continue
            shared = [c for c in out[primary].cells if c in cells]
            suspect = "、".join(_LABELS.get(c, c) for c in shared)
            out[n] = replace(out[n], caused_by=f"{_ref(out[primary])}；可疑单元格：{suspect}")
            out[primary] = replace(out[primary], related=(*out[primary].related, _ref(out[n])))
    return out
