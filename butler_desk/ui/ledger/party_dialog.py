"""编辑业户: one person's details, the units they are tied to, and their 变更记录."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain.errors import BadInput
from butler_desk.services.ledger.service import LedgerService
from butler_desk.ui.common import settings
from butler_desk.ui.common.detail_models import PartyUnitsModel
from butler_desk.ui.common.forms import INVALID_STYLE_SHEET, size_dialog
from butler_desk.ui.ledger.history_view import HistoryView
from butler_desk.ui.common.messages import ask_reason, show_problem
from butler_desk.ui.ledger.party_form import PartyForm


class PartyDialog(QDialog):
    """Edit a party; phones and ID stay masked unless revealed (each reveal is recorded)."""

    def __init__(self, ledger: LedgerService, party_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.party_id = party_id
        self.setStyleSheet(INVALID_STYLE_SHEET)
        self.form = PartyForm()
        reveal_phone = QPushButton("查看完整电话…")
        reveal_phone.setToolTip("显示完整号码以便修改；查看原因会记录在变更记录中")
        reveal_phone.clicked.connect(self.reveal_phones)
        reveal_id = QPushButton("查看完整证件号…")
        reveal_id.clicked.connect(self.reveal_id_number)
        reveal_row = QHBoxLayout()
        reveal_row.addStretch(1)
        reveal_row.addWidget(reveal_phone)
        reveal_row.addWidget(reveal_id)

        self.units_model = PartyUnitsModel(self)
        units = QTableView()
        units.setModel(self.units_model)
        units.verticalHeader().hide()
        units.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        units.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        units.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        units.setMaximumHeight(120)
        units_box = QGroupBox("所在房屋")
        QVBoxLayout(units_box).addWidget(units)

        details = QWidget()
        column = QVBoxLayout(details)
        column.addWidget(self.form)
        column.addLayout(reveal_row)
        column.addWidget(units_box)
        self.history = HistoryView()
        self.history.enable_reveal(self.ledger.reveal_history_entry)
        self.history.revealed.connect(self.load_history)
        self.tabs = QTabWidget()
        self.tabs.addTab(details, "业户信息")
        self.tabs.addTab(self.history, "变更记录")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.load()
        size_dialog(self, settings.PARTY_DIALOG_GEOMETRY, 560, 560)
        self.form.name.setFocus()

    def load(self) -> None:
        detail = self.ledger.party_detail(self.party_id)
        self.setWindowTitle(f"业户 — {detail.party.name}")
        self.form.set_party(detail.party)
        self.units_model.set_rows(detail.occupancies)
        self.load_history()

    def load_history(self) -> None:
        entries = self.ledger.party_history(self.party_id)
        self.history.set_entries(entries)
        self.tabs.setTabText(1, f"变更记录（{len(entries)}）")

    def reveal_phones(self) -> None:
        reason = ask_reason(self, "完整电话")
        if reason is None:
            return
        try:
            numbers = self.ledger.reveal_phones(self.party_id, reason)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return
        self.form.set_clear_phones(numbers)
        self.load_history()

    def reveal_id_number(self) -> None:
        reason = ask_reason(self, "完整证件号")
        if reason is None:
            return
        try:
            number = self.ledger.reveal_id_number(self.party_id, reason)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return
        self.form.set_clear_id_number(number)
        self.load_history()

    def accept(self) -> None:
        self.form.clear_errors()
        try:
            self.ledger.save_party(self.form.value())
        except BadInput as exc:
            self.tabs.setCurrentIndex(0)
            self.form.show_error(exc)
            return
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return
        super().accept()

    def done(self, result: int) -> None:
        settings.set_value(settings.PARTY_DIALOG_GEOMETRY, self.saveGeometry())
        super().done(result)
