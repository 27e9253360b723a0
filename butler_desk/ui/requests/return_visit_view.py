"""The 待回访 queue: resolved requests still waiting for their return visit, longest waiting first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from butler_desk.services.requests.views import ReturnVisitItem
from butler_desk.ui.common.detail_models import RowsModel
from butler_desk.ui.requests.caller_phone import CallerPhone
from butler_desk.ui.requests.model import OVERDUE_COLOR, REQUEST_ID_ROLE
from butler_desk.ui.common.tables import OpenableTableView, setup_list_table

VCOL_NUMBER = 0
VCOL_KIND = 1
VCOL_LOCATION = 2
VCOL_PARTY = 3
VCOL_SUMMARY = 4
VCOL_DEPARTMENT = 5
VCOL_RESOLVED = 6
VCOL_DUE = 7

VISIT_HEADERS = ("编号", "类型", "房号/位置", "业户", "摘要", "部门", "解决时间", "回访期限")
_WIDTH_SAMPLES = {
    VCOL_NUMBER: "TS-2026-000000", VCOL_KIND: "报修（急修）", VCOL_LOCATION: "12A-12-1201（大堂）",
    VCOL_PARTY: "欧阳娜娜", VCOL_SUMMARY: "厨房水龙头滴水，已报多次", VCOL_DEPARTMENT: "工程维修部",
    VCOL_RESOLVED: "2026-11-20 09:00", VCOL_DUE: "11-23 09:00（已逾期）",
}


def format_item(item: ReturnVisitItem) -> tuple[str, ...]:
    row = item.row
    resolved = f"{row.resolved_at:%Y-%m-%d %H:%M}" if row.resolved_at else ""
    due = f"{item.due_at:%m-%d %H:%M}" + ("（已逾期）" if item.overdue else "")
    return (row.number, row.kind_label, row.location, row.party_name, row.summary, row.department, resolved, due)


class ReturnVisitModel(RowsModel[ReturnVisitItem]):
    """The queue in the service's order (the longest waiting first); not sortable, the order is the point."""

    HEADERS = VISIT_HEADERS

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._bold = QFont()
        self._bold.setBold(True)

    def format_row(self, item: ReturnVisitItem) -> tuple[str, ...]:
        return format_item(item)

    def row_of_request(self, request_id: int) -> int | None:
        return next((n for n, item in enumerate(self._rows) if item.row.id == request_id), None)

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self._rows if item.overdue)

    def extra_data(self, item: ReturnVisitItem, column: int, role: int) -> Any:
        if role == REQUEST_ID_ROLE:
            return item.row.id
        if column == VCOL_DUE and item.overdue:
            if role == Qt.ItemDataRole.ForegroundRole:
                return OVERDUE_COLOR
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        return None


class ReturnVisitView(QWidget):
    """The queue table with a one-line explanation; Enter or a double-click asks for the 回访 dialog."""

    selected = Signal(int)  # request id (0: nothing selected)
    visit_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hint = QLabel("已解决、尚未回访的工单，等待最久的在前。选中后按 Enter 或双击登记回访。")
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        self.model = ReturnVisitModel(self)
        self.table = OpenableTableView(REQUEST_ID_ROLE)
        self.table.setModel(self.model)
        setup_list_table(self.table, _WIDTH_SAMPLES, padding=20)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.hint)
        # the callback's number, one click away (hidden until the tab gives a way to reveal)
        self.phone_bar = QWidget()
        phone_row = QHBoxLayout(self.phone_bar)
        phone_row.setContentsMargins(0, 0, 0, 0)
        phone_row.addWidget(QLabel("业户电话："))
        self.caller_phone: CallerPhone | None = None
        self.phone_bar.hide()
        layout.addWidget(self.phone_bar)
        layout.addWidget(self.table, 1)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.open_requested.connect(self.visit_requested)

    def enable_callback(self, reveal: Callable[[int, str], str]) -> None:
        """Show the number bar; ``reveal(request_id, reason)`` records the 回访 reason in the audit trail."""
        self.caller_phone = CallerPhone(reveal)
        self.caller_phone.setMaximumWidth(360)
        self.phone_bar.layout().addWidget(self.caller_phone)
        self.phone_bar.layout().addStretch(1)
        self.phone_bar.show()
        self._update_phone(self.selected_request_id())

    def _update_phone(self, request_id: int | None) -> None:
        if self.caller_phone is None or (request_id is not None and request_id == self.caller_phone.request_id):
            return  # same ticket (a refresh): keep a number already shown
        row = self.model.row_of_request(request_id) if request_id is not None else None
        number = self.model.row_at(row).row.number if row is not None else ""
        self.caller_phone.set_request(request_id if row is not None else None, "", f"回访 {number}")

    def set_items(self, items: Sequence[ReturnVisitItem]) -> None:
        keep = self.selected_request_id()
        self.model.set_rows(items)
        if keep is not None:
            self.select_request(keep)

    def selected_request_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).row.id if rows else None

    def select_request(self, request_id: int) -> bool:
        row = self.model.row_of_request(request_id)
        if row is None:
            return False
        self.table.select_row(row)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_phone(int(current.data(REQUEST_ID_ROLE)) if current.isValid() else None)
        self.selected.emit(int(current.data(REQUEST_ID_ROLE)) if current.isValid() else 0)
