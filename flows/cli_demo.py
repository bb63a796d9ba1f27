"""`nianbao demo-province`: a synthetic province with known errors, optionally served over HTTP."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path


def _progress(done: int, total: int) -> None:
    print(f"生成报告：{done}/{total}", file=sys.stderr)


def cmd_demo_province(args: argparse.Namespace) -> int:
    from ingest.synthetic.generate import generate
    from ingest.synthetic.truth import Truth

    out = Path(args.out)
    if args.agencies is None:
        if not (args.serve and (out / "truth.json").exists()):
            print(
                "错误：请用 --agencies 指定机构数量（或用 --serve 发布已生成的文件夹）",
                file=sys.stderr,
            )
            return 2
        truth = Truth.read(out / "truth.json")
        years = truth.years
        print(f"使用已生成的省份：{out}", file=sys.stderr)
    else:
        if args.agencies < 1 or args.years < 1:
            print("错误：--agencies 和 --years 须为正整数", file=sys.stderr)
            return 2
        try:
            province = generate(
                out,
                args.agencies,
                args.years,
                seed=args.seed,
                last_year=args.last_year,
                error_share=args.errors,
                progress=_progress,
                workers=args.workers,
            )
        except ValueError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 2
        years = province.years
        print(
            f"已生成示范省：{len(province.agencies)} 个机构，{len(years)} 个年度"
            f"（{years[0]}–{years[-1]}），报告 {province.reports} 份，注入错误 {province.injected} 处。"
        )
        print(f"机构名录：{province.registry}")
        print(f"报告文件：{out / 'reports'}")
        print(f"标准答案：{province.truth}")
        print(
            f"审核：nianbao review --year {years[-1]} --registry {province.registry} "
            f"--source {out / 'reports'} --out {out / 'out'}"
        )
    if not args.serve:
        return 0
    return _serve(out, args.port, years[-1])


def _serve(out: Path, port: int, year: int, stop: threading.Event | None = None) -> int:
    from ingest.synthetic.server import ProvinceServer

    try:
        server = ProvinceServer(out, port).start()
    except OSError as exc:
        print(f"错误：无法启动网站（端口 {port}）：{exc}", file=sys.stderr)
        return 2
    registry = server.registry(out / "registry-web.csv")
    print(f"网站已启动：{len(server.hosts)} 个门户，端口 {server.port}（按 Ctrl+C 停止）")
    print(f"含网址的机构名录：{registry}")
    print(f"采集：nianbao collect --year {year} --registry {registry} --out {out / 'out'}")
    print(
        f"审核：nianbao review --year {year} --registry {registry} --source {out / 'reports'} --out {out / 'out'}"
    )
    stop = stop or threading.Event()
    try:
        stop.wait()
    except KeyboardInterrupt:
        print("网站已停止。", file=sys.stderr)
    finally:
        server.stop()
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "demo-province",
        help="生成示范省份：由真实报告改写的多年度报告（含已知错误及标准答案），可通过本机网站发布",
    )
    p.add_argument("--agencies", type=int, help="机构数量")
    p.add_argument("--years", type=int, default=2, help="年度数（截至 --last-year，默认 2）")
    p.add_argument("--last-year", type=int, default=2024, help="最后一个报告年度（默认 2024）")
    p.add_argument("--out", default="demo-province", help="输出文件夹（默认 demo-province）")
    p.add_argument("--seed", type=int, default=0, help="随机种子：相同参数生成相同的省份")
    p.add_argument("--errors", type=float, default=0.3, help="注入错误的报告比例（默认 0.3）")
    p.add_argument("--workers", type=int, default=1, help="生成文件的进程数（默认 1）")
    p.add_argument("--serve", action="store_true", help="在本机启动各机构网站（年报栏目和报告）")
    p.add_argument("--port", type=int, default=0, help="网站端口（默认自动选择）")
    p.set_defaults(func=cmd_demo_province)
