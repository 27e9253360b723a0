"""The 投诉报修 list model: a passive page of RequestRow, sorted in the model, overdue deadlines in red."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from butler_desk.domain.requests import RequestState
from butler_desk.services.ledger.service import room_sort_key
from butler_desk.services.requests.views import RequestRow
from butler_desk.ui.common.detail_models import ModelIndex
from butler_desk.ui.common.tables import SortedRowsModel

COL_NUMBER = 0
COL_KIND = 1
COL_STATE = 2
COL_LOCATION = 3
COL_PARTY = 4
COL_SUMMARY = 5
COL_RECEIVED = 6
COL_DEPARTMENT = 7
COL_DEADLINE = 8
COL_TIME_LEFT = 9

HEADERS = ("编号", "类型", "状态", "房号/位置", "业户", "摘要", "受理时间", "部门", "下一时限", "剩余时间")
HEADER_TIPS = {
    COL_KIND: "急修的报修标为“报修（急修）”并以橙红色显示",
    COL_PARTY: "台账中的业户；不在台账的来电人显示其自报姓名",
    COL_DEADLINE: "尚未完成的最早一项服务时限及其到期时间",
    COL_TIME_LEFT: "距下一时限的剩余时间；超时显示为红色。每分钟自动更新",
}

REQUEST_ID_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 2

OVERDUE_COLOR = QColor("#c62828")
URGENT_COLOR = QColor("#d84315")
CLOSED_COLOR = QColor("#757575")

_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_ALIGNMENT = {COL_RECEIVED: _CENTER, COL_TIME_LEFT: _CENTER}
_STATE_ORDER = {state: n for n, state in enumerate(RequestState)}


def _short_time(moment: datetime | None) -> str:
    # The year is in the number (TS-2026-…), which is drawn in the year the request was received.
    return f"{moment:%m-%d %H:%M}" if moment else ""


def format_row(row: RequestRow) -> tuple[str, ...]:
    deadline = f"{row.due_at:%m-%d %H:%M} {row.deadline_name}" if row.deadline_name and row.due_at else ""
    return (
        row.number,
        row.kind_label,
        row.state_label,
        row.location,
        row.party_name,
        row.summary,
        _short_time(row.received_at),
        row.department,
        deadline,
        row.deadline_text,
    )


def _due_key(row: RequestRow) -> tuple:
    # Rows with no pending deadline go last whichever way the column is sorted first.
    return (row.due_at is None, row.due_at.timestamp() if row.due_at else 0.0)


SORT_KEYS: dict[int, Callable[[RequestRow], Any]] = {
    COL_NUMBER: lambda r: r.number,
    COL_KIND: lambda r: (r.kind_label, r.number),
    COL_STATE: lambda r: (_STATE_ORDER[r.state], r.number),
    COL_LOCATION: lambda r: (r.unit_code == "", room_sort_key(r.unit_code) if r.unit_code else (), r.area_text),
    COL_PARTY: lambda r: (r.party_name == "", r.party_name),
    COL_SUMMARY: lambda r: r.summary,
    COL_RECEIVED: lambda r: r.received_at,
    COL_DEPARTMENT: lambda r: (r.department == "", r.department),
    COL_DEADLINE: _due_key,
    COL_TIME_LEFT: _due_key,
}


class RequestTableModel(SortedRowsModel[RequestRow]):
    """Rows of RequestRow; sort column -1 keeps the service's order (newest first)."""

    HEADERS = HEADERS
    HEADER_TIPS = HEADER_TIPS
    ALIGNMENT = _ALIGNMENT
    SORT_KEYS = SORT_KEYS

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._bold = QFont()
        self._bold.setBold(True)

    @staticmethod
    def row_id(row: RequestRow) -> int:
        return row.id

    def format_row(self, row: RequestRow) -> tuple[str, ...]:
        return format_row(row)

    # ----- feeding --------------------------------------------------------------------
    def append_rows(self, rows: Sequence[RequestRow]) -> None:
        """The next page of the same query (kept in the current sort order)."""
        if not rows:
            return
        if self.is_sorted:
            self.set_rows([*self._given, *rows])
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._given.extend(rows)
        self._rows.extend(rows)
        self._display.extend(format_row(r) for r in rows)
        self.endInsertRows()

    def refresh_rows(self, rows: Sequence[RequestRow]) -> bool:
        """Take fresher copies of the same requests without a reset (selection and scroll stay).

        Returns False, changing nothing, when the requests are not the same set; the caller
        then uses ``set_rows``.
        """
        if len(rows) != len(self._given) or {r.id for r in rows} != {r.id for r in self._given}:
            return False
        self.layoutAboutToBeChanged.emit()
        old_ids = [r.id for r in self._rows]
        self._given = list(rows)
        self._arrange()
        self._follow_persistent_indexes(old_ids)
        self.layoutChanged.emit()
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(HEADERS) - 1))
        return True

    def row_of_request(self, request_id: int) -> int | None:
        return self.row_of(request_id)

    # ----- Qt model API -----------------------------------------------------------------
    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display[index.row()][column]
        row = self._rows[index.row()]
        if role == REQUEST_ID_ROLE:
            return row.id
        if role == OVERDUE_ROLE:
            return row.overdue
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(row, column)
        if role == Qt.ItemDataRole.FontRole:
            if (column in (COL_DEADLINE, COL_TIME_LEFT) and row.overdue) or (column == COL_KIND and row.urgent):
                return self._bold
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGNMENT.get(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column, index.row())
        return None

    @staticmethod
    def _foreground(row: RequestRow, column: int) -> QColor | None:
        if column in (COL_DEADLINE, COL_TIME_LEFT) and row.overdue:
            return OVERDUE_COLOR
        if column == COL_KIND and row.urgent and row.state.is_open:
            return URGENT_COLOR
        if column == COL_STATE and not row.state.is_open:
            return CLOSED_COLOR
        return None

    def _tooltip(self, row: RequestRow, column: int, n: int) -> str | None:
        if column in (COL_DEADLINE, COL_TIME_LEFT) and row.due_at is not None:
            return f"{row.deadline_name}：{row.due_at:%Y-%m-%d %H:%M} 到期（{row.deadline_text}）"
        if column == COL_RECEIVED:
            return f"{row.received_at:%Y-%m-%d %H:%M} 受理（{row.source.label}）"
        if column == COL_LOCATION and row.cluster:
            return f"{row.location}（{row.cluster}）"
        if column in (COL_SUMMARY, COL_PARTY, COL_LOCATION):
            return self._display[n][column] or None
        return None
