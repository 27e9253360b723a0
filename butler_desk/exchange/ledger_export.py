"""The resident ledger as an Excel workbook (业户台账), streamed in write-only mode."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from butler_desk.exchange import Cancelled
from butler_desk.exchange.sheets import save_workbook

_log = logging.getLogger(__name__)

SHEET_TITLE = "业户台账"
MASKED_NOTE = "电话、证件号已隐藏"
UNMASKED_NOTE = "含业户个人信息，请妥善保管，勿外传"
TITLE_ROW, HEADER_ROW = 1, 2
_CHECK_EVERY = 500


@dataclass(frozen=True)
class LedgerExportRow:
    """One unit of the ledger as it is exported; people are already joined into text."""

    cluster: str | None
    building: str
    unit: str
    room_code: str
    status_label: str
    area: Decimal | None
    fee_rate: Decimal | None
    key_client: bool
    owners: str
    occupants: str
    phones: str  # already masked or not by the caller
    id_numbers: str  # same
    mailing_address: str | None
    postcode: str | None
    move_in: date | None
    notes: str | None


@dataclass(frozen=True)
class _Column:
    header: str
    width: float
    number_format: str | None = None


# Data cells stay on one line: a program that opens the file may keep the stored row height
# and show only part of a wrapped cell (LibreOffice does). Widths fit the usual content
# instead (two owners, two masked phones).
_COLUMNS: tuple[_Column, ...] = (
    _Column("组团", 10),
    _Column("楼栋", 6),
    _Column("单元", 6),
    _Column("房号", 11),
    _Column("房屋状态", 12),
    _Column("建筑面积(㎡)", 10, "#,##0.00"),
    _Column("物业费单价(元/㎡·月)", 11, "0.00"),
    _Column("重点客户", 8),
    _Column("业主", 16),
    _Column("住户", 22),
    _Column("联系电话", 27),
    _Column("证件号码", 22),
    _Column("通讯地址", 34),
    _Column("邮政编码", 9),
    _Column("入住日期", 11, "yyyy-mm-dd"),
    _Column("备注", 30),
)
_FORMATTED = {index for index, column in enumerate(_COLUMNS) if column.number_format}
_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="2F5597")
_THIN = Side(style="thin", color="BFBFBF")
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def write_ledger(
    rows: Iterable[LedgerExportRow],
    out: Path,
    *,
    masked: bool,
    estate_name: str,
    progress: Callable[[int, int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    exported_on: date | None = None,
) -> Path:
    """Stream ``rows`` into an .xlsx at ``out`` and return it.

    Row 1 is a title (estate, export date, and whether phones and ID numbers are hidden),
    row 2 the frozen, filterable header. ``progress(done, total)`` gets ``total`` = 0 when
    ``rows`` has no length. On ``Cancelled`` nothing is written.
    """
    total = len(rows) if hasattr(rows, "__len__") else 0  # type: ignore[arg-type]
    book = Workbook(write_only=True)
    book.properties.creator = "管家台"
    book.properties.title = f"{estate_name} 业户台账".strip()
    ws = book.create_sheet(SHEET_TITLE)
    last_letter = get_column_letter(len(_COLUMNS))
    for index, column in enumerate(_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.merged_cells.add(f"A{TITLE_ROW}:{last_letter}{TITLE_ROW}")

    title = WriteOnlyCell(ws, value=_title(estate_name, exported_on or date.today(), masked))
    title.font = _TITLE_FONT
    title.alignment = Alignment(vertical="center")
    ws.row_dimensions[TITLE_ROW].height = 26
    ws.append([title])
    ws.row_dimensions[HEADER_ROW].height = 30  # room for the two-line unit headers
    ws.append([_header_cell(ws, column.header) for column in _COLUMNS])

    formats = [column.number_format for column in _COLUMNS]
    done = 0
    try:
        for row in rows:
            done += 1
            if done % _CHECK_EVERY == 0:
                if is_cancelled is not None and is_cancelled():
                    raise Cancelled()
                if progress is not None:
                    progress(done, max(total, done))
            ws.append(_cells(ws, row, formats))
        if is_cancelled is not None and is_cancelled():
            raise Cancelled()
    except BaseException:
        _discard(ws)
        raise
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_letter}{HEADER_ROW + max(done, 1)}"
    path = save_workbook(book, out)
    if progress is not None:
        progress(done, done)
    return path


def _discard(ws: Any) -> None:
    # A write-only sheet streams into a temporary file; finish and delete it now rather than
    # leave a half-open XML writer for the garbage collector to complain about.
    try:
        ws.close()
        ws._writer.cleanup()
    except Exception:  # noqa: BLE001 - best effort: the export is being abandoned anyway
        _log.debug("discarding the cancelled export failed", exc_info=True)


def _title(estate_name: str, exported_on: date, masked: bool) -> str:
    estate = estate_name.strip()
    parts = [f"{estate} 业户台账" if estate else "业户台账", f"导出日期：{exported_on:%Y年%m月%d日}"]
    parts.append(MASKED_NOTE if masked else UNMASKED_NOTE)
    return "　".join(parts)


def _header_cell(ws: Any, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=text)
    cell.font, cell.fill, cell.alignment, cell.border = _HEADER_FONT, _HEADER_FILL, _CENTER, _HEADER_BORDER
    return cell


def _cells(ws: Any, row: LedgerExportRow, formats: list[str | None]) -> list[Any]:
    values: list[Any] = [
        row.cluster or "",
        row.building,
        row.unit,
        row.room_code,
        row.status_label,
        row.area,
        row.fee_rate,
        "是" if row.key_client else "",
        _text(row.owners),
        _text(row.occupants),
        _text(row.phones),
        _text(row.id_numbers),
        _text(row.mailing_address),
        row.postcode or "",
        row.move_in,
        _text(row.notes),
    ]
    # Styled cells cost time in write-only mode; only the columns that need a format get one.
    for index in _FORMATTED:
        value = values[index]
        if value is None or value == "":
            continue
        cell = _plain_cell(ws, value)
        cell.number_format = formats[index]
        values[index] = cell
    for index, value in enumerate(values):
        if isinstance(value, str) and value.startswith("="):
            values[index] = _plain_cell(ws, value)
    return values


def _plain_cell(ws: Any, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text someone typed, never a formula Excel would run
    return cell


def _text(value: str | None) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if value else ""
