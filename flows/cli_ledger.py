"""`nianbao status | waive | export | recheck`: the 整改台账 from the command line.

All four read the database of `--out` (default `out/nianbao.db`) or
`NIANBAO_DATABASE_URL`, like `nianbao review`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from models.db import Database, database_url_from_env


def _database(args: argparse.Namespace) -> Database:
    db = Database.connect(database_url_from_env(os.environ, Path(args.out) / "nianbao.db"))
    db.create_schema()
    return db


def cmd_status(args: argparse.Namespace) -> int:
    from models.ledger import ledger
    from reports.labels import SEVERITY_LABELS, STATUS_LABELS

    db = _database(args)
    try:
        with db.sessions() as session:
            entries = ledger(session, args.year, [args.agency] if args.agency else None)
    finally:
        db.dispose()
    shown = entries if args.all else [e for e in entries if e.is_open]
    if not shown:
        print(
            f"{args.year}年度没有待整改的问题。"
            if not args.all
            else f"{args.year}年度没有审核发现。"
        )
        return 0
    current = None
    for e in shown:
        if e.agency_id != current:
            current = e.agency_id
            n = sum(x.agency_id == current and x.is_open for x in entries)
            print(f"{e.agency_name}（{e.agency_id}，{e.region}）：待整改 {n} 项")
        dates = f"发现 {e.found_at.date()}"
        dates += f"，通知 {e.notified_at.date()}" if e.notified_at else "，未通知"
        if e.fixed_at:
            dates += f"，整改 {e.fixed_at.date()}"
        print(
            f"  #{e.finding_id} [{STATUS_LABELS.get(e.status, e.status)}]"
            f"[{SEVERITY_LABELS.get(e.severity, e.severity)}] {e.rule} {e.location}：{e.message}（{dates}）"
        )
    return 0


def cmd_waive(args: argparse.Namespace) -> int:
    from models.ledger import find_finding
    from models.lifecycle import TransitionError, waive

    if args.id is None and not (args.agency and args.rule):
        print("错误：请用 --id，或用 --agency 和 --rule（可加 --where）指定问题", file=sys.stderr)
        return 2
    db = _database(args)
    try:
        with db.write_sessions.begin() as session:
            rows = find_finding(
                session,
                finding_id=args.id,
                agency_id=args.agency,
                year=args.year,
                rule=args.rule,
                location=args.where,
            )
            if len(rows) != 1:
                print(
                    f"错误：找到 {len(rows)} 条匹配的问题；请用 --id 指定（见 nianbao status）",
                    file=sys.stderr,
                )
                return 2
            try:
                waive(session, rows[0], args.reason, args.by)
            except (TransitionError, ValueError) as exc:
                print(f"错误：{exc}", file=sys.stderr)
                return 2
            print(
                f"已豁免 #{rows[0].id} {rows[0].rule} {rows[0].location}（{args.by}：{args.reason}）"
            )
    finally:
        db.dispose()
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from flows.publish import rule_title
    from models.ledger import ledger
    from reports.ledger_xlsx import write_ledger

    db = _database(args)
    try:
        with db.sessions() as session:
            entries = ledger(session, args.year)
    finally:
        db.dispose()
    path = Path(args.file) if args.file else Path(args.out) / str(args.year) / "整改台账.xlsx"
    write_ledger(path, entries, rule_title)
    print(f"整改台账（{len(entries)} 条）：{path}")
    return 0


def cmd_recheck(args: argparse.Namespace) -> int:
    from flows.cli import _prefect_environment
    from flows.recheck import recheck

    _prefect_environment()
    print("正在启动 Prefect（首次运行约需 15–20 秒）…", file=sys.stderr)
    summary = recheck(args.year, args.registry, args.source, args.out)
    c = summary.counts
    print(
        f"复查完成：待整改的机构 {len(summary.checked)} 个，报告有新版本的 {len(summary.changed)} 个；"
        f"已整改 {c.get('fixed', 0)} 项，重新出现 {c.get('reopened', 0)} 项，新发现 {c.get('opened', 0)} 项。"
    )
    d = summary.delivery
    if d is not None:
        print(f"邮件：发送 {d.sent} 封，失败 {d.failed} 封（{d.via}）")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--year", type=int, required=True, help="报告年度，例如 2023")
        p.add_argument("--out", default="out", help="输出文件夹（默认：out）")

    s = sub.add_parser("status", help="列出待整改的问题（按机构）")
    common(s)
    s.add_argument("--agency", help="只看一个机构（agency_id）")
    s.add_argument("--all", action="store_true", help="也列出已整改、已豁免的问题")
    s.set_defaults(func=cmd_status)

    w = sub.add_parser("waive", help="豁免一个问题（须注明理由和决定人）")
    common(w)
    w.add_argument("--id", type=int, help="问题编号（nianbao status 中的 #编号）")
    w.add_argument("--agency", help="机构 agency_id")
    w.add_argument("--rule", help="规则编号，例如 T4-TOTAL")
    w.add_argument("--where", help="位置，例如「表四 行政复议」")
    w.add_argument("--reason", required=True, help="豁免理由")
    w.add_argument("--by", required=True, help="决定人")
    w.set_defaults(func=cmd_waive)

    e = sub.add_parser("export", help="导出整改台账（XLSX）")
    common(e)
    e.add_argument("--file", help="输出文件（默认：<out>/<year>/整改台账.xlsx）")
    e.set_defaults(func=cmd_export)

    r = sub.add_parser("recheck", help="复查有待整改问题的机构，核销已整改的问题（Prefect 流程）")
    common(r)
    r.add_argument("--registry", help="机构名录 CSV（默认：内置示例省份）")
    r.add_argument("--source", help="报告文件夹（默认：内置示例省份）")
    r.set_defaults(func=cmd_recheck)
