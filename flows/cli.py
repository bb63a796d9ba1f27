"""`nianbao` command line: parse, check, review."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from flows import cli_collect, cli_ledger
from ingest.errors import IngestError


def _parse_files(files: list[str]):
    from ingest.parser import parse_file

    for name in files:
        path = Path(name)
        try:
            yield path, parse_file(path), None
        except IngestError as exc:
            yield path, None, exc


def cmd_parse(args: argparse.Namespace) -> int:
    status = 0
    for path, report, error in _parse_files(args.files):
        if error is not None:
            status = 1
            line = {"file": path.name, "outcome": error.outcome, "reason": error.reason}
            print(
                json.dumps(line, ensure_ascii=False)
                if args.json
                else f"{path.name}: {error.reason}"
            )
            continue
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            print(
                f"{path.name}: {report.agency or '未识别机构'} {report.year}年度 "
                f"格式{report.format} 章节{''.join(report.sections_present)} "
                f"存疑单元格{len(report.ambiguous_cells)}"
            )
    return status


def cmd_check(args: argparse.Namespace) -> int:
    from expectations.validate import check_reports

    parsed, status = [], 0
    for path, report, error in _parse_files(args.files):
        if error is not None:
            status = 1
            line = {"file": path.name, "outcome": error.outcome, "reason": error.reason}
            print(
                json.dumps(line, ensure_ascii=False)
                if args.json
                else f"{path.name}: {error.reason}"
            )
        else:
            parsed.append(report)
    from expectations.config import ConfigError, load_config
    from expectations.history import batch_previous

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    ids = [r.file for r in parsed]  # the same agency's year-1 report, if among the files
    findings = (
        check_reports(parsed, ids, previous=batch_previous(parsed, ids), config=config)
        if parsed
        else []
    )
    for f in findings:
        if args.json:
            print(json.dumps({"file": f.report_id, **f.to_json()}, ensure_ascii=False))
        else:
            print(f"{f.report_id}: [{f.severity}] {f.rule} {f.where}：{f.message}")
    return status


def _prefect_environment() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def cmd_review(args: argparse.Namespace) -> int:
    from flows.settings import build_settings
    from ingest.registry import RegistryError

    settings = build_settings(
        args.year, args.registry, args.source, args.out, os.environ, batch_size=args.batch_size
    )
    if not settings.registry.exists():
        print(f"错误：找不到机构名录 {settings.registry}", file=sys.stderr)
        return 2
    if not settings.source.is_dir():
        print(f"错误：找不到报告文件夹 {settings.source}", file=sys.stderr)
        return 2
    from expectations.config import ConfigError, load_config

    try:
        load_config(args.config)  # refuse a bad configuration before the flow starts
    except ConfigError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    _prefect_environment()
    print(
        f"开始审核 {settings.year} 年度报告（名录：{settings.registry}，来源：{settings.source}）",
        file=sys.stderr,
    )
    print("正在启动 Prefect（首次运行约需 15–20 秒）…", file=sys.stderr)
    from sqlalchemy.exc import SQLAlchemyError

    from flows.annual_review import run_review

    try:
        summary = run_review(settings, args.config)
    except RegistryError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        print(
            f"数据库错误（{settings.database_url.split('@')[-1]}）：{exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}",
            file=sys.stderr,
        )
        return 3
    t = summary.totals
    print(
        f"审核完成：{t['agencies']} 个机构，已解析 {t['parsed']} 份；"
        f"错误 {t['error']} 条、警告 {t['warning']} 条、提示 {t['info']} 条；"
        f"有错误的机构 {t['agencies_with_errors']} 个。"
    )
    print(f"审核摘要：{summary.index_page}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="nianbao", description="政府信息公开工作年度报告审核")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="解析报告文件，输出规范化报告")
    p.add_argument("--json", action="store_true", help="每行输出一份 JSON（JSON Lines）")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=cmd_parse)
    c = sub.add_parser("check", help="解析并按法定规则检查报告，输出发现的问题")
    c.add_argument("--json", action="store_true", help="每行输出一条 JSON（JSON Lines）")
    c.add_argument("--config", help="省级配置 YAML（本地期限、严重程度、阈值、停用规则）")
    c.add_argument("files", nargs="+")
    c.set_defaults(func=cmd_check)
    r = sub.add_parser("review", help="对一个省份某年度的全部报告进行审核（Prefect 流程）")
    r.add_argument("--year", type=int, required=True, help="报告年度，例如 2023")
    r.add_argument("--registry", help="机构名录 CSV（默认：内置示例省份）")
    r.add_argument("--source", help="报告文件夹（默认：内置示例省份）")
    r.add_argument("--out", help="输出文件夹（默认：out）")
    r.add_argument("--batch-size", type=int, default=200, help="每个任务处理的机构数")
    r.add_argument("--config", help="省级配置 YAML（本地期限、严重程度、阈值、停用规则）")
    r.set_defaults(func=cmd_review)
    cli_collect.register(sub)
    cli_ledger.register(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
