"""CLI commands for the ledger and the database: demo, backup, restore, template, import, export, staff."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from butler_desk.cli.common import EXIT_BAD_DATA, EXIT_OK, UsageError, resolve_db, services_of


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="生成演示小区数据库")
    p.add_argument("--db", default=argparse.SUPPRESS, help="要生成的数据库文件（默认：用户数据目录下的 demo.sqlite3）")
    p.add_argument("--units", type=int, default=2400, help="房屋数（默认 2400）")
    p.add_argument("--seed", type=int, default=20261127, help="随机种子（相同种子生成相同数据）")
    p.add_argument("--force", action="store_true", help="数据库已存在时覆盖")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("backup", help="备份数据库到文件")
    p.add_argument("--out", required=True, help="备份文件路径")
    _db_arg(p)
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="从备份文件恢复数据库（当前文件先另存为备份；管家台窗口须先关闭）")
    p.add_argument("file", help="备份文件")
    _db_arg(p)
    _create_arg(p)
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser("template", help="生成导入模板")
    p.add_argument("kind", choices=["roster"], help="模板种类：roster（业户资料）")
    p.add_argument("--out", required=True, help="模板文件路径（.xlsx）")
    p.set_defaults(handler=cmd_template)

    p = sub.add_parser("import", help="从 Excel/CSV 导入")
    p.add_argument("kind", choices=["roster"], help="导入种类：roster（业户资料）")
    p.add_argument("file", help="要导入的 .xlsx 或 .csv 文件")
    p.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入（有问题的行时退出码为 3）")
    p.add_argument("--skip-bad", action="store_true",
                   help="文件中有问题的行时，仍导入其余的行（默认一行也不导入）；退出码仍为 3")
    p.add_argument("--errors-out", help="把有问题的行另存为 xlsx（含“错误原因”列和完整电话、证件号，须同时给出 --reason）")
    p.add_argument("--reason", default="", help="另存出错行的原因（记入变更记录）")
    p.add_argument("--estate", default="", help="数据库为空时新建的小区名称")
    _db_arg(p)
    _create_arg(p)
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("export", help="导出到 Excel")
    p.add_argument("kind", choices=["ledger"], help="导出种类：ledger（业户台账）")
    p.add_argument("--out", required=True, help="输出文件（.xlsx）")
    p.add_argument("--unmasked", action="store_true", help="电话、证件号显示明文（须同时给出 --reason，记入变更记录）")
    p.add_argument("--reason", default="", help="导出明文的原因，如“交总部存档”")
    _db_arg(p)
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("staff", help="员工名单")
    p.add_argument("action", choices=["list", "add"], help="list 列出；add 添加")
    p.add_argument("name", nargs="?", help="add 时的员工姓名")
    p.add_argument("--role", default="客服管家", help="岗位")
    _db_arg(p)
    _create_arg(p)
    p.set_defaults(handler=cmd_staff)


def _db_arg(p: argparse.ArgumentParser) -> None:
    # SUPPRESS: without it the subcommand's default None would hide a top-level --db.
    p.add_argument("--db", default=argparse.SUPPRESS, help="数据库文件路径")


def _create_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--create", action="store_true", default=argparse.SUPPRESS,
                   help="--db 指定的数据库不存在时新建它（否则拒绝，以免写错路径时建出空数据库）")




def cmd_demo(args: argparse.Namespace) -> int:
    from butler_desk.paths import demo_db_path
    from butler_desk.services.demo.estate import build_demo_estate

    if args.units < 1 or args.units > 200_000:
        raise UsageError("--units 应在 1 到 200000 之间")
    path = Path(args.db).expanduser().resolve() if args.db else demo_db_path()
    if path.exists() and path.stat().st_size > 0:
        if not args.force:
            raise UsageError(f"数据库 {path} 已存在；如要重新生成请加 --force")
        path.unlink()
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    stats = build_demo_estate(path, units=args.units, seed=args.seed)
    print(f"已生成演示小区：{path}")
    print(stats)
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from butler_desk.services.maintenance import backup_to

    out = backup_to(resolve_db(args), Path(args.out).expanduser())
    print(f"已备份到：{out}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from butler_desk.services.maintenance import restore_from

    db = resolve_db(args)
    safety = restore_from(db, Path(args.file).expanduser())
    kept = f"原数据库已另存为：{safety}" if safety is not None else "（此前这里没有数据库，无需另存）"
    print(f"已从 {args.file} 恢复数据库 {db}。{kept}")
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from butler_desk.services.ledger.roster_import import write_roster_template

    out = write_roster_template(Path(args.out).expanduser())
    print(f"已生成导入模板：{out}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Exit 0 only when every row was fine; a file with problems is bad data (3), whatever was imported."""
    if args.errors_out and not args.reason.strip():
        raise UsageError("--errors-out 会写出完整电话、证件号：请用 --reason \"原因\" 说明用途（将记入变更记录）")
    path = Path(args.file).expanduser()
    service = services_of(args).roster_import
    roster = service.read(path)
    summary = service.import_roster(roster, dry_run=args.dry_run, skip_bad=args.skip_bad, estate_name=args.estate)
    print(summary.describe())
    for issue in summary.issues:
        where = f"工作表“{issue.sheet}” 第 {issue.row} 行"
        if issue.column:
            where += f" “{issue.column}”列" + (f"（{issue.column_letter}）" if issue.column_letter else "")
        print(f"  {where}：{issue.message}", file=sys.stderr)
    if args.errors_out and summary.issues:
        out = service.save_failed_rows(summary, Path(args.errors_out).expanduser(), reason=args.reason)
        print(f"有问题的行已另存为：{out}（含完整电话、证件号，已记录）")
    if args.dry_run:
        print("（试导入：未写入数据库）")
    if summary.issues:
        if args.dry_run:
            print(f"butler-desk: 文件中有 {summary.failed_rows} 行有问题（见上）。", file=sys.stderr)
        elif summary.written:
            print(f"butler-desk: 已导入其余 {summary.imported_rows} 行；有问题的 {summary.failed_rows} 行未导入。",
                  file=sys.stderr)
        else:
            rest = f"，或加 --skip-bad 只导入其余 {summary.imported_rows} 行" if summary.imported_rows else ""
            print(f"butler-desk: 文件中有 {summary.failed_rows} 行有问题，未导入任何数据。请改正后重新导入{rest}。",
                  file=sys.stderr)
        return EXIT_BAD_DATA
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    if args.unmasked and not args.reason.strip():
        raise UsageError("--unmasked 会导出完整电话、证件号：请用 --reason \"原因\" 说明用途（将记入变更记录）")
    out = services_of(args).ledger_export.export(Path(args.out).expanduser(), masked=not args.unmasked,
                                                     reason=args.reason)
    print(f"已导出业户台账：{out}" + ("（电话、证件号为明文，已记录）" if args.unmasked else "（电话、证件号已隐藏）"))
    return EXIT_OK


def cmd_staff(args: argparse.Namespace) -> int:
    service = services_of(args).staff
    if args.action == "add":
        if not args.name:
            raise UsageError("请给出员工姓名：butler-desk staff add 姓名")
        member = service.add(args.name, args.role)
        print(f"已添加员工：{member.name}（{member.role}）")
    else:
        for member in service.list():
            print(f"{member.staff_id}\t{member.name}\t{member.role}")
    return EXIT_OK
