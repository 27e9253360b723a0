"""Request vocabularies, numbers and the lifecycle of complaints, repairs and enquiries."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from butler_desk.domain.errors import BadInput
from butler_desk.domain.requests import (
    DEFAULT_DEPARTMENTS,
    FaultKind,
    RequestKind,
    RequestProgress,
    RequestSource,
    RequestState,
    Satisfaction,
    Severity,
    Step,
    StepKind,
    allowed_next_steps,
    apply_step,
    check_department,
    parse_request_number,
    replay,
    request_number,
    start_request,
)
from butler_desk.domain.workdays import CHINA_TZ

RECEIVED_AT = datetime(2026, 11, 27, 9, 0, tzinfo=CHINA_TZ)


def step(kind: StepKind, minutes: int, **fields: object) -> Step:
    when = RECEIVED_AT + timedelta(minutes=minutes)
    return Step(kind=kind, at=when, operator="王管家", **fields)  # type: ignore[arg-type]


def run(kind: RequestKind, *steps: Step) -> RequestProgress:
    return replay(kind, RECEIVED_AT, steps)


COMPLAINT_TO_RESOLVED = (
    step(StepKind.CONTACT, 20, on_site=True),
    step(StepKind.CLASSIFY, 40, valid=True, severity=Severity.GENERAL),
    step(StepKind.ASSIGN, 50, department="保洁", assignee="李班长"),
    step(StepKind.HANDLE, 180, note="楼道垃圾已清运"),
    step(StepKind.FEEDBACK, 200, note="已电话告知业主处理结果"),
    step(StepKind.RESOLVE, 230),
)


# -- vocabularies --------------------------------------------------------------------


def test_enums_store_english_values_and_show_chinese_labels():
    assert RequestKind.COMPLAINT == "complaint"
    assert [k.label for k in RequestKind] == ["投诉", "报修", "咨询", "特约服务", "工程整改"]
    assert [s.label for s in RequestSource] == ["电话", "来访", "巡查发现", "微信", "其他"]
    assert [s.label for s in Severity] == ["一般", "严重"]
    assert [s.label for s in Satisfaction] == ["满意", "基本满意", "不满意"]
    assert RequestKind("repair") is RequestKind.REPAIR


@pytest.mark.parametrize(
    ("enum", "text", "expected"),
    [
        (RequestKind, "投诉", RequestKind.COMPLAINT),
        (RequestKind, " 工程整改 ", RequestKind.RECTIFICATION),
        (RequestKind, "SPECIAL_SERVICE", RequestKind.SPECIAL_SERVICE),
        (RequestKind, "enquiry", RequestKind.ENQUIRY),
        (RequestKind, "维修", RequestKind.REPAIR),
        (RequestSource, "巡查发现", RequestSource.PATROL),
        (RequestSource, "巡查", RequestSource.PATROL),
        (RequestSource, "WeChat", RequestSource.WECHAT),
        (Severity, "严重投诉", Severity.SERIOUS),
        (Satisfaction, "基本满意", Satisfaction.FAIRLY),
        (Satisfaction, "不满意", Satisfaction.UNSATISFIED),
        (FaultKind, "电梯故障", FaultKind.LIFT),
        (RequestState, "已回访", RequestState.VISITED),
    ],
)
def test_parse_accepts_labels_values_names_and_common_words(enum, text, expected):
    assert enum.parse(text) is expected


def test_parse_of_an_unknown_word_lists_the_choices():
    with pytest.raises(BadInput) as caught:
        RequestSource.parse("飞鸽传书")
    assert "来源“飞鸽传书”" in caught.value.message
    assert "电话、来访、巡查发现、微信、其他" in caught.value.message


def test_departments_default_list_and_checking_against_the_office_list():
    assert DEFAULT_DEPARTMENTS == ("安防部", "工程维修部", "保洁", "绿化", "财务", "客服中心")
    assert check_department(" 保洁 ") == "保洁"
    assert check_department("会所", (*DEFAULT_DEPARTMENTS, "会所")) == "会所"
    with pytest.raises(BadInput, match="设置中添加") as caught:
        check_department("会所")
    assert caught.value.field == "department"


# -- numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (RequestKind.COMPLAINT, "TS-2026-000123"),
        (RequestKind.REPAIR, "BX-2026-000123"),
        (RequestKind.ENQUIRY, "ZX-2026-000123"),
        (RequestKind.SPECIAL_SERVICE, "TY-2026-000123"),
        (RequestKind.RECTIFICATION, "ZG-2026-000123"),
    ],
)
def test_request_numbers_have_a_prefix_per_kind_and_parse_back(kind, expected):
    assert request_number(kind, 2026, 123) == expected
    assert parse_request_number(expected) == (kind, 2026, 123)


def test_request_number_parsing_forgives_case_and_spaces():
    assert parse_request_number(" ts-2027-000001 ") == (RequestKind.COMPLAINT, 2027, 1)
    assert parse_request_number("BX－2026－999999") == (RequestKind.REPAIR, 2026, 999999)


@pytest.mark.parametrize(
    "text",
    ["", "TS-2026-123", "XX-2026-000123", "TS2026000123", "TS-26-000123", "TS-2026-000000"],
)
def test_bad_request_numbers_are_refused_with_an_example(text):
    with pytest.raises(BadInput) as caught:
        parse_request_number(text)
    assert caught.value.field == "number"
    assert "TS-2026-000123" in caught.value.message or "000000" in caught.value.message


def test_request_number_out_of_range_is_a_programming_error():
    with pytest.raises(ValueError):
        request_number(RequestKind.COMPLAINT, 2026, 0)
    with pytest.raises(ValueError):
        request_number(RequestKind.COMPLAINT, 2026, 1_000_000)


# -- the complaint procedure -------------------------------------------------------------


def test_a_valid_complaint_walks_the_whole_procedure():
    progress = start_request(RequestKind.COMPLAINT, RECEIVED_AT)
    states = []
    for item in (
        *COMPLAINT_TO_RESOLVED,
        step(StepKind.VISIT, 1440, satisfaction=Satisfaction.SATISFIED, resident_words="很及时"),
        step(StepKind.CLOSE, 1450, resident_signed=True),
    ):
        progress = apply_step(progress, item)
        states.append(progress.state)
    assert states == [
        RequestState.CONTACTED,
        RequestState.CLASSIFIED,
        RequestState.ASSIGNED,
        RequestState.HANDLED,
        RequestState.FEEDBACK_GIVEN,
        RequestState.RESOLVED,
        RequestState.VISITED,
        RequestState.CLOSED,
    ]
    assert progress.valid is True and progress.severity is Severity.GENERAL
    assert (progress.department, progress.assignee) == ("保洁", "李班长")
    assert progress.contacted_at == RECEIVED_AT + timedelta(minutes=20)
    assert progress.first_feedback_at == RECEIVED_AT + timedelta(minutes=200)
    assert progress.closed_at == RECEIVED_AT + timedelta(minutes=1450)
    assert progress.satisfaction is Satisfaction.SATISFIED
    assert progress.resident_signed is True
    assert not progress.is_open


def test_a_complaint_must_be_contacted_before_anything_else():
    progress = start_request(RequestKind.COMPLAINT, RECEIVED_AT)
    assert allowed_next_steps(RequestState.RECEIVED, RequestKind.COMPLAINT) == [
        StepKind.CONTACT,
        StepKind.FOLLOW_UP,
    ]
    with pytest.raises(BadInput) as caught:
        apply_step(progress, step(StepKind.ASSIGN, 5, department="保洁", assignee="李班长"))
    assert "已受理" in caught.value.message and "派单" in caught.value.message
    assert "联系/到场" in caught.value.message


@pytest.mark.parametrize("kind", [k for k in StepKind if k is not StepKind.REOPEN])
def test_a_closed_request_refuses_every_step_but_reopen(kind):
    closed = run(RequestKind.COMPLAINT, *COMPLAINT_TO_RESOLVED, step(StepKind.CLOSE, 300, resident_signed=False))
    assert closed.next_steps() == [StepKind.REOPEN]
    with pytest.raises(BadInput, match="该工单已关闭，请先重新打开"):
        apply_step(closed, step(kind, 400, note="x"))


def test_an_invalid_complaint_may_go_straight_to_feedback_and_close():
    judged = run(
        RequestKind.COMPLAINT,
        step(StepKind.CONTACT, 10, on_site=False),
        step(StepKind.CLASSIFY, 30, valid=False, invalid_reason="属市政供水检修，非物业责任"),
    )
    assert judged.valid is False and judged.severity is None
    assert judged.next_steps() == [StepKind.FEEDBACK, StepKind.CLOSE, StepKind.CLASSIFY, StepKind.FOLLOW_UP]
    told = apply_step(judged, step(StepKind.FEEDBACK, 40, note="已解释停水原因"))
    assert told.state is RequestState.FEEDBACK_GIVEN
    closed = apply_step(told, step(StepKind.CLOSE, 50, resident_signed=True))
    assert closed.state is RequestState.CLOSED
    # Or closed without a separate feedback step.
    assert apply_step(judged, step(StepKind.CLOSE, 45, resident_signed=False)).state is RequestState.CLOSED


@pytest.mark.parametrize("kind", [StepKind.ASSIGN, StepKind.HANDLE])
def test_an_invalid_complaint_cannot_be_dispatched(kind):
    judged = run(
        RequestKind.COMPLAINT,
        step(StepKind.CONTACT, 10, on_site=True),
        step(StepKind.CLASSIFY, 30, valid=False, invalid_reason="重复投诉"),
    )
    with pytest.raises(BadInput, match="已判定为无效"):
        apply_step(judged, step(kind, 40, department="保洁", assignee="李班长", note="x"))


def test_an_invalid_judgement_can_be_corrected_to_valid():
    progress = run(
        RequestKind.COMPLAINT,
        step(StepKind.CONTACT, 10, on_site=True),
        step(StepKind.CLASSIFY, 30, valid=False, invalid_reason="重复投诉"),
        step(StepKind.FEEDBACK, 40, note="已说明"),
        step(StepKind.CLASSIFY, 60, valid=True, severity=Severity.SERIOUS),
        step(StepKind.ASSIGN, 70, department="工程维修部", assignee="赵工"),
    )
    assert progress.state is RequestState.ASSIGNED
    assert progress.valid is True and progress.severity is Severity.SERIOUS
    assert progress.invalid_reason == ""


@pytest.mark.parametrize(
    ("fields", "message", "field"),
    [
        ({}, "有效还是无效", "valid"),
        ({"valid": False}, "判定无效的理由", "invalid_reason"),
        ({"valid": True}, "一般投诉或严重投诉", "severity"),
    ],
)
def test_classifying_a_complaint_needs_its_fields(fields, message, field):
    contacted = run(RequestKind.COMPLAINT, step(StepKind.CONTACT, 10, on_site=True))
    with pytest.raises(BadInput) as caught:
        apply_step(contacted, step(StepKind.CLASSIFY, 20, **fields))
    assert message in caught.value.message
    assert caught.value.field == field


def test_only_complaints_carry_a_severity():
    with pytest.raises(BadInput, match="只有投诉"):
        run(RequestKind.REPAIR, step(StepKind.CLASSIFY, 5, valid=True, severity=Severity.SERIOUS))


def test_severity_can_be_upgraded_while_the_department_works_on_it():
    progress = run(
        RequestKind.COMPLAINT,
        *COMPLAINT_TO_RESOLVED[:3],
        step(StepKind.CLASSIFY, 90, valid=True, severity=Severity.SERIOUS),
    )
    assert progress.state is RequestState.ASSIGNED
    assert progress.severity is Severity.SERIOUS


def test_progress_feedback_before_the_work_is_done_keeps_the_state():
    progress = run(RequestKind.COMPLAINT, *COMPLAINT_TO_RESOLVED[:3], step(StepKind.FEEDBACK, 100, note="已派保洁处理"))
    assert progress.state is RequestState.ASSIGNED
    assert progress.first_feedback_at == RECEIVED_AT + timedelta(minutes=100)
    progress = apply_step(progress, step(StepKind.HANDLE, 150, note="已清运"))
    progress = apply_step(progress, step(StepKind.FEEDBACK, 160, note="已完成"))
    assert progress.state is RequestState.FEEDBACK_GIVEN
    assert progress.first_feedback_at == RECEIVED_AT + timedelta(minutes=100)


def test_a_follow_up_note_changes_nothing_but_the_history():
    before = run(RequestKind.COMPLAINT, *COMPLAINT_TO_RESOLVED[:3])
    after = apply_step(before, step(StepKind.FOLLOW_UP, 60, note="催问保洁进度"))
    assert after.state is before.state
    assert after == replace(before, last_step_at=after.last_step_at)


def test_closing_a_complaint_records_whether_the_form_was_signed():
    resolved = run(RequestKind.COMPLAINT, *COMPLAINT_TO_RESOLVED)
    with pytest.raises(BadInput, match="投诉记录表") as caught:
        apply_step(resolved, step(StepKind.CLOSE, 300))
    assert caught.value.field == "resident_signed"
    assert apply_step(resolved, step(StepKind.CLOSE, 300, resident_signed=False)).resident_signed is False


# -- reopening -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tail",
    [
        (),
        (step(StepKind.VISIT, 1440, satisfaction=Satisfaction.UNSATISFIED),),
        (step(StepKind.CLOSE, 1440, resident_signed=True),),
    ],
    ids=["resolved", "visited", "closed"],
)
def test_reopen_from_resolved_visited_or_closed_goes_back_to_work_keeping_the_judgement(tail):
    done = run(RequestKind.COMPLAINT, *COMPLAINT_TO_RESOLVED, *tail)
    reopened = apply_step(done, step(StepKind.REOPEN, 2000, note="业主反映垃圾又堆积"))
    assert reopened.state is RequestState.REOPENED and reopened.is_open
    assert reopened.reopen_count == 1
    assert (reopened.valid, reopened.severity, reopened.department) == (True, Severity.GENERAL, "保洁")
    assert reopened.resolved_at is None and reopened.closed_at is None and reopened.satisfaction is None
    assert StepKind.ASSIGN in reopened.next_steps()


def test_reopen_needs_a_finished_request_and_a_reason():
    assigned = run(RequestKind.COMPLAINT, *COMPLAINT_TO_RESOLVED[:3])
    with pytest.raises(BadInput, match="只有已解决、已回访或已关闭"):
        apply_step(assigned, step(StepKind.REOPEN, 100, note="x"))
    resolved = run(RequestKind.COMPLAINT, *COMPLAINT_TO_RESOLVED)
    with pytest.raises(BadInput, match="重新打开的原因"):
        apply_step(resolved, step(StepKind.REOPEN, 300))


def test_a_reopened_complaint_is_worked_and_closed_again_and_replays_from_history():
    history = (
        *COMPLAINT_TO_RESOLVED,
        step(StepKind.CLOSE, 240, resident_signed=True),
        step(StepKind.REOPEN, 2000, note="又漏水"),
        step(StepKind.ASSIGN, 2010, department="工程维修部", assignee="赵工"),
        step(StepKind.HANDLE, 2100, note="更换止水阀"),
        step(StepKind.FEEDBACK, 2110, note="已修好"),
        step(StepKind.RESOLVE, 2120),
        step(StepKind.VISIT, 3000, satisfaction=Satisfaction.FAIRLY),
        step(StepKind.CLOSE, 3010, resident_signed=True),
    )
    progress = run(RequestKind.COMPLAINT, *history)
    assert progress.state is RequestState.CLOSED
    assert progress.department == "工程维修部"
    assert progress.reopen_count == 1
    assert progress.satisfaction is Satisfaction.FAIRLY


def test_visiting_twice_says_to_reopen():
    first_visit = step(StepKind.VISIT, 300, satisfaction=Satisfaction.SATISFIED)
    visited = run(RequestKind.COMPLAINT, *COMPLAINT_TO_RESOLVED, first_visit)
    with pytest.raises(BadInput, match="已经回访过"):
        apply_step(visited, step(StepKind.VISIT, 400, satisfaction=Satisfaction.SATISFIED))


# -- repairs and enquiries -----------------------------------------------------------


def test_a_repair_is_dispatched_at_once_and_visited_with_three_ratings():
    progress = run(
        RequestKind.REPAIR,
        step(StepKind.ASSIGN, 2, department="工程维修部", assignee="赵工"),
        step(StepKind.CONTACT, 25, on_site=True),
    )
    assert progress.state is RequestState.ASSIGNED  # on site does not undo the dispatch
    assert progress.contacted_at == RECEIVED_AT + timedelta(minutes=25)
    progress = run(
        RequestKind.REPAIR,
        step(StepKind.ASSIGN, 2, department="工程维修部", assignee="赵工"),
        step(StepKind.CONTACT, 25, on_site=True),
        step(StepKind.HANDLE, 60, note="更换灯管"),
        step(StepKind.FEEDBACK, 65, note="已修好"),
        step(StepKind.RESOLVE, 70),
    )
    with pytest.raises(BadInput, match="态度、质量和礼节"):
        apply_step(progress, step(StepKind.VISIT, 1500, satisfaction=Satisfaction.SATISFIED))
    visited = apply_step(
        progress,
        step(
            StepKind.VISIT,
            1500,
            satisfaction=Satisfaction.SATISFIED,
            attitude=Satisfaction.SATISFIED,
            quality=Satisfaction.FAIRLY,
            manners=Satisfaction.SATISFIED,
            resident_words="师傅很有礼貌",
        ),
    )
    assert visited.state is RequestState.VISITED
    assert apply_step(visited, step(StepKind.CLOSE, 1510)).state is RequestState.CLOSED


def test_an_enquiry_answered_on_the_spot_resolves_at_once():
    assert StepKind.RESOLVE in allowed_next_steps(RequestState.RECEIVED, RequestKind.ENQUIRY)
    assert StepKind.RESOLVE not in allowed_next_steps(RequestState.RECEIVED, RequestKind.REPAIR)
    progress = run(RequestKind.ENQUIRY, step(StepKind.RESOLVE, 5, note="已告知缴费方式"), step(StepKind.CLOSE, 6))
    assert progress.state is RequestState.CLOSED


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"department": "保洁"}, "assignee"),
        ({"assignee": "李班长"}, "department"),
        ({"department": " ", "assignee": "李"}, "department"),
    ],
)
def test_assigning_needs_department_and_person(fields, field):
    with pytest.raises(BadInput) as caught:
        run(RequestKind.REPAIR, step(StepKind.ASSIGN, 5, **fields))
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("kind", "field"),
    [(StepKind.CONTACT, "on_site"), (StepKind.FEEDBACK, "note"), (StepKind.FOLLOW_UP, "note")],
)
def test_steps_need_their_own_fields(kind, field):
    with pytest.raises(BadInput) as caught:
        run(RequestKind.REPAIR, step(kind, 5))
    assert caught.value.field == field


# -- time and operator -------------------------------------------------------------


def test_steps_must_be_recorded_in_time_order_after_receipt():
    with pytest.raises(BadInput, match="早于受理时间"):
        run(RequestKind.COMPLAINT, step(StepKind.CONTACT, -5, on_site=True))
    with pytest.raises(BadInput, match="第2步（定性）") as caught:
        run(
            RequestKind.COMPLAINT,
            step(StepKind.CONTACT, 30, on_site=True),
            step(StepKind.CLASSIFY, 20, valid=True, severity=Severity.GENERAL),
        )
    assert "上一步" in caught.value.message and caught.value.field == "at"


def test_steps_need_an_operator_and_an_aware_time():
    with pytest.raises(BadInput, match="经办人"):
        apply_step(
            start_request(RequestKind.COMPLAINT, RECEIVED_AT),
            Step(kind=StepKind.CONTACT, at=RECEIVED_AT, operator="  ", on_site=True),
        )
    with pytest.raises(ValueError):
        apply_step(
            start_request(RequestKind.COMPLAINT, RECEIVED_AT),
            Step(kind=StepKind.CONTACT, at=datetime(2026, 11, 27, 9, 5), operator="王", on_site=True),
        )
    with pytest.raises(ValueError):
        start_request(RequestKind.COMPLAINT, datetime(2026, 11, 27, 9, 0))


def test_every_open_state_allows_a_follow_up_and_every_kind_has_a_way_forward():
    for kind in RequestKind:
        for state in RequestState:
            for valid in (None, True, False):
                steps = allowed_next_steps(state, kind, valid)
                assert steps, (kind, state, valid)
                assert (StepKind.FOLLOW_UP in steps) is state.is_open
