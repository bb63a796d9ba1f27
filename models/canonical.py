"""The canonical report: the parser's output and the checks' input (DESIGN.md).

`to_json()` gives exactly the shape of DESIGN.md / corpus truth files; the extra
fields (provenance, blanks, ambiguities, section texts, labels) travel beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

T3_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
T3_APPLICANT_COLUMNS = T3_COLUMNS[:6]

# 表三 rows of the 2021 format, in printed order (RULES.md §2.4).
T3_ROWS_2021 = (
    "一",
    "二",
    "三.一",
    "三.二",
    *(f"三.三.{i}" for i in range(1, 9)),
    *(f"三.四.{i}" for i in range(1, 4)),
    *(f"三.五.{i}" for i in range(1, 6)),
    *(f"三.六.{i}" for i in range(1, 4)),
    "三.七",
    "四",
)
# 2019 trial format (and 2021 reports that merge （六） into one row): single 三.六.
T3_ROWS_SINGLE_SIX = (
    *T3_ROWS_2021[: T3_ROWS_2021.index("三.六.1")],
    "三.六",
    "三.七",
    "四",
)
T3_RESULT_GROUPS = ("三.一", "三.二", "三.三", "三.四", "三.五", "三.六")

T4_GROUPS = ("复议", "直诉", "复议后诉")
T4_ITEMS = ("维持", "纠正", "其他", "未结", "总计")
T4_GROUP_NAMES = {"复议": "行政复议", "直诉": "未经复议直接起诉", "复议后诉": "复议后起诉"}
T4_ITEM_NAMES = {
    "维持": "结果维持",
    "纠正": "结果纠正",
    "其他": "其他结果",
    "未结": "尚未审结",
    "总计": "总计",
}

# 表二 rows and their widths per format (0: a single number, not a list). RULES.md §2.4/§2.5.
T2_WIDTHS = {
    "2021": {
        "规章": 3,
        "行政规范性文件": 3,
        "行政许可": 0,
        "行政处罚": 0,
        "行政强制": 0,
        "行政事业性收费": 0,
    },
    "2019trial": {
        "规章": 3,
        "规范性文件": 3,
        "行政许可": 3,
        "其他对外管理服务事项": 3,
        "行政处罚": 3,
        "行政强制": 3,
        "行政事业性收费": 2,
        "政府集中采购": 2,
    },
}

SECTIONS = ("一", "二", "三", "四", "五", "六")
# The DESIGN.md canonical shape: what `nianbao parse --json` prints and truth files hold.
CANONICAL_KEYS = (
    "file",
    "agency",
    "year",
    "format",
    "sections_present",
    "published_date",
    "t2",
    "t3",
    "t4",
)
FORMATS = ("2021", "2019trial", "pre2019")


def leaf_rows(t3: dict[str, list[int] | None]) -> list[str]:
    """Leaf result rows of 三 present in this 表三 (21, or 19 with a single 三.六)."""
    return [r for r in t3 if r.startswith("三.") and r != "三.七"]


_NESTED = frozenset({dict, list, tuple})


def _plain(value):
    """A copy of nested dicts/lists of JSON scalars (the canonical report's field types);
    scalars are tested inline, not by a call each (most of a report's values)."""
    kind = type(value)
    if kind is dict:
        return {k: _plain(v) if type(v) in _NESTED else v for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_plain(v) if type(v) in _NESTED else v for v in value]
    return value


@dataclass
class CanonicalReport:
    """One published report as read: values as published, errors included."""

    file: str
    agency: str | None = None
    year: int | None = None
    format: str | None = None
    sections_present: list[str] = field(default_factory=list)
    published_date: str | None = None
    t2: dict[str, object] | None = None
    t3: dict[str, list[int] | None] | None = None
    t4: list[int] | None = None
    # beside the canonical shape
    provenance: dict[str, str] = field(default_factory=dict)  # "t3.一" -> source text
    blank_cells: list[str] = field(default_factory=list)  # "t3.四.3" read as 0
    ambiguous_cells: list[str] = field(default_factory=list)  # "t2.行政规范性文件"
    ambiguity_notes: dict[str, str] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)  # section -> its text
    headings: dict[str, str] = field(default_factory=dict)  # section -> printed heading
    section_order_ok: bool = True
    labels: dict[str, str] = field(default_factory=dict)  # "t3.三.三.2" -> printed label
    missing_rows: list[str] = field(default_factory=list)  # "t3.三.六.1", "t2.规章"
    title: str | None = None
    preamble: str = ""  # text before the first part heading (统计期限…)

    def to_json(self) -> dict:
        """The DESIGN.md canonical shape (what `nianbao parse --json` prints)."""
        return {
            "file": self.file,
            "agency": self.agency,
            "year": self.year,
            "format": self.format,
            "sections_present": list(self.sections_present),
            "published_date": self.published_date,
            "t2": self.t2,
            "t3": self.t3,
            "t4": self.t4,
            "ambiguous_cells": list(self.ambiguous_cells),
            "blank_cells": list(self.blank_cells),
            "missing_rows": list(self.missing_rows),
        }

    def to_dict(self) -> dict:
        """Everything, for storage (JSON-safe): fresh dicts and lists, shared scalars.

        (`dataclasses.asdict` does the same through deepcopy at ~4 ms a report.)"""
        return {name: _plain(getattr(self, name)) for name in self.__dataclass_fields__}

    def without_texts(self) -> CanonicalReport:
        """The same report without its texts (parts, provenance, labels, headings): the
        tables and metadata the audit pages draw, light enough to keep thousands in
        memory once the checks have read the texts."""
        return replace(
            self,
            provenance={},
            sections={},
            labels={},
            headings={},
            ambiguity_notes={},
            preamble="",
        )

    @classmethod
    def from_dict(cls, data: dict) -> CanonicalReport:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})
