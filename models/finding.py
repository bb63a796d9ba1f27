"""A finding: one rule failing at one place in one report (DESIGN.md, Findings)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """Key: (report, rule, where). Checks return these; persistence is separate."""

    report_id: str  # the batch's report id (file name in `nianbao check`)
    rule: str  # registry id, e.g. "T3-BALANCE"
    severity: str  # error | warning | info
    where: str  # location, e.g. "表三 第三项（七）总计 列 自然人"
    message: str  # Chinese, rendered from the rule's template
    published: str = ""  # the published values, as text
    expected: str = ""  # what the value should be
    evidence: str = ""  # source text quoted from the document
    cells: tuple[str, ...] = field(default_factory=tuple)  # cell keys involved, "t3.三.七.0"
    # One cause, one finding (RULES.md §8): a consequence names its primary finding and
    # the suspect cell; the primary lists its consequences ("T3-BALANCE 表三 列 自然人").
    caused_by: str = ""
    related: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        data = asdict(self)
        data["cells"] = list(self.cells)
        data["related"] = list(self.related)
        return data
