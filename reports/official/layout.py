"""The official tables as grids of cells with row/column spans (RULES.md §2.4, §2.5)."""

from __future__ import annotations

from dataclasses import dataclass

from models.canonical import T4_GROUP_NAMES, T4_GROUPS, T4_ITEM_NAMES, T4_ITEMS, CanonicalReport

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1


Table = list[list[Cell]]

T2_2021 = [
    (
        "第二十条第（一）项",
        ["本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "行政规范性文件"],
    ),
    ("第二十条第（五）项", ["本年处理决定数量"], ["行政许可"]),
    ("第二十条第（六）项", ["本年处理决定数量"], ["行政处罚", "行政强制"]),
    ("第二十条第（八）项", ["本年收费金额（单位：万元）"], ["行政事业性收费"]),
]
T2_2019 = [
    (
        "第二十条第（一）项",
        ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", "规范性文件"],
    ),
    (
        "第二十条第（五）项",
        ["上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政许可", "其他对外管理服务事项"],
    ),
    (
        "第二十条第（六）项",
        ["上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政处罚", "行政强制"],
    ),
    ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], ["行政事业性收费"]),
    ("第二十条第（九）项", ["采购项目数量", "采购总金额"], ["政府集中采购"]),
]

T3_LABELS = {
    "一": "一、本年新收政府信息公开申请数量",
    "二": "二、上年结转政府信息公开申请数量",
    "三.一": "（一）予以公开",
    "三.二": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "三.三": "（三）不予公开",
    "三.三.1": "1.属于国家秘密",
    "三.三.2": "2.其他法律行政法规禁止公开",
    "三.三.3": "3.危及“三安全一稳定”",
    "三.三.4": "4.保护第三方合法权益",
    "三.三.5": "5.属于三类内部事务信息",
    "三.三.6": "6.属于四类过程性信息",
    "三.三.7": "7.属于行政执法案卷",
    "三.三.8": "8.属于行政查询事项",
    "三.四": "（四）无法提供",
    "三.四.1": "1.本机关不掌握相关政府信息",
    "三.四.2": "2.没有现成信息需要另行制作",
    "三.四.3": "3.补正后申请内容仍不明确",
    "三.五": "（五）不予处理",
    "三.五.1": "1.信访举报投诉类申请",
    "三.五.2": "2.重复申请",
    "三.五.3": "3.要求提供公开出版物",
    "三.五.4": "4.无正当理由大量反复申请",
    "三.五.5": "5.要求行政机关确认或重新出具已获取信息",
    "三.六": "（六）其他处理",
    "三.六.1": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "三.六.2": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "三.六.3": "3.其他",
    "三.七": "（七）总计",
    "四": "四、结转下年度继续办理",
}


def cell_text(value: object) -> str:
    """A cell as printed: blank for None, whole floats without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def t2_table(report: CanonicalReport) -> Table:
    spec = T2_2019 if report.format == "2019trial" else T2_2021
    width = 1 + max(len(cols) for _, cols, _ in spec)
    rows: Table = []
    for caption, cols, names in spec:
        rows.append([Cell(caption, colspan=width)])
        last = width - len(cols)
        rows.append(
            [
                Cell("信息内容"),
                *[Cell(c, colspan=last if i == len(cols) - 1 else 1) for i, c in enumerate(cols)],
            ]
        )
        for name in names:
            value = (report.t2 or {}).get(name)
            if value is None:
                continue
            values = value if isinstance(value, list) else [value]
            rows.append(
                [
                    Cell(name),
                    *[
                        Cell(cell_text(v), colspan=last if i == len(values) - 1 else 1)
                        for i, v in enumerate(values)
                    ],
                ]
            )
    return rows


def t3_table(report: CanonicalReport) -> Table:
    t3 = report.t3 or {}
    rows: Table = [
        [Cell(NOTE, rowspan=3, colspan=3), Cell("申请人情况", colspan=7)],
        [Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)],
        [Cell(c) for c in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
    ]

    def values(key: str) -> list[Cell]:
        return [Cell(cell_text(v)) for v in (t3.get(key) or [None] * 7)]

    rows.append([Cell(T3_LABELS["一"], colspan=3), *values("一")])
    rows.append([Cell(T3_LABELS["二"], colspan=3), *values("二")])
    groups = [("三.三", 8), ("三.四", 3), ("三.五", 5)]
    six = [f"三.六.{i}" for i in range(1, 4)] if "三.六.1" in t3 else []
    body: Table = [
        [Cell(T3_LABELS["三.一"], colspan=2), *values("三.一")],
        [Cell(T3_LABELS["三.二"], colspan=2), *values("三.二")],
    ]
    for group, n in groups:
        for i in range(1, n + 1):
            head = [Cell(T3_LABELS[group], rowspan=n)] if i == 1 else []
            body.append([*head, Cell(T3_LABELS[f"{group}.{i}"]), *values(f"{group}.{i}")])
    if six:
        for i, key in enumerate(six):
            head = [Cell(T3_LABELS["三.六"], rowspan=3)] if i == 0 else []
            body.append([*head, Cell(T3_LABELS[key]), *values(key)])
    else:
        body.append([Cell(T3_LABELS["三.六"], colspan=2), *values("三.六")])
    body.append([Cell(T3_LABELS["三.七"], colspan=2), *values("三.七")])
    body[0] = [Cell("三、本年度办理结果", rowspan=len(body)), *body[0]]
    rows += body
    rows.append([Cell(T3_LABELS["四"], colspan=3), *values("四")])
    return rows


def t4_table(report: CanonicalReport) -> Table:
    items = [T4_ITEM_NAMES[i] for i in T4_ITEMS]
    t4 = report.t4 or [None] * 15
    return [
        [Cell(T4_GROUP_NAMES[T4_GROUPS[0]], colspan=5), Cell("行政诉讼", colspan=10)],
        [
            *[Cell(i, rowspan=2) for i in items],
            Cell(T4_GROUP_NAMES[T4_GROUPS[1]], colspan=5),
            Cell(T4_GROUP_NAMES[T4_GROUPS[2]], colspan=5),
        ],
        [Cell(i) for i in items * 2],
        [Cell(cell_text(v)) for v in t4],
    ]


SECTION_HEADINGS = {
    "一": "一、总体情况",
    "二": "二、主动公开政府信息情况",
    "三": "三、收到和处理政府信息公开申请情况",
    "四": "四、政府信息公开行政复议、行政诉讼情况",
    "五": "五、存在的主要问题及改进情况",
    "六": "六、其他需要报告的事项",
}
SECTION_TEXT = {
    "一": "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，做好主动公开、依申请公开、"
    "政府信息管理、平台建设和监督保障工作。",
    "五": "存在的主要问题是政策解读形式较为单一。下一步将丰富解读形式，提升公开质量。",
    "六": "本年度未收取信息处理费。",
}


def report_tables(report: CanonicalReport) -> dict[str, Table]:
    """Section -> the table printed in it; a table the report left out (None) is not printed."""
    tables = {"二": (report.t2, t2_table), "三": (report.t3, t3_table), "四": (report.t4, t4_table)}
    return {s: build(report) for s, (value, build) in tables.items() if value is not None}


def shown_sections(report: CanonicalReport) -> dict[str, str]:
    """Section -> heading, for the parts the report has (all six when it names none)."""
    present = set(report.sections_present or SECTION_HEADINGS)
    return {s: h for s, h in SECTION_HEADINGS.items() if s in present}


def section_paragraphs(report: CanonicalReport, section: str) -> list[str]:
    """The text of a narrative part (一, 五, 六): the report's own (`report.sections`, one
    paragraph a line, its heading left out) or the standard sentence."""
    own = report.sections.get(section, "").strip() if section in SECTION_TEXT else ""
    heading = SECTION_HEADINGS[section]
    if own.startswith(heading):
        own = own[len(heading) :].strip()
    if own:
        return [line.strip() for line in own.splitlines() if line.strip()]
    return [SECTION_TEXT[section]] if section in SECTION_TEXT else []


def title(report: CanonicalReport) -> str:
    return f"{report.agency or ''}{report.year}年政府信息公开工作年度报告"
