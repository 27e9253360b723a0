"""The request register as an Excel workbook (报事报修登记), with the period's statistics on a second sheet."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from butler_desk.domain import clock
from butler_desk.domain.errors import Cancelled
from butler_desk.domain.service_stats import GroupStats, KindStats, ServiceStats
from butler_desk.exchange.sheets import save_workbook
from butler_desk.exchange.xlsx_out import (
    Column,
    auto_filter,
    data_cells,
    discard,
    header_cell,
    new_workbook,
    page_setup,
    stream_rows,
    table_sheet,
    title_cell,
)

REGISTER_TITLE = "工单登记"
STATS_TITLE = "统计"
MASKED_NOTE = "电话已隐藏"
UNMASKED_NOTE = "含业户电话，请妥善保管，勿外传"
STATS_NOTE = ("注：受理、超时、按时率、满意率按本期受理的工单计；办结按本期关闭的工单计；"
              "满意率 =（满意 + 基本满意）÷ 已评价。")
_DATETIME = "yyyy-mm-dd hh:mm"
_PERCENT = "0.0%"


@dataclass(frozen=True)
class RequestExportRow:
    """One request as exported; times are 北京时间 without a zone (Excel has none), texts are final."""

    number: str
    kind: str
    source: str
    received_at: datetime
    cluster: str
    location: str
    who: str
    phone: str  # masked or not by the caller
    description: str
    state: str
    validity: str
    invalid_reason: str
    severity: str
    department: str
    assignee: str
    contacted_at: datetime | None
    first_feedback_at: datetime | None
    handled_at: datetime | None
    resolved_at: datetime | None
    visited_at: datetime | None
    closed_at: datetime | None
    satisfaction: str
    visit_opinion: str
    signed: str
    reopen_count: int
    deadlines: str  # "投诉反馈处理情况：按时完成；一般投诉解决：超时 2小时 完成"
    missed: bool
    received_by: str


_COLUMNS: tuple[Column, ...] = (
    Column("编号", 15), Column("类型", 11), Column("来源", 8), Column("受理时间", 16, _DATETIME),
    Column("组团", 9), Column("房号/位置", 18, wrap=True), Column("报事人", 9), Column("联系电话", 14),
    Column("报事内容", 40, wrap=True), Column("状态", 10), Column("有效性", 9), Column("无效理由", 22, wrap=True),
    Column("投诉等级", 8), Column("责任部门", 11), Column("责任人", 9),
    Column("联系/到场时间", 16, _DATETIME), Column("首次反馈时间", 16, _DATETIME),
    Column("处理完成时间", 16, _DATETIME), Column("解决时间", 16, _DATETIME), Column("回访时间", 16, _DATETIME),
    Column("关闭时间", 16, _DATETIME), Column("满意度", 9), Column("回访意见", 24, wrap=True),
    Column("业户签字", 8), Column("重新打开次数", 8), Column("时限情况", 40, wrap=True), Column("超时", 6),
    Column("受理人", 9),
)
_SECTION_FONT = Font(bold=True, size=12)
_TOTAL_FONT = Font(bold=True)
_LATE_FONT = Font(color="C00000")


def write_requests(
    rows: Iterable[RequestExportRow],
    stats: ServiceStats,
    out: Path,
    *,
    masked: bool,
    estate_name: str,
    progress: Callable[[int, int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    exported_on: date | None = None,
) -> Path:
    """Stream the register for ``stats.first``..``stats.last`` and the statistics into an .xlsx at ``out``.

    On ``Cancelled`` nothing is written. ``progress(done, total)`` gets ``total`` = 0
    when ``rows`` has no length.
    """
    book = new_workbook(f"{estate_name} 报事报修登记")
    period = _period(stats.first, stats.last)
    note = MASKED_NOTE if masked else UNMASKED_NOTE
    today = exported_on or clock.today()
    title = f"{estate_name} 报事报修登记　{period}　导出日期：{today:%Y年%m月%d日}　{note}".strip()
    ws = table_sheet(book, REGISTER_TITLE, _COLUMNS, title, freeze_column="B")
    try:
        done = stream_rows(ws, rows, lambda row: _register_cells(ws, row), progress=progress,
                           is_cancelled=is_cancelled)
        auto_filter(ws, len(_COLUMNS), done)
        _write_stats(book.create_sheet(STATS_TITLE), stats, estate_name, period)
        if is_cancelled is not None and is_cancelled():
            raise Cancelled()
    except BaseException:
        discard(book)
        raise
    path = save_workbook(book, out)
    if progress is not None:
        progress(done, done)
    return path


def _period(first: date, last: date) -> str:
    return f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d}"


def _register_cells(ws: Any, row: RequestExportRow) -> list[Any]:
    values: list[Any] = [
        row.number, row.kind, row.source, row.received_at, row.cluster, row.location, row.who, row.phone,
        row.description, row.state, row.validity, row.invalid_reason, row.severity, row.department, row.assignee,
        row.contacted_at, row.first_feedback_at, row.handled_at, row.resolved_at, row.visited_at, row.closed_at,
        row.satisfaction, row.visit_opinion, row.signed, row.reopen_count or None, row.deadlines,
        "是" if row.missed else "", row.received_by,
    ]
    cells = data_cells(ws, _COLUMNS, values)
    if row.missed:
        late = WriteOnlyCell(ws, value="是")
        late.font = _LATE_FONT
        cells[-2] = late
    return cells


# -- the statistics sheet ----------------------------------------------------------


def _write_stats(ws: Any, stats: ServiceStats, estate_name: str, period: str) -> None:
    page_setup(ws, landscape=False)
    for index, width in enumerate((22, 10, 10, 10, 10, 10, 10, 10), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.append([title_cell(ws, f"{estate_name} 报事报修统计　{period}".strip())])
    ws.append([])

    _section(ws, "一、受理与办结（按类型）", ("类型", "受理", "办结", "期末未结", "超时"))
    for item in (*stats.by_kind, stats.total):
        _kind_row(ws, item, bold=item.kind is None)

    _section(ws, "二、服务时限", ("时限项目", "按时完成", "超时完成", "已超时", "进行中", "按时率"))
    if not stats.by_limit:
        ws.append(["（本期无考核时限）"])
    for limit in stats.by_limit:
        ws.append([limit.label, limit.met, limit.met_late, limit.overdue, limit.open, _rate(ws, limit.on_time_rate)])

    c = stats.complaints
    _section(ws, "三、投诉定性", ("受理投诉", "有效", "无效", "未定性", "一般投诉", "严重投诉", "有效率"))
    ws.append([c.received, c.valid, c.invalid, c.unjudged, c.general, c.serious, _rate(ws, c.valid_share)])

    s = stats.satisfaction
    levels = [label.label for label, _count in s.counts]
    _section(ws, "四、回访与满意度", (*levels, "已评价", "满意率", "应回访", "已回访", "回访率"))
    ws.append([*(count for _label, count in s.counts), s.rated, _rate(ws, s.satisfied_rate), s.visit_due, s.visited,
               _rate(ws, s.visit_rate)])

    _groups(ws, "五、按责任部门", "部门", stats.by_department)
    _groups(ws, "六、按组团", "组团", stats.by_cluster)
    ws.append([])
    ws.append([STATS_NOTE])


def _section(ws: Any, title: str, headers: Iterable[str]) -> None:
    ws.append([])
    heading = WriteOnlyCell(ws, value=title)
    heading.font = _SECTION_FONT
    ws.append([heading])
    ws.append([header_cell(ws, text) for text in headers])


def _kind_row(ws: Any, item: KindStats, *, bold: bool) -> None:
    values = [item.label, item.received, item.closed, item.open_at_end, item.overdue]
    if not bold:
        ws.append(values)
        return
    cells = []
    for value in values:
        cell = WriteOnlyCell(ws, value=value)
        cell.font = _TOTAL_FONT
        cells.append(cell)
    ws.append(cells)


def _groups(ws: Any, title: str, name: str, groups: tuple[GroupStats, ...]) -> None:
    _section(ws, title, (name, "受理", "办结", "超时", "按时率", "满意率"))
    if not groups:
        ws.append(["（无）"])
    for group in groups:
        ws.append([group.name, group.received, group.closed, group.overdue, _rate(ws, group.on_time_rate),
                   _rate(ws, group.satisfied_rate)])


def _rate(ws: Any, value: Decimal | None) -> Any:
    if value is None:
        return "—"
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = _PERCENT
    return cell
