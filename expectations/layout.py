"""Names of the cells the checks see: ASCII frame columns, cell keys, Chinese labels.

Contract:
- every cell of 表二 (2021 format), 表三 (both 三.六 variants) and 表四 has one frame
  column with an ASCII-safe name (`t3_3_7_natural`, `t4_review_total`, `t2_fee`);
- `CELLS[column]` maps it back to its table, row, column index and cell key
  (`t3.三.七.0`, `t4.4`, `t2.规章.0`, `t2.行政许可`), the keys findings carry;
- the Chinese texts here are the only place locations are spelled (RULES.md §2.4).
"""

from __future__ import annotations

from dataclasses import dataclass

from models.canonical import (
    SECTIONS,
    T3_COLUMNS,
    T3_ROWS_2021,
    T4_GROUP_NAMES,
    T4_GROUPS,
    T4_ITEM_NAMES,
    T4_ITEMS,
)

TABLE_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}
TABLE_CAPTIONS = {
    "t2": "主动公开政府信息情况",
    "t3": "收到和处理政府信息公开申请情况",
    "t4": "政府信息公开行政复议、行政诉讼情况",
}
SECTION_HEADINGS = dict(
    zip(
        SECTIONS,
        (
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项",
        ),
        strict=True,
    )
)
FORMAT_NAMES = {
    "2021": "2021年新版格式（国办公开办函〔2021〕30号）",
    "2019trial": "2019年试行格式（国办公开办函〔2019〕60号）",
    "pre2019": "2019年以前的旧格式",
}

# 表三 rows of both layouts in printed order: the single 三.六 sits before 三.六.1–3.
T3_ROWS = (
    *T3_ROWS_2021[: T3_ROWS_2021.index("三.六.1")],
    "三.六",
    *T3_ROWS_2021[T3_ROWS_2021.index("三.六.1") :],
)
T3_SIX_VARIANTS = (("三.六",), ("三.六.1", "三.六.2", "三.六.3"))
# Sum rows of 表三: everything else in 三 is a leaf result row.
T3_INTAKE_ROWS = ("一", "二")
T3_TOTAL_ROW = "三.七"
T3_CARRY_ROW = "四"
T3_LEAF_ROWS = tuple(r for r in T3_ROWS if r.startswith("三.") and r != T3_TOTAL_ROW)
T3_TOTAL_INDEX = T3_COLUMNS.index("总计")

_LEAF_LABELS = {
    "三.三": (
        "不予公开",
        (
            "属于国家秘密",
            "其他法律行政法规禁止公开",
            "危及“三安全一稳定”",
            "保护第三方合法权益",
            "属于三类内部事务信息",
            "属于四类过程性信息",
            "属于行政执法案卷",
            "属于行政查询事项",
        ),
    ),
    "三.四": (
        "无法提供",
        ("本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"),
    ),
    "三.五": (
        "不予处理",
        (
            "信访举报投诉类申请",
            "重复申请",
            "要求提供公开出版物",
            "无正当理由大量反复申请",
            "要求行政机关确认或重新出具已获取信息",
        ),
    ),
    "三.六": (
        "其他处理",
        ("申请人无正当理由逾期不补正", "申请人逾期未按收费通知要求缴纳费用", "其他"),
    ),
}
_GROUP_NUMBERS = {
    "三.一": "一",
    "三.二": "二",
    "三.三": "三",
    "三.四": "四",
    "三.五": "五",
    "三.六": "六",
    "三.七": "七",
}


def _t3_row_texts() -> tuple[dict[str, str], dict[str, str]]:
    names = {"一": "第一项", "二": "第二项", "四": "第四项"}
    labels = {
        "一": "一、本年新收政府信息公开申请数量",
        "二": "二、上年结转政府信息公开申请数量",
        "四": "四、结转下年度继续办理",
    }
    for row in T3_ROWS:
        group = row[:3]
        if group not in _GROUP_NUMBERS:
            continue
        number = f"（{_GROUP_NUMBERS[group]}）"
        if row == group:
            title = {
                "三.一": "予以公开",
                "三.二": "部分公开",
                "三.六": "其他处理",
                "三.七": "总计",
            }[row]
            names[row] = f"第三项{number}" + ("总计" if row == "三.七" else "")
            labels[row] = f"{number}{title}"
        else:
            i = int(row[4:])
            title, items = _LEAF_LABELS[group]
            names[row] = f"第三项{number}{i}"
            labels[row] = f"{number}{title} {i}.{items[i - 1]}"
    return names, labels


T3_ROW_NAMES, T3_ROW_LABELS = _t3_row_texts()

# 表二 of the 2021 format: row -> column labels (None: a single-number row).
T2_2021 = {
    "规章": ("本年制发件数", "本年废止件数", "现行有效件数"),
    "行政规范性文件": ("本年制发件数", "本年废止件数", "现行有效件数"),
    "行政许可": None,
    "行政处罚": None,
    "行政强制": None,
    "行政事业性收费": None,
}
T2_SINGLE_LABELS = {
    "行政许可": "本年处理决定数量",
    "行政处罚": "本年处理决定数量",
    "行政强制": "本年处理决定数量",
    "行政事业性收费": "本年收费金额（万元）",
}
T2_FEE_ROW = "行政事业性收费"

_NUMERALS = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7"}
_T3_SLUGS = ("natural", "business", "research", "nonprofit", "legal", "other", "total")
_T4_GROUP_SLUGS = {"复议": "review", "直诉": "suit", "复议后诉": "review_suit"}
_T4_ITEM_SLUGS = {
    "维持": "upheld",
    "纠正": "corrected",
    "其他": "other",
    "未结": "pending",
    "总计": "total",
}
_T2_SLUGS = {
    "规章": "rules",
    "行政规范性文件": "norms",
    "行政许可": "permit",
    "行政处罚": "penalty",
    "行政强制": "coercion",
    "行政事业性收费": "fee",
}
_T2_COL_SLUGS = ("issued", "repealed", "valid")


@dataclass(frozen=True)
class Cell:
    """One published cell: frame column, table, row key, column index, cell key."""

    column: str
    table: str
    row: str
    index: int | None
    key: str

    @property
    def where(self) -> str:
        """Chinese location text, e.g. "表三 第一项 列 自然人"."""
        if self.table == "t3":
            return f"表三 {T3_ROW_NAMES[self.row]} 列 {T3_COLUMNS[self.index]}"
        if self.table == "t4":
            group, item = T4_GROUPS[self.index // 5], T4_ITEMS[self.index % 5]
            return f"表四 {T4_GROUP_NAMES[group]} {T4_ITEM_NAMES[item]}"
        return f"表二 {self.row} {self._t2_label}"

    @property
    def label(self) -> str:
        """Chinese text for messages, e.g. "表三「（七）总计」自然人列"."""
        if self.table == "t3":
            return f"表三「{T3_ROW_LABELS[self.row]}」{T3_COLUMNS[self.index]}列"
        if self.table == "t4":
            group, item = T4_GROUPS[self.index // 5], T4_ITEMS[self.index % 5]
            return f"表四「{T4_GROUP_NAMES[group]}」{T4_ITEM_NAMES[item]}"
        return f"表二「{self.row}」{self._t2_label}"

    @property
    def _t2_label(self) -> str:
        cols = T2_2021[self.row]
        return cols[self.index] if cols else T2_SINGLE_LABELS[self.row]


def t3_column(row: str, index: int) -> str:
    """Frame column of 表三 cell (row, column index): `t3_3_7_natural`."""
    return "t3_" + "_".join(_NUMERALS.get(p, p) for p in row.split(".")) + "_" + _T3_SLUGS[index]


def t4_column(index: int) -> str:
    """Frame column of 表四 cell `index` (0–14): `t4_review_total`."""
    group, item = T4_GROUPS[index // 5], T4_ITEMS[index % 5]
    return f"t4_{_T4_GROUP_SLUGS[group]}_{_T4_ITEM_SLUGS[item]}"


def t2_column(row: str, index: int | None = None) -> str:
    """Frame column of a 2021 表二 cell: `t2_rules_issued`, `t2_fee`."""
    return f"t2_{_T2_SLUGS[row]}" + ("" if index is None else f"_{_T2_COL_SLUGS[index]}")


def _cells() -> dict[str, Cell]:
    cells: list[Cell] = []
    for row, cols in T2_2021.items():
        if cols:
            cells += [Cell(t2_column(row, i), "t2", row, i, f"t2.{row}.{i}") for i in range(3)]
        else:
            cells.append(Cell(t2_column(row), "t2", row, None, f"t2.{row}"))
    for row in T3_ROWS:
        cells += [
            Cell(t3_column(row, i), "t3", row, i, f"t3.{row}.{i}") for i in range(len(T3_COLUMNS))
        ]
    cells += [Cell(t4_column(i), "t4", "", i, f"t4.{i}") for i in range(15)]
    return {c.column: c for c in cells}


CELLS: dict[str, Cell] = _cells()


def table_columns(table: str) -> list[str]:
    """Frame columns of one table, in printed order."""
    return [c.column for c in CELLS.values() if c.table == table]
