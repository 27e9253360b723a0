"""The step dialog, the detail pane and 设置 → 服务时限与节假日, on real requests and settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog

from butler_desk.domain.requests import RequestState, Satisfaction, StepKind
from butler_desk.services import settings as cfg
from butler_desk.services.requests.views import IntakeInput, StepInput
from butler_desk.services.requests.service import RequestService
from butler_desk.services.settings import SettingsService
from butler_desk.ui.requests.detail import RequestDetailPane
from butler_desk.ui.requests.step_dialog import RequestStepDialog
from butler_desk.ui.requests.model import OVERDUE_COLOR
from butler_desk.ui.requests.settings_dialog import PAGE_HOLIDAYS, PAGE_LIMITS, RequestsSettingsDialog
from butler_desk.ui.requests.tab import RequestsTab
from tests.ui.requests_support import Clock, closes, local

pytest_plugins = ["tests.ui.requests_support"]  # clock, requests, desk, previews


def _dialog(qtbot, requests, request_id: int, kind: StepKind) -> RequestStepDialog:
    dialog = RequestStepDialog(requests, requests.detail(request_id), kind)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):  # focus and the Ctrl+Enter shortcut need an active window
        dialog.show()
        dialog.activateWindow()
    return dialog


FIELDS = ("on_site", "valid", "severity", "invalid_reason", "department", "assignee", "satisfaction", "attitude",
          "quality", "manners", "resident_words", "resident_signed", "note")


@pytest.mark.parametrize(
    ("which", "kind", "expected"),
    [("complaint", StepKind.CONTACT, {"on_site", "note"}),
     ("complaint", StepKind.CLASSIFY, {"valid", "severity", "invalid_reason", "note"}),
     ("repair", StepKind.CLASSIFY, {"valid", "invalid_reason", "note"}),
     ("repair", StepKind.ASSIGN, {"department", "assignee", "note"}),
     ("complaint", StepKind.HANDLE, {"department", "note"}),
     ("complaint", StepKind.FEEDBACK, {"note"}),
     ("urgent", StepKind.VISIT, {"satisfaction", "attitude", "quality", "manners", "resident_words"}),
     ("complaint", StepKind.VISIT, {"satisfaction", "resident_words", "resident_signed"}),
     ("complaint", StepKind.CLOSE, {"resident_signed", "note"}),
     ("urgent", StepKind.CLOSE, {"note"}),
     ("urgent", StepKind.REOPEN, {"note"}),
     ("repair", StepKind.FOLLOW_UP, {"note"})],
)
def test_each_step_shows_only_its_own_fields(qtbot, requests, desk, which, kind, expected):
    dialog = _dialog(qtbot, requests, getattr(desk, which), kind)
    assert {field for field in FIELDS if dialog.errors.has(field)} == expected
    assert dialog.errors.has("at")
    assert dialog.windowTitle().startswith(f"{kind.label} — ")


def test_judging_invalid_needs_a_reason_and_drops_the_severity(qtbot, requests, desk, type_text):
    dialog = _dialog(qtbot, requests, desk.complaint, StepKind.CLASSIFY)
    assert not dialog.invalid_reason.isEnabled()
    dialog.valid.setCurrentIndex(1)  # 无效
    assert dialog.invalid_reason.isEnabled() and not dialog.severity.isEnabled()
    dialog.save_button.click()
    assert dialog.errors.label("invalid_reason").text() == "请填写判定无效的理由。"
    assert dialog.invalid_reason.hasFocus()
    type_text(dialog.invalid_reason, "属业主家庭内部纠纷")
    assert dialog.errors.label("invalid_reason").isHidden()
    dialog.save_button.click()
    assert dialog.saved
    detail = requests.detail(desk.complaint)
    assert detail.valid is False and detail.invalid_reason == "属业主家庭内部纠纷"


def test_a_valid_complaint_needs_its_grade(qtbot, requests, desk):
    dialog = _dialog(qtbot, requests, desk.complaint, StepKind.CLASSIFY)
    dialog.valid.setCurrentIndex(0)
    dialog.save_button.click()
    assert dialog.errors.label("severity").text() == "有效投诉请选择一般投诉或严重投诉。"
    dialog.severity.setCurrentIndex(1)
    qtbot.keyClick(dialog.severity, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.saved and requests.detail(desk.complaint).severity.label == "严重"


def test_a_step_dated_before_the_last_one_is_refused_at_the_time_field(qtbot, requests, desk, type_text):
    dialog = _dialog(qtbot, requests, desk.complaint, StepKind.FOLLOW_UP)
    type_text(dialog.note, "已催促安防部")
    dialog.at.setDateTime(QDateTime(2026, 11, 16, 9, 35, 0))
    dialog.save_button.click()
    assert dialog.errors.label("at").text() == "办理时间不能早于上一步的时间，请按先后顺序登记。"
    dialog.at.setDateTime(QDateTime(2026, 11, 16, 14, 30, 0))
    dialog.save_button.click()
    assert dialog.saved
    assert requests.detail(desk.complaint).timeline[-1].at == local(2026, 11, 16, 14, 30)


def test_closing_a_complaint_asks_whether_the_resident_signed(qtbot, requests, desk, clock):
    for minutes, step in ((5, StepInput(StepKind.HANDLE, note="已劝告")), (5, StepInput(StepKind.FEEDBACK, note="已告知")),
                          (5, StepInput(StepKind.RESOLVE))):
        clock.advance(minutes=minutes)
        requests.add_step(desk.complaint, step)
    dialog = _dialog(qtbot, requests, desk.complaint, StepKind.CLOSE)
    dialog.save_button.click()
    assert dialog.errors.label("resident_signed").text() == "请注明业户是否已在《投诉记录表》上签字。"
    dialog.signed.setCurrentIndex(0)
    dialog.save_button.click()
    detail = requests.detail(desk.complaint)
    assert detail.state is RequestState.CLOSED and detail.resident_signed is True


def test_a_step_the_lifecycle_no_longer_allows_shows_in_the_banner(qtbot, requests, desk, clock):
    dialog = _dialog(qtbot, requests, desk.urgent, StepKind.VISIT)
    requests.add_step(desk.urgent, StepInput(StepKind.VISIT, satisfaction=Satisfaction.SATISFIED,
                                             attitude="满意", quality="满意", manners="满意"))
    dialog.satisfaction.setCurrentIndex(0)
    dialog.save_button.click()
    assert not dialog.saved
    assert dialog.errors.banner.text() == "该工单已经回访过；如业户仍不满意，请重新打开。"


# -- the detail pane ----------------------------------------------------------------------


def test_the_detail_pane_shows_the_overdue_deadline_in_red_and_the_next_step_first(qtbot, requests, desk):
    pane = RequestDetailPane()
    qtbot.addWidget(pane)
    pane.show_detail(requests.detail(desk.complaint))
    assert pane.title.text() == "TS-2026-000001　投诉" and pane.state.text() == "已派单"
    assert pane.phone.text() == "138****5678"
    assert pane.judgement.text() == "有效投诉　一般投诉"
    rows = [pane.deadlines.topLevelItem(n) for n in range(pane.deadlines.topLevelItemCount())]
    late = next(item for item in rows if item.text(0).startswith("投诉反馈处理情况"))
    assert late.text(2) == "超时 2小时" and late.foreground(2).color() == OVERDUE_COLOR
    on_time = next(item for item in rows if item.text(0).startswith("投诉到达现场"))
    assert on_time.text(2) == "按时完成" and on_time.foreground(2).color() != OVERDUE_COLOR
    assert [b.text() for b in pane.step_buttons] == [
        "下一步：登记处理结果…", "派单…", "定性…", "联系/到场…", "反馈业户…", "跟进记录…"]
    assert pane.notice.isHidden()
    assert "派单至安防部，责任人孙队长" in pane.timeline.toPlainText()
    with qtbot.waitSignal(pane.step_requested) as blocker:
        pane.step_buttons[0].click()
    assert blocker.args == [StepKind.HANDLE]


def test_in_2027_the_pane_says_working_days_fall_back_to_monday_to_friday(qtbot, ctx, estate):
    clock = Clock(local(2027, 2, 5, 15, 0))
    service = RequestService(ctx, clock=clock)
    rid = service.intake(IntakeInput(estate.zhang_unit, estate.zhang_party, "", "投诉", "电话", "电梯长期故障"))
    service.add_step(rid, StepInput(StepKind.CONTACT, on_site=False))
    service.add_step(rid, StepInput(StepKind.CLASSIFY, valid=True, severity="严重"))
    pane = RequestDetailPane()
    qtbot.addWidget(pane)
    pane.show()
    pane.show_detail(service.detail(rid))
    assert pane.notice.isVisible()
    assert "2027年" in pane.notice.text() and "周一至周五" in pane.notice.text()


def test_revealing_the_phone_asks_why(qtbot, ctx, ledger, services, requests, desk, monkeypatch, message_boxes):
    tab = RequestsTab(services)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.loaded)
    tab.select_request(desk.complaint)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("回访业主", True))
    tab.detail.reveal_button.click()
    assert message_boxes[-1][0] == "information" and "13812345678" in message_boxes[-1][2]


def test_a_photo_is_attached_and_listed(qtbot, ctx, ledger, services, requests, desk, monkeypatch, tmp_path):
    photo = tmp_path / "漏水.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    tab = RequestsTab(services)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.loaded)
    tab.select_request(desk.repair)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(photo), ""))
    tab.detail.attach_button.click()
    assert tab.detail.pages.tabText(1) == "附件（1）" and tab.detail.pages.currentIndex() == 1
    assert tab.detail.attachments.item(0).text().startswith("漏水.jpg")


# -- 设置 → 服务时限与节假日 ---------------------------------------------------------------


@pytest.fixture
def office(ctx) -> SettingsService:
    return SettingsService(ctx)


def _settings_dialog(qtbot, office) -> RequestsSettingsDialog:
    dialog = RequestsSettingsDialog(office, today=local(2026, 11, 16).date())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_bad_time_limit_is_shown_under_its_row_and_nothing_is_saved(qtbot, office):
    dialog = _settings_dialog(qtbot, office)
    dialog.holidays.setPlainText("2027-01-01 元旦")
    dialog.limit_edits["complaint_feedback"].setText("4天")
    dialog.accept()
    assert dialog.isVisible() and dialog.pages.currentIndex() == PAGE_LIMITS
    message = dialog.errors.label("complaint_feedback").text()
    assert message.startswith("“投诉反馈处理情况”的时限：看不懂时限“4天”")
    assert office.holiday_text() == ""  # checked first, so the good page was not stored either


def test_a_bad_holiday_line_is_shown_on_the_holiday_page(qtbot, office):
    dialog = _settings_dialog(qtbot, office)
    # In November next year's 调休 is not asked for yet; the page says what is built in.
    assert "2004–2026" in dialog.calendar_status.text() and "2027年" not in dialog.calendar_status.text()
    dialog.holidays.setPlainText("2027-01-01 元旦\n2027-02-30 春节")
    dialog.accept()
    assert dialog.pages.currentIndex() == PAGE_HOLIDAYS
    assert dialog.errors.label("holidays").text() == "第2行：日期“2027-02-30”不存在，请检查月份和日。"


def test_from_december_the_holiday_page_asks_for_next_years_table_until_it_is_entered(qtbot, office):
    dialog = RequestsSettingsDialog(office, today=local(2026, 12, 1).date())
    qtbot.addWidget(dialog)
    status = dialog.calendar_status.text()
    assert "2027年的调休安排还没有录入" in status
    assert "请在“设置 → 服务时限与节假日 → 节假日”中录入2027年的放假和调休上班日" in status
    office.set(cfg.OFFICE_HOLIDAYS, "2027-02-20 春节调休上班")
    again = RequestsSettingsDialog(office, today=local(2026, 12, 1).date())
    qtbot.addWidget(again)
    assert "还没有录入" not in again.calendar_status.text()


def test_saved_settings_change_the_deadlines_and_the_department_list(qtbot, ctx, ledger, services, requests, desk, office,
                                                                    modal):
    tab = RequestsTab(services)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.loaded)

    def change(dialog: RequestsSettingsDialog) -> None:
        dialog.limit_edits["complaint_feedback"].setText("2小时")
        dialog.holidays.setPlainText("2027-02-06~2027-02-12 春节\n2027-02-14 春节调休上班")
        dialog.departments.setCurrentRow(0)
        dialog._add_department()
        dialog.departments.currentItem().setText("电梯维保")
        dialog.visit_days.setValue(5)
        dialog.accept()

    modal.expect(closes(change), kind=RequestsSettingsDialog)
    tab.settings_action.trigger()
    modal.check()
    assert office.holiday_text().startswith("2027-02-06~2027-02-12 春节")
    assert office.departments()[-1] == "电梯维保" and office.return_visit_days() == 5
    assert tab.bar.department_combo.findText("电梯维保") > 0
    row = tab.model.row_at(tab.model.row_of_request(desk.complaint))
    assert (row.deadline_name, row.deadline_text) == ("投诉反馈处理情况", "超时 4小时")
    assert cfg.SLA_LIMITS in office.all()


# -- callbacks: the caller's number in one click; 回访 then 关闭 in one step ------------------


def _reveals(ctx) -> list[tuple[str, str, str]]:
    from sqlalchemy import text

    with ctx.db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(
            text("SELECT record_label, changes, operator FROM audit_log WHERE action = 'reveal'")).all()]


def _resolve(requests, clock, request_id: int) -> None:
    for minutes, step in ((5, StepInput(StepKind.HANDLE, note="已劝告")), (5, StepInput(StepKind.FEEDBACK, note="已告知")),
                          (5, StepInput(StepKind.RESOLVE))):
        clock.advance(minutes=minutes)
        requests.add_step(request_id, step)


def test_a_visit_shows_the_callers_number_in_one_click_copyable_and_recorded(qtbot, ctx, requests, desk, clock):
    _resolve(requests, clock, desk.complaint)
    dialog = _dialog(qtbot, requests, desk.complaint, StepKind.VISIT)
    field = dialog.caller_phone.field
    assert field.text() == "138****5678" and field.isReadOnly()
    assert _reveals(ctx) == []
    dialog.caller_phone.button.click()
    assert field.text() == "13812345678" and field.selectedText() == "13812345678"
    [(label, changes, operator)] = _reveals(ctx)
    assert label == "TS-2026-000001" and "回访 TS-2026-000001" in changes and operator == "李晓红"


def test_a_satisfied_visit_closes_the_complaint_in_the_same_step(qtbot, requests, desk, clock):
    _resolve(requests, clock, desk.complaint)
    dialog = _dialog(qtbot, requests, desk.complaint, StepKind.VISIT)
    assert not dialog.close_too.isChecked()
    dialog.satisfaction.setCurrentIndex(0)  # 满意
    assert dialog.close_too.isChecked() and dialog.signed.isEnabled()
    dialog.save_button.click()
    assert not dialog.saved  # a complaint closes only with the signature question answered
    assert dialog.errors.label("resident_signed").text() == "请注明业户是否已在《投诉记录表》上签字。"
    assert requests.detail(desk.complaint).state is RequestState.RESOLVED  # nothing half-way
    dialog.signed.setCurrentIndex(0)
    dialog.save_button.click()
    detail = requests.detail(desk.complaint)
    assert dialog.saved and detail.state is RequestState.CLOSED and detail.satisfaction is Satisfaction.SATISFIED


def test_an_unsatisfied_visit_cannot_close(qtbot, requests, desk, clock):
    _resolve(requests, clock, desk.complaint)
    dialog = _dialog(qtbot, requests, desk.complaint, StepKind.VISIT)
    dialog.satisfaction.setCurrentIndex(2)  # 不满意
    assert not dialog.close_too.isChecked() and not dialog.close_too.isEnabled()
    dialog.save_button.click()
    assert dialog.saved and requests.detail(desk.complaint).state is RequestState.VISITED
