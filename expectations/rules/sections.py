"""Content of the parts (RULES.md §4.2): SEC1-ASPECTS, SEC1-GOV-EVAL, SEC5-RECTIFY,
SEC5-BOILERPLATE, SEC6-FEE.

Keyword checks on the squashed text of one part; a part the report lacks is NaN (not
judged here: FMT-SECTIONS reports it); SEC6-FEE reads part 五 when 六 is merged into it.

- SEC1-ASPECTS: part 一 names each of 主动公开, 依申请公开, 政府信息管理, 平台建设,
  监督保障 (a keyword or a subheading per aspect, `ASPECTS`).
- SEC1-GOV-EVAL: a 人民政府 (registry kind `government`, else the name ends in
  人民政府/其办公室/办公厅) names 工作考核, 社会评议 and 责任追究 in part 一.
- SEC5-RECTIFY: part 五 refers to last year's problems: (上年度|上一年度|去年|y-1年)
  within 30 characters of (问题|整改|改进|落实), either order.
- SEC5-BOILERPLATE: warning when part 五 is ≥ `params_for("SEC5-BOILERPLATE")["warning"]`
  similar (5-gram Jaccard, numbers masked) to last year's part 五; info when it is too
  short to name a concrete problem (< `GENERIC_MIN_CHARS`) or is dense with stock
  phrases (≥ `GENERIC_DENSITY` per 100 characters, `GENERIC`).
- SEC6-FEE (2021 format): part 六 states the 信息处理费 collected — an amount in 元/万元
  or an explicit "未收取/没有产生/无收取" — not only the policy ("不收取费用").
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from models.canonical import CanonicalReport
from models.finding import Finding

from ..history import ReportContext
from ..narrative import squash
from ..rule import Check, Failure, Rule
from ..similarity.passages import aligned_passages, passages_text
from ..similarity.peers import pair_score
from ..similarity.text import mask, part_text, sentences

BETWEEN = "expect_column_values_to_be_between"
NAN = math.nan
FORMAT_2021 = ("2021",)

ASPECTS = {
    "主动公开": re.compile(r"主动公开"),
    "依申请公开": re.compile(r"依申请|公开申请|申请公开"),
    "政府信息管理": re.compile(
        r"信息管理|规范性文件|审查|审核|公开目录|公开属性|发布机制|信息发布"
    ),
    "政府信息公开平台建设": re.compile(r"平台|网站|新媒体|公众号|专栏|专区|公开栏|微信|微博|公报"),
    "监督保障": re.compile(r"监督|保障|考核|培训|评议|问责|责任追究|督查|检查"),
}
GOV_EVAL = {
    "工作考核": re.compile(r"考核|考评|绩效"),
    "社会评议": re.compile(r"评议|社会评价|满意度|测评|群众评价"),
    "责任追究": re.compile(r"责任追究|追责|问责|追究"),
}
_GOVERNMENT = re.compile(r"人民政府(?:办公室|办公厅)?$")
GENERIC = re.compile(
    r"有待(?:进一步)?(?:提高|提升|加强|完善|丰富|拓展|改进)|仍需(?:进一步)?(?:加强|提升|提高|完善)|"
    r"不够(?:及时|全面|深入|丰富|到位|完善|多样|均衡|广|强)|还需(?:进一步)?加强|"
    r"(?:进一步|持续|不断)(?:加强|提升|提高|完善|规范|强化|优化)|存在(?:一定|一些)(?:差距|不足)|"
    r"意识(?:不强|不够|有待)|形式(?:较为)?单一"
)
GENERIC_MIN_CHARS = 100
GENERIC_DENSITY = 2.0
_FEE_MENTION = re.compile(r"处理费|收费|收取")
_FEE_STATED = re.compile(
    r"(?:收取|收费|处理费)[^。]{0,24}?\d+(?:\.\d+)?(?:元|万元)|"
    r"(?:未|没有|无|未曾)(?:收取|产生|发生|收到)[^。]{0,16}?(?:处理费|费用|收费)|"
    r"处理费[^。]{0,8}?(?:为)?(?:0|零)元?|收取(?:金额|情况)[^。]{0,40}?\d"
)


def _part(report: CanonicalReport, part: str) -> str | None:
    return squash(report.sections[part]) if part in report.sections else None


# SEC1-ASPECTS ---------------------------------------------------------------


def aspects_missing(report: CanonicalReport) -> list[str] | None:
    text = _part(report, "一")
    return None if text is None else [a for a, p in ASPECTS.items() if not p.search(text)]


def _aspects_explain(failure: Failure) -> list[Finding]:
    missing = aspects_missing(failure.report) or []
    return [
        failure.finding(
            "fail",
            "第一部分 总体情况",
            published=f"未涉及{'、'.join(missing)}",
            expected="、".join(ASPECTS),
            missing="、".join(missing),
        )
    ]


SEC1_ASPECTS = Rule(
    id="SEC1-ASPECTS",
    title_zh="总体情况涵盖五个方面",
    severity="warning",
    basis="国办公开办函〔2021〕30号“报告内容”（一）：总体情况应概述主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障等方面情况",
    formula_zh="第一部分“总体情况”对主动公开、依申请公开、政府信息管理、平台建设、监督保障各有关键词或小标题",
    messages={"fail": "第一部分“总体情况”未涉及{missing}，应涵盖{expected}五个方面"},
    checks=lambda: [Check(BETWEEN, {"column": "sec1_aspects_missing", "max_value": 0})],
    explain=_aspects_explain,
    formats=FORMAT_2021,
    since=2021,
)


# SEC1-GOV-EVAL --------------------------------------------------------------


def is_government(report: CanonicalReport, context: ReportContext | None) -> bool:
    """A 人民政府 (or its 办公室 reporting for it): registry kind first, else the name."""
    if context is not None and context.agency is not None and context.agency.kind:
        return context.agency.kind == "government"
    return bool(report.agency and _GOVERNMENT.search(squash(report.agency)))


def gov_eval_missing(report: CanonicalReport, context: ReportContext | None) -> list[str] | None:
    text = _part(report, "一")
    if text is None or not is_government(report, context):
        return None
    return [item for item, p in GOV_EVAL.items() if not p.search(text)]


def _gov_eval_explain(failure: Failure) -> list[Finding]:
    missing = gov_eval_missing(failure.report, failure.context) or []
    return [
        failure.finding(
            "fail",
            "第一部分 监督保障",
            published=f"未涉及{'、'.join(missing)}",
            expected="工作考核、社会评议和责任追究结果情况",
            missing="、".join(missing),
        )
    ]


SEC1_GOV_EVAL = Rule(
    id="SEC1-GOV-EVAL",
    title_zh="人民政府报告写明工作考核、社会评议和责任追究结果",
    severity="warning",
    basis="《中华人民共和国政府信息公开条例》第五十条第（四）项；国办公开办函〔2021〕30号“报告内容”（一）：各级人民政府的监督保障情况应包括工作考核、社会评议和责任追究结果情况",
    formula_zh="报告机关为人民政府（或其办公室）⇒ 第一部分涉及工作考核、社会评议、责任追究",
    messages={"fail": "本报告为人民政府年度报告，第一部分未写明{missing}情况，应写明{expected}"},
    checks=lambda: [Check(BETWEEN, {"column": "sec1_gov_eval_missing", "max_value": 0})],
    explain=_gov_eval_explain,
    formats=FORMAT_2021,
    since=2021,
)


# SEC5-RECTIFY ---------------------------------------------------------------


def _rectify_pattern(year: int | None) -> re.Pattern[str]:
    last = r"上一?年度?|去年|上年" + (f"|{year - 1}年" if year else "")
    work = r"问题|整改|改进|落实"
    return re.compile(rf"(?:{last})[^。]{{0,30}}?(?:{work})|(?:{work})[^。]{{0,30}}?(?:{last})")


def reports_rectification(report: CanonicalReport) -> bool | None:
    text = _part(report, "五")
    return None if text is None else bool(_rectify_pattern(report.year).search(text))


def _rectify_explain(failure: Failure) -> list[Finding]:
    year = failure.report.year
    last = f"{year - 1}年度" if year else "上一年度"
    return [
        failure.finding(
            "fail",
            "第五部分 存在的主要问题及改进情况",
            published="未提及上年度问题的整改情况",
            expected=f"说明{last}报告所列问题的改进情况",
            last=last,
        )
    ]


SEC5_RECTIFY = Rule(
    id="SEC5-RECTIFY",
    title_zh="存在的主要问题及改进情况说明上年度问题的整改",
    severity="warning",
    basis="国办公开办函〔2021〕30号“报告内容”（五）存在的主要问题及改进情况；地方审核实践要求说明上一年度报告所列问题的整改情况",
    formula_zh="第五部分在“上年度/上一年度/去年/y-1年”前后30字内出现“问题/整改/改进/落实”",
    messages={"fail": "第五部分未说明{last}报告所列问题的整改落实情况"},
    checks=lambda: [Check(BETWEEN, {"column": "sec5_no_rectify", "max_value": 0})],
    explain=_rectify_explain,
)


# SEC5-BOILERPLATE -----------------------------------------------------------


def generic_part5(report: CanonicalReport) -> tuple[int, int] | None:
    """(characters, stock phrases) of part 五 without heading and standard sentences."""
    if "五" not in report.sections:
        return None
    text = "".join(sentences(part_text(report, "五")))
    return len(text), len(GENERIC.findall(text))


def is_generic(report: CanonicalReport) -> bool | None:
    counts = generic_part5(report)
    if counts is None:
        return None
    chars, hits = counts
    return chars < GENERIC_MIN_CHARS or hits * 100 / chars >= GENERIC_DENSITY


def part5_similarity(report: CanonicalReport, previous: CanonicalReport | None) -> float | None:
    if previous is None or "五" not in report.sections or "五" not in previous.sections:
        return None
    a = "".join(mask(s) for s in sentences(part_text(report, "五")))
    b = "".join(mask(s) for s in sentences(part_text(previous, "五")))
    return pair_score(a, b) if a and b else None


def _boilerplate_checks() -> list[Check]:
    return [
        Check(
            BETWEEN,
            {"column": "sec5_copied", "max_value": 0},
            where={"kind": "previous"},
        ),
        Check(
            BETWEEN,
            {"column": "sec5_generic", "max_value": 0},
            where={"kind": "generic"},
            severity="info",
        ),
    ]


def _boilerplate_explain(failure: Failure) -> list[Finding]:
    report = failure.report
    if failure.where["kind"] == "generic":
        chars, hits = generic_part5(report) or (0, 0)
        return [
            failure.finding(
                "generic",
                "第五部分 存在的主要问题及改进情况",
                published=f"{chars}字，套话{hits}处",
                expected="写明具体问题和具体改进措施",
                chars=chars,
                hits=hits,
            )
        ]
    previous = failure.context.previous if failure.context else None
    score = part5_similarity(report, previous) or 0.0
    pairs = aligned_passages(part_text(report, "五"), part_text(previous, "五")) if previous else []
    return [
        failure.finding(
            "previous",
            "第五部分 存在的主要问题及改进情况",
            published=f"相似度{score:.2f}",
            expected=f"低于{_threshold(failure.context):.2f}",
            evidence=passages_text(pairs, "本年", "上年"),
            score=f"{score:.2f}",
            last=f"{previous.year}年度" if previous and previous.year else "上一年度",
        )
    ]


def _threshold(context: ReportContext | None) -> float:
    from ..config import DEFAULT

    return (context.config if context else DEFAULT).params_for("SEC5-BOILERPLATE")["warning"]


SEC5_BOILERPLATE = Rule(
    id="SEC5-BOILERPLATE",
    params={"warning": 0.8},
    title_zh="存在的主要问题及改进情况不得照搬上年或空泛套话",
    severity="warning",
    basis="国办公开办函〔2021〕30号“要求”（四）：年度报告内容雷同、敷衍塞责的，依照《条例》第四十七条追究责任",
    formula_zh="第五部分与上一年度第五部分的相似度（5字片段Jaccard，数字年份屏蔽）≥ 0.8 为警告；篇幅不足100字或套话密度 ≥ 每百字2处为提示",
    messages={
        "previous": "第五部分与{last}报告的第五部分高度雷同（相似度{score}），问题与改进措施应反映本年度实际",
        "generic": "第五部分内容空泛（{chars}字，套话{hits}处），未写明具体问题和改进措施",
    },
    checks=_boilerplate_checks,
    explain=_boilerplate_explain,
)


# SEC6-FEE -------------------------------------------------------------------


def fee_stated(report: CanonicalReport) -> bool | None:
    text = _part(report, "六")
    if text is None:
        text = _part(report, "五")
    if text is None:
        return None  # neither part: FMT-SECTIONS reports it
    return bool(_FEE_MENTION.search(text) and _FEE_STATED.search(text))


def _fee_explain(failure: Failure) -> list[Finding]:
    report = failure.report
    text = squash(report.sections.get("六", ""))[:80]
    return [
        failure.finding(
            "fail",
            "第六部分 其他需要报告的事项",
            published=text or "缺少第六部分",
            expected="写明本年度收取信息处理费的金额，或明确未收取",
            evidence=text,
            year=report.year or "本",
        )
    ]


SEC6_FEE = Rule(
    id="SEC6-FEE",
    title_zh="其他需要报告的事项写明信息处理费收取情况",
    severity="warning",
    basis="国办公开办函〔2021〕30号“报告内容”（六）；《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）：行政机关应在年度报告中说明信息处理费收取情况",
    formula_zh="第六部分提及信息处理费，并写明收取金额（元/万元）或明确“未收取/没有产生”",
    messages={
        "fail": "第六部分未写明{year}年度信息处理费的收取情况（收取金额或未收取），现为“{published}”"
    },
    checks=lambda: [Check(BETWEEN, {"column": "sec6_fee_missing", "max_value": 0})],
    explain=_fee_explain,
    formats=FORMAT_2021,
    since=2021,
)


# Feature hook ---------------------------------------------------------------


def _count(values: list[str] | None) -> float:
    return NAN if values is None else float(len(values))


def _flag(value: bool | None, when: bool) -> float:
    return NAN if value is None else float(value is when)


def features(
    reports: Sequence[CanonicalReport], contexts: Sequence[ReportContext]
) -> dict[str, list[float]]:
    """SEC columns: missing counts and 0/1 flags (NaN: the part or the input is absent)."""
    copied = []
    for report, ctx in zip(reports, contexts, strict=True):
        score = part5_similarity(report, ctx.previous)
        copied.append(NAN if score is None else float(score >= _threshold(ctx)))
    return {
        "sec1_aspects_missing": [_count(aspects_missing(r)) for r in reports],
        "sec1_gov_eval_missing": [
            _count(gov_eval_missing(r, c)) for r, c in zip(reports, contexts, strict=True)
        ],
        "sec5_no_rectify": [_flag(reports_rectification(r), False) for r in reports],
        "sec5_copied": copied,
        "sec5_generic": [_flag(is_generic(r), True) for r in reports],
        "sec6_fee_missing": [_flag(fee_stated(r), False) for r in reports],
    }


RULES = (SEC1_ASPECTS, SEC1_GOV_EVAL, SEC5_RECTIFY, SEC5_BOILERPLATE, SEC6_FEE)
