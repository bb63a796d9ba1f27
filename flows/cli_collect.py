"""`nianbao collect --year Y`: collect the year's reports from agency websites (alone)."""

from __future__ import annotations

import argparse
import os
import sys

from ingest.collect.collector import STATUS_TEXT


def _deadlines(path: str | None) -> dict[str, str]:
    """Local deadlines `{agency_id | level/kind | level | kind: MM-DD}` (local notices):
    a bare mapping file, or a province configuration's `deadlines` (expectations.config)."""
    from expectations.config import load_deadlines

    return load_deadlines(path or None)


def cmd_collect(args: argparse.Namespace) -> int:
    from flows.cli import _prefect_environment
    from flows.settings import build_settings
    from ingest.registry import RegistryError

    settings = build_settings(args.year, args.registry, None, args.out, os.environ)
    if not settings.registry.exists():
        print(f"错误：找不到机构名录 {settings.registry}", file=sys.stderr)
        return 2
    try:
        options = {"local_deadlines": _deadlines(args.deadlines)}
    except (OSError, ValueError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    if args.per_host is not None:
        options["per_host_limit"] = args.per_host
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    _prefect_environment()
    print(f"开始采集 {args.year} 年度报告（名录：{settings.registry}）", file=sys.stderr)
    from flows.collect import collect

    try:
        summary = collect(
            args.year,
            str(settings.registry),
            str(settings.out_dir),
            settings.database_url,
            options=options,
        )
    except RegistryError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    counts: dict[str, int] = {}
    for agency_id, status in sorted(summary.outcomes.items()):
        counts[status] = counts.get(status, 0) + 1
        print(f"{agency_id}: {STATUS_TEXT.get(status, status)}  {summary.reasons[agency_id]}")
    parts = "、".join(f"{STATUS_TEXT.get(s, s)} {n} 个" for s, n in sorted(counts.items()))
    print(
        f"采集完成：{len(summary.outcomes)} 个机构（{parts or '无'}）；发布规则发现 {summary.findings} 条。"
    )
    print(f"报告文件：{summary.documents_dir}")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("collect", help="从各机构网站采集某年度的报告（Prefect 流程）")
    p.add_argument("--year", type=int, required=True, help="报告年度，例如 2023")
    p.add_argument("--registry", help="机构名录 CSV 或 YAML（默认：内置示例省份）")
    p.add_argument("--out", help="输出文件夹（默认：out；原始文件存于 out/archive）")
    p.add_argument(
        "--deadlines",
        "--config",
        help="本地发布期限 YAML（机构编号/级别/类别: MM-DD），或含 deadlines 的省级配置",
    )
    p.add_argument("--per-host", type=int, help="每个网站同时请求数上限（默认 4）")
    p.set_defaults(func=cmd_collect)
