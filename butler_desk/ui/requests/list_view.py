"""The request table view: column widths from the font, a remembered header, Enter for the next step."""

from __future__ import annotations

from PySide6.QtCore import Qt

from butler_desk.ui.common import settings
from butler_desk.ui.requests.model import (
    COL_DEADLINE,
    COL_DEPARTMENT,
    COL_KIND,
    COL_LOCATION,
    COL_NUMBER,
    COL_PARTY,
    COL_RECEIVED,
    COL_STATE,
    COL_SUMMARY,
    COL_TIME_LEFT,
    REQUEST_ID_ROLE,
    RequestTableModel,
)
from butler_desk.ui.common.tables import OpenableTableView, setup_list_table

# Sample text per column: sized so that all ten columns fit beside the detail pane at 1366 px.
_WIDTH_SAMPLES = {
    COL_NUMBER: "TS-2026-000000", COL_KIND: "报修（急修）", COL_STATE: "已联系/到", COL_LOCATION: "3栋1单元楼道",
    COL_PARTY: "欧阳娜", COL_SUMMARY: "厨房水龙头滴水", COL_RECEIVED: "11-20 09:00",
    COL_DEPARTMENT: "工程维修部", COL_DEADLINE: "11-20 13:00 报事报修响应", COL_TIME_LEFT: "超时 2天23小时",
}


class RequestTableView(OpenableTableView):
    """Emits ``open_requested`` on Enter or a double-click: the list's one-key way to the next step."""

    def __init__(self, model: RequestTableModel, parent=None) -> None:
        super().__init__(REQUEST_ID_ROLE, parent)
        self.setModel(model)
        setup_list_table(self, _WIDTH_SAMPLES, padding=16)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        # No indicator at start: rows keep the service's order, newest first.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        saved = settings.value(settings.REQUESTS_HEADER)
        if not saved.isEmpty():
            header.restoreState(saved)
        header.setStretchLastSection(True)

    def save_state(self) -> None:
        settings.set_value(settings.REQUESTS_HEADER, self.horizontalHeader().saveState())
