"""The 变更记录 table shared by the unit and party dialogs, with its 查看完整号码 button."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from butler_desk.services.ledger.views import HistoryEntry
from butler_desk.ui.common.detail_models import HistoryModel
from butler_desk.ui.common.messages import ask_reason, show_problem

# (audit entry id, reason) -> the same entry with its phones and ID numbers in clear
Revealer = Callable[[int, str], HistoryEntry]


class HistoryView(QWidget):
    """Newest first; the change text wraps so long edits stay readable.

    Phones and ID numbers in a change are masked like everywhere else. With a revealer
    (``enable_reveal``) the selected line can be shown in clear after the user gives a
    reason; the service records the asking, and the line stays in clear while the dialog
    is open, even when the history is reloaded (on ``revealed``) to show that record.
    """

    # The HistoryEntry now shown in clear; the dialog reloads its history to show the record.
    # A signal rather than a stored callback: a callback bound to the dialog would make a
    # reference cycle that only the garbage collector frees, possibly on a worker thread,
    # where deleting widgets crashes Qt.
    revealed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._revealer: Revealer | None = None
        self._clear: dict[int, HistoryEntry] = {}  # audit entry id -> the entry in clear

        self.history_model = HistoryModel(self)
        self.table = QTableView()
        self.table.setModel(self.history_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(HistoryModel.COL_CHANGES):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(HistoryModel.COL_CHANGES, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(self._update_button)

        self.reveal_button = QPushButton("查看完整号码…")
        self.reveal_button.setToolTip("显示所选变更中的完整电话、证件号；查看原因会记录在变更记录中")
        self.reveal_button.clicked.connect(self.reveal_selected)
        self.reveal_hint = QLabel("电话、证件号已隐藏；选中一行后可查看完整号码（会记录查看原因）。")
        self.reveal_hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reveal_hint, 1)
        buttons.addWidget(self.reveal_button)
        self._reveal_row = QWidget()
        self._reveal_row.setLayout(buttons)
        buttons.setContentsMargins(0, 0, 0, 0)
        self._reveal_row.hide()  # until a dialog gives a revealer

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self._reveal_row)
        self._update_button()

    def enable_reveal(self, revealer: Revealer) -> None:
        """Offer 查看完整号码 through ``revealer``, a service call (never a method of the dialog)."""
        self._revealer = revealer
        self._reveal_row.show()
        self._update_button()

    def set_entries(self, entries: Sequence[HistoryEntry]) -> None:
        self.history_model.set_rows([self._clear.get(e.entry_id, e) if e.entry_id is not None else e
                                     for e in entries])
        self._update_button()

    def selected_entry(self) -> HistoryEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.history_model.row_at(rows[0].row()) if rows else None

    def select_entry(self, entry_id: int) -> None:
        for row, entry in enumerate(self.history_model.rows):
            if entry.entry_id == entry_id:
                self.table.selectRow(row)
                return

    def reveal_selected(self) -> None:
        entry = self.selected_entry()
        if self._revealer is None or entry is None or not entry.revealable or entry.entry_id is None:
            return
        reason = ask_reason(self, "变更记录中的完整号码")
        if reason is None:
            return
        try:
            clear = self._revealer(entry.entry_id, reason)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return
        self._clear[entry.entry_id] = clear
        self.set_entries(self.history_model.rows)
        self.revealed.emit(clear)  # a reload shows the new 查看明文 record; the line stays in clear
        self.select_entry(entry.entry_id)

    def _update_button(self, *_args: object) -> None:
        entry = self.selected_entry()
        self.reveal_button.setEnabled(self._revealer is not None and entry is not None and entry.revealable)
