"""Copied narratives (RULES.md §4.2): SIM-PREV-YEAR, SIM-PEER.

Both compare `similarity.text.narrative` (parts 一 and 五, headings and standard
sentences out, numbers and years masked) by the exact Jaccard similarity of their
5-character shingle sets; a narrative shorter than `peers.MIN_CHARS` is not judged.

- SIM-PREV-YEAR: against the same agency's report of year-1 (`ReportContext.previous`);
  ≥ `params_for("SIM-PREV-YEAR")["warning"]` (0.85) a warning, ≥ `["error"]` (0.98) or
  identical once masked an error — one finding, at the severer level.
- SIM-PEER: against the reports of the same year by other agencies in the batch,
  through MinHash/LSH (`similarity.peers.best_peers`), never all pairs;
  ≥ `params_for("SIM-PEER")["warning"]` (0.85) a warning naming the most similar one.

The feature hook keeps each flagged report's score, the other report and the aligned
passages in `ReportContext.derived[rule id]` for `explain`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

from models.canonical import CanonicalReport
from models.finding import Finding

from ..config import DEFAULT
from ..history import ReportContext, agency_key, same_key
from ..rule import Check, Failure, Rule
from ..similarity.passages import aligned_passages, passages_text
from ..similarity.peers import MIN_CHARS, best_peers, pair_score
from ..similarity.text import narrative, part_text

BETWEEN = "expect_column_values_to_be_between"
NAN = math.nan
PARTS = "一五"


def _params(ctx: ReportContext | None, rule_id: str) -> dict[str, float]:
    return (ctx.config if ctx else DEFAULT).params_for(rule_id)


def _passages(report: CanonicalReport, other: CanonicalReport) -> list[tuple[str, str]]:
    a = "".join(part_text(report, p) for p in PARTS)
    b = "".join(part_text(other, p) for p in PARTS)
    return _aligned(a, b)


@lru_cache(maxsize=1024)
def _aligned(a: str, b: str) -> tuple[tuple[str, str], ...]:
    return tuple(aligned_passages(a, b))  # a copied text flagged many times: once


def features(
    reports: Sequence[CanonicalReport], contexts: Sequence[ReportContext]
) -> dict[str, list[float]]:
    """`sim_prev_warning`/`sim_prev_error` (0/1, NaN without a previous report) and
    `sim_peer` (0/1, NaN when the narrative is too short to judge)."""
    texts = [narrative(r, PARTS) for r in reports]
    cache: dict = {}  # each report's shingles: for its SIM-PREV score and the peer index
    warn, error = [], []
    for report, ctx, text in zip(reports, contexts, texts, strict=True):
        prev = ctx.previous
        previous_text = narrative(prev, PARTS) if prev is not None else ""
        if prev is None or len(text) < MIN_CHARS or len(previous_text) < MIN_CHARS:
            warn.append(NAN)
            error.append(NAN)
            continue
        score = pair_score(text, previous_text, cache)
        params = _params(ctx, "SIM-PREV-YEAR")
        is_error = score >= params["error"]
        warn.append(float(params["warning"] <= score and not is_error))
        error.append(float(is_error))
        if score >= params["warning"]:
            ctx.derived["SIM-PREV-YEAR"] = {"score": score, "passages": _passages(report, prev)}
    threshold = min((_params(c, "SIM-PEER")["warning"] for c in contexts), default=0.85)
    items = [(r.year, r.agency, t) for r, t in zip(reports, texts, strict=True)]
    matches = best_peers(items, threshold, agency_key, same_key, cache)
    peer = []
    for i, (report, ctx, text) in enumerate(zip(reports, contexts, texts, strict=True)):
        if report.year is None or len(text) < MIN_CHARS:
            peer.append(NAN)
            continue
        match = matches.get(i)
        hit = match is not None and match[1] >= _params(ctx, "SIM-PEER")["warning"]
        peer.append(float(hit))
        if hit:
            other = reports[match[0]]
            ctx.derived["SIM-PEER"] = {
                "score": match[1],
                "other": other,
                "passages": _passages(report, other),
            }
    return {"sim_prev_warning": warn, "sim_prev_error": error, "sim_peer": peer}


def _derived(failure: Failure) -> dict:
    details = failure.context.derived.get(failure.rule.id) if failure.context else None
    if not isinstance(details, dict):  # GX failed a row the hook did not flag
        raise ValueError(f"{failure.rule.id}: no similarity details for {failure.report_id}")
    return details


# SIM-PREV-YEAR --------------------------------------------------------------


def _prev_explain(failure: Failure) -> list[Finding]:
    details = _derived(failure)
    previous = failure.context.previous
    last = f"{previous.year}年度" if previous is not None and previous.year else "上一年度"
    params = _params(failure.context, "SIM-PREV-YEAR")
    limit = params["error"] if failure.where["level"] == "error" else params["warning"]
    return [
        failure.finding(
            failure.where["level"],
            "第一部分、第五部分",
            published=f"相似度{details['score']:.2f}",
            expected=f"低于{limit:.2f}",
            evidence=passages_text(details["passages"], "本年", "上年"),
            score=f"{details['score']:.2f}",
            last=last,
        )
    ]


SIM_PREV_YEAR = Rule(
    id="SIM-PREV-YEAR",
    params={"warning": 0.85, "error": 0.98},
    title_zh="报告正文不得照搬上一年度报告",
    severity="warning",
    basis="国办公开办函〔2021〕30号“要求”（四）：年度报告内容雷同的，依照《条例》第四十七条追究责任；东莞市统计局2010年报告与2008年报告除年份外逐字相同被通报",
    formula_zh="第一、五部分（屏蔽数字和年份，去除标准表述）与同一机构上一年度报告的5字片段Jaccard相似度 ≥ 0.85 为警告，≥ 0.98 或除数字年份外完全相同为错误",
    messages={
        "warning": "第一、五部分与本机构{last}报告高度相似（相似度{score}），存在照搬上年报告的情况",
        "error": "第一、五部分与本机构{last}报告除数字和年份外几乎完全相同（相似度{score}），属于内容雷同",
    },
    checks=lambda: [
        Check(BETWEEN, {"column": "sim_prev_warning", "max_value": 0}, where={"level": "warning"}),
        Check(
            BETWEEN,
            {"column": "sim_prev_error", "max_value": 0},
            where={"level": "error"},
            severity="error",
        ),
    ],
    explain=_prev_explain,
    needs_previous=True,
)


# SIM-PEER -------------------------------------------------------------------


def _peer_explain(failure: Failure) -> list[Finding]:
    details = _derived(failure)
    other: CanonicalReport = details["other"]
    name = other.agency or other.file
    return [
        failure.finding(
            "fail",
            "第一部分、第五部分",
            published=f"相似度{details['score']:.2f}",
            expected=f"低于{_params(failure.context, 'SIM-PEER')['warning']:.2f}",
            evidence=f"对比报告：{other.file}\n"
            + passages_text(details["passages"], "本报告", name),
            score=f"{details['score']:.2f}",
            other=name,
            year=other.year,
        )
    ]


SIM_PEER = Rule(
    id="SIM-PEER",
    params={"warning": 0.85},
    title_zh="报告正文不得照搬其他机构同年度报告",
    severity="warning",
    basis="国办公开办函〔2021〕30号“要求”（四）：年度报告内容雷同的，依照《条例》第四十七条追究责任；泉州市鲤城区评分细则对与其他单位雷同扣分；中国社会科学院法学研究所评估发现跨地区照搬",
    formula_zh="第一、五部分（屏蔽数字和年份，去除标准表述）与同批次其他机构同年度报告的5字片段Jaccard相似度 ≥ 0.85（MinHash/LSH检索候选，精确计算相似度）",
    messages={
        "fail": "第一、五部分与{other}的{year}年度报告高度相似（相似度{score}），存在照搬其他单位报告的情况"
    },
    checks=lambda: [Check(BETWEEN, {"column": "sim_peer", "max_value": 0})],
    explain=_peer_explain,
)

RULES = (SIM_PREV_YEAR, SIM_PEER)
