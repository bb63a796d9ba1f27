"""Publication deadlines (RULES.md §1.1, §4.2 PUB-DEADLINE).

| agency kind | report year y ≥ 2019 | y ≤ 2018 |
|---|---|---|
| department (县级以上人民政府部门) | (y+1)-01-31 | (y+1)-03-31 |
| government (县级以上地方人民政府) | (y+1)-03-31 | (y+1)-03-31 |
| other (乡镇/街道 and others) | local notice only | local notice only |

A 1月31日 on a weekend or holiday is not extended (the 条例 grants no grace days).
Local deadlines come from configuration: `MM-DD` of year y+1, looked up by agency id,
then `level/kind`, then level, then kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

REVISED_FROM = 2019  # first report year under the 2019 条例


def statutory_deadline(kind: str, year: int) -> date | None:
    """The 条例 deadline for a report of `year` by an agency of `kind`; None for others."""
    if kind == "department":
        return date(year + 1, 1, 31) if year >= REVISED_FROM else date(year + 1, 3, 31)
    if kind == "government":
        return date(year + 1, 3, 31)
    return None


def local_deadline(
    table: Mapping[str, str], year: int, agency_id: str, level: str, kind: str
) -> date | None:
    """The configured local deadline for this agency and year, or None."""
    for key in (agency_id, f"{level}/{kind}", level, kind):
        if key in table:
            month, _, day = str(table[key]).partition("-")
            try:
                return date(year + 1, int(month), int(day))
            except ValueError as exc:
                raise ValueError(f"本地发布期限「{key}: {table[key]}」应写作 MM-DD") from exc
    return None
