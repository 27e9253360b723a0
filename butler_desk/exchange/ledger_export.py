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


# Data cells stay on one line: a program that opens the file may keep the stored row height
# and show only part of a wrapped cell (LibreOffice does). Widths fit the usual content
# instead (two owners, two masked phones).
_COLUMNS: tuple[Column, ...] = (
    Column("组团", 10),
    Column("楼栋", 6),
    Column("单元", 6),
    Column("房号", 11),
    Column("房屋状态", 12),
    Column("建筑面积(㎡)", 10, "#,##0.00"),
    Column("物业费单价(元/㎡·月)", 11, "0.00"),
    Column("重点客户", 8),
    Column("业主", 16),
    Column("住户", 22),
    Column("联系电话", 27),
    Column("证件号码", 22),
    Column("通讯地址", 34),
    Column("邮政编码", 9),
    Column("入住日期", 11, "yyyy-mm-dd"),
    Column("备注", 30),
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
    return [
        row.cluster or "", row.building, row.unit, row.room_code, row.status_label, row.area, row.fee_rate,
        "是" if row.key_client else "", row.owners, row.occupants, row.phones, row.id_numbers,
        row.mailing_address, row.postcode or "", row.move_in, row.notes,
    ]
