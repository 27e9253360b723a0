"""CLI commands for the arrears register: ``arrears list``, ``arrears generate``, ``arrears import-bills``, ``arrears import-payments``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from butler_desk.cli.common import EXIT_BAD_DATA, EXIT_OK, operator_of, resolve_db
from butler_desk.domain.money import from_hundredths


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("arrears", help="欠费催收：欠费名单、生成应收、导入财务应收和实收")
    actions = p.add_subparsers(dest="action", metavar="操作", required=True, parser_class=type(p))

    q = actions.add_parser("list", help="列出欠费的房屋（按房号排序）")
    q.add_argument("--as-of", help="截至日期，如 2026-12-31（默认今天）")
    q.add_argument("--stage", help="催收阶段：未催、电话、上门、催缴通知书、律师函、诉讼")
    q.add_argument("--cluster", help="组团名称")
    _db_arg(q)
    q.set_defaults(handler=cmd_list)

    q = actions.add_parser("generate", help="按台账（面积 × 单价）生成一个月的物业服务费应收")
    q.add_argument("--period", required=True, help="账期，如 2026-12")
    _db_arg(q)
    q.set_defaults(handler=cmd_generate)

    for name, what, handler in (("import-bills", "财务的应收表", cmd_import_bills),
                                ("import-payments", "财务的实收（收款）表", cmd_import_payments)):
        q = actions.add_parser(name, help=f"导入{what}（.xlsx 或 .csv）")
        q.add_argument("file", help="文件路径")
        q.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        _db_arg(q)
        q.set_defaults(handler=handler)


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=argparse.SUPPRESS, help="数据库文件路径")


def _service(args: argparse.Namespace):
    from butler_desk.services.arrears import ArrearsService
    from butler_desk.services.maintenance import open_context

    return ArrearsService(open_context(resolve_db(args), operator_of(args)))


def _yuan(fen: int) -> str:
    return f"{from_hundredths(fen):,}"  # exact: 123450 → 1,234.50


def cmd_list(args: argparse.Namespace) -> int:
    from butler_desk.cli.requests import parse_date
    from butler_desk.domain.arrears import Stage

    as_of = parse_date(args.as_of, "--as-of") if args.as_of else None
    stage = Stage.parse(args.stage) if args.stage else None
    register = _service(args).register(as_of)
    rows = [r for r in register.rows
            if (stage is None or r.stage is stage) and (not args.cluster or r.cluster == args.cluster.strip())]
    print("\t".join(("房号", "组团", "欠费金额(元)", "欠费期数", "最早到期", "账龄", "诉讼时效", "阶段", "最近联系",
                     "承诺日期", "原因")))
    for r in rows:
        promise = "" if r.promised_on is None else f"{r.promised_on}" + {True: "（已兑现）", False: "（未兑现）",
                                                                         None: ""}[r.promise_kept]
        print("\t".join((r.unit_code, r.cluster, _yuan(r.owed_fen), str(r.periods_owed), str(r.oldest_due),
                         r.age_band.label, r.limitation.label, r.stage.label, str(r.last_contact or ""), promise,
                         r.reason.label if r.reason else "")))
    print(f"共 {len(rows)} 户，欠费合计 {_yuan(sum(r.owed_fen for r in rows))} 元（截至 {register.as_of}）",
          file=sys.stderr)
    return EXIT_OK


def cmd_generate(args: argparse.Namespace) -> int:
    result = _service(args).generate_bills(args.period)
    print(f"{result.period} 物业服务费：新生成 {result.created} 笔，已有 {result.already_there} 笔未重复生成")
    if result.not_charged:
        print(f"以下 {len(result.not_charged)} 套房屋缺少面积或单价，未生成：{'、'.join(result.not_charged[:50])}",
              file=sys.stderr)
    return EXIT_OK


def _report(report) -> int:
    for problem in report.problems:
        print(str(problem), file=sys.stderr)
    if report.problems:
        print(f"{report.file_name}：{len(report.problems)} 处问题，未写入任何数据。请改正后重新导入。", file=sys.stderr)
        return EXIT_BAD_DATA
    verb = "可导入" if report.dry_run else "已导入"
    print(f"{report.file_name}：共 {report.lines} 行，{verb} {report.new} 行，已有 {report.already_there} 行未重复导入"
          + ("（试导入，未写入）" if report.dry_run else ""))
    return EXIT_OK


def cmd_import_bills(args: argparse.Namespace) -> int:
    return _report(_service(args).import_bills(Path(args.file).expanduser(), dry_run=args.dry_run))


def cmd_import_payments(args: argparse.Namespace) -> int:
    return _report(_service(args).import_payments(Path(args.file).expanduser(), dry_run=args.dry_run))

