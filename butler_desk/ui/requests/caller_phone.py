"""One-click caller's number for a callback: revealed with the purpose as reason, shown copyable."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from butler_desk.ui.common.messages import show_problem


class CallerPhone(QWidget):
    """A read-only, selectable number field with a 显示号码 button.

    A callback (回访, 跟进) is a legitimate purpose, so the reason is not typed: ``reason_of``
    gives it ("回访 TS-2026-000123") and ``reveal`` records it in the audit trail. The number
    lands in a QLineEdit, selected, so Ctrl+C copies it at once (a message box could not).
    """

    def __init__(self, reveal: Callable[[int, str], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reveal = reveal
        self.request_id: int | None = None
        self.reason = ""
        self.field = QLineEdit()
        self.field.setReadOnly(True)
        self.field.setPlaceholderText("选中工单后点“显示号码”")
        self.field.setMinimumWidth(self.field.fontMetrics().horizontalAdvance("选中工单后点“显示号码”") + 16)
        self.button = QPushButton("显示号码")
        self.button.setAutoDefault(False)  # Enter in the dialog still saves the step
        self.button.clicked.connect(self.show_number)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.field, 1)
        row.addWidget(self.button)

    def set_request(self, request_id: int | None, masked: str, reason: str) -> None:
        self.request_id, self.reason = request_id, reason
        self.field.setText(masked if request_id is not None else "")
        self.button.setEnabled(request_id is not None)
        self.button.setToolTip(f"显示完整号码以便拨打；记录在变更记录中，原因：{reason}" if reason else "")

    def show_number(self) -> str | None:
        if self.request_id is None:
            return None
        try:
            phone = self._reveal(self.request_id, self.reason)
        except Exception as exc:  # noqa: BLE001 - a locked database must not crash the dialog
            show_problem(self, exc)
            return None
        self.field.setText(phone or "（无电话）")
        self.field.setFocus()
        self.field.selectAll()
        return phone
