"""The unit dialog: a unit's details, who lives there now and before, and its 变更记录."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain.enums import UnitStatus
from butler_desk.domain.errors import BadInput
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.ledger.views import OccupancyView, UnitDetail, UnitInput
from butler_desk.ui.common import settings
from butler_desk.ui.common.detail_models import FormerPeopleModel, PeopleModel
from butler_desk.ui.common.forms import INVALID_STYLE_SHEET, FieldErrors, decimal_text, size_dialog
from butler_desk.ui.ledger.history_view import HistoryView
from butler_desk.ui.common.messages import ask_reason, confirm, show_problem
from butler_desk.ui.ledger.party_dialog import PartyDialog
from butler_desk.ui.ledger.people_dialogs import ChangeOwnerDialog, MoveInDialog, MoveOutDialog

_UNIT_FIELDS = ("room_code", "cluster", "area", "fee_rate", "status", "notes")


def _people_table(model, visible_rows: int) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    row_height = view.fontMetrics().height() + 10
    view.verticalHeader().setDefaultSectionSize(row_height)
    view.setMinimumHeight(header.sizeHint().height() + visible_rows * row_height + 2 * view.frameWidth())
    return view


class UnitDialog(QDialog):
    """Add (``unit_id=None``) or edit a unit. People changes are saved at once, each on its own.

    ``changed`` tells the caller to reload the ledger; ``unit_id`` is set after a new
    unit is first saved.
    """

    def __init__(self, ledger: LedgerService, unit_id: int | None = None, parent: QWidget | None = None,
                 *, cluster_names: list[str] | None = None, default_cluster: str = "") -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.unit_id = unit_id
        self.changed = False
        self.detail: UnitDetail | None = None
        self._loaded: UnitInput | None = None
        self.setStyleSheet(INVALID_STYLE_SHEET)

        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_details(cluster_names, default_cluster), "房屋与住户")
        self.history = HistoryView()
        self.history.enable_reveal(self.ledger.reveal_history_entry)
        self.history.revealed.connect(self.load_history)
        self.tabs.addTab(self.history, "变更记录")
        # What the household was sent (文件发放), read-only; read when the tab is first shown.
        from butler_desk.ui.documents.tab import UnitDocumentsPage  # not needed for the ledger's first paint

        self.documents_page = UnitDocumentsPage(ledger.ctx, lambda: self.unit_id)
        self.tabs.addTab(self.documents_page, "文件发放")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Close
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("保存")
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.apply_button.clicked.connect(self.apply)
        self.save_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

        if unit_id is not None:
            self.load()
        else:
            self._show_new()
        size_dialog(self, settings.UNIT_DIALOG_GEOMETRY, 860, 660)
        self._fit_screen()
        self.room_code.setFocus()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # The window's first focus-in selects the whole room code; the first key would overwrite it.
        QTimer.singleShot(0, self._cursor_after_room_code)

    def _cursor_after_room_code(self) -> None:
        if self.room_code.hasSelectedText() and self.room_code.selectedText() == self.room_code.text():
            self.room_code.deselect()
            self.room_code.end(False)

    def _fit_screen(self) -> None:
        """A remembered geometry wider than the screen (once 11,242 px) is never restored as is."""
        screen = self.screen()
        if screen is None:
            return
        room = screen.availableGeometry()
        if self.width() > room.width() or self.height() > room.height():
            self.resize(self.size().boundedTo(room.size() * 0.92))
            self.move(room.topLeft())

    # ----- layout -------------------------------------------------------------------------
    def _build_details(self, cluster_names: list[str] | None, default_cluster: str) -> QWidget:
        self.room_code = QLineEdit()
        self.room_code.setPlaceholderText("如 3-2-1201")
        self.cluster = QComboBox()
        self.cluster.setEditable(True)
        self.cluster.addItems(cluster_names if cluster_names is not None else [c.name for c in self.ledger.clusters()])
        self.cluster.setCurrentText(default_cluster)
        self.cluster.lineEdit().setPlaceholderText("新楼栋所属组团，可不填")
        self.area = QLineEdit()
        self.area.setPlaceholderText("如 89.50")
        self.fee_rate = QLineEdit()
        self.fee_rate.setPlaceholderText("如 2.50")
        self.status = QComboBox()
        self.status.addItems(UnitStatus.labels())
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(56)

        self.errors = FieldErrors()
        left = QFormLayout()
        right = QFormLayout()
        for form in (left, right):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors.add_row(left, "房号(&R)", "room_code", self.room_code, hint="楼栋-单元-室，或 3栋2单元1201")
        self.errors.add_row(left, "组团(&G)", "cluster", self.cluster)
        self.errors.add_row(left, "状态(&S)", "status", self.status)
        self.errors.add_row(right, "建筑面积(㎡)(&A)", "area", self.area)
        self.errors.add_row(right, "物业费单价(元/㎡·月)(&F)", "fee_rate", self.fee_rate)
        self.errors.add_row(right, "备注", "notes", self.notes)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(16)
        columns.addLayout(right, 1)
        unit_box = QGroupBox("房屋信息")
        unit_layout = QVBoxLayout(unit_box)
        unit_layout.addWidget(self.errors.banner)
        unit_layout.addLayout(columns)

        self.people_model = PeopleModel(self)
        self.people_view = _people_table(self.people_model, 3)
        self.people_view.doubleClicked.connect(lambda _index: self.edit_party())
        self.people_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.move_in_button = QPushButton("迁入/新增住户…")
        self.move_out_button = QPushButton("迁出…")
        self.change_owner_button = QPushButton("过户…")
        self.edit_party_button = QPushButton("编辑业户…")
        self.reveal_phone_button = QPushButton("查看电话…")
        self.reveal_id_button = QPushButton("查看证件号…")
        self.move_in_button.clicked.connect(self.move_in)
        self.move_out_button.clicked.connect(self.move_out)
        self.change_owner_button.clicked.connect(self.change_owner)
        self.edit_party_button.clicked.connect(self.edit_party)
        self.reveal_phone_button.clicked.connect(self.reveal_phones)
        self.reveal_id_button.clicked.connect(self.reveal_id_number)
        for button in (self.move_in_button, self.move_out_button, self.change_owner_button,
                       self.edit_party_button, self.reveal_phone_button, self.reveal_id_button):
            button.setAutoDefault(False)
        actions = QHBoxLayout()
        for button in (self.move_in_button, self.move_out_button, self.change_owner_button):
            actions.addWidget(button)
        actions.addStretch(1)
        for button in (self.edit_party_button, self.reveal_phone_button, self.reveal_id_button):
            actions.addWidget(button)
        self.new_hint = QLabel("请先保存房屋（点“保存并添加住户”），再添加业主和住户。")
        self.new_hint.setStyleSheet("color: palette(placeholder-text);")
        self.people_box = QGroupBox("当前住户")
        people_layout = QVBoxLayout(self.people_box)
        people_layout.addWidget(self.new_hint)
        people_layout.addWidget(self.people_view)
        people_layout.addLayout(actions)

        self.former_model = FormerPeopleModel(self)
        self.former_view = _people_table(self.former_model, 2)
        self.former_box = QGroupBox("原住户")
        QVBoxLayout(self.former_box).addWidget(self.former_view)

        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(unit_box)
        column.addWidget(self.people_box, 3)
        column.addWidget(self.former_box, 2)
        return page

    # ----- loading ------------------------------------------------------------------------
    def _show_new(self) -> None:
        self.setWindowTitle("新增房屋")
        self.heading.setText("新增房屋")
        self.apply_button.setText("保存并添加住户")
        self.status.setCurrentText(UnitStatus.VACANT.label)
        self._loaded = self.form_value()
        self.people_view.hide()
        self.new_hint.show()
        self.former_box.hide()
        self.tabs.setTabEnabled(1, False)
        self._update_buttons()

    def load(self) -> None:
        """(Re)read the unit; fields the user has not touched take the stored values."""
        assert self.unit_id is not None
        detail = self.ledger.unit_detail(self.unit_id)
        stored = UnitInput(
            room_code=detail.code, cluster=detail.cluster, area=decimal_text(detail.area),
            fee_rate=decimal_text(detail.fee_rate), status=detail.status.label, notes=detail.notes,
            unit_id=detail.unit_id,
        )
        current = self.form_value() if self._loaded is not None else None
        for name in _UNIT_FIELDS:
            if current is None or getattr(current, name) == getattr(self._loaded, name):
                self._set_field(name, getattr(stored, name))
        self._loaded = stored
        self.detail = detail
        self.setWindowTitle(f"房屋 — {detail.display}")
        self.heading.setText(f"{detail.display}　{detail.cluster}　{detail.status.label}")
        self.apply_button.setText("应用")
        selected = self._selected_occupancy()
        self.people_model.set_rows(detail.current)
        self.former_model.set_rows(detail.former)
        self.people_box.setTitle(f"当前住户（{len(detail.current)}）")
        self.former_box.setTitle(f"原住户（{len(detail.former)}）")
        self.people_view.show()
        self.new_hint.hide()
        self.former_box.show()
        self.tabs.setTabEnabled(1, True)
        self._select_occupancy(selected.occupancy_id if selected else None)
        self.load_history()

    def load_history(self) -> None:
        if self.unit_id is None:
            return
        entries = self.ledger.unit_history(self.unit_id)
        self.history.set_entries(entries)
        self.tabs.setTabText(1, f"变更记录（{len(entries)}）")

    def _set_field(self, name: str, value: str) -> None:
        widget = getattr(self, name)
        if isinstance(widget, QLineEdit):
            widget.setText(value)
        elif isinstance(widget, QComboBox):
            widget.setCurrentText(value)
        else:
            widget.setPlainText(value)

    def form_value(self) -> UnitInput:
        return UnitInput(
            room_code=self.room_code.text(), cluster=self.cluster.currentText(), area=self.area.text(),
            fee_rate=self.fee_rate.text(), status=self.status.currentText(), notes=self.notes.toPlainText(),
            unit_id=self.unit_id,
        )

    def is_dirty(self) -> bool:
        return self._loaded is not None and self.form_value() != self._loaded

    # ----- people -------------------------------------------------------------------------
    def _selected_occupancy(self) -> OccupancyView | None:
        rows = self.people_view.selectionModel().selectedRows()
        return self.people_model.row_at(rows[0].row()) if rows else None

    def _select_occupancy(self, occupancy_id: int | None) -> None:
        rows = self.people_model.rows
        target = next((n for n, o in enumerate(rows) if o.occupancy_id == occupancy_id), 0 if rows else None)
        if target is not None:
            self.people_view.selectRow(target)
        self._update_buttons()

    def _update_buttons(self) -> None:
        saved = self.unit_id is not None
        chosen = self._selected_occupancy() is not None
        self.move_in_button.setEnabled(saved)
        self.change_owner_button.setEnabled(saved)
        for button in (self.move_out_button, self.edit_party_button, self.reveal_phone_button, self.reveal_id_button):
            button.setEnabled(saved and chosen)
        chosen_occ = self._selected_occupancy()
        if chosen_occ is not None:
            self.reveal_phone_button.setEnabled(bool(chosen_occ.party.phones))
            self.reveal_id_button.setEnabled(bool(chosen_occ.party.id_number_masked))

    def _after_people_change(self) -> None:
        self.changed = True
        self.load()

    def _run(self, dialog: QDialog) -> bool:
        """exec() a child dialog and free it afterwards; True when accepted."""
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    def move_in(self) -> None:
        if self.detail is not None and self._run(MoveInDialog(self.ledger, self.detail, self)):
            self._after_people_change()

    def move_out(self) -> None:
        occ = self._selected_occupancy()
        if self.detail is not None and occ is not None and self._run(MoveOutDialog(self.ledger, self.detail, occ, self)):
            self._after_people_change()

    def change_owner(self) -> None:
        if self.detail is not None and self._run(ChangeOwnerDialog(self.ledger, self.detail, self)):
            self._after_people_change()

    def edit_party(self) -> None:
        occ = self._selected_occupancy()
        if occ is None:
            return
        if self._run(PartyDialog(self.ledger, occ.party.party_id, self)):
            self._after_people_change()
        else:
            self.load_history()  # a reveal inside the party dialog is recorded even on cancel

    def reveal_phones(self) -> None:
        occ = self._selected_occupancy()
        if occ is None:
            return
        reason = ask_reason(self, f"{occ.party.name}的电话")
        if reason is None:
            return
        try:
            numbers = self.ledger.reveal_phones(occ.party.party_id, reason)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return
        self.load_history()
        shown = "\n".join(numbers) if numbers else "（无）"
        QMessageBox.information(self, "电话", f"{occ.party.name}（{occ.role.label}）的电话：\n\n{shown}")

    def reveal_id_number(self) -> None:
        occ = self._selected_occupancy()
        if occ is None:
            return
        reason = ask_reason(self, f"{occ.party.name}的证件号")
        if reason is None:
            return
        try:
            number = self.ledger.reveal_id_number(occ.party.party_id, reason)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return
        self.load_history()
        kind = occ.party.id_type.label if occ.party.id_type else "证件"
        QMessageBox.information(self, "证件号码", f"{occ.party.name}的{kind}号码：\n\n{number or '（无）'}")

    # ----- saving -------------------------------------------------------------------------
    def save(self) -> bool:
        """Save the unit fields; errors appear next to their field. True when saved."""
        self.errors.clear()
        try:
            self.unit_id = self.ledger.save_unit(self.form_value())
        except BadInput as exc:
            self.tabs.setCurrentIndex(0)
            self.errors.show(exc)
            return False
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return False
        self.changed = True
        self._loaded = None
        self.load()
        return True

    def apply(self) -> None:
        was_new = self.detail is None
        if self.save() and was_new:
            self.move_in_button.setFocus()
            self.move_in()  # the button says 保存并添加住户: go on to the add-resident dialog

    def accept(self) -> None:
        if self.save():
            super().accept()

    def reject(self) -> None:
        if self.is_dirty() and not confirm(self, "放弃修改", "房屋信息有未保存的修改，确定放弃吗？", "放弃修改"):
            return
        super().reject()

    def done(self, result: int) -> None:
        settings.set_value(settings.UNIT_DIALOG_GEOMETRY, self.saveGeometry())
        super().done(result)

    def keyPressEvent(self, event) -> None:
        # Enter in the people table edits the person instead of saving the whole dialog.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.people_view.hasFocus():
            self.edit_party()
            return
        super().keyPressEvent(event)
