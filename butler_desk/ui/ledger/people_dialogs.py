"""Dialogs that change who is at a unit: 迁入/新增住户, 迁出 and 过户 (change of owner)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain import clock
from butler_desk.domain.enums import PartyRole
from butler_desk.domain.errors import BadInput
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.ledger.views import OccupancyView, UnitDetail
from butler_desk.ui.common.forms import INVALID_STYLE_SHEET, FieldErrors, from_qdate, to_qdate
from butler_desk.ui.common.messages import show_problem
from butler_desk.ui.ledger.party_form import PartyForm


def _date_edit(value: date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(to_qdate(value or clock.today()))
    return edit


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class MoveInDialog(QDialog):
    """A new person moves in (or is registered) at the unit as owner, tenant or family."""

    def __init__(self, ledger: LedgerService, unit: UnitDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ledger, self.unit = ledger, unit
        self.occupancy_id: int | None = None
        self.setWindowTitle(f"迁入 / 新增住户 — {unit.display}")
        self.setStyleSheet(INVALID_STYLE_SHEET)
        self.role = QComboBox()
        for role in PartyRole:
            self.role.addItem(role.label, role.value)  # QVariant turns a StrEnum into plain str
        self.role.setCurrentIndex(list(PartyRole).index(PartyRole.TENANT if unit.current else PartyRole.OWNER))
        self.start = _date_edit()
        self.lives_here = QCheckBox("已入住，入住日期：")
        self.moved_in = _date_edit()
        self._lives_touched = False
        self.lives_here.clicked.connect(self._lives_clicked)
        self.lives_here.toggled.connect(self.moved_in.setEnabled)
        self.role.currentIndexChanged.connect(self._role_changed)
        self.form = PartyForm()

        self.errors = FieldErrors()
        top = QFormLayout()
        top.addRow("身份(&R)", self.role)
        self.errors.add_row(top, "起始日期(&D)", "date", self.start, hint="业主为购房/交房日期，租户为租约开始日期")
        moved = QHBoxLayout()
        moved.addWidget(self.lives_here)
        moved.addWidget(self.moved_in)
        moved.addStretch(1)
        top.addRow("", moved)
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.banner)
        layout.addLayout(top)
        layout.addWidget(self.form)
        layout.addWidget(_buttons(self, "迁入"))
        self.resize(self.sizeHint().expandedTo(QSize(480, 0)))
        self._role_changed()
        self.form.name.setFocus()

    def chosen_role(self) -> PartyRole:
        return PartyRole(self.role.currentData())

    def _lives_clicked(self) -> None:
        self._lives_touched = True

    def _role_changed(self) -> None:
        if not self._lives_touched:
            # Tenants and family are registered when they move in; owners often buy first.
            self.lives_here.setChecked(self.chosen_role() is not PartyRole.OWNER)
        self.moved_in.setEnabled(self.lives_here.isChecked())

    def accept(self) -> None:
        self.errors.clear()
        self.form.clear_errors()
        role = self.chosen_role()
        moved_in = from_qdate(self.moved_in.date()) if self.lives_here.isChecked() else None
        try:
            self.occupancy_id = self.ledger.move_in(
                self.unit.unit_id, role, self.form.value(), on=from_qdate(self.start.date()), moved_in=moved_in
            )
        except BadInput as exc:
            if self.form.errors.has(exc.field):
                self.form.show_error(exc)
            else:
                self.errors.show(exc)
            return
        except Exception as exc:  # noqa: BLE001 - the user gets a message, the log the details
            show_problem(self, exc)
            return
        super().accept()


class MoveOutDialog(QDialog):
    """迁出: ends one person's tie to the unit on a date; the person stays in the history."""

    def __init__(self, ledger: LedgerService, unit: UnitDetail, occupancy: OccupancyView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ledger, self.occupancy = ledger, occupancy
        self.setWindowTitle(f"迁出 — {unit.display}")
        self.setStyleSheet(INVALID_STYLE_SHEET)
        self.on = _date_edit()
        self.errors = FieldErrors()
        text = QLabel(f"{occupancy.party.name}（{occupancy.role.label}）将从 {unit.display} 迁出。\n"
                      "迁出后仍保留在“原住户”和变更记录中。")
        text.setWordWrap(True)
        form = QFormLayout()
        self.errors.add_row(form, "迁出日期(&D)", "date", self.on)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.errors.banner)
        layout.addLayout(form)
        layout.addWidget(_buttons(self, "迁出"))
        self.resize(self.sizeHint().expandedTo(QSize(420, 0)))

    def accept(self) -> None:
        ok, _ = self.errors.attempt(
            self, lambda: self.ledger.move_out(self.occupancy.occupancy_id, on=from_qdate(self.on.date())))
        if ok:
            super().accept()


class ChangeOwnerDialog(QDialog):
    """过户: the current owners (and their family) end on the date; the new owners start."""

    def __init__(self, ledger: LedgerService, unit: UnitDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ledger, self.unit = ledger, unit
        self.setWindowTitle(f"过户 — {unit.display}")
        self.setStyleSheet(INVALID_STYLE_SHEET)
        self.on = _date_edit()
        self.errors = FieldErrors()
        owners = [o.party.name for o in unit.current if o.role is PartyRole.OWNER]
        family = [o.party.name for o in unit.current if o.role is PartyRole.FAMILY]
        lines = [f"原业主：{'、'.join(owners) if owners else '（无）'}，于过户日期结束产权关系。"]
        if family:
            lines.append(f"家属 {'、'.join(family)} 同时迁出。租户不受影响。")
        note = QLabel("\n".join(lines))
        note.setWordWrap(True)
        self.tabs = QTabWidget()
        add = QPushButton("增加共有人")
        add.clicked.connect(self.add_owner)
        self.remove = QPushButton("移除此人")
        self.remove.clicked.connect(self._remove_current)
        form = QFormLayout()
        self.errors.add_row(form, "过户日期(&D)", "date", self.on)
        row = QHBoxLayout()
        row.addWidget(QLabel("新业主："))
        row.addStretch(1)
        row.addWidget(add)
        row.addWidget(self.remove)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.errors.banner)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.tabs)
        layout.addWidget(_buttons(self, "过户"))
        self.add_owner()
        self.resize(self.sizeHint().expandedTo(QSize(500, 0)))

    @property
    def forms(self) -> list[PartyForm]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]  # type: ignore[misc]

    def add_owner(self) -> PartyForm:
        form = PartyForm()
        self.tabs.addTab(form, f"新业主 {self.tabs.count() + 1}")
        self.tabs.setCurrentWidget(form)
        self.remove.setEnabled(self.tabs.count() > 1)
        form.name.setFocus()
        return form

    def _remove_current(self) -> None:
        if self.tabs.count() > 1:
            self.tabs.removeTab(self.tabs.currentIndex())
            for i in range(self.tabs.count()):
                self.tabs.setTabText(i, f"新业主 {i + 1}")
        self.remove.setEnabled(self.tabs.count() > 1)

    def accept(self) -> None:
        self.errors.clear()
        inputs = []
        for form in self.forms:
            form.clear_errors()
            data = form.value()
            try:
                LedgerService.check_party_input(data)
            except BadInput as exc:
                self.tabs.setCurrentWidget(form)
                form.show_error(exc)
                return
            inputs.append(data)
        try:
            self.ledger.change_owner(self.unit.unit_id, inputs, on=from_qdate(self.on.date()))
        except BadInput as exc:
            self.errors.show(exc)
            return
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return
        super().accept()
