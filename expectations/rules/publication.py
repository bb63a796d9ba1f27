"""Publication (RULES.md §4.2): PUB-DEADLINE, PUB-MISSING, PUB-CHANGED.

They judge the report's `Publication` (found on the website, when, how many versions),
through the `pub_*` columns of `features.publication_features`; a report checked
without one (`nianbao check FILE`) has NaN there and is not judged.

- PUB-DEADLINE: published after the statutory deadline (`expectations.deadlines`) is an
  error; after a stricter local deadline from configuration, a warning. The date is the
  earliest of the page's 发布日期 and the first crawl; no grace days are added.
- PUB-MISSING: no report found once the deadline (plus the crawl tolerance) has passed.
- PUB-CHANGED: the report's content changed after first publication (a new version).
"""

from __future__ import annotations

from models.finding import Finding

from ..rule import Check, Failure, Rule

_KIND_NAMES = {"department": "县级以上人民政府部门", "government": "县级以上地方人民政府"}


def _pub(failure: Failure):
    if failure.publication is None:  # GX failed a row it should have skipped
        raise ValueError(f"{failure.rule.id}: no publication context for {failure.report_id}")
    return failure.publication


# PUB-DEADLINE --------------------------------------------------------------


def _deadline_checks() -> list[Check]:
    return [
        Check(
            "expect_column_values_to_be_between",
            {"column": "pub_days_late", "max_value": 0},
            where={"kind": "statutory"},
        ),
        Check(
            "expect_column_values_to_be_between",
            {"column": "pub_local_days_late", "max_value": 0},
            where={"kind": "local"},
            severity="warning",
        ),
    ]


def _deadline_explain(failure: Failure) -> list[Finding]:
    pub = _pub(failure)
    local = failure.where["kind"] == "local"
    deadline = pub.local_deadline if local else pub.deadline
    days = (_date(pub.published_date) - _date(deadline)).days
    return [
        failure.finding(
            "local" if local else "statutory",
            "发布时间",
            published=pub.published_date,
            expected=deadline,
            evidence=f"{pub.date_source or '发布日期'}：{pub.published_date}；{pub.url or ''}".rstrip(
                "；"
            ),
            year=pub.year,
            days=days,
            who=_KIND_NAMES.get(pub.kind, "本机构"),
        )
    ]


def _date(text):
    from datetime import date

    return date.fromisoformat(text)


PUB_DEADLINE = Rule(
    id="PUB-DEADLINE",
    title_zh="按期发布年度报告",
    severity="error",
    basis="《中华人民共和国政府信息公开条例》第四十九条：县级以上人民政府部门应于每年1月31日前、县级以上地方人民政府应于每年3月31日前公布上一年度报告（2019年度以前均为3月31日）；地方通知规定的更早期限",
    formula_zh="发布日期（页面发布日期与首次采集日期中较早者）≤ 法定期限（超出为错误）；≤ 更严格的地方期限（超出为警告）",
    messages={
        "statutory": "{year}年度报告于{published}发布，{who}的法定发布期限为{expected}，逾期{days}天",
        "local": "{year}年度报告于{published}发布，超过本地规定的发布期限（{expected}）{days}天",
    },
    checks=_deadline_checks,
    explain=_deadline_explain,
)


# PUB-MISSING ---------------------------------------------------------------


def _missing_checks() -> list[Check]:
    return [
        Check(
            "expect_column_values_to_be_between",
            {"column": "pub_missing_overdue", "max_value": 0},
        )
    ]


def _missing_explain(failure: Failure) -> list[Finding]:
    pub = _pub(failure)
    return [
        failure.finding(
            "missing",
            "年度报告",
            published="未找到",
            expected=f"{pub.effective_deadline}前发布",
            evidence=pub.url or "",
            year=pub.year,
            checked=pub.checked_on,
        )
    ]


PUB_MISSING = Rule(
    id="PUB-MISSING",
    title_zh="按规定发布年度报告",
    severity="error",
    basis="《中华人民共和国政府信息公开条例》第四十九条：行政机关应当公布上一年度政府信息公开工作年度报告",
    formula_zh="发布期限（加采集容差）已过，在机构网站的年报栏目中仍未找到该年度报告",
    messages={
        "missing": "截至{checked}，未在网站上找到{year}年度报告（应于{expected}）",
    },
    checks=_missing_checks,
    explain=_missing_explain,
)


# PUB-CHANGED ---------------------------------------------------------------


def _changed_checks() -> list[Check]:
    return [
        Check(
            "expect_column_values_to_be_between",
            {"column": "pub_versions", "max_value": 1},
        )
    ]


def _changed_explain(failure: Failure) -> list[Finding]:
    pub = _pub(failure)
    return [
        failure.finding(
            "changed",
            "报告内容",
            published=f"{pub.versions}个版本",
            expected="发布后内容不变",
            evidence=pub.url or "",
            year=pub.year,
            versions=pub.versions,
        )
    ]


PUB_CHANGED = Rule(
    id="PUB-CHANGED",
    title_zh="年度报告发布后内容有变动",
    severity="info",
    basis="中国社会科学院法学研究所2016年评估将“年度报告发布后有变动”列为问题；变动须留存各版本备查",
    formula_zh="同一机构同一年度的报告在网站上出现内容不同的新版本（内容哈希不同）",
    messages={
        "changed": "{year}年度报告发布后内容有变动，共采集到{versions}个不同版本，已全部留存",
    },
    checks=_changed_checks,
    explain=_changed_explain,
)

RULES = (PUB_DEADLINE, PUB_MISSING, PUB_CHANGED)
