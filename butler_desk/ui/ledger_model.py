"""The 业户台账 table model: a passive list of pre-formatted rows, sorted in the model.

Display strings are built once per UnitRow object and cached by unit id, so a keystroke
in the search box costs a list comprehension, and ``data()`` is a list lookup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from butler_desk.services.ledger import room_sort_key
from butler_desk.services.ledger_views import UnitRow

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

ModelIndex = QModelIndex | QPersistentModelIndex
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


class LedgerTableModel(QAbstractTableModel):
    """Rows of UnitRow; sort column -1 keeps the order the rows were given in."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._given: list[UnitRow] = []
        self._rows: list[UnitRow] = []
        self._display: list[tuple[str, ...]] = []
        self._cache: dict[int, tuple[UnitRow, tuple[str, ...]]] = {}
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    # ----- feeding --------------------------------------------------------------------
    def set_rows(self, rows: Sequence[UnitRow]) -> None:
        self.beginResetModel()
        self._given = list(rows)
        self._arrange()
        self.endResetModel()

    def _arrange(self) -> None:
        rows = self._given
        if self._sort_column in SORT_KEYS:
            rows = sorted(rows, key=SORT_KEYS[self._sort_column],
                          reverse=self._sort_order == Qt.SortOrder.DescendingOrder)
        self._rows = rows
        cache = self._cache
        display = []
        for row in rows:
            hit = cache.get(row.unit_id)
            if hit is None or hit[0] is not row:
                hit = (row, format_row(row))
                cache[row.unit_id] = hit
            display.append(hit[1])
        self._display = display

    def row_at(self, row: int) -> UnitRow:
        return self._rows[row]

    def row_of_unit(self, unit_id: int) -> int | None:
        for n, row in enumerate(self._rows):
            if row.unit_id == unit_id:
                return n
        return None

    @property
    def rows(self) -> list[UnitRow]:
        return list(self._rows)

    # ----- Qt model API -----------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

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

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return HEADER_TIPS.get(section)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _ALIGNMENT.get(section)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        old_rows = self._rows
        self._sort_column, self._sort_order = column, order
        self._arrange()
        # Persistent indexes (the view's selection) follow their unit to its new row.
        new_position = {row.unit_id: n for n, row in enumerate(self._rows)}
        old_indexes = self.persistentIndexList()
        new_indexes = []
        for idx in old_indexes:
            target = new_position.get(old_rows[idx.row()].unit_id) if idx.row() < len(old_rows) else None
            new_indexes.append(self.index(target, idx.column()) if target is not None else QModelIndex())
        self.changePersistentIndexList(old_indexes, new_indexes)
        self.layoutChanged.emit()
