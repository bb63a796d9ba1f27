"""What the messages say: subjects and plain-text bodies (the HTML is the rendered
summary pages). Chinese, addressed to supervisors (digest) or to one agency.
"""

from __future__ import annotations

from ..contexts import AgencySummaryContext, ProgressContext

__all__ = ["agency_subject", "agency_text", "digest_subject", "digest_text"]


def digest_subject(ctx: ProgressContext) -> str:
    t = ctx.totals
    return f"【年报审核】{ctx.scope} {ctx.year}年度报告审核与整改进展：待整改 {t['open']} 项"


def digest_text(ctx: ProgressContext, attached: int) -> str:
    t = ctx.totals
    lines = [
        f"{ctx.scope} {ctx.title}",
        "",
        f"共 {ctx.agencies} 个机构，发现问题 {t['found']} 项：待整改 {t['open']} 项，"
        f"已整改 {t['fixed']} 项，已豁免 {t['waived']} 项（整改率 {t['percent']}%）。",
        "",
    ]
    if ctx.open_agencies:
        lines.append("尚未整改的机构：")
        for a in ctx.open_agencies:
            lines.append(
                f"- {a.name}（{a.region}）：待整改 {a.open} 项，其中错误 {a.errors} 项；"
                f"发现 {a.first_found}，通知 {a.notified or '本次'}"
            )
    else:
        lines.append("所有发现的问题均已整改或豁免。")
    lines += ["", "按规则统计（发现/待整改/已整改/已豁免）："]
    lines += [f"- {r.label}：{r.total}/{r.open}/{r.fixed}/{r.waived}" for r in ctx.by_rule]
    if attached:
        lines += [
            "",
            f"附件：{attached} 个机构的审核意见（HTML，可用浏览器打开）和整改台账（XLSX）。",
        ]
    lines += ["", f"运行编号 {ctx.run_id}。本邮件由 nianbao 自动发送。"]
    return "\n".join(lines) + "\n"


def agency_subject(ctx: AgencySummaryContext) -> str:
    n = ctx.counts
    return (
        f"【年报审核】{ctx.agency_name} {ctx.year}年度政府信息公开工作年度报告审核意见："
        f"待整改 {n['error'] + n['warning'] + n['info']} 项"
    )


def agency_text(ctx: AgencySummaryContext) -> str:
    lines = [
        f"{ctx.agency_name}：",
        "",
        f"贵单位{ctx.year}年度政府信息公开工作年度报告的审核意见如下。",
        "",
    ]
    for f in ctx.sorted_findings:
        lines.append(f"[{f.status_label}] [{f.severity_label}] {f.rule} {f.where}：{f.message}")
        if f.published or f.expected:
            lines.append(f"    公开值：{f.published or '—'}；应为：{f.expected or '—'}")
        lines.append(
            f"    发现 {f.found_on or '—'}；通知 {f.notified_on or '本次'}；整改 {f.fixed_on or '—'}"
        )
    if ctx.counts["error"]:
        lines += ["", "错误项须整改：请更正后在原栏目重新发布报告，系统复查时将自动核销。"]
    lines += ["", f"运行编号 {ctx.run_id}。本邮件由 nianbao 自动发送。"]
    return "\n".join(lines) + "\n"
