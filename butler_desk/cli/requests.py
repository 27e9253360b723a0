"""CLI commands for service requests: ``export requests``, ``requests list``, ``requests show``, ``requests stats``."""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from datetime import date
from pathlib import Path

from butler_desk.cli.common import EXIT_OK, UsageError, services_of
from butler_desk.domain.errors import BadInput

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def register(sub: argparse._SubParsersAction) -> None:
    _extend_export(sub)

    p = sub.add_parser("requests", help="投诉报修工单：列表、详情、统计")
    actions = p.add_subparsers(dest="action", metavar="操作", required=True, parser_class=type(p))

    q = actions.add_parser("list", help="列出工单（默认最新 50 张）")
    q.add_argument("--overdue", action="store_true", help="只列已超时的工单")
    q.add_argument("--open", action="store_true", help="只列未关闭的工单")
    q.add_argument("--awaiting-visit", action="store_true", help="只列待回访的工单")
    q.add_argument("--kind", help="类型：投诉、报修、咨询、特约服务、工程整改")
    q.add_argument("--state", help="状态，如 已派单、已解决")
    q.add_argument("--query", default="", help="编号、房号、姓名、电话或内容中的文字")
    q.add_argument("--from", dest="date_from", help="受理日期起，如 2026-01-01 或 2026/1/1")
    q.add_argument("--to", dest="date_to", help="受理日期止（含当天）")
    q.add_argument("--limit", type=int, default=50, help="最多列出几张（默认 50）")
    _db_arg(q)
    q.set_defaults(handler=cmd_list)

    q = actions.add_parser("show", help="显示一张工单的详情和办理经过")
    q.add_argument("request", help="工单编号（如 TS-2026-000123）或内部序号")
    _db_arg(q)
    q.set_defaults(handler=cmd_show)

    q = actions.add_parser("stats", help="一段时间的工单统计")
    q.add_argument("--from", dest="date_from", required=True, help="开始日期，如 2026-01-01 或 2026/1/1")
    q.add_argument("--to", dest="date_to", required=True, help="结束日期（含当天）")
    _db_arg(q)
    q.set_defaults(handler=cmd_stats)


def _db_arg(p: argparse.ArgumentParser) -> None:
    # SUPPRESS: without it the subcommand's default None would hide a top-level --db.
    p.add_argument("--db", default=argparse.SUPPRESS, help="数据库文件路径")


def _extend_export(sub: argparse._SubParsersAction) -> None:
    """Teach the ledger's ``export`` command the kind ``requests`` (argparse allows one parser per name)."""
    export = sub.choices.get("export")
    if export is None:
        export = sub.add_parser("export", help="导出到 Excel")
        export.add_argument("kind", choices=["requests"], help="导出种类：requests（投诉报修工单）")
        export.add_argument("--out", required=True, help="输出文件（.xlsx）")
        export.add_argument("--unmasked", action="store_true", help="电话显示明文（将记入变更记录）")
        _db_arg(export)
        other = None
    else:
        kind = next(action for action in export._actions if action.dest == "kind")
        kind.choices = [*kind.choices, "requests"]
        kind.help = f"{kind.help}；requests（投诉报修工单，需 --from 和 --to）"
        other = export.get_default("handler")
    export.add_argument("--from", dest="date_from", help="导出工单：受理日期起，如 2026-01-01 或 2026/1/1")
    export.add_argument("--to", dest="date_to", help="导出工单：受理日期止（含当天）")

    def handler(args: argparse.Namespace) -> int:
        if args.kind == "requests":
            return cmd_export(args)
        if args.date_from or args.date_to:
            raise UsageError("--from 和 --to 只用于导出工单：butler-desk export requests --from 日期 --to 日期 --out 文件")
        assert other is not None
        return other(args)

    export.set_defaults(handler=handler)


def parse_date(text: str | None, option: str) -> date:
    """2026-01-01, 2026/1/1, 2026.1.1 or 2026年1月1日; BadInput names the option otherwise."""
    match = _DATE.match((text or "").strip())
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            raise BadInput(f"{option} 的日期“{text}”不存在，请检查月份和日。", field=option) from None
    raise BadInput(f"{option} 的日期“{text}”看不懂，请写成 2026-01-01 或 2026/1/1。", field=option)


def _period(args: argparse.Namespace) -> tuple[date, date]:
    if not args.date_from or not args.date_to:
        raise UsageError("请用 --from 和 --to 给出日期范围，如 --from 2026-01-01 --to 2026-03-31")
    first, last = parse_date(args.date_from, "--from"), parse_date(args.date_to, "--to")
    if last < first:
        raise BadInput(f"--to（{last}）早于 --from（{first}），请调换一下。", field="--to")
    return first, last


def _service(args: argparse.Namespace):
    return services_of(args).requests


def cmd_export(args: argparse.Namespace) -> int:
    first, last = _period(args)
    out = _service(args).export(first, last, Path(args.out).expanduser(), masked=not args.unmasked)
    note = "（电话为明文，已记录）" if args.unmasked else "（电话已隐藏）"
    print(f"已导出 {first} 至 {last} 的工单登记和统计：{out}{note}")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from butler_desk.domain.requests import RequestKind, RequestState
    from butler_desk.services.requests.views import RequestFilter

    if not 1 <= args.limit <= 100_000:
        raise UsageError("--limit 应在 1 到 100000 之间")
    flt = RequestFilter(
        kind=RequestKind.parse(args.kind) if args.kind else None,
        state=RequestState.parse(args.state) if args.state else None,
        overdue_only=args.overdue, open_only=args.open, awaiting_visit=args.awaiting_visit, query=args.query,
        date_from=parse_date(args.date_from, "--from") if args.date_from else None,
        date_to=parse_date(args.date_to, "--to") if args.date_to else None,
    )
    found = _service(args).list(flt, limit=args.limit)
    widths = (15, 12, 10, 18, 8, 11, 18)
    print(_line(("编号", "类型", "状态", "位置", "报事人", "受理时间", "下一时限", "内容"), widths))
    for row in found.rows:
        mark = "！" if row.overdue else ""
        print(_line((row.number, row.kind_label, row.state_label, row.location, row.party_name,
                     f"{row.received_at:%m-%d %H:%M}", mark + row.deadline_text, row.summary), widths))
    shown = len(found.rows)
    print(f"共 {found.total} 张" + (f"，显示最新 {shown} 张（用 --limit 或筛选条件查看更多）" if found.truncated else ""),
          file=sys.stderr)
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    service = _service(args)
    request_id = service.id_of(args.request)
    d = service.detail(request_id)
    print(f"{d.number}　{d.kind_label}　{d.state.label}")
    print(f"受理：{d.received_at:%Y-%m-%d %H:%M}（{d.source.label}，{d.received_by}）")
    print(f"位置：{d.location or '—'}　报事人：{d.who or '—'}　电话：{d.phone_masked or '—'}")
    print(f"内容：{d.description}")
    if d.department:
        print(f"责任部门：{d.department}　责任人：{d.assignee}")
    print("办理经过：" if d.timeline else "办理经过：（尚无）")
    for entry in d.timeline:
        print(f"  {entry.at:%Y-%m-%d %H:%M}  {entry.text}（{entry.operator}）")
    if d.deadlines:
        print("时限：")
        for item in d.deadlines:
            print(f"  {item.title}　到期 {item.due_at:%Y-%m-%d %H:%M}　{item.text}")
    if d.calendar_notice:
        print(f"注意：{d.calendar_notice}")
    if d.attachments:
        print("附件：")
        for item in d.attachments:
            print(f"  {item.file_name}　{item.path}")
    print("下一步可以：" + "、".join(choice.label for choice in d.allowed_steps))
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from butler_desk.domain.service_stats import format_rate

    first, last = _period(args)
    stats = _service(args).stats(first, last)
    print(f"{first} 至 {last} 工单统计")
    print(_line(("类型", "受理", "办结", "期末未结", "超时"), (12, 6, 6, 8)))
    for item in (*stats.by_kind, stats.total):
        print(_line((item.label, item.received, item.closed, item.open_at_end, item.overdue), (12, 6, 6, 8)))
    print("服务时限按时率：")
    for limit in stats.by_limit:
        print(f"  {limit.label}：{format_rate(limit.on_time_rate)}（按时 {limit.met}，超时完成 {limit.met_late}，"
              f"已超时 {limit.overdue}）")
    c, s = stats.complaints, stats.satisfaction
    print(f"投诉：{c.received} 件，有效 {c.valid}（一般 {c.general}、严重 {c.serious}），无效 {c.invalid}，"
          f"未定性 {c.unjudged}")
    print(f"回访：应回访 {s.visit_due}，已回访 {s.visited}（{format_rate(s.visit_rate)}），"
          f"满意率 {format_rate(s.satisfied_rate)}")
    return EXIT_OK


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _line(values: tuple, widths: tuple[int, ...]) -> str:
    """Columns padded by display width (a Chinese character takes two), the last one free."""
    cells = []
    for value, width in zip(values, (*widths, 0), strict=False):
        text = str(value)
        if width:
            while _width(text) > width:
                text = text[:-1]
            text += " " * (width - _width(text))
        cells.append(text)
    return " ".join(cells).rstrip()
