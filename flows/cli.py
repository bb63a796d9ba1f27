"""`nianbao` command line: parse, check, review."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from flows import cli_collect, cli_demo, cli_ledger
from flows.runners import RUNNERS
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


_STOPPED = (
    "审核已中止；已写入数据库的每一步都完整（各在一个事务中），"
    "恢复数据库后重新运行即可，不会产生重复记录。"
)


class _OneLine(logging.Filter):
    """Drops the traceback Prefect logs with a failed task or flow when the failure is one
    the command explains itself (database errors): one line, then the Chinese message."""

    def __init__(self, explained: tuple[type[BaseException], ...]):
        super().__init__()
        self.explained = explained

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], self.explained):
            record.exc_info = record.exc_text = None
        return True


@contextmanager
def _explained_failures(*explained: type[BaseException]):
    one_line = _OneLine(explained)
    loggers = [logging.getLogger(f"prefect.{name}") for name in ("flow_runs", "task_runs")]
    for logger in loggers:
        logger.addFilter(one_line)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(one_line)


def _database_problem(url: str) -> str | None:
    """Why the database at `url` cannot be used (Chinese), or None: connect, create tables."""
    from sqlalchemy.exc import SQLAlchemyError

    from models.db import Database, describe_error

    db = Database.connect(url)
    try:
        db.create_schema()
    except SQLAlchemyError as exc:
        return describe_error(exc, url)
    finally:
        db.dispose()
    return None


def _database_failure(exc: Exception, args: argparse.Namespace) -> str | None:
    """The Chinese message for a database failure of any command, else None.

    Only commands that use the database import SQLAlchemy and the stages.
    """
    stages, errors = sys.modules.get("flows.stages"), sys.modules.get("sqlalchemy.exc")
    if stages is not None and isinstance(exc, stages.PersistError):
        return f"{exc}。"
    if errors is None or not isinstance(exc, errors.SQLAlchemyError):
        return None
    from models.db import database_url_from_env, describe_error

    out = Path(getattr(args, "out", None) or "out")
    return f"{describe_error(exc, database_url_from_env(os.environ, out / 'nianbao.db'))}。"


def cmd_review(args: argparse.Namespace) -> int:
    from flows.runners import RunnerError, mail_workers, runner_settings
    from flows.settings import build_settings
    from ingest.registry import RegistryError

    try:
        runner = runner_settings(os.environ, args.runner, args.dask_address, args.dask_workers)
        mail_workers(os.environ)  # checked before the run, read by the delivery
    except RunnerError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    settings = build_settings(
        args.year,
        args.registry,
        args.source,
        args.out,
        os.environ,
        batch_size=args.batch_size,
        runner=runner,
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
    problem = _database_problem(settings.database_url)  # before the 15–20 s Prefect start
    if problem is not None:
        print(f"错误：{problem}。审核没有开始，数据库未作任何修改。", file=sys.stderr)
        return 3
    _prefect_environment()
    print(
        f"开始审核 {settings.year} 年度报告（名录：{settings.registry}，来源：{settings.source}）",
        file=sys.stderr,
    )
    print("正在启动 Prefect（首次运行约需 15–20 秒）…", file=sys.stderr)
    from sqlalchemy.exc import SQLAlchemyError

    from flows.annual_review import run_review
    from flows.stages import PersistError
    from models.db import describe_error

    if runner.kind != "default":
        print(f"任务运行方式：{runner.describe()}", file=sys.stderr)
    try:
        with _explained_failures(PersistError, SQLAlchemyError):
            summary = run_review(settings, args.config)
    except (RegistryError, RunnerError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except PersistError as exc:
        print(f"错误：{exc}。", file=sys.stderr)
        return 3
    except SQLAlchemyError as exc:
        print(f"错误：{describe_error(exc, settings.database_url)}。{_STOPPED}", file=sys.stderr)
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
    r.add_argument("--runner", choices=RUNNERS, help="任务运行方式（默认：本机线程池）")
    r.add_argument("--dask-address", help="已启动的 Dask 调度器地址，例如 tcp://10.0.0.5:8786")
    r.add_argument("--dask-workers", type=int, help="无地址时本机临时 Dask 集群的工作进程数")
    r.set_defaults(func=cmd_review)
    cli_collect.register(sub)
    cli_ledger.register(sub)
    cli_demo.register(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except Exception as exc:  # a database failure is a sentence, not a traceback
        message = _database_failure(exc, args)
        if message is None:
            raise
        print(f"错误：{message}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
