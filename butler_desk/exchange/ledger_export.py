"""The resident ledger as an Excel workbook (业户台账), streamed in write-only mode."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from butler_desk.domain import clock
from butler_desk.exchange.sheets import save_workbook
from butler_desk.exchange.xlsx_out import (
    Column,
    auto_filter,
    data_cells,
    discard,
    new_workbook,
    stream_rows,
    table_sheet,
)

SHEET_TITLE = "业户台账"
MASKED_NOTE = "电话、证件号已隐藏"
UNMASKED_NOTE = "含业户个人信息，请妥善保管，勿外传"


@dataclass(frozen=True)
class LedgerExportRow:
    """One person at one unit (or a unit with nobody), as the roster template lays it out.

    One row per person, the unit's own columns repeated on each, so the file imports back
    as a roster (``import roster``): an office exports, fixes in Excel and imports again.
    """

    cluster: str | None
    room_code: str
    status_label: str
    area: Decimal | None
    fee_rate: Decimal | None
    name: str = ""
    role_label: str = ""
    phones: str = ""  # already masked or not by the caller, joined with "、"
    id_type_label: str = ""
    id_number: str = ""  # same
    mailing_address: str | None = None
    postcode: str | None = None
    key_client: bool | None = None  # None for a unit row with nobody on it
    move_in: date | None = None
    notes: str | None = None  # the person's
    unit_notes: str | None = None


# Data cells stay on one line: a program that opens the file may keep the stored row height
# and show only part of a wrapped cell (LibreOffice does). The headers are the roster
# template's, so the reader maps every column back.
_COLUMNS: tuple[Column, ...] = (
    Column("组团", 10),
    Column("房号", 11),
    Column("房屋状态", 12),
    Column("建筑面积(㎡)", 10, "#,##0.00"),
    Column("物业费单价(元/㎡·月)", 11, "0.00"),
    Column("姓名", 10),
    Column("身份", 6),
    Column("联系电话", 26),
    Column("证件类型", 10),
    Column("证件号码", 21),
    Column("通讯地址", 30),
    Column("邮政编码", 9),
    Column("重点客户", 8),
    Column("入住日期", 11, "yyyy-mm-dd"),
    Column("备注", 24),
    Column("房屋备注", 24),
)


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
    book = new_workbook(f"{estate_name} 业户台账")
    title = _title(estate_name, exported_on or clock.today(), masked)
    ws = table_sheet(book, SHEET_TITLE, _COLUMNS, title, header_height=30)  # two-line unit headers
    try:
        done = stream_rows(ws, rows, lambda row: data_cells(ws, _COLUMNS, _values(row)),
                           progress=progress, is_cancelled=is_cancelled)
    except BaseException:
        discard(book)
        raise
    auto_filter(ws, len(_COLUMNS), done)
    path = save_workbook(book, out)
    if progress is not None:
        progress(done, done)
    return path


def _title(estate_name: str, exported_on: date, masked: bool) -> str:
    estate = estate_name.strip()
    parts = [f"{estate} 业户台账" if estate else "业户台账", f"导出日期：{exported_on:%Y年%m月%d日}"]
    parts.append(MASKED_NOTE if masked else UNMASKED_NOTE)
    return "　".join(parts)


def _values(row: LedgerExportRow) -> list[Any]:
    key_client = "" if row.key_client is None else ("是" if row.key_client else "否")
    return [
        row.cluster or "", row.room_code, row.status_label, row.area, row.fee_rate, row.name, row.role_label,
        row.phones, row.id_type_label, row.id_number, row.mailing_address, row.postcode or "", key_client,
        row.move_in, row.notes, row.unit_notes,
    ]
