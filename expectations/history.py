"""What a check knows beyond one report: its agency, its previous report, the configuration.

Contract:
- `ReportContext` (one per report of a batch) carries the same agency's year-1 report
  (`previous`, or None with `no_previous` saying why in Chinese), the agency's
  `AgencyInfo` (name, level, kind; from the registry, or None) and the `Config`;
- rule modules may define `features(reports, contexts) -> {column: [value per report]}`
  (derived columns computed before validation, see `features.build_frame`) and
  `skips(reports, contexts) -> [(index, rule id, reason)]` (rules not applying, with the
  Chinese reason); a rule with `needs_previous` is skipped for every report without
  a previous report;
- `batch_previous` pairs reports of one batch (`nianbao check FILE...`) by normalised
  agency name: each report gets the same agency's report of year-1 if the batch holds one;
- `rule_making_power` says whether an agency may issue 规章 (立法法): a province, an
  autonomous region, a municipality, a 设区的市 or 自治州 government; None when unknown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from models.canonical import CanonicalReport

from .config import DEFAULT, Config

NO_PREVIOUS = "未找到同一机构上一年度的报告，跨年度规则未检查"


@dataclass(frozen=True)
class AgencyInfo:
    """Registry facts about a report's agency (None: not known)."""

    name: str | None = None
    level: str | None = None  # province | city | county | township
    kind: str | None = None  # government | department | other


@dataclass(frozen=True)
class ReportContext:
    previous: CanonicalReport | None = None
    no_previous: str = NO_PREVIOUS  # why there is no previous report (Chinese)
    agency: AgencyInfo | None = None
    config: Config = field(default=DEFAULT)
    # Details a feature hook computed for this report (batch-level: the SIM-PEER match,
    # aligned passages), keyed by rule id, for its `explain`; filled per batch.
    derived: dict[str, object] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Skip:
    """A rule not checked on a report, and why (Chinese). Not a finding: counts nothing."""

    report_id: str
    rule: str
    reason: str

    def to_json(self) -> dict:
        return {"report_id": self.report_id, "rule": self.rule, "reason": self.reason}


@lru_cache(maxsize=65536)
def agency_key(name: str | None) -> str:
    """A name compared across years: NFKC, no whitespace, brackets and their content dropped."""
    text = unicodedata.normalize("NFKC", name or "")
    text = re.sub(r"\s+", "", text)
    return re.sub(r"[(\[【〔][^)\]】〕]*[)\]】〕]", "", text)


def same_agency(a: str | None, b: str | None) -> bool:
    """Equal normalised names, or one ends with the other (淮安市洪泽区人民政府 / 洪泽区人民政府)."""
    return same_key(agency_key(a), agency_key(b))


def same_key(ka: str, kb: str) -> bool:
    """`same_agency` on names already reduced by `agency_key`."""
    if not ka or not kb:
        return False
    short, long = sorted((ka, kb), key=len)
    return ka == kb or (len(short) >= 5 and long.endswith(short))


def batch_previous(
    reports: Sequence[CanonicalReport], report_ids: Sequence[str]
) -> dict[str, CanonicalReport]:
    """For each report id, the same agency's year-1 report in the batch (first one found)."""
    by_year: dict[int, list[CanonicalReport]] = {}
    for report in reports:
        if report.year is not None:
            by_year.setdefault(report.year, []).append(report)
    previous: dict[str, CanonicalReport] = {}
    for rid, report in zip(report_ids, reports, strict=True):
        if report.year is None or not report.agency:
            continue
        for other in by_year.get(report.year - 1, ()):
            if same_agency(other.agency, report.agency):
                previous[rid] = other
                break
    return previous


_PROVINCIAL = re.compile(r"(省|自治区|北京市|天津市|上海市|重庆市)人民政府$")
_PREFECTURAL = re.compile(r"(市|自治州)人民政府$")
_BELOW = re.compile(r"(区|县|旗|镇|乡|街道|自治县)")


def rule_making_power(agency: AgencyInfo | None, report_agency: str | None) -> bool | None:
    """May this agency issue 规章? Registry level/kind first, else inferred from the name.

    From the name: 省/自治区/直辖市 governments and 市/自治州 governments with no 区/县 part
    after the city (a 设区的市; a 县级市 cannot be told apart and is given the benefit
    of the doubt). Departments and everything below have none. Unknown name: None.
    """
    if agency is not None and agency.level and agency.kind:
        return agency.kind == "government" and agency.level in ("province", "city")
    name = agency_key((agency.name if agency else None) or report_agency)
    if not name:
        return None
    if _PROVINCIAL.search(name):
        return True
    if match := _PREFECTURAL.search(name):
        city = name[: match.start()]
        tail = re.split(r"(?:省|自治区)", city)[-1]
        return not _BELOW.search(tail)
    return False


def contexts_for(
    report_ids: Sequence[str],
    previous: Mapping[str, CanonicalReport] | None = None,
    agencies: Sequence[AgencyInfo | None] | None = None,
    config: Config | None = None,
    no_previous: Mapping[str, str] | None = None,
    years: Mapping[str, int | None] | None = None,
) -> list[ReportContext]:
    """One context per report id."""
    previous = previous or {}
    agencies = agencies or [None] * len(report_ids)
    if len(agencies) != len(report_ids):
        raise ValueError(f"{len(report_ids)} reports but {len(agencies)} agencies")
    contexts = []
    for rid, agency in zip(report_ids, agencies, strict=True):
        prev, why = previous.get(rid), (no_previous or {}).get(rid, NO_PREVIOUS)
        if prev is not None and years is not None and None not in (prev.year, years.get(rid)):
            if prev.year != years[rid] - 1:
                prev, why = (
                    None,
                    f"给出的上一年度报告为{prev.year}年，不是{years[rid] - 1}年，跨年度规则未检查",
                )
        contexts.append(ReportContext(prev, why, agency, config or DEFAULT))
    return contexts
