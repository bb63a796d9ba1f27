"""Clean synthetic reports: per agency, a chain of years derived from one real report.

Contract of `agency_reports(agency, years, base, pools, seed)`:
- one `CanonicalReport` per year (2021 format), deterministic under (seed, agency id);
- the numbers vary the base's: each 表三 leaf cell is scaled and jittered, then the
  identities are made to hold — 总计 = Σ applicant columns, 三.七 = Σ leaf rows,
  一 + 二 = 三.七 + 四 (RULES.md T3-COLSUM, T3-RESULTSUM, T3-BALANCE), 表四 总计 =
  维持 + 纠正 + 其他 + 未结 (T4-TOTAL);
- year to year: 二_y = 四_{y-1} (T3-CARRY-XYEAR), 现行有效_y = 现行有效_{y-1} + 制发_y −
  废止_y with 废止 ≤ 现行有效_{y-1} + 制发 (T2-VALID-XYEAR, T2-REPEAL-BOUND), and the tables
  never repeat last year's (SIM-SAME-NUMBERS);
- 规章 is 0 unless the agency may make rules (province and city governments,
  T2-RULES-AUTH); the fee is a small amount in 万元 (T2-FEE-UNIT);
- published within the statutory deadline: departments in January of y+1, governments
  by 31 March (PUB-DEADLINE);
- parts 一/五/六 and the preamble come from `narrative.write_parts`.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ingest.registry import Agency
from models.canonical import T3_ROWS_2021, CanonicalReport

from .bases import Base, Pools
from .narrative import write_parts

APPLICANTS = 6
RULE_MAKERS = {("province", "government"), ("city", "government")}


def _scale(agency: Agency) -> float:
    """Applications grow with the level: townships get few, the province many."""
    return {"province": 2.0, "city": 1.2, "county": 0.7, "township": 0.3}[agency.level]


def _jitter(rng: random.Random, value: int, factor: float) -> int:
    return max(0, round(value * factor + rng.choice((-1, 0, 0, 0, 1, 1))))


def _t3(
    base: dict, rng: random.Random, factor: float, carried: list[int] | None
) -> dict[str, list[int]]:
    """A balanced 表三: leaves from the base, 二 = `carried` (last year's 四), 一 derived."""
    rows = [r for r in T3_ROWS_2021 if r.startswith("三.") and r != "三.七"]
    leaves = {}
    for r in rows:
        cells = (base.get(r) or [0] * 7)[:APPLICANTS]
        leaves[r] = [_jitter(rng, int(v or 0), factor) if rng.random() < 0.9 else 0 for v in cells]
    two = list(carried[:APPLICANTS]) if carried else [rng.choice((0, 0, 0, 1)) for _ in range(6)]
    four = [rng.choice((0, 0, 0, 0, 1, 2)) if c < 2 else rng.choice((0, 1, 2)) for c in range(6)]
    if all(v == 0 for r in rows for v in leaves[r]) and rng.random() < 0.7:
        leaves["三.一"][0] = rng.randint(1, 3)  # most agencies receive something
    total = [sum(leaves[r][c] for r in rows) for c in range(APPLICANTS)]
    one = [total[c] + four[c] - two[c] for c in range(APPLICANTS)]
    for c in range(APPLICANTS):
        if one[c] < 0:  # more carried in than handled: the surplus was answered (予以公开)
            leaves["三.一"][c] -= one[c]
            total[c] -= one[c]
            one[c] = 0
    t3 = {"一": one, "二": two, **leaves, "三.七": total, "四": four}
    return {r: v + [sum(v)] for r, v in ((r, t3[r]) for r in T3_ROWS_2021)}


def _t4(base: list, rng: random.Random) -> list[int]:
    out: list[int] = []
    for g in range(3):
        items = [_jitter(rng, int(v or 0), 1.0) for v in (base[g * 5 : g * 5 + 4] or [0] * 4)]
        if rng.random() < 0.5:
            items = [0, 0, 0, 0]
        out += items + [sum(items)]
    return out


def _t2(
    base: dict, rng: random.Random, agency: Agency, previous: dict | None, factor: float
) -> dict[str, object]:
    def chain(key: str, stock: tuple[int, int], issued: int) -> list[int]:
        valid = previous[key][2] if previous else rng.randint(*stock)
        made = rng.randint(0, issued)
        repealed = rng.randint(0, min(2, valid + made))
        return [made, repealed, valid + made - repealed]

    rules = chain("规章", (10, 80), 3) if (agency.level, agency.kind) in RULE_MAKERS else [0, 0, 0]

    def count(key: str) -> int:
        value = base.get(key)
        value = int(value) if isinstance(value, int | float) else 0
        return _jitter(rng, value, factor * rng.uniform(0.5, 1.5))

    fee = round(rng.uniform(0, 30), 2) if rng.random() < 0.2 else 0
    return {
        "规章": rules,
        "行政规范性文件": chain("行政规范性文件", (3, 60), 6),
        "行政许可": count("行政许可"),
        "行政处罚": count("行政处罚"),
        "行政强制": count("行政强制"),
        "行政事业性收费": fee,
    }


def published_on(agency: Agency, year: int, rng: random.Random) -> str:
    """A date within the statutory deadline of year+1 (departments 31 Jan, else 31 Mar)."""
    start = date(year + 1, 1, 8)
    last = date(year + 1, 1, 28) if agency.kind == "department" else date(year + 1, 3, 25)
    return (start + timedelta(days=rng.randint(0, (last - start).days))).isoformat()


def _same_numbers(a: CanonicalReport, b: CanonicalReport) -> bool:
    return a.t2 == b.t2 and a.t3 == b.t3 and a.t4 == b.t4


def agency_reports(
    agency: Agency, years: list[int], base: Base, pools: Pools, seed: int
) -> list[CanonicalReport]:
    """The agency's clean reports for `years` (ascending; see the module contract)."""
    rng = random.Random(f"report:{seed}:{agency.agency_id}")
    factor = _scale(agency) * rng.uniform(0.5, 1.5)
    b = base.report
    out: list[CanonicalReport] = []
    previous: CanonicalReport | None = None
    for year in years:
        t3 = _t3(b.t3 or {}, rng, factor, previous.t3["四"] if previous else None)
        report = CanonicalReport(
            file=f"{agency.agency_id}-{year}",
            agency=agency.name,
            year=year,
            format="2021",
            sections_present=["一", "二", "三", "四", "五", "六"],
            published_date=published_on(agency, year, rng),
            t2=_t2(b.t2 or {}, rng, agency, previous.t2 if previous else None, factor),
            t3=t3,
            t4=_t4(b.t4 or [0] * 15, rng),
        )
        if previous is not None and _same_numbers(report, previous):
            _add_answered(report)
        write_parts(report, pools, rng, agency.region, agency.kind == "government")
        out.append(report)
        previous = report
    return out


def _add_answered(report: CanonicalReport) -> None:
    """One more application received and answered (keeps every identity)."""
    for row in ("一", "三.一", "三.七"):
        report.t3[row][0] += 1
        report.t3[row][6] += 1
