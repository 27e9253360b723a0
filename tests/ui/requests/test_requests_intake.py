"""Quick intake of a phone call, keyboard only: household search, recent requests, kind keys, submit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from butler_desk.services import Services
from butler_desk.domain.requests import RequestKind, RequestSource
from butler_desk.ui.requests.intake_dialog import QuickIntakeDialog
from butler_desk.ui.main_window import MainWindow
from butler_desk.ui.requests.tab import RequestsTab
from tests.ui.requests_support import closes, end_dialog

pytest_plugins = ["tests.ui.requests_support"]  # clock, requests, desk, previews


@pytest.fixture
def dialog(qtbot, requests, ledger, desk) -> QuickIntakeDialog:
    widget = QuickIntakeDialog(requests, ledger)
    # Closed at teardown with text typed, it would ask "放弃登记?" in a modal loop nobody answers.
    qtbot.addWidget(widget, before_close_func=end_dialog)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.index is not None)
    return widget


def _results(dialog: QuickIntakeDialog) -> list[str]:
    return [dialog.results.item(n).text() for n in range(dialog.results.count())]


def test_typing_pinyin_initials_lists_households_and_enter_picks_one(qtbot, dialog, estate, desk):
    assert dialog.search.hasFocus()
    qtbot.keyClicks(dialog.search, "w")
    assert _results(dialog)[0].startswith("5-1-301")  # 王五, the tenant
    qtbot.keyClick(dialog.search, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.search, "zs")
    assert _results(dialog) == ["3-2-1201　张三、李四(家属)　一组团　已入住"]
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.unit is not None and dialog.unit.unit_id == estate.zhang_unit
    assert dialog.search.text() == "3-2-1201" and dialog.results.isHidden()
    assert dialog.kind.hasFocus()
    assert [dialog.caller.itemText(n) for n in range(dialog.caller.count())] == [
        "张三（业主）", "李四（家属）", "其他来电人（不在台账）"]
    assert dialog.recent_list.count() == 2  # the complaint and the ceiling leak
    assert "2 条未结" in dialog.recent_label.text()
    assert dialog.recent_list.item(0).text().startswith("2026-11-16　BX-2026-000002　报修　已受理")


def test_arrow_keys_move_through_the_matches(qtbot, dialog, estate):
    qtbot.keyClicks(dialog.search, "3-2")
    assert [t.split("　")[0] for t in _results(dialog)] == ["3-2-1201", "3-2-1202"]
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)  # stays on the last match
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.unit.unit_id == estate.empty_unit
    assert dialog.caller.currentText() == "不在台账的来电人" or dialog.caller.currentText() == "其他来电人（不在台账）"
    assert dialog.contact_name.isVisible() and dialog.recent_label.text() == "该户暂无报事记录"


def test_the_whole_call_keyboard_only(qtbot, dialog, requests, estate, type_text):
    qtbot.keyClicks(dialog.search, "zs")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.kind, Qt.Key.Key_2)  # 报修, then on to the description
    assert dialog.kind.kind is RequestKind.REPAIR and dialog.description.hasFocus()
    assert dialog.urgent.isEnabled()
    qtbot.keyClick(dialog.description, Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.urgent.isChecked)  # a mnemonic clicks the box after its short press animation
    type_text(dialog.description, "客厅灯不亮")
    qtbot.keyClick(dialog.description, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    type_text(dialog.description, "开关没反应")
    qtbot.keyClick(dialog.description, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    detail = requests.detail(dialog.request_id)
    assert (detail.kind, detail.urgent, detail.source, detail.unit_id, detail.party_name) == (
        RequestKind.REPAIR, True, RequestSource.PHONE, estate.zhang_unit, "张三")
    assert detail.description == "客厅灯不亮\n开关没反应"


def test_a_public_area_call_and_a_caller_not_in_the_ledger(qtbot, dialog, requests, type_text):
    type_text(dialog.search, "北门岗亭")
    assert _results(dialog)[-1].startswith("台账中没有找到")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.area.text() == "北门岗亭" and dialog.area.hasFocus()
    type_text(dialog.contact_name, "快递员小李")
    dialog.contact_phone.setText("13500001111")
    dialog.kind.setFocus()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_1)
    type_text(dialog.description, "门岗不让快递车进入")
    qtbot.keyClick(dialog.description, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    detail = requests.detail(dialog.request_id)
    assert (detail.kind, detail.area_text, detail.contact_name, detail.phone_masked) == (
        RequestKind.COMPLAINT, "北门岗亭", "快递员小李", "135****1111")


def test_missing_answers_show_next_to_their_field(qtbot, dialog, type_text):
    qtbot.keyClick(dialog.description, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    assert dialog.errors.label("kind").text() == "请选择工单类型。"
    dialog.kind.setFocus()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_3)
    assert dialog.errors.label("kind").isHidden()
    dialog.accept()
    assert dialog.errors.label("description").text() == "请填写报事内容：业户反映了什么问题。"
    type_text(dialog.description, "咨询停车")
    dialog.accept()
    assert dialog.errors.label("unit_id").text().startswith("请选择房号，或填写公共区域位置")
    assert dialog.search.hasFocus()
    qtbot.keyClicks(dialog.search, "zs")
    dialog.accept()  # typed but not picked
    assert dialog.errors.label("unit_id").text().startswith("请从列表中选定业户")


def test_urgent_is_only_for_repairs(qtbot, dialog):
    dialog.kind.setFocus()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_2)
    dialog.urgent.setChecked(True)
    dialog.kind.setFocus()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Left)
    assert dialog.kind.kind is RequestKind.COMPLAINT
    assert not dialog.urgent.isEnabled() and not dialog.urgent.isChecked()


def test_escape_cancels_and_asks_first_when_text_was_typed(qtbot, dialog, modal, type_text):
    type_text(dialog.description, "漏水")
    modal.expect(closes(lambda box: next(b for b in box.buttons() if b.text() == "继续编辑").click()), kind=QMessageBox)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Escape)
    modal.check()
    assert dialog.isVisible()
    dialog.description.clear()
    qtbot.keyClick(dialog.search, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.request_id is None


def test_after_intake_the_new_request_is_selected_even_when_filters_hid_it(qtbot, ctx, ledger, services, requests, desk, modal,
                                                                         type_text):
    tab = RequestsTab(services)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.loaded)
    tab.bar.kind_combo.setCurrentIndex(tab.bar.kind_combo.findText("投诉"))

    def call(dialog: QuickIntakeDialog) -> None:
        qtbot.waitUntil(lambda: dialog.index is not None)
        qtbot.keyClicks(dialog.search, "ww")
        qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
        qtbot.keyClick(dialog.kind, Qt.Key.Key_3)
        type_text(dialog.description, "装修押金怎么退")
        qtbot.keyClick(dialog.description, Qt.Key.Key_Return)

    modal.expect(closes(call), kind=QuickIntakeDialog)
    tab.intake_button.click()
    modal.check()
    new = tab.selected_request_id()
    assert new is not None and new not in (desk.complaint, desk.repair, desk.urgent, desk.enquiry)
    assert tab.bar.kind_combo.currentIndex() == 0  # the 投诉 filter was cleared to show the enquiry
    assert tab.detail.detail.id == new and tab.detail.detail.kind is RequestKind.ENQUIRY
    assert tab.bar.open_count.text() == "未结 4"


def test_ctrl_shift_n_from_the_ledger_tab_opens_the_intake_on_the_requests_tab(qtbot, ctx, desk, modal):
    window = MainWindow(Services(ctx))
    qtbot.addWidget(window)
    with qtbot.waitActive(window):  # a window-wide shortcut needs the window active
        window.show()
        window.activateWindow()
    assert window.tabs.tabText(1) == "投诉报修"
    qtbot.waitUntil(lambda: window._requests_tab is not None, timeout=5000)  # built after the first paint
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    assert list(menus)[-1] == "帮助(&H)"
    assert [a.text() for a in menus["工单(&R)"].actions() if a.text()] == [
        "快速登记来电…", "打印投诉记录表", "打印派工单…", "打印登记表…", "导出工单…"]
    assert "服务时限与节假日…" in [a.text() for a in menus["设置(&S)"].actions()]
    opened = []
    modal.expect(closes(lambda d: (opened.append(window.tabs.currentWidget()), d.reject())), kind=QuickIntakeDialog)
    window.ledger_tab.table.setFocus()
    qtbot.keyClick(window.ledger_tab.table, Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    modal.check()
    assert opened == [window.tabs.widget(1)] and window.requests_tab.isVisible()


# -- intake safety: a room code the ledger lacks, a caller to call back, keeping a typed call --


def _fill_call(qtbot, dialog, type_text, text: str = "门口有积水") -> None:
    dialog.kind.setFocus()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_1)
    type_text(dialog.description, text)


def test_an_unknown_room_code_asks_typo_or_public_area(qtbot, dialog, requests, modal, type_text):
    type_text(dialog.search, "99-9-9999")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.area.text() == "99-9-9999"
    dialog.contact_phone.setText("13500001111")
    _fill_call(qtbot, dialog, type_text)
    modal.expect(closes(lambda box: qtbot.keyClick(box, Qt.Key.Key_Return)), kind=QMessageBox)  # Enter: fix it
    dialog.accept()
    modal.check()
    assert dialog.request_id is None and dialog.isVisible()
    assert dialog.area.text() == ""
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.search)  # back to the room code, to correct it
    dialog.area.setText("99-9-9999")
    modal.expect(closes(lambda box: next(b for b in box.buttons() if b.text() == "按公共区域登记").click()),
                 kind=QMessageBox)
    dialog.accept()
    modal.check()
    assert requests.detail(dialog.request_id).area_text == "99-9-9999"


def test_a_caller_is_required_unless_anonymous(qtbot, dialog, requests, type_text):
    dialog.area.setText("北门岗亭")
    _fill_call(qtbot, dialog, type_text)
    dialog.accept()
    assert dialog.request_id is None
    assert dialog.errors.label("party_id").text().startswith("请选择报事人，或填写来电人姓名或电话")
    dialog.anonymous.setChecked(True)
    dialog.accept()
    assert requests.detail(dialog.request_id).contact_name == "匿名"


@pytest.mark.parametrize("key", [Qt.Key.Key_Escape, Qt.Key.Key_Return])
def test_esc_or_enter_in_the_discard_question_keeps_the_typed_call(qtbot, dialog, modal, type_text, key):
    type_text(dialog.description, "漏水")

    def answer(box: QMessageBox) -> None:
        assert box.defaultButton().text() == "继续编辑"
        qtbot.keyClick(box, key)

    modal.expect(closes(answer), kind=QMessageBox)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Escape)
    modal.check()
    assert dialog.isVisible() and dialog.description.toPlainText() == "漏水"
