"""Format and wording (RULES.md §4.2): FMT-LABEL, FMT-PERIOD, FMT-STALE-YEAR.

Derived columns (`features`), NaN where a rule does not apply:
- `f_label_deviations`: printed 表三 row labels (`report.labels`, completed with the
  label text that follows the parser's keyword) that differ from the format's label
  after NFKC, whitespace, bracket and quote normalisation. A printed label may stop
  early (a wrapped or truncated line) but not say something else: "行政止公开",
  "三类内容事务信息", "只计这一情况" differ;
- `f_period_year_off`: the year of "统计期限…YYYY年1月1日…12月31日" in the preamble
  minus the report year (NaN without such a statement);
- `f_stale_years`: statements that describe an earlier year as the reporting year in
  parts 一, 二 and 五: "YYYY年制作/收到/共…", "YYYY年，我局…" with YYYY < y. Forward plans
  ("2025年，我局将…"), references ("针对2022年…问题", "截至2023年底", "2024年政府决算")
  and later years are not statements about the reporting year.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from models.canonical import CanonicalReport
from models.finding import Finding

from ..history import ReportContext
from ..layout import _LEAF_LABELS, T3_ROW_NAMES
from ..rule import Check, Failure, Rule, evidence

NAN = math.nan
BETWEEN = "expect_column_values_to_be_between"

# 表三 row labels as the 2021 format prints them (RULES.md §2.4).
_GROUP_TITLES = {
    "三.一": "(一)予以公开",
    "三.二": "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
    "三.六": "(六)其他处理",
    "三.七": "(七)总计",
}
_FULL_ITEMS = {
    "三.六.1": "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "三.六.2": "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
}


def _official_labels() -> dict[str, str]:
    labels = {
        "t3.一": "一、本年新收政府信息公开申请数量",
        "t3.二": "二、上年结转政府信息公开申请数量",
        "t3.四": "四、结转下年度继续办理",
    }
    labels.update({f"t3.{row}": text for row, text in _GROUP_TITLES.items()})
    for group, (_, items) in _LEAF_LABELS.items():
        for i, item in enumerate(items, 1):
            labels[f"t3.{group}.{i}"] = f"{i}.{_FULL_ITEMS.get(f'{group}.{i}', item)}"
    return labels


OFFICIAL_LABELS = _official_labels()
_HEADER_FRAGMENTS = (
    "三、本年度办理结果",
    "本年度办理结果",
    "其他处理",
    "他处理",
    "无法提供",
    "法提供",
)
_QUOTES = str.maketrans({"“": "", "”": "", '"': "", "‘": "", "’": "", "'": "", "、": "."})


def normalise_label(text: str) -> str:
    """NFKC, no whitespace, no quotes, half-width brackets, 1、 as 1., no page numbers."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"-\s*\d+\s*-", "", text)  # page numbers "-3-"
    text = re.sub(r"\s+", "", text).translate(_QUOTES)
    return text.replace("（", "(").replace("）", ")").replace(",", ",")


def printed_label(report: CanonicalReport, key: str) -> str:
    """The row label as printed: the parser's label plus the text up to the first cell."""
    label = report.labels.get(key, "")
    source = report.provenance.get(key, "")
    rest = source[len(label) :] if source.startswith(label) else ""
    rest = re.split(r"[\d\-—/]|无(?=\s|$)", rest, maxsplit=1)[0]
    return label + rest


def label_deviations(report: CanonicalReport) -> list[tuple[str, str, str]]:
    """(cell key, printed, official) of the 表三 row labels that say something else."""
    out = []
    for key, official in OFFICIAL_LABELS.items():
        if key not in report.labels:
            continue
        printed = printed_label(report, key)
        if _deviates(printed, official):
            out.append((key, printed.strip(), official))
    return out


@lru_cache(maxsize=16384)  # labels repeat across a province's reports
def _deviates(printed: str, official: str) -> bool:
    p, o = normalise_label(printed), normalise_label(official)
    for fragment in _HEADER_FRAGMENTS:  # a row-span header wrapped into the label
        if fragment not in o:
            p = p.replace(fragment, "")
    return p[: len(o)] != o[: len(p)] and o not in p


_PERIOD = re.compile(r"统计期限[^。]*?(\d{4})\s*年\s*1\s*月\s*1\s*日[^。]*?12\s*月\s*31\s*日")


def period_year(report: CanonicalReport) -> int | None:
    """The year of the preamble's 统计期限 statement, if there is one."""
    text = report.preamble or ""
    if match := _PERIOD.search(text):
        return int(match.group(1))
    return None


# A past year told as the reporting year: the year, then what "we" did in it.
_STALE = re.compile(
    r"(?<![\d至到和、与及])(\d{4})\s*年(?:度)?\s*[,，]?\s*"
    r"(?=(?:我|本|全区|全市|全县|全年|共|累计|制作|获取|主动公开|收到|受理|办理|新增|发布))"
)
_NOT_STALE_BEFORE = re.compile(r"(针对|截至|截止|自|从|于|较|比|与|同|对|在|至)\s*$")
_FORWARD = re.compile(r"^[^。；]{0,12}(将|计划|拟|继续)")
_SUBHEADING = re.compile(r"[(（][一二三四五六七八九十]+[)）][^。；,，(（]{1,20}")
STALE_SECTIONS = ("一", "二", "五")


def stale_years(report: CanonicalReport) -> list[tuple[str, str, int, str]]:
    """(section, subheading, year, sentence) of statements about an earlier year."""
    if report.year is None:
        return []
    out = []
    for section in STALE_SECTIONS:
        text = report.sections.get(section, "")
        for match in _STALE.finditer(text):
            year = int(match.group(1))
            if not 2000 <= year < report.year:
                continue
            if _NOT_STALE_BEFORE.search(text[max(0, match.start() - 4) : match.start()]):
                continue
            if _FORWARD.search(text[match.end() :]):
                continue
            before = text[: match.start()]
            sub = [m for m in _SUBHEADING.finditer(before) if before.rfind("。") < m.end()]
            sub_text = sub[-1].group(0) if sub else ""
            sentence = re.split(r"[。；]", text[match.start() :], maxsplit=1)[0][:80]
            out.append((section, sub_text, year, sentence))
    return out


def features(
    reports: Sequence[CanonicalReport], contexts: Sequence[ReportContext]
) -> dict[str, list[float]]:
    data: dict[str, list[float]] = {
        "f_label_deviations": [],
        "f_period_year_off": [],
        "f_stale_years": [],
    }
    for report in reports:
        data["f_label_deviations"].append(float(len(label_deviations(report))))
        year = period_year(report)
        data["f_period_year_off"].append(
            NAN if year is None or report.year is None else float(year - report.year)
        )
        data["f_stale_years"].append(float(len(stale_years(report))))
    return data


# FMT-LABEL -----------------------------------------------------------------


def _label_explain(failure: Failure) -> list[Finding]:
    return [
        failure.finding(
            "fail",
            f"表三 {T3_ROW_NAMES[key[3:]]} 行标签",
            published=printed,
            expected=official,
            evidence=evidence(failure.report, [key]),
            cells=[key],
        )
        for key, printed, official in label_deviations(failure.report)
    ]


FMT_LABEL = Rule(
    id="FMT-LABEL",
    title_zh="表格行标签与统一格式一致",
    severity="info",
    basis="国办公开办函〔2021〕30号附件表格的行列标签；实际报告中的错字（如“三类内容事务信息”）",
    formula_zh="表三各行标签经全角半角、空白、括号、引号规范化后应与格式原文一致（可因换行截断，不可写成其他文字）",
    messages={
        "fail": "表三行标签印为「{published}」，与格式原文「{expected}」不一致，应按格式原文填写"
    },
    checks=lambda: [Check(BETWEEN, {"column": "f_label_deviations", "max_value": 0})],
    explain=_label_explain,
    formats=("2021",),
)


# FMT-PERIOD ----------------------------------------------------------------


def _period_explain(failure: Failure) -> list[Finding]:
    year = period_year(failure.report)
    report_year = failure.report.year
    match = _PERIOD.search(failure.report.preamble)
    return [
        failure.finding(
            "fail",
            "报告开头 统计期限",
            published=f"{year}年1月1日至12月31日",
            expected=f"{report_year}年1月1日至12月31日",
            evidence=match.group(0) if match else "",
            report_year=report_year,
        )
    ]


FMT_PERIOD = Rule(
    id="FMT-PERIOD",
    title_zh="统计期限为报告年度1月1日至12月31日",
    severity="warning",
    basis="年度报告开头通行的说明“本报告中所列数据的统计期限自YYYY年1月1日起至YYYY年12月31日止”（经验规则）；年份错误多为沿用上年报告",
    formula_zh="开头“统计期限…YYYY年1月1日…12月31日”中的YYYY应等于报告年度",
    messages={
        "fail": "报告开头写明统计期限为{published}，但本报告为{report_year}年度报告，应为{expected}；疑似沿用上年报告",
    },
    checks=lambda: [
        Check(BETWEEN, {"column": "f_period_year_off", "min_value": 0, "max_value": 0})
    ],
    explain=_period_explain,
)


# FMT-STALE-YEAR ------------------------------------------------------------


def _stale_explain(failure: Failure) -> list[Finding]:
    return [
        failure.finding(
            "fail",
            f"第{section}部分 {sub}".rstrip(),
            published=f"{year}年",
            expected=f"{failure.report.year}年",
            evidence=sentence,
            section=section,
            report_year=failure.report.year,
        )
        for section, sub, year, sentence in stale_years(failure.report)
    ]


FMT_STALE_YEAR = Rule(
    id="FMT-STALE-YEAR",
    title_zh="正文把往年写成报告年度",
    severity="warning",
    basis="国办公开办函〔2021〕30号（四）明确责任：年度报告不得内容雷同、敷衍塞责（经验规则：正文残留上年年份是沿用上年报告的迹象）",
    formula_zh="第一、二、五部分中“YYYY年制作/收到/共…”“YYYY年，我局…”等叙述本年度工作的语句，YYYY应为报告年度（“YYYY年，我局将…”等计划、“针对YYYY年…”等引述除外）",
    messages={
        "fail": "第{section}部分把{published}的情况当作本年度叙述（本报告为{report_year}年度），疑似沿用往年报告，应为{expected}",
    },
    checks=lambda: [Check(BETWEEN, {"column": "f_stale_years", "max_value": 0})],
    explain=_stale_explain,
)

RULES = (FMT_LABEL, FMT_PERIOD, FMT_STALE_YEAR)
