"""Parts 一, 五 and 六 and the preamble of a synthetic report.

Contract of `write_parts(report, pools, rng, government)`:
- part 一 opens with a sentence about the year, then one subsection per aspect of
  SEC1-ASPECTS (主动公开, 依申请公开, 政府信息管理, 平台建设, 监督保障), each 1–3 real
  sentences from the pools; 依申请公开 quotes T3[一, 总计] ("新收…申请N件", TXT-T3),
  政府信息管理 quotes the 行政规范性文件 row of 表二 (TXT-T2); a government's 监督保障
  names 考核, 评议 and 责任追究 (SEC1-GOV-EVAL);
- part 五 names last year's problems and their rectification (SEC5-RECTIFY), then
  problems and measures from the pools, at least 150 characters with fewer than 1.5 stock
  phrases per 100 characters (SEC5-BOILERPLATE);
- part 六 states that no 信息处理费 was collected (SEC6-FEE, T3-FEE-ROW);
- the preamble states the 统计期限 of the report's year (FMT-PERIOD);
- sentences are drawn per report, so two reports share few sentences (SIM-PEER,
  SIM-PREV-YEAR stay below their thresholds), and quote no other year (FMT-STALE-YEAR).
"""

from __future__ import annotations

import random

from models.canonical import CanonicalReport

from .bases import Pools

OPENINGS = (
    "{Y}年，{机关}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政务公开各项工作。",
    "{Y}年，{机关}严格执行《中华人民共和国政府信息公开条例》，围绕中心工作和群众关切，持续深化政务公开。",
    "{Y}年，在上级政务公开工作主管部门的指导下，{机关}把政务公开作为建设法治政府的重要抓手，各项工作有序开展。",
    "{Y}年，{机关}以公开为常态、不公开为例外，着力提升政府信息公开的质量和实效。",
    "{Y}年，{机关}将政府信息公开工作列入年度重点任务，明确分管领导和专职人员，保障工作落到实处。",
    "{Y}年，{机关}紧扣本地区经济社会发展目标，统筹推进决策、执行、管理、服务、结果公开。",
    "{Y}年，{机关}立足部门职能，以群众需求为导向，不断健全政府信息公开工作机制。",
    "{Y}年，{机关}对照年度政务公开工作要点，逐项分解任务，压实工作责任。",
)
HEADINGS = {
    "主动公开": ("（一）主动公开情况。", "（一）主动公开政府信息方面。", "（一）主动公开工作。"),
    "依申请公开": (
        "（二）依申请公开情况。",
        "（二）依申请公开办理方面。",
        "（二）依申请公开工作。",
    ),
    "政府信息管理": (
        "（三）政府信息管理情况。",
        "（三）政府信息管理方面。",
        "（三）政府信息管理。",
    ),
    "政府信息公开平台建设": (
        "（四）政府信息公开平台建设情况。",
        "（四）平台建设方面。",
        "（四）政府信息公开平台建设。",
    ),
    "监督保障": ("（五）监督保障情况。", "（五）监督保障方面。", "（五）监督保障工作。"),
}
APPLICATIONS = (
    "全年{机关}共新收政府信息公开申请{n}件，均在法定期限内答复。",
    "{Y}年，{机关}新收政府信息公开申请{n}件，依法依规做好答复工作。",
    "本年度共新收政府信息公开申请{n}件，申请渠道包括网络、信函和当面提交。",
    "本年度{机关}新收政府信息公开申请{n}件，严格按照法定程序登记、审核、答复。",
)
DOCUMENTS = (
    "本年度制发行政规范性文件{a}件，废止行政规范性文件{b}件，现行有效行政规范性文件{c}件。",
    "{Y}年制发行政规范性文件{a}件，废止行政规范性文件{b}件，现行有效的行政规范性文件共{c}件。",
)
GOV_EVAL = (
    "将政务公开工作纳入年度绩效考核，组织开展社会评议，对工作落实不力的单位依规问责，本年度未发生责任追究情况。",
    "政务公开工作在综合考核中占一定分值，通过网上测评开展社会评议，群众满意度较高，严格落实责任追究制度。",
    "健全政务公开考核评价办法，邀请人大代表、政协委员和群众代表开展社会评议，对考核靠后的单位进行约谈问责。",
    "把政务公开工作纳入政府绩效考核体系，开展群众满意度测评等社会评议活动，建立健全责任追究机制。",
)
RECTIFY = (
    "针对上年度报告中提出的问题，{机关}逐项制定整改措施，均已整改落实。",
    "对上一年度报告所列问题，{机关}建立整改台账，明确责任人和完成时限，现已全部整改到位。",
    "上年度报告指出的问题已通过完善制度、加强培训等方式整改落实。",
    "去年报告中反映的问题，本年度已逐一落实改进措施，取得明显成效。",
)
PROBLEMS_HEAD = ("（一）存在的主要问题。", "（一）存在问题。", "一是存在的不足。")
MEASURES_HEAD = ("（二）改进情况。", "（二）改进措施。", "二是下一步打算。")
FEES = (
    "（一）收取信息处理费情况。本年度{机关}未收取信息处理费。",
    "（一）信息处理费收取情况。依据《政府信息公开信息处理费管理办法》，本年度没有收取信息处理费。",
    "本年度{机关}未收取政府信息公开信息处理费。",
    "按照《政府信息公开信息处理费管理办法》规定的按件、按量收费标准，本年度未收取信息处理费。",
)
OTHER = (
    "（二）人大代表建议和政协提案办理结果公开情况。相关办理结果已按要求在门户网站公开。",
    "（二）其他事项。无其他需要报告的事项。",
    "（二）落实上级年度政务公开工作要点情况。已按要点逐项落实。",
    "",
)
PREAMBLE = (
    "本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》要求编制。"
    "本报告所列数据的统计期限自{Y}年1月1日起至{Y}年12月31日止。"
    "本报告电子版可在{地方}人民政府门户网站查阅和下载。"
)
MIN_PART5 = 150
MAX_STOCK = 1.5  # stock phrases per 100 characters of part 五 (the rule's limit is 2)


def fill(text: str, report: CanonicalReport, place: str, **values: object) -> str:
    """Placeholders filled: {Y} the year, {机关} the agency, {地方} its place, and `values`."""
    out = text.replace("{Y}", str(report.year)).replace("{机关}", report.agency or "本机关")
    out = out.replace("{地方}", place)
    for key, value in values.items():
        out = out.replace("{" + key + "}", str(value))
    return out


def _pick(rng: random.Random, pool: list[str], k: int, taken: set[str]) -> list[str]:
    free = [s for s in pool if s not in taken]
    chosen = rng.sample(free, min(k, len(free)))
    taken.update(chosen)
    return chosen


def part_one(report: CanonicalReport, pools: Pools, rng: random.Random, government: bool) -> list:
    t3 = report.t3 or {}
    t2 = report.t2 or {}
    taken: set[str] = set()
    lines = [rng.choice(OPENINGS) + "".join(_pick(rng, pools.opening, rng.randint(0, 1), taken))]
    for aspect, heads in HEADINGS.items():
        body = _pick(rng, pools.aspects[aspect], rng.randint(1, 3), taken)
        if aspect == "依申请公开" and t3.get("一"):
            body.insert(0, rng.choice(APPLICATIONS).replace("{n}", str(t3["一"][6])))
        if aspect == "政府信息管理" and isinstance(t2.get("行政规范性文件"), list):
            a, b, c = t2["行政规范性文件"]
            body.append(rng.choice(DOCUMENTS).format(a=a, b=b, c=c, Y="{Y}"))
        if aspect == "监督保障" and government:
            body.append(rng.choice(GOV_EVAL))
        lines.append(rng.choice(heads) + "".join(body))
    return lines


def part_five(pools: Pools, rng: random.Random) -> list[str]:
    from expectations.rules.sections import GENERIC

    for _ in range(50):
        taken: set[str] = set()
        problems = _pick(rng, pools.problems, rng.randint(1, 2), taken)
        measures = _pick(rng, pools.measures, rng.randint(2, 3), taken)
        lines = [
            rng.choice(PROBLEMS_HEAD) + rng.choice(RECTIFY) + "".join(problems),
            rng.choice(MEASURES_HEAD) + "".join(measures),
        ]
        text = "".join(lines)
        if len(text) >= MIN_PART5 and len(GENERIC.findall(text)) * 100 / len(text) < MAX_STOCK:
            return lines
    return lines


def write_parts(
    report: CanonicalReport, pools: Pools, rng: random.Random, place: str, government: bool
) -> None:
    """Set `report.sections` 一/五/六 (bodies, no headings) and `report.preamble`."""
    parts = {
        "一": part_one(report, pools, rng, government),
        "五": part_five(pools, rng),
        "六": [rng.choice(FEES), rng.choice(OTHER)],
    }
    report.sections = {
        k: "\n".join(fill(line, report, place) for line in v if line) for k, v in parts.items()
    }
    report.preamble = fill(PREAMBLE, report, place)
