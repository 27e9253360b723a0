"""Small passive table models for dialogs: people at a unit, 变更记录, a party's units."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from butler_desk.domain.workdays import CHINA_TZ
from butler_desk.services.ledger.views import HistoryEntry, OccupancyView

T = TypeVar("T")
ModelIndex = QModelIndex | QPersistentModelIndex

OCCUPANCY_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PARTY_ID_ROLE = Qt.ItemDataRole.UserRole + 2


class RowsModel(QAbstractTableModel, Generic[T]):
    """Rows formatted once in ``set_rows``; subclasses give HEADERS and ``format_row``."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []
        self._display: list[tuple[str, ...]] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._display = [self.format_row(r) for r in self._rows]
        self.endResetModel()

    def format_row(self, row: T) -> tuple[str, ...]:
        raise NotImplementedError

    def row_at(self, row: int) -> T:
        return self._rows[row]

    @property
    def rows(self) -> list[T]:
        return list(self._rows)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._display[index.row()][index.column()]
            return text if role == Qt.ItemDataRole.DisplayRole or text else None
        return self.extra_data(self._rows[index.row()], index.column(), role)

    def extra_data(self, row: T, column: int, role: int) -> Any:
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


def _day(value) -> str:
    return "" if value is None else value.isoformat()


class PeopleModel(RowsModel[OccupancyView]):
    """Current people at a unit (owners first); ids in custom roles for the action buttons."""

    COL_NAME, COL_ROLE, COL_KEY_CLIENT, COL_PHONES, COL_ID_NUMBER, COL_START, COL_MOVED_IN = range(7)
    HEADERS = ("姓名", "身份", "重点客户", "电话", "证件号码", "起始日期", "入住日期")

    def format_row(self, occ: OccupancyView) -> tuple[str, ...]:
        party = occ.party
        return (
            party.name,
            occ.role.label,
            "★" if party.key_client else "",
            "、".join(p.number_masked for p in party.phones),
            party.id_number_masked,
            _day(occ.start_date),
            _day(occ.moved_in),
        )

    def extra_data(self, occ: OccupancyView, column: int, role: int) -> Any:
        if role == OCCUPANCY_ID_ROLE:
            return occ.occupancy_id
        if role == PARTY_ID_ROLE:
            return occ.party.party_id
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_KEY_CLIENT:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class FormerPeopleModel(RowsModel[OccupancyView]):
    """People who have moved out or sold: kept, never deleted, for the unit's history."""

    COL_NAME, COL_ROLE, COL_PHONES, COL_START, COL_END = range(5)
    HEADERS = ("姓名", "身份", "电话", "起始日期", "迁出/过户日期")

    def format_row(self, occ: OccupancyView) -> tuple[str, ...]:
        return (
            occ.party.name,
            occ.role.label,
            "、".join(p.number_masked for p in occ.party.phones),
            _day(occ.start_date),
            _day(occ.end_date),
        )

    def extra_data(self, occ: OccupancyView, column: int, role: int) -> Any:
        if role == OCCUPANCY_ID_ROLE:
            return occ.occupancy_id
        if role == PARTY_ID_ROLE:
            return occ.party.party_id
        return None


def local_time_text(at: datetime) -> str:
    """Audit times are stored in UTC and shown in Beijing time, to the minute."""
    return at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def describe_changes(entry: HistoryEntry) -> str:
    if entry.action == "查看明文":
        parts = [f"查看{old}明文" + (f"，原因：{new}" if new else "") for _label, old, new in entry.changes]
        return "；".join(parts)
    parts = []
    for label, old, new in entry.changes:
        if old and new:
            parts.append(f"{label}：{old} → {new}")
        elif new:
            parts.append(f"{label}：{new}")
        elif old:
            parts.append(f"{label}：{old} → （空）")
    return "；".join(parts)


class HistoryModel(RowsModel[HistoryEntry]):
    COL_AT, COL_OPERATOR, COL_ACTION, COL_RECORD, COL_CHANGES = range(5)
    HEADERS = ("时间", "操作人", "操作", "对象", "变更内容")

    def format_row(self, entry: HistoryEntry) -> tuple[str, ...]:
        return (local_time_text(entry.at), entry.operator, entry.action, entry.record, describe_changes(entry))


class PartyUnitsModel(RowsModel[tuple[str, OccupancyView]]):
    """The units a party is or was tied to (from PartyDetail.occupancies)."""

    HEADERS = ("房号", "身份", "起始日期", "结束日期", "状态")

    def format_row(self, row: tuple[str, OccupancyView]) -> tuple[str, ...]:
        code, occ = row
        return (code, occ.role.label, _day(occ.start_date), _day(occ.end_date), "当前" if occ.current else "已结束")
