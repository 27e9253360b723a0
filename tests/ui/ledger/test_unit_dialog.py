"""The unit dialog on a real database: inline errors, saving, people actions, revealing, history."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QInputDialog, QMessageBox

from butler_desk.domain.enums import UnitStatus
from butler_desk.ui.common.detail_models import HistoryModel
from butler_desk.ui.ledger.party_dialog import PartyDialog
from butler_desk.ui.ledger.people_dialogs import MoveInDialog
from butler_desk.ui.ledger.unit_dialog import UnitDialog


@pytest.fixture
def open_dialog(qtbot, ledger):
    def open_(unit_id=None) -> UnitDialog:
        dialog = UnitDialog(ledger, unit_id)
        # Closing a dialog with unsaved edits asks first; at teardown nobody would answer.
        qtbot.addWidget(dialog, before_close_func=lambda d: d.done(QDialog.DialogCode.Rejected))
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return open_


def _history_texts(dialog: UnitDialog) -> list[str]:
    model = dialog.history.history_model
    return [" ".join(model.index(r, c).data() for c in range(model.columnCount())) for r in range(model.rowCount())]


def test_given_a_bad_area_when_saving_then_the_error_shows_under_the_field_and_nothing_is_saved(
    open_dialog, qtbot, ledger, estate
):
    dialog = open_dialog(estate.zhang_unit)
    dialog.area.clear()
    qtbot.keyClicks(dialog.area, "abc")
    dialog.save_button.click()

    error = dialog.errors.label("area")
    assert error.isVisible()
    assert "建筑面积" in error.text() and "不是数字" in error.text()
    assert dialog.area.property("invalid") is True
    assert dialog.focusWidget() is dialog.area
    assert dialog.isVisible()  # not closed
    assert ledger.unit_detail(estate.zhang_unit).area is not None
    assert str(ledger.unit_detail(estate.zhang_unit).area) == "89.50"

    qtbot.keyClicks(dialog.area, "9")  # typing clears the error
    assert not error.isVisible()
    assert dialog.area.property("invalid") is False


def test_a_duplicate_room_code_is_shown_next_to_the_room_code(open_dialog, qtbot, ledger, estate, type_text):
    dialog = open_dialog()
    type_text(dialog.room_code, "3栋2单元1201")
    dialog.save_button.click()
    assert dialog.errors.label("room_code").isVisible()
    assert "已存在" in dialog.errors.label("room_code").text()


def closes_with(opened: list[str]):
    def handler(dialog: QDialog) -> None:
        opened.append(type(dialog).__name__)
        dialog.done(QDialog.DialogCode.Rejected)

    return handler


def test_a_new_unit_saved_with_apply_stays_open_for_adding_people(open_dialog, qtbot, ledger, estate, type_text,
                                                                   modal):
    dialog = open_dialog()
    assert not dialog.move_in_button.isEnabled()
    assert not dialog.people_view.isVisible()
    type_text(dialog.room_code, "3栋2单元1501")
    dialog.cluster.setCurrentText("一组团")
    qtbot.keyClicks(dialog.area, "101.5")
    assert "应用" not in dialog.new_hint.text()
    opened: list[str] = []
    modal.expect(closes_with(opened), kind=MoveInDialog)
    dialog.apply_button.click()  # 保存并添加住户: saves, then opens the add-resident dialog
    modal.check()
    assert opened == ["MoveInDialog"]

    assert dialog.unit_id is not None and dialog.changed
    assert dialog.room_code.text() == "3-2-1501"
    assert dialog.move_in_button.isEnabled()
    assert dialog.windowTitle() == "房屋 — 3栋2单元1501"
    assert ledger.unit_detail(dialog.unit_id).status is UnitStatus.VACANT


def test_revealing_a_phone_shows_it_and_records_the_reason_in_the_history(
    open_dialog, qtbot, ledger, estate, monkeypatch, message_boxes
):
    asked = []

    def answer(parent, title, label, *args, **kwargs):
        asked.append(title)
        return "业主报修，电话回访", True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    dialog = open_dialog(estate.zhang_unit)
    dialog.people_view.selectRow(0)  # 张三
    before = dialog.history.history_model.rowCount()
    dialog.reveal_phone_button.click()

    assert asked == ["查看张三的电话"]
    assert message_boxes[-1][0] == "information"
    assert "13812345678" in message_boxes[-1][2]
    assert dialog.history.history_model.rowCount() == before + 1
    newest = dialog.history.history_model.index(0, HistoryModel.COL_CHANGES).data()
    assert newest == "查看电话明文，原因：业主报修，电话回访"
    assert dialog.history.history_model.index(0, HistoryModel.COL_ACTION).data() == "查看明文"
    assert dialog.history.history_model.index(0, HistoryModel.COL_OPERATOR).data() == "李晓红"
    assert dialog.tabs.tabText(1) == f"变更记录（{before + 1}）"


def test_cancelling_the_reason_reveals_nothing(open_dialog, qtbot, ledger, estate, monkeypatch, message_boxes):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    dialog = open_dialog(estate.zhang_unit)
    dialog.people_view.selectRow(0)
    before = len(ledger.party_history(estate.zhang_party))
    dialog.reveal_id_button.click()
    assert message_boxes == []
    assert len(ledger.party_history(estate.zhang_party)) == before


def test_revealing_an_id_number(open_dialog, qtbot, ledger, estate, monkeypatch, message_boxes):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("办理过户核对", True))
    dialog = open_dialog(estate.zhang_unit)
    dialog.people_view.selectRow(0)
    dialog.reveal_id_button.click()
    assert "11010519491231002X" in message_boxes[-1][2]
    assert any("查看证件号码明文，原因：办理过户核对" in text for text in _history_texts(dialog))


def test_people_without_phones_cannot_be_revealed(open_dialog, qtbot, ledger, estate):
    dialog = open_dialog(estate.zhang_unit)
    dialog.people_view.selectRow(1)  # 李四: a phone but no ID number
    assert dialog.reveal_phone_button.isEnabled()
    assert not dialog.reveal_id_button.isEnabled()


def test_moving_in_a_tenant_through_the_dialog_updates_people_and_status(open_dialog, qtbot, ledger, estate, modal):
    dialog = open_dialog(estate.empty_unit)

    def fill(move_in: MoveInDialog) -> None:
        move_in.role.setCurrentText("租户")
        move_in.form.name.setText("赵六")
        move_in.form.phones.setText("13600003333")
        move_in.accept()

    modal.expect(fill, kind=MoveInDialog)
    dialog.move_in_button.click()
    modal.check()
    assert [dialog.people_model.index(r, 0).data() for r in range(dialog.people_model.rowCount())] == ["赵六"]
    assert dialog.status.currentText() == "出租"  # untouched field follows the stored status
    assert dialog.changed
    assert not dialog.is_dirty()


def test_a_field_the_user_edited_is_kept_when_people_change(open_dialog, qtbot, ledger, estate, modal):
    dialog = open_dialog(estate.empty_unit)
    dialog.notes.setPlainText("钥匙在物业")

    def fill(move_in: MoveInDialog) -> None:
        move_in.form.name.setText("钱七")
        move_in.accept()

    modal.expect(fill, kind=MoveInDialog)
    dialog.move_in_button.click()
    modal.check()
    assert dialog.notes.toPlainText() == "钥匙在物业"
    assert dialog.is_dirty()


def test_editing_a_person_opens_the_party_dialog(open_dialog, qtbot, ledger, estate, modal):
    dialog = open_dialog(estate.zhang_unit)
    dialog.people_view.selectRow(1)

    def rename(party: PartyDialog) -> None:
        party.form.name.setText("李四四")
        party.accept()

    modal.expect(rename, kind=PartyDialog)
    dialog.edit_party_button.click()
    modal.check()
    assert "李四四" in [o.party.name for o in ledger.unit_detail(estate.zhang_unit).current]
    assert dialog.people_model.index(1, 0).data() == "李四四"


def test_closing_with_unsaved_changes_asks_first(open_dialog, qtbot, ledger, estate, modal):
    dialog = open_dialog(estate.zhang_unit)
    dialog.fee_rate.setText("3.00")

    def keep_editing(box: QMessageBox) -> None:
        assert "未保存" in box.text()
        next(b for b in box.buttons() if b.text() == "取消").click()

    modal.expect(keep_editing, kind=QMessageBox)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Close).click()
    modal.check()
    assert dialog.isVisible()

    modal.expect(lambda box: next(b for b in box.buttons() if b.text() == "放弃修改").click(), kind=QMessageBox)
    dialog.reject()
    modal.check()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not dialog.isVisible()


def test_the_history_tab_lists_the_units_changes(open_dialog, qtbot, ledger, estate):
    dialog = open_dialog(estate.zhang_unit)
    texts = _history_texts(dialog)
    assert any("新增 房屋 3-2-1201" in t for t in texts)
    assert any("业户 张三" in t for t in texts)


def test_a_remembered_geometry_larger_than_the_screen_is_not_restored(open_dialog, ledger, estate):
    from butler_desk.ui.common import settings

    first = open_dialog(estate.zhang_unit)
    first.resize(11_242, 900)
    first.done(QDialog.DialogCode.Rejected)  # remembers that width
    dialog = open_dialog(estate.zhang_unit)
    room = dialog.screen().availableGeometry()
    assert settings.value(settings.UNIT_DIALOG_GEOMETRY) is not None
    assert dialog.width() <= room.width() and dialog.height() <= room.height()


def test_the_room_code_has_the_focus_without_its_text_selected(open_dialog, qtbot, estate):
    dialog = open_dialog(estate.zhang_unit)
    assert dialog.focusWidget() is dialog.room_code
    qtbot.wait(50)  # the window's first focus-in has happened
    assert dialog.room_code.selectedText() == "" and dialog.room_code.cursorPosition() == len("3-2-1201")
