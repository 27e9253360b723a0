"""The 投诉报修 tab driven like a butler would: counts, filters, search, paging, the minute tick, steps."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from butler_desk.domain.requests import RequestKind, RequestState, StepKind
from butler_desk.services.requests.views import StepInput
from butler_desk.ui.requests.step_dialog import RequestStepDialog
from butler_desk.ui.requests.model import COL_KIND, COL_STATE, COL_TIME_LEFT
from butler_desk.ui.requests.tab import VISIT_PAGE, RequestsTab
from tests.ui.requests_support import closes

pytest_plugins = ["tests.ui.requests_support"]  # clock, requests, desk, previews


@pytest.fixture
def tab(qtbot, ctx, ledger, services, requests, desk) -> RequestsTab:
    widget = RequestsTab(services)
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.loaded)  # the first show loads the list
    return widget


def _ids(tab: RequestsTab) -> list[int]:
    return [row.id for row in tab.model.rows]


def _choose(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def test_given_a_day_of_requests_when_the_tab_opens_then_list_counts_and_queue_show(tab, desk):
    assert _ids(tab) == [desk.repair, desk.enquiry, desk.urgent, desk.complaint]
    assert (tab.bar.open_count.text(), tab.bar.overdue_count.text(), tab.bar.visit_count.text()) == (
        "未结 3", "超时 1", "待回访 1")
    assert tab.footer.text() == "共 4 条"
    assert tab.more_button.isHidden()
    assert tab.views.tabText(VISIT_PAGE) == "待回访（1）"
    assert tab.detail.detail is None


@pytest.mark.parametrize(
    ("combo", "text", "expected"),
    [("kind_combo", "投诉", ["complaint"]), ("kind_combo", "报修", ["repair", "urgent"]),
     ("state_combo", "已解决", ["urgent"]), ("department_combo", "安防部", ["complaint"]),
     ("cluster_combo", "二组团", ["urgent"])],
)
def test_each_filter_narrows_the_list(tab, desk, combo, text, expected):
    _choose(getattr(tab.bar, combo), text)
    assert _ids(tab) == [getattr(desk, name) for name in expected]


def test_open_and_overdue_checkboxes(tab, desk):
    tab.bar.open_only.setChecked(True)
    assert _ids(tab) == [desk.repair, desk.urgent, desk.complaint]
    tab.bar.overdue_only.setChecked(True)
    assert _ids(tab) == [desk.complaint]
    tab.bar.clear_button.click()
    assert len(_ids(tab)) == 4 and not tab.bar.open_only.isChecked()


def test_date_presets_and_a_custom_range(tab, desk):
    assert not tab.bar.date_from.isEnabled()
    _choose(tab.bar.date_combo, "今天")
    assert tab.bar.date_from.isEnabled() and tab.bar.date_from.date().toString("yyyy-MM-dd") == "2026-11-16"
    assert len(_ids(tab)) == 4
    tab.bar.date_from.setDate(tab.bar.date_from.date().addDays(1))
    tab.bar.date_to.setDate(tab.bar.date_from.date().addDays(5))
    assert tab.bar.date_combo.currentText() == "自定义"
    assert _ids(tab) == []
    assert tab.footer.text() == "共 0 条"
    tab.bar.date_to.setDate(tab.bar.date_from.date().addDays(-3))
    assert tab.footer.text() == "结束日期早于开始日期，请调换一下。"
    _choose(tab.bar.date_combo, "本周")
    assert (tab.bar.date_from.date().toString("MM-dd"), tab.bar.date_to.date().toString("MM-dd")) == ("11-16", "11-22")
    assert len(_ids(tab)) == 4


def test_typing_searches_after_a_pause_by_pinyin_number_or_words(qtbot, tab, desk, type_text):
    type_text(tab.search, "zs")
    qtbot.waitUntil(lambda: _ids(tab) == [desk.repair, desk.complaint])
    tab.search.clear()
    type_text(tab.search, "BX-2026-000001")
    qtbot.waitUntil(lambda: _ids(tab) == [desk.urgent])
    tab.search.clear()
    type_text(tab.search, "快递柜")
    qtbot.waitUntil(lambda: _ids(tab) == [desk.enquiry])


def test_the_counts_apply_their_filter(tab, desk):
    _choose(tab.bar.kind_combo, "咨询")
    tab.bar.overdue_count.click()
    assert tab.bar.overdue_only.isChecked() and tab.bar.kind_combo.currentIndex() == 0
    assert _ids(tab) == [desk.complaint]
    tab.bar.open_count.click()
    assert _ids(tab) == [desk.repair, desk.urgent, desk.complaint]
    tab.bar.visit_count.click()
    assert tab.views.currentIndex() == VISIT_PAGE
    tab.visits.select_request(desk.urgent)
    assert tab.detail.detail.id == desk.urgent


def test_a_long_list_says_it_is_truncated_and_pages_on(tab, desk):
    tab.page_size = 3
    tab.reload()
    assert tab.footer.text() == "显示最新 3 条，共 4 条"
    assert tab.more_button.isVisible() and tab.more_button.text() == "再显示 1 条"
    tab.more_button.click()
    assert _ids(tab) == [desk.repair, desk.enquiry, desk.urgent, desk.complaint]
    assert tab.footer.text() == "共 4 条" and tab.more_button.isHidden()


def test_the_minute_tick_updates_time_left_and_counts_but_keeps_the_selection(tab, desk, clock):
    tab.table.sortByColumn(COL_TIME_LEFT, Qt.SortOrder.AscendingOrder)
    tab.select_request(desk.repair)
    row = tab.model.row_of_request(desk.repair)
    assert tab.model.index(row, COL_TIME_LEFT).data() == "剩 30分钟"
    clock.advance(minutes=45)
    tab.tick()
    assert tab.selected_request_id() == desk.repair
    row = tab.model.row_of_request(desk.repair)
    assert tab.model.index(row, COL_TIME_LEFT).data() == "超时 15分钟"
    assert tab.bar.overdue_count.text() == "超时 2"
    assert tab.detail.detail.id == desk.repair and tab.detail.detail.next_deadline.overdue


def test_another_desks_new_request_arrives_with_the_tick(tab, desk, requests, estate):
    from butler_desk.services.requests.views import IntakeInput

    tab.select_request(desk.complaint)
    new = requests.intake(IntakeInput(estate.empty_unit, None, "", "咨询", "电话", "空置房能否代为通风"))
    tab.tick()
    assert _ids(tab)[0] == new
    assert tab.selected_request_id() == desk.complaint


def test_enter_on_a_row_opens_the_next_step_and_saving_it_updates_list_and_detail(qtbot, tab, desk, modal, type_text):
    tab.select_request(desk.complaint)
    assert tab.detail.step_buttons[0].text() == "下一步：登记处理结果…"
    seen = []

    def handle(dialog: RequestStepDialog) -> None:
        seen.append(dialog.kind)
        dialog.save_button.click()  # nothing typed yet: the rule's message shows under the field
        seen.append(dialog.errors.label("note").text())
        type_text(dialog.note, "已劝告装修户")
        dialog.save_button.click()

    modal.expect(closes(handle), kind=RequestStepDialog)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    modal.check()
    assert seen == [StepKind.HANDLE, "请填写部门的处理结果。"]
    row = tab.model.row_of_request(desk.complaint)
    assert tab.model.index(row, COL_STATE).data() == "已处理"
    assert tab.selected_request_id() == desk.complaint
    assert "处理结果（安防部）：已劝告装修户" in tab.detail.timeline.toPlainText()
    assert tab.detail.step_buttons[0].text() == "下一步：反馈业户…"


def test_a_detail_button_records_that_step(qtbot, tab, desk, modal):
    tab.select_request(desk.repair)
    button = next(b for b in tab.detail.step_buttons if b.property("step") == StepKind.ASSIGN.value)

    def assign(dialog: RequestStepDialog) -> None:
        assert dialog.department.currentIndex() == -1
        dialog.department.setCurrentText("工程维修部")
        dialog.assignee.setText("王师傅")
        dialog.save_button.click()

    modal.expect(closes(assign), kind=RequestStepDialog)
    button.click()
    modal.check()
    row = tab.model.row_of_request(desk.repair)
    assert tab.model.index(row, COL_STATE).data() == "已派单"
    assert tab.detail.handling.text() == "工程维修部　王师傅"


def test_the_return_visit_queue_records_the_visit_and_empties(qtbot, tab, desk, modal):
    tab.views.setCurrentIndex(VISIT_PAGE)
    tab.visits.select_request(desk.urgent)

    def visit(dialog: RequestStepDialog) -> None:
        assert dialog.kind is StepKind.VISIT and dialog.attitude is not None  # a repair rates the worker
        dialog.satisfaction.setCurrentIndex(0)
        assert dialog.quality.currentText() == "满意"  # suggested from the overall answer
        dialog.manners.setCurrentIndex(1)
        dialog.save_button.click()

    modal.expect(closes(visit), kind=RequestStepDialog)
    tab.visits.table.setFocus()
    qtbot.keyClick(tab.visits.table, Qt.Key.Key_Return)
    modal.check()
    assert tab.visits.model.rowCount() == 0
    assert tab.bar.visit_count.text() == "待回访 0" and tab.views.tabText(VISIT_PAGE) == "待回访（0）"
    assert "态度满意、质量满意、礼节基本满意" in tab.detail.timeline.toPlainText()
    # satisfied: closed in the same step, and the detail stays on this ticket (now in the list)
    assert tab.detail.detail.id == desk.urgent and tab.detail.detail.state is RequestState.CLOSED
    assert tab.selected_request_id() == desk.urgent


def test_the_queue_shows_the_callers_number_in_one_click_and_records_why(qtbot, tab, desk, ctx):
    from sqlalchemy import text

    tab.views.setCurrentIndex(VISIT_PAGE)
    tab.visits.select_request(desk.urgent)
    phone = tab.visits.caller_phone
    assert phone.isVisible() and phone.field.isReadOnly() and phone.button.isEnabled()
    phone.button.click()
    assert phone.field.text() == phone.field.selectedText() != ""
    assert "*" not in phone.field.text()
    number = tab.requests.detail(desk.urgent).number
    with ctx.db.engine.connect() as conn:
        changes = conn.execute(text("SELECT changes FROM audit_log WHERE action = 'reveal'")).scalars().all()
    assert len(changes) == 1 and f"回访 {number}" in changes[0]
    tab.refresh_side_lists()  # the minute tick keeps the number shown for the same ticket
    assert "*" not in phone.field.text()


def test_the_kind_cell_and_state_survive_a_reload_with_filters(tab, desk, requests):
    _choose(tab.bar.kind_combo, RequestKind.REPAIR.label)
    tab.select_request(desk.urgent)
    requests.add_step(desk.urgent, StepInput(StepKind.CLOSE))
    tab.reload()
    row = tab.model.row_of_request(desk.urgent)
    assert tab.model.index(row, COL_KIND).data() == "报修（急修）"
    assert tab.model.index(row, COL_STATE).data() == RequestState.CLOSED.label
    assert tab.selected_request_id() == desk.urgent


def test_header_and_splitter_are_remembered(qtbot, ctx, ledger, services, requests, tab):
    tab.table.setColumnWidth(COL_KIND, 150)
    tab.splitter.setSizes([700, 600])
    tab.hide()
    again = RequestsTab(services)
    qtbot.addWidget(again)
    assert again.table.columnWidth(COL_KIND) == 150
    assert again.splitter.saveState() == tab.splitter.saveState()
