"""The 业户台账 table model: a passive list of pre-formatted rows, sorted in the model.

Display strings are built once per UnitRow object and cached by unit id, so a keystroke
in the search box costs a list comprehension, and ``data()`` is a list lookup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt

from butler_desk.services.ledger.service import room_sort_key
from butler_desk.services.ledger.views import UnitRow
from butler_desk.ui.common.detail_models import ModelIndex
from butler_desk.ui.common.tables import SortedRowsModel

COL_CODE = 0
COL_CLUSTER = 1
COL_BUILDING = 2
COL_ENTRANCE = 3
COL_STATUS = 4
COL_OWNERS = 5
COL_OCCUPANTS = 6
COL_PHONE = 7
COL_AREA = 8
COL_FEE_RATE = 9
COL_KEY_CLIENT = 10

HEADERS = ("房号", "组团", "楼栋", "单元", "状态", "业主", "住户", "电话", "面积(㎡)", "单价", "重点客户")
HEADER_TIPS = {
    COL_PHONE: "联系电话（已脱敏）；出租时优先显示租户电话。查看完整号码请打开房屋",
    COL_FEE_RATE: "物业费单价（元/㎡·月）",
    COL_KEY_CLIENT: "重点客户：文件由管家亲自送达并讲解",
}

UNIT_ID_ROLE = Qt.ItemDataRole.UserRole + 1

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_ALIGNMENT = {COL_AREA: _RIGHT, COL_FEE_RATE: _RIGHT, COL_KEY_CLIENT: _CENTER, COL_ENTRANCE: _CENTER}

_CHUNKS = re.compile(r"\d+|\D+")


def _number(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def format_row(row: UnitRow) -> tuple[str, ...]:
    return (
        row.code,
        row.cluster,
        row.building,
        row.entrance,
        row.status.label,
        row.owners,
        row.occupants,
        row.phone_masked,
        _number(row.area),
        _number(row.fee_rate),
        "★" if row.key_client else "",
    )


def _natural_key(text: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in _CHUNKS.findall(text))


_NONE_LAST = Decimal("Infinity")
SORT_KEYS: dict[int, Callable[[UnitRow], Any]] = {
    COL_CODE: lambda r: room_sort_key(r.code),
    COL_CLUSTER: lambda r: r.cluster,
    COL_BUILDING: lambda r: _natural_key(r.building),
    COL_ENTRANCE: lambda r: _natural_key(r.entrance),
    COL_STATUS: lambda r: r.status.label,
    COL_OWNERS: lambda r: (r.owners == "", r.owners),
    COL_OCCUPANTS: lambda r: (r.occupants == "", r.occupants),
    COL_PHONE: lambda r: (r.phone_masked == "", r.phone_masked),
    COL_AREA: lambda r: _NONE_LAST if r.area is None else r.area,
    COL_FEE_RATE: lambda r: _NONE_LAST if r.fee_rate is None else r.fee_rate,
    COL_KEY_CLIENT: lambda r: not r.key_client,
}


class LedgerTableModel(SortedRowsModel[UnitRow]):
    """Rows of UnitRow; sort column -1 keeps the order the rows were given in."""

    HEADERS = HEADERS
    HEADER_TIPS = HEADER_TIPS
    ALIGNMENT = _ALIGNMENT
    SORT_KEYS = SORT_KEYS

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._cache: dict[int, tuple[UnitRow, tuple[str, ...]]] = {}

    @staticmethod
    def row_id(row: UnitRow) -> int:
        return row.unit_id

    def format_row(self, row: UnitRow) -> tuple[str, ...]:
        return format_row(row)

    def format_rows(self, rows: Sequence[UnitRow]) -> list[tuple[str, ...]]:
        # A reload hands over new UnitRow objects only for the units that changed.
        cache = self._cache
        display = []
        for row in rows:
            hit = cache.get(row.unit_id)
            if hit is None or hit[0] is not row:
                hit = (row, format_row(row))
                cache[row.unit_id] = hit
            display.append(hit[1])
        return display

    def row_of_unit(self, unit_id: int) -> int | None:
        return self.row_of(unit_id)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display[index.row()][index.column()]
        if role == UNIT_ID_ROLE:
            return self._rows[index.row()].unit_id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGNMENT.get(index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (COL_OWNERS, COL_OCCUPANTS):
            return self._display[index.row()][index.column()] or None
        return None
