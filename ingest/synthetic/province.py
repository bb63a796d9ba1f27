"""The agencies of a synthetic province: 省/市/县/乡镇 governments and their departments.

Contract of `make_agencies(n, seed)`:
- exactly `n` agencies (registry `Agency` records), deterministic under `seed`;
- a realistic hierarchy: the province government and its 厅/委/局, city governments
  and their 局, county/district governments and their 局, township governments; every
  non-root agency's `parent_id` is its government (a department) or the government one
  level up (a government);
- unique Chinese names (cross-year rules and `history.same_agency` key on them) and
  stable ids built from the position in the tree (`p`, `p-jy`, `c03`, `c03-x02-jy`,
  `c03-x02-t05`);
- supervisor: the 政务公开办 of the government above (`gkb@<gov id>.example.cn`);
  contact: the agency's own office (`<id>@example.cn`);
- `host_for(agency_id)`: the loopback host serving the agency's website — the province
  and each city have their own portal (`127.0.0.1`, `127.0.0.<1+city>`); a county's and
  a township's sites live on their city's portal.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from ingest.registry import Agency

PROVINCE = "示范省"
# (name stem, id code) of the departments; the suffix depends on the level.
DEPARTMENTS = (
    ("发展和改革", "fg"),
    ("教育", "jy"),
    ("科学技术", "kj"),
    ("工业和信息化", "gx"),
    ("公安", "ga"),
    ("民政", "mz"),
    ("司法", "sf"),
    ("财政", "cz"),
    ("人力资源和社会保障", "rs"),
    ("自然资源", "zr"),
    ("生态环境", "sthj"),
    ("住房和城乡建设", "zj"),
    ("交通运输", "jt"),
    ("水利", "sl"),
    ("农业农村", "ny"),
    ("商务", "sw"),
    ("文化和旅游", "wl"),
    ("卫生健康", "wj"),
    ("退役军人事务", "tyjr"),
    ("应急管理", "yj"),
    ("审计", "sj"),
    ("市场监督管理", "scjg"),
    ("统计", "tj"),
    ("医疗保障", "yb"),
    ("林业", "ly"),
    ("体育", "ty"),
    ("信访", "xf"),
    ("城市管理", "cg"),
    ("行政审批", "xzsp"),
    ("数据", "sjj"),
)
# Province bodies are 厅 except these (委员会/局); lower levels are 局 except 委员会.
_PROVINCE_BUREAUS = {"市场监督管理", "统计", "医疗保障", "林业", "体育", "信访", "数据"}
_COMMISSIONS = {"发展和改革", "卫生健康"}
_NOT_PROVINCE = {"城市管理", "行政审批"}

_SYLLABLES = (
    "安平清河东阳南宁北川远丰泰永嘉兴华云山桂林江海青石松柏明德长乐金水新城昌源"
    "庆和崇义临湖西宜武文凤凰龙泉鹤岭溪白沙玉屏阜康吉祥仁寿广福"
)
_COUNTY_SUFFIX = ("县", "县", "区")
_TOWN_SUFFIX = ("镇", "镇", "乡", "街道")


@dataclass(frozen=True)
class Shape:
    """How many of each: province departments, cities, departments per city, counties per
    city, departments and townships per county."""

    province_departments: int
    cities: int
    city_departments: int
    counties: int
    county_departments: int
    towns: int


def shape_for(n: int) -> Shape:
    """A tree of about `n` agencies with the level mix of a real province (a few percent
    province bodies, a fifth city bodies, the rest counties and townships)."""
    province = max(1, min(28, round(0.03 * n)))
    cities = max(1, min(40, round(n / 450)))
    city_departments = max(1, min(28, round(0.18 * n / cities)))
    counties = max(1, min(15, round(0.75 * n / cities / 30)))
    rest = (n - 1 - province - cities * (1 + city_departments)) / (cities * counties)
    county_departments = max(1, min(28, round(0.55 * (rest - 1))))
    towns = max(0, min(40, round(rest - 1 - county_departments)))
    return Shape(province, cities, city_departments, counties, county_departments, towns)


def _department(stem: str, level: str) -> str:
    if stem in _COMMISSIONS:
        return f"{stem}委员会"
    if level == "province":
        return f"{stem}{'局' if stem in _PROVINCE_BUREAUS else '厅'}"
    return f"{stem}局"


class _Names:
    """Two-character place names from the syllable list, unique within a scope (cities and
    counties in the province, townships in their county)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: dict[str, set[str]] = {}

    def place(self, suffix: str, scope: str = "") -> str:
        used = self.used.setdefault(scope, set())
        for _ in range(100_000):
            stem = "".join(self.rng.sample(_SYLLABLES, 2))
            if stem not in used:
                used.add(stem)
                return stem + suffix
        raise RuntimeError("ran out of place names")  # 3,500 stems per scope


_CITY = re.compile(r"^c(\d+)")


def host_for(agency_id: str) -> str:
    """The loopback address of the agency's portal (see the module contract)."""
    m = _CITY.match(agency_id)
    return f"127.0.0.{1 + int(m.group(1))}" if m and int(m.group(1)) < 250 else "127.0.0.1"


def make_agencies(n: int, seed: int = 0) -> list[Agency]:
    """`n` agencies of a synthetic province (see the module contract)."""
    if n < 1:
        raise ValueError("至少需要 1 个机构")
    rng = random.Random(f"province:{seed}")
    names = _Names(rng)
    shape = shape_for(n)
    out: list[Agency] = []

    def add(agency_id, name, region, level, kind, parent, supervisor) -> bool:
        out.append(
            Agency(
                agency_id,
                name,
                region,
                level,
                kind,
                parent,
                (f"gkb@{supervisor}.example.cn",),
                (),
                (f"{agency_id}@example.cn",),
            )
        )
        return len(out) >= n

    def departments(gov_id, place, region, level, count) -> bool:
        stems = [d for d in DEPARTMENTS if level != "province" or d[0] not in _NOT_PROVINCE]
        for stem, code in stems[:count]:
            name = f"{place}{_department(stem, level)}"
            if add(f"{gov_id}-{code}", name, region, level, "department", gov_id, gov_id):
                return True
        return False

    if add("p", f"{PROVINCE}人民政府", PROVINCE, "province", "government", None, "p"):
        return out
    if departments("p", PROVINCE, PROVINCE, "province", shape.province_departments):
        return out
    city = 0
    while True:  # cities until n (more than `shape.cities` when the clamps fell short)
        city += 1
        cid, cname = f"c{city:02d}", names.place("市")
        if add(cid, f"{cname}人民政府", cname, "city", "government", "p", "p"):
            return out
        if departments(cid, cname, cname, "city", shape.city_departments):
            return out
        for county in range(1, shape.counties + 1):
            xid = f"{cid}-x{county:02d}"
            xname = names.place(rng.choice(_COUNTY_SUFFIX))
            region = f"{cname}{xname}"
            if add(xid, f"{region}人民政府", region, "county", "government", cid, cid):
                return out
            if departments(xid, xname, region, "county", shape.county_departments):
                return out
            for town in range(1, shape.towns + 1):
                tname = names.place(rng.choice(_TOWN_SUFFIX), xid)
                tid = f"{xid}-t{town:02d}"
                office = "办事处" if tname.endswith("街道") else "人民政府"
                if add(
                    tid,
                    f"{xname}{tname}{office}",
                    f"{region}{tname}",
                    "township",
                    "government",
                    xid,
                    xid,
                ):
                    return out
