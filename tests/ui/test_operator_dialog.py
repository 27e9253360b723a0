"""The operator question at start-up: first name, picking from the list, remembered per PC."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from butler_desk.services.staff import StaffService
from butler_desk.ui.common import settings
from butler_desk.ui.operator_dialog import OperatorDialog


@pytest.fixture
def staff(ctx) -> StaffService:
    return StaffService(ctx)


@pytest.fixture
def open_operator(qtbot, staff):
    def open_() -> OperatorDialog:
        dialog = OperatorDialog(staff)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return open_


def test_given_no_staff_when_a_name_is_typed_and_enter_pressed_then_it_is_added_and_remembered(
    qtbot, open_operator, staff, type_text, private_settings
):
    dialog = open_operator()
    assert not dialog.combo.isVisible()
    type_text(dialog.new_name, "李晓红")
    qtbot.keyClick(dialog.new_name, Qt.Key.Key_Return)

    assert dialog.result() == OperatorDialog.DialogCode.Accepted
    assert dialog.chosen == "李晓红"
    assert [m.name for m in staff.list()] == ["李晓红"]
    assert settings.value(settings.OPERATOR) == "李晓红"
    assert list(private_settings.rglob("*.ini")), "QSettings must write to the test's folder"


def test_enter_with_no_name_shows_the_error_inline(qtbot, open_operator):
    dialog = open_operator()
    qtbot.keyClick(dialog.new_name, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.errors.label("name").isVisible()


def test_the_remembered_operator_is_preselected_and_enter_accepts(qtbot, open_operator, staff):
    staff.add("王芳", "客服主管")
    staff.add("李晓红")
    staff.add("赵敏")
    settings.set_value(settings.OPERATOR, "李晓红")
    dialog = open_operator()
    assert dialog.combo.currentData() == "李晓红"
    assert dialog.combo.currentText() == "李晓红（客服管家）"
    qtbot.keyClick(dialog.combo, Qt.Key.Key_Return)
    assert dialog.chosen == "李晓红"


def test_a_deactivated_operator_is_not_preselected(open_operator, staff):
    staff.add("王芳")
    gone = staff.add("李晓红")
    staff.deactivate(gone.staff_id)
    settings.set_value(settings.OPERATOR, "李晓红")
    dialog = open_operator()
    assert [dialog.combo.itemData(i) for i in range(dialog.combo.count())] == ["王芳"]
    assert dialog.combo.currentData() == "王芳"


def test_someone_missing_from_the_list_is_added_with_a_role(qtbot, open_operator, staff, type_text):
    staff.add("王芳")
    dialog = open_operator()
    assert not dialog.new_role.isEnabled()
    type_text(dialog.new_name, "新同事")
    assert dialog.new_role.isEnabled()
    dialog.new_role.setCurrentText("前台")
    dialog.accept()
    assert dialog.chosen == "新同事"
    assert {(m.name, m.role) for m in staff.list()} == {("王芳", "客服管家"), ("新同事", "前台")}


def test_typing_a_name_already_on_the_list_just_picks_it(open_operator, staff, type_text):
    staff.add("王芳")
    dialog = open_operator()
    type_text(dialog.new_name, "王芳")
    dialog.accept()
    assert dialog.chosen == "王芳"
    assert len(staff.list()) == 1


def test_settings_live_under_the_per_test_path(private_settings):
    store = QSettings()
    assert store.format() == QSettings.Format.IniFormat
    assert str(private_settings) in store.fileName()
