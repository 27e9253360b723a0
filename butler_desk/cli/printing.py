"""CLI commands for printing and the document register: print form/notice/envelopes/calibration/setup,
documents list/show/uncollected/received/returned/signoff."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from butler_desk.cli.common import EXIT_OK, UsageError, services_of
from butler_desk.domain import clock

# Forms that can be filled from a record, and what --id means for each.
ID_FORMS = {"complaint-record": "工单编号", "work-order": "工单编号", "sign-off-sheet": "发放记录编号"}


def register(sub: argparse._SubParsersAction) -> None:
    printing = sub.add_parser("print", help="打印表单、通知、信封和校准页")
    psub = printing.add_subparsers(dest="print_command", metavar="打印内容", required=True,
                                   parser_class=type(printing))

    p = psub.add_parser("form", help="打印记录表（空白或按记录填写）")
    p.add_argument("form_id", nargs="?", help="表单名（forms/ 下的文件名，不含 .toml），如 complaint-record")
    p.add_argument("--list", action="store_true", help="列出所有表单及表号")
    p.add_argument("--blank", type=int, metavar="N", help="打印 N 页空白表（默认 1 页）")
    p.add_argument("--id", metavar="编号", help="按记录填写：投诉记录表/派工单填工单编号（如 TS-2026-000123），"
                                              "签收单填发放记录编号")
    p.add_argument("--from", dest="first", metavar="日期", help="登记表的开始日期，如 2026-11-01")
    p.add_argument("--to", dest="last", metavar="日期", help="登记表的结束日期（含当天）")
    p.add_argument("--reveal-phone", metavar="原因",
                   help="派工单上打印完整电话并写明原因，如“维修人员需电话预约”（记入变更记录）；不给则电话脱敏")
    _common_out(p, required=False)
    p.set_defaults(handler=cmd_form)

    p = psub.add_parser("notice", help="发通知：公告、每户信件、信封和签收单，并登记发放")
    p.add_argument("template", nargs="?", help="通知模板，如 water-outage（--list 查看）")
    p.add_argument("--list", action="store_true", help="列出通知模板及其字段")
    p.add_argument("--set", dest="values", action="append", default=[], metavar="字段=值",
                   help="填写模板字段，如 --set 开始时间=\"2026-12-01 09:00\"（字段可用键名或中文名）")
    p.add_argument("--values", dest="values_file", metavar="JSON", help="从 JSON 文件读取字段值（表格字段用这种方式）")
    _selection_args(p)
    p.add_argument("--letters", help="信件文件（默认：公告文件名加“-信件”）")
    p.add_argument("--envelopes", help="信封文件（默认：公告文件名加“-信封”）")
    p.add_argument("--signoff", help="签收单文件（默认：公告文件名加“-签收单”）")
    p.add_argument("--date", help="落款日期（默认今天）")
    p.add_argument("--hand", help="已入住户的送达方式：随安防派送 或 管家派送（默认按文件类别）")
    _envelope_args(p)
    _common_out(p, required=False)
    p.set_defaults(handler=cmd_notice)

    p = psub.add_parser("envelopes", help="只打印信封（按房号顺序）")
    _selection_args(p)
    p.add_argument("--for", dest="audience", choices=["owners", "occupants"], default="owners",
                   help="收件人：owners 业主（默认），occupants 实际居住人")
    _envelope_args(p)
    _common_out(p)
    p.set_defaults(handler=cmd_envelopes)

    p = psub.add_parser("calibration", help="打印信封校准页，量出本打印机的偏移")
    _envelope_args(p)
    _common_out(p)
    p.set_defaults(handler=cmd_calibration)

    p = psub.add_parser("setup", help="查看或修改打印设置（字体、各打印机的信封规格和偏移）")
    p.add_argument("--font", help="打印用的 TrueType 中文字体文件")
    p.add_argument("--font-auto", action="store_true", help="自动选择字体（清除 --font 的设置）")
    p.add_argument("--printer", help="要设置的打印机名称（默认“默认”）")
    p.add_argument("--size", type=str.upper, help="信封规格：DL、ZL、C5、B6、C4")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--preprinted", action="store_true", help="套打公司信封：只打印文字和邮编数字")
    mode.add_argument("--full", action="store_true", help="完整打印：邮编框、贴邮票处和标签一并打印")
    p.add_argument("--offset", metavar="DX,DY", help="打印偏移（毫米，向右、向下为正），如 1.5,-2")
    p.add_argument("--salutation", choices=["name", "room"],
                   help="信件称呼：name 尊敬的陈明博先生/女士（默认），room 尊敬的 3-2-1101 业主")
    _db_arg(p)
    p.set_defaults(handler=cmd_setup)

    documents = sub.add_parser("documents", help="文件发放登记：未领取提醒、签收、退回、补打签收单")
    dsub = documents.add_subparsers(dest="documents_command", metavar="操作", required=True,
                                    parser_class=type(documents))
    p = dsub.add_parser("uncollected", help="超过两周未签收的文件（需电话告知）及被退回的信件")
    p.add_argument("--days", type=int, help="天数（默认按设置，14 天）")
    p.add_argument("--today", help="按哪一天计算（默认今天）")
    p.add_argument("--out", help="同时打印《逾期未领文件清单》到此 PDF")
    _glyph_args(p)
    _db_arg(p)
    p.set_defaults(handler=cmd_uncollected)

    p = dsub.add_parser("list", help="发放记录（最新的在前）")
    p.add_argument("--limit", type=int, default=30, help="最多显示几条（默认 30）")
    _db_arg(p)
    p.set_defaults(handler=cmd_list)

    p = dsub.add_parser("show", help="一批文件的每户发放情况")
    p.add_argument("document_id", type=int, help="发放记录编号")
    _db_arg(p)
    p.set_defaults(handler=cmd_show)

    p = dsub.add_parser("received", help="登记签收")
    p.add_argument("delivery_id", type=int, help="发放明细编号（documents show 中的“明细号”）")
    p.add_argument("--by", required=True, help="签收人")
    p.add_argument("--on", help="签收日期（默认今天）")
    _db_arg(p)
    p.set_defaults(handler=cmd_received)

    p = dsub.add_parser("returned", help="登记退回（如查无此人、拒收）")
    p.add_argument("delivery_id", type=int, help="发放明细编号")
    p.add_argument("--reason", required=True, help="退回原因")
    p.add_argument("--on", help="退回日期（默认今天）")
    _db_arg(p)
    p.set_defaults(handler=cmd_returned)

    p = dsub.add_parser("signoff", help="补打一批文件的签收单（含已登记的签收）")
    p.add_argument("document_id", type=int, help="发放记录编号")
    _common_out(p)
    p.set_defaults(handler=cmd_signoff)


# -- arguments ---------------------------------------------------------------------------


def _glyph_args(p: argparse.ArgumentParser) -> None:
    # Refusing is the default: a name printed with a blank gap goes out unnoticed (exit 3 instead).
    p.add_argument("--strict", action="store_true", default=True,
                   help="有无法打印的字（生僻字）时拒绝打印（默认即如此，保留以兼容旧脚本）")
    p.add_argument("--allow-missing-glyphs", dest="strict", action="store_false",
                   help="有无法打印的字时仍然打印（该字处留空，打印后手写补上）")


def _db_arg(p: argparse.ArgumentParser) -> None:
    # SUPPRESS: without it the subcommand's default None would hide a top-level --db.
    p.add_argument("--db", default=argparse.SUPPRESS, help="数据库文件路径")


def _common_out(p: argparse.ArgumentParser, *, required: bool = True) -> None:
    p.add_argument("--out", required=required, help="输出的 PDF 文件")
    _glyph_args(p)
    _db_arg(p)


def _selection_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--clusters", help="组团，多个用逗号分隔，如 一组团,二组团")
    p.add_argument("--buildings", help="楼栋，如 3,5")
    p.add_argument("--units", help="房号，如 3-2-1201,3栋2单元1202")
    p.add_argument("--status", help="房屋状态，如 空置、已入住、出租")
    p.add_argument("--all", action="store_true", help="全部房屋")


def _envelope_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--printer", help="按此打印机保存的信封设置（print setup）")
    p.add_argument("--size", type=str.upper, help="信封规格：DL（5号，默认）、ZL、C5、B6、C4")
    p.add_argument("--preprinted", action="store_true", help="套打公司信封：只打印文字和邮编数字")
    p.add_argument("--offset", metavar="DX,DY", help="打印偏移（毫米，向右、向下为正），如 1.5,-2")




def _day(text: str | None, what: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{what}“{text}”格式不对，请写成 2026-12-01") from None


def _selection(args: argparse.Namespace):
    from butler_desk.services.documents.recipients import Selection, split_list

    return Selection(clusters=split_list(args.clusters or ""), buildings=split_list(args.buildings or ""),
                     units=split_list(args.units or ""), statuses=split_list(args.status or ""),
                     everyone=bool(args.all))


def _envelope_options(args: argparse.Namespace, service):
    """The printer's saved set-up, with what the command line says on top."""
    from dataclasses import replace

    from butler_desk.services.printing.service import parse_offset

    options = service.envelope_options(args.printer)
    if args.size:
        options = replace(options, size=args.size)
    if args.preprinted:
        options = replace(options, mode="preprinted")
    if args.offset:
        options = replace(options, offset_mm=parse_offset(args.offset))
    return options.checked()


def _warn(text: str) -> None:
    if text:
        print(f"警告：{text}", file=sys.stderr)


# -- print -------------------------------------------------------------------------------


def cmd_form(args: argparse.Namespace) -> int:
    from butler_desk.services.requests import reports as request_reports
    from butler_desk.services.printing.service import PrintService

    if args.list:
        for form in PrintService.forms():
            fill = ID_FORMS.get(form.id, "日期（--from/--to）" if form.id == "request-register" else "")
            print(f"{form.id:<22}{form.number:<8}{form.title}" + (f"（可按{fill}填写）" if fill else ""))
        return EXIT_OK
    if not args.form_id:
        raise UsageError("请给出表单名，如 butler-desk print form complaint-record --out 投诉记录表.pdf"
                         "（--list 查看全部）")
    if not args.out:
        raise UsageError("请用 --out 指定输出的 PDF 文件")
    if args.id is not None and args.form_id not in ID_FORMS:
        raise UsageError(f"表单 {args.form_id} 不能按编号填写：可用 --id 的表单有 {'、'.join(ID_FORMS)}")
    if (args.first or args.last) and args.form_id != "request-register":
        raise UsageError("--from/--to 只用于 request-register（报事报修登记表）")
    if args.reveal_phone is not None and (args.form_id != "work-order" or args.id is None):
        raise UsageError("--reveal-phone 只用于按工单填写的派工单：print form work-order --id 编号 --reveal-phone 原因")
    if args.form_id == "sign-off-sheet" and args.id is not None and not args.id.strip().isdigit():
        raise UsageError(f"签收单的 --id 是发放记录编号（数字），不是“{args.id}”")
    services = services_of(args)
    service = services.printing
    out = Path(args.out).expanduser()
    if args.form_id == "sign-off-sheet" and args.id is not None:
        result = services.documents.print_signoff(int(args.id), out, strict=args.strict)
    elif args.id is not None:
        requests = services.requests
        request_id = requests.id_of(args.id)
        if args.form_id == "work-order":
            result = request_reports.print_work_order(requests, request_id, out, reveal_reason=args.reveal_phone,
                                                      strict=args.strict)
        else:
            result = service.print_request_form(args.form_id, request_id, out, strict=args.strict)
    elif args.first or args.last:
        first, last = _day(args.first, "开始日期"), _day(args.last, "结束日期")
        if first is None or last is None:
            raise UsageError("登记表需要 --from 和 --to 两个日期")
        result = request_reports.print_register(services.requests, first, last, out, strict=args.strict)
    else:
        result = service.print_form(args.form_id, out, blank_pages=args.blank, strict=args.strict)
    _warn(result.warning)
    print(f"已生成：{result.path}（{result.pages} 页）")
    return EXIT_OK


def _field_values(args: argparse.Namespace, template) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if args.values_file:
        path = Path(args.values_file).expanduser()
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise UsageError(f"字段值文件 {path} 不是有效的 JSON（第 {exc.lineno} 行）") from None
        if not isinstance(loaded, dict):
            raise UsageError(f"字段值文件 {path} 应是“字段 → 值”的对象")
        values.update({_field_key(template, str(k)): v for k, v in loaded.items()})
    for item in args.values:
        name, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--set {item} 应写成 字段=值")
        values[_field_key(template, name)] = value
    return values


def _field_key(template, name: str) -> str:
    """A field by its key, its label, or a part of its label that names only it ("开始时间")."""
    name = name.strip()
    fields = template.fields
    for f in fields:
        if name in (f.key, f.label, f.label.split("（")[0]):
            return f.key
    matches = [f for f in fields if name and name in f.label]
    if len(matches) == 1:
        return matches[0].key
    known = "、".join(f"{f.key}（{f.label}）" for f in fields)
    if matches:
        raise UsageError(f"字段“{name}”不明确，可能是：{'、'.join(f.label for f in matches)}")
    raise UsageError(f"模板“{template.title}”没有字段“{name}”：可用的字段有 {known}")


def cmd_notice(args: argparse.Namespace) -> int:
    from butler_desk.domain.documents import DeliveryMethod
    from butler_desk.domain.errors import BadInput
    from butler_desk.services.documents.notices import BatchFiles, NoticeService

    if args.list:
        for t in NoticeService.templates():
            print(f"{t.id}：{t.title}（发给{t.audience.label}，登记为“{t.kind.label}”）")
            for f in t.fields:
                print(f"    {f.key:<16}{f.label}{'（必填）' if f.required else ''}{f.hint and '  ' + f.hint}")
        return EXIT_OK
    if not args.template:
        raise UsageError("请给出通知模板，如 butler-desk print notice water-outage …（--list 查看全部）")
    if not args.out:
        raise UsageError("请用 --out 指定公告的 PDF 文件")
    service = services_of(args).notices
    template = service.template(args.template)
    values = _field_values(args, template)
    hand = DeliveryMethod.parse(args.hand) if args.hand else None
    files = BatchFiles.beside(Path(args.out).expanduser(), letters=args.letters, envelopes=args.envelopes,
                              signoff=args.signoff)
    options = _envelope_options(args, services_of(args).printing)
    try:
        batch = service.issue(args.template, values, _selection(args), envelope_options=options, strict=args.strict,
                              files=files, issued_on=_day(args.date, "落款日期"), hand_method=hand)
    except BadInput as exc:
        field = template_field(template, exc.field)
        if field is None:
            raise
        hint = f"（用 --set {field.key}=… 或 --set {field.label}=… 填写）"
        raise BadInput(exc.message + hint, field=exc.field) from None
    _warn(batch.warning)
    for note in batch.notes():
        print(f"注意：{note}", file=sys.stderr)
    print(f"已发放《{batch.title}》（发放记录 {batch.document_id}）：{batch.households.summary()}")
    labels = {"notice": "公告", "letters": "信件", "envelopes": "信封", "signoff": "签收单"}
    for key, path in batch.files.items():
        print(f"  {labels[key]}：{path}")
    return EXIT_OK


def template_field(template, key: str | None):
    return next((f for f in template.fields if f.key == key), None) if key else None


def cmd_envelopes(args: argparse.Namespace) -> int:
    from butler_desk.domain.documents import Audience

    service = services_of(args).printing
    run = service.print_envelopes(_selection(args), Path(args.out).expanduser(), audience=Audience(args.audience),
                                  options=_envelope_options(args, service), strict=args.strict)
    _warn(run.result.warning)
    for note in run.households.notes():
        print(f"注意：{note}", file=sys.stderr)
    print(f"已生成信封：{run.result.path}（{run.households.summary()}）")
    return EXIT_OK


def cmd_calibration(args: argparse.Namespace) -> int:

    service = services_of(args).printing
    options = _envelope_options(args, service)
    result = service.print_calibration(Path(args.out).expanduser(), options=options)
    print(f"已生成校准页：{result.path}。请打印在信封（或覆在信封上的白纸）上，量出偏移后用 "
          f"butler-desk print setup --printer 打印机名 --offset DX,DY 保存。")
    return EXIT_OK


def cmd_setup(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from butler_desk.services.printing.service import MODE_LABELS, parse_offset

    service = services_of(args).printing
    if args.font and args.font_auto:
        raise UsageError("--font 和 --font-auto 只能选一个")
    if args.font or args.font_auto:
        service.set_font(None if args.font_auto else args.font)
    if args.printer or args.size or args.preprinted or args.full or args.offset:
        options = service.envelope_options(args.printer)
        if args.size:
            options = replace(options, size=args.size)
        if args.preprinted or args.full:
            options = replace(options, mode="preprinted" if args.preprinted else "full")
        if args.offset:
            options = replace(options, offset_mm=parse_offset(args.offset))
        service.set_envelope_options(args.printer, options)
    fonts = service.fonts()
    print(f"打印字体：{fonts.main_source.path}（{'设置' if fonts.main_source.origin == 'setting' else '自动'}）")
    printers = service.printers() or {"默认": service.envelope_options()}
    for name, options in printers.items():
        dx, dy = options.offset_mm
        print(f"信封（{name}）：{options.size}，{MODE_LABELS[options.mode]}，偏移 dx={dx:+g} dy={dy:+g} 毫米")
    print(f"未领取提醒：{service.uncollected_days()} 天")
    _salutation_setup(args)
    return EXIT_OK


def _salutation_setup(args: argparse.Namespace) -> None:
    from butler_desk.domain.documents import SALUTATION_STYLES

    service = services_of(args).recipients
    style = service.set_salutation_style(args.salutation) if args.salutation else service.salutation_style()
    print(f"信件称呼：{SALUTATION_STYLES[style]}")


# -- documents ---------------------------------------------------------------------------


def cmd_uncollected(args: argparse.Namespace) -> int:

    service = services_of(args).documents
    today = _day(args.today, "日期") or clock.today()
    if args.days is not None and not 0 <= args.days <= 365:
        raise UsageError("--days 应在 0 到 365 之间")
    rows = service.uncollected(today, args.days)
    if not rows:
        print("没有超期未签收的文件。")
    for row in rows:
        print(f"{row.delivery_id:>6}  {row.room:<14}{row.addressee:<8}{row.phone_masked:<14}"
              f"《{row.document_title}》 {row.sent_on} 发放，已 {row.days_since_sent(today)} 天（{row.method.label}）")
    returned = service.returned()
    for row in returned:
        print(f"{row.delivery_id:>6}  {row.room:<14}{row.addressee:<8}{row.phone_masked:<14}"
              f"《{row.document_title}》 被退回：{row.return_reason}")
    if args.out:
        result = service.print_uncollected(today, Path(args.out).expanduser(), days=args.days, strict=args.strict)
        _warn(result.warning)
        print(f"已生成逾期未领文件清单：{result.path}")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:

    rows = services_of(args).documents.batches(limit=max(1, args.limit))
    if not rows:
        print("还没有发放记录。")
    for row in rows:
        print(f"{row.document_id:>5}  {row.issued_on}  {row.kind.label:<8}{row.title}  {row.scope}  "
              f"共 {row.copies} 户，已签收 {row.received}，退回 {row.returned}（{row.operator}）")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:

    detail = services_of(args).documents.batch_detail(args.document_id)
    doc = detail.document
    print(f"《{doc.title}》 {doc.issued_on} {doc.operator} 发放，范围：{doc.scope}；共 {doc.copies} 户，"
          f"已签收 {doc.received}，退回 {doc.returned}")
    print("明细号  序号  房号            收件人    送达方式    状态")
    for row in detail.deliveries:
        extra = f" {row.signed_by} {row.received_on}" if row.received_on else (
            f" {row.return_reason}" if row.returned else "")
        print(f"{row.delivery_id:>6}  {row.seq:>4}  {row.room:<14}{row.addressee:<8}{row.method.label:<10}"
              f"{row.state}{extra}")
    return EXIT_OK


def cmd_received(args: argparse.Namespace) -> int:

    row = services_of(args).documents.mark_received(args.delivery_id, _day(args.on, "签收日期") or clock.today(),
                                                        args.by)
    print(f"已登记签收：{row.room}《{row.document_title}》，{row.signed_by}，{row.received_on}")
    return EXIT_OK


def cmd_returned(args: argparse.Namespace) -> int:

    row = services_of(args).documents.mark_returned(args.delivery_id, args.reason, _day(args.on, "退回日期"))
    print(f"已登记退回：{row.room}《{row.document_title}》，原因：{row.return_reason}")
    return EXIT_OK


def cmd_signoff(args: argparse.Namespace) -> int:

    result = services_of(args).documents.print_signoff(args.document_id, Path(args.out).expanduser(),
                                                           strict=args.strict)
    _warn(result.warning)
    print(f"已生成签收单：{result.path}（{result.pages} 页）")
    return EXIT_OK
