"""Who is working at this PC: pick from the staff list or add a name; remembered per PC."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain.errors import BadInput
from butler_desk.services.staff import DEFAULT_ROLES, StaffService
from butler_desk.ui.common import settings
from butler_desk.ui.common.forms import INVALID_STYLE_SHEET, FieldErrors
from butler_desk.ui.common.messages import show_problem


class OperatorDialog(QDialog):
    """The chosen name goes into every 变更记录 entry made in this session.

    With an empty staff list the dialog asks for the first name; otherwise a typed name
    (someone missing from the list) is added to the staff list on OK.
    """

    def __init__(self, staff: StaffService, store: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.store = store
        self.chosen: str | None = None
        self.setWindowTitle("管家台 — 选择操作人")
        self.setStyleSheet(INVALID_STYLE_SHEET)
        self.setMinimumWidth(420)
        members = staff.list()
        self._names = {member.name for member in members}
        remembered = settings.value(settings.OPERATOR, store)

        intro = QLabel()
        intro.setWordWrap(True)
        self.combo = QComboBox()
        for member in members:
            self.combo.addItem(f"{member.name}（{member.role}）", member.name)
        found = self.combo.findData(remembered) if remembered else -1
        if found >= 0:
            self.combo.setCurrentIndex(found)
        self.new_name = QLineEdit()
        self.new_name.setMaxLength(50)
        self.new_role = QComboBox()
        self.new_role.addItems(DEFAULT_ROLES)

        self.errors = FieldErrors()
        form = QFormLayout()
        if members:
            intro.setText("请选择当前操作人。新增、修改和查看业户资料时会记录操作人。")
            form.addRow("操作人(&O)", self.combo)
            self.new_name.setPlaceholderText("名单中没有？在此输入姓名")
            self.errors.add_row(form, "新增员工", "name", self.new_name)
        else:
            intro.setText("首次使用：请输入您的姓名。新增、修改和查看业户资料时会记录操作人。")
            self.combo.hide()
            self.new_name.setPlaceholderText("如：李管家")
            self.errors.add_row(form, "姓名(&N)", "name", self.new_name)
        form.addRow("岗位", self.new_role)
        self.new_role.setEnabled(not members)
        self.new_name.textChanged.connect(lambda text: self.new_role.setEnabled(bool(text.strip()) or not members))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("开始工作")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.errors.banner)
        layout.addLayout(form)
        layout.addWidget(buttons)
        (self.combo if members else self.new_name).setFocus()

    def accept(self) -> None:
        self.errors.clear()
        typed = self.new_name.text().strip()
        if typed in self._names:
            name = typed  # already on the list: just pick them
        elif typed:
            try:
                member = self.staff.add(typed, self.new_role.currentText())
            except BadInput as exc:
                if exc.field is None:
                    exc = BadInput(exc.message, field="name")
                self.errors.show(exc)
                return
            except Exception as exc:  # noqa: BLE001
                show_problem(self, exc)
                return
            name = member.name
        elif self.combo.count():
            name = self.combo.currentData()
        else:
            self.errors.show(BadInput("请输入您的姓名", field="name"))
            return
        settings.set_value(settings.OPERATOR, name, self.store)
        self.chosen = name
        super().accept()


def choose_operator(staff: StaffService, parent: QWidget | None = None) -> str | None:
    """Ask who is working; None when the user chose 退出."""
    dialog = OperatorDialog(staff, parent=parent)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.chosen
    return None
