"""Time limits: the default table, settings overrides, deadlines on real calendar data, and the wording."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from butler_desk.domain.errors import BadInput
from butler_desk.domain.requests import (
    FaultKind,
    RequestKind,
    RequestSource,
    Severity,
    Step,
    StepKind,
)
from butler_desk.domain.sla import (
    DEFAULT_LIMITS,
    Deadline,
    DeadlineState,
    LimitSpan,
    SpanUnit,
    deadlines,
    format_deadline,
    format_time_left,
    limits_from_settings,
    next_deadline,
    parse_span,
    settings_from_limits,
    time_left,
)
from butler_desk.domain.workdays import CHINA_TZ, WorkCalendar

CAL = WorkCalendar()


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CHINA_TZ)


def step(kind: StepKind, when: datetime, **fields: object) -> Step:
    return Step(kind=kind, at=when, operator="王管家", **fields)  # type: ignore[arg-type]


def by_key(items: list[Deadline]) -> dict[str, Deadline]:
    return {d.key: d for d in items}


def limits_for(
    kind: RequestKind,
    received: datetime,
    steps: list[Step] | None = None,
    *,
    now: datetime | None = None,
    severity: Severity | None = None,
    urgent: bool = False,
    calendar: WorkCalendar = CAL,
    **extra: object,
) -> dict[str, Deadline]:
    """The request's deadlines by key, with the clock read at ``now`` (default: on receipt)."""
    items = deadlines(
        kind, severity, urgent, received, steps or [], calendar,
        now=now or received, **extra,  # type: ignore[arg-type]
    )
    return by_key(items)


# -- the table and settings ---------------------------------------------------------


def test_default_table_has_the_seed_limits():
    spans = {limit.key: limit.span for limit in DEFAULT_LIMITS}
    assert len(spans) == len(DEFAULT_LIMITS)
    assert spans == {
        "response_feedback": LimitSpan(4, SpanUnit.HOURS),
        "urgent_repair_on_site": LimitSpan(30, SpanUnit.MINUTES),
        "complaint_contact": LimitSpan(1, SpanUnit.HOURS),
        "complaint_feedback": LimitSpan(4, SpanUnit.HOURS),
        "general_complaint_resolved": LimitSpan(8, SpanUnit.HOURS),
        "serious_complaint_resolved": LimitSpan(5, SpanUnit.WORKDAYS),
        "utility_fault_handled": LimitSpan(30, SpanUnit.MINUTES),
        "lighting_fault_repaired": LimitSpan(8, SpanUnit.HOURS),
        "lighting_complex_repaired": LimitSpan(48, SpanUnit.HOURS),
        "hotline_response": LimitSpan(15, SpanUnit.MINUTES),
    }
    titles = {limit.key: limit.title for limit in DEFAULT_LIMITS}
    assert titles["serious_complaint_resolved"] == "严重投诉解决（5个工作日内）"
    assert titles["urgent_repair_on_site"] == "急修到达现场（30分钟内）"


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("30分钟", LimitSpan(30, SpanUnit.MINUTES)),
        ("45 min", LimitSpan(45, SpanUnit.MINUTES)),
        ("4小时", LimitSpan(4, SpanUnit.HOURS)),
        ("48H", LimitSpan(48, SpanUnit.HOURS)),
        ("5个工作日", LimitSpan(5, SpanUnit.WORKDAYS)),
        ("３工作日", LimitSpan(3, SpanUnit.WORKDAYS)),
        ("2wd", LimitSpan(2, SpanUnit.WORKDAYS)),
    ],
)
def test_spans_read_as_the_office_writes_them(text, span):
    assert parse_span(text) == span
    assert parse_span(span.label) == span


@pytest.mark.parametrize(
    ("text", "message"),
    [("四小时", "看不懂"), ("4天", "看不懂"), ("0分钟", "超出范围"), ("99个工作日", "超出范围")],
)
def test_bad_spans_are_refused(text, message):
    with pytest.raises(BadInput, match=message):
        parse_span(text, field="complaint_contact")


def test_settings_override_durations_and_switch_limits_off():
    limits = limits_from_settings(
        {
            "complaint_contact": "30分钟",
            "hotline_response": "关闭",
            "serious_complaint_resolved": LimitSpan(3, SpanUnit.WORKDAYS),
        }
    )
    spans = {limit.key: limit.span for limit in limits}
    assert spans["complaint_contact"] == LimitSpan(30, SpanUnit.MINUTES)
    assert spans["hotline_response"] is None
    titles = {limit.key: limit.title for limit in limits}
    assert titles["complaint_contact"] == "投诉到达现场或电话联系（30分钟内）"
    assert titles["hotline_response"] == "客服热线响应（管家式标准）（不考核）"
    assert spans["serious_complaint_resolved"] == LimitSpan(3, SpanUnit.WORKDAYS)
    assert spans["complaint_feedback"] == LimitSpan(4, SpanUnit.HOURS)
    stored = settings_from_limits(limits)
    assert stored["hotline_response"] == "关闭"
    assert stored["complaint_contact"] == "30分钟"
    assert limits_from_settings(stored) == limits

    received = at(2026, 11, 27, 10)
    items = deadlines(
        RequestKind.COMPLAINT, Severity.SERIOUS, False, received, [], CAL, limits,
        now=received, source=RequestSource.PHONE,
    )
    keys = by_key(items)
    assert "hotline_response" not in keys
    assert keys["complaint_contact"].due_at == at(2026, 11, 27, 10, 30)
    assert keys["serious_complaint_resolved"].due_at == at(2026, 12, 2, 10)


def test_bad_settings_name_the_limit():
    with pytest.raises(BadInput, match="未知的时限项目") as caught:
        limits_from_settings({"coffee_break": "10分钟"})
    assert caught.value.field == "coffee_break"
    with pytest.raises(BadInput) as caught:
        limits_from_settings({"complaint_contact": "一小时"})
    assert "“投诉到达现场或电话联系”的时限" in caught.value.message
    assert caught.value.field == "complaint_contact"


# -- repairs ---------------------------------------------------------------------------


def test_urgent_repair_on_site_within_30_minutes():
    received = at(2026, 11, 27, 10)
    steps = [
        step(StepKind.ASSIGN, at(2026, 11, 27, 10, 2), department="工程维修部", assignee="赵工"),
        step(StepKind.CONTACT, at(2026, 11, 27, 10, 25), on_site=True),
    ]
    items = limits_for(RequestKind.REPAIR, received, steps, now=at(2026, 11, 27, 11), urgent=True)
    on_site = items["urgent_repair_on_site"]
    assert on_site.due_at == at(2026, 11, 27, 10, 30)
    assert on_site.met_at == at(2026, 11, 27, 10, 25)
    assert on_site.state is DeadlineState.MET
    assert items["response_feedback"].state is DeadlineState.OPEN  # nobody told the resident yet


def test_a_phone_call_does_not_count_as_on_site():
    received = at(2026, 11, 27, 10)
    steps = [
        step(StepKind.CONTACT, at(2026, 11, 27, 10, 5), on_site=False),
        step(StepKind.CONTACT, at(2026, 11, 27, 10, 41), on_site=True),
    ]
    items = limits_for(RequestKind.REPAIR, received, steps, now=at(2026, 11, 27, 12), urgent=True)
    on_site = items["urgent_repair_on_site"]
    assert on_site.met_at == at(2026, 11, 27, 10, 41)
    assert on_site.state is DeadlineState.MET_LATE
    assert on_site.missed


def test_urgent_repair_not_yet_on_site_is_open_then_overdue():
    received = at(2026, 11, 27, 10)
    before = limits_for(RequestKind.REPAIR, received, now=at(2026, 11, 27, 10, 29), urgent=True)
    assert before["urgent_repair_on_site"].state is DeadlineState.OPEN
    after = limits_for(RequestKind.REPAIR, received, now=at(2026, 11, 27, 10, 31), urgent=True)
    assert after["urgent_repair_on_site"].state is DeadlineState.OVERDUE
    assert "urgent_repair_on_site" not in limits_for(RequestKind.REPAIR, received)


def test_fault_categories_carry_their_own_limits():
    received = at(2026, 11, 27, 20)
    handled = [step(StepKind.HANDLE, at(2026, 11, 27, 20, 25), note="电梯已复位")]
    lift = limits_for(RequestKind.REPAIR, received, handled, now=at(2026, 11, 27, 21), fault=FaultKind.LIFT)
    assert lift["utility_fault_handled"].state is DeadlineState.MET
    lighting = limits_for(RequestKind.REPAIR, received, fault=FaultKind.LIGHTING)
    assert lighting["lighting_fault_repaired"].due_at == at(2026, 11, 28, 4)
    complex_ = limits_for(RequestKind.REPAIR, received, fault=FaultKind.LIGHTING_COMPLEX)
    assert complex_["lighting_complex_repaired"].due_at == at(2026, 11, 29, 20)
    assert "utility_fault_handled" not in complex_


def test_hotline_response_applies_to_phone_and_wechat_only():
    received = at(2026, 11, 27, 10)
    answered = [step(StepKind.RESOLVE, at(2026, 11, 27, 10, 3), note="已答复")]
    phone = limits_for(RequestKind.ENQUIRY, received, answered, source=RequestSource.PHONE)
    assert phone["hotline_response"].state is DeadlineState.MET
    assert phone["response_feedback"].state is DeadlineState.MET  # answered on the spot
    patrol = limits_for(RequestKind.ENQUIRY, received, source=RequestSource.PATROL)
    assert "hotline_response" not in patrol


# -- complaints ---------------------------------------------------------------------------


def test_general_complaint_contact_feedback_and_resolution():
    received = at(2026, 11, 27, 9)
    steps = [
        step(StepKind.CONTACT, at(2026, 11, 27, 9, 40), on_site=True),
        step(StepKind.CLASSIFY, at(2026, 11, 27, 9, 50), valid=True, severity=Severity.GENERAL),
        step(StepKind.ASSIGN, at(2026, 11, 27, 10), department="保洁", assignee="李班长"),
        step(StepKind.FEEDBACK, at(2026, 11, 27, 13, 30), note="已派人处理"),
        step(StepKind.HANDLE, at(2026, 11, 27, 17), note="已清运"),
        step(StepKind.FEEDBACK, at(2026, 11, 27, 17, 10), note="已完成"),
        step(StepKind.RESOLVE, at(2026, 11, 27, 17, 20)),
    ]
    items = deadlines(
        RequestKind.COMPLAINT, Severity.GENERAL, False, received, steps, CAL, now=at(2026, 11, 28, 9)
    )
    assert [d.key for d in items] == [
        "complaint_contact",
        "complaint_feedback",
        "general_complaint_resolved",
    ]
    contact, feedback, resolved = items
    assert (contact.due_at, contact.state) == (at(2026, 11, 27, 10), DeadlineState.MET)
    assert (feedback.due_at, feedback.met_at) == (at(2026, 11, 27, 13), at(2026, 11, 27, 13, 30))
    assert feedback.state is DeadlineState.MET_LATE
    assert (resolved.due_at, resolved.state) == (at(2026, 11, 27, 17), DeadlineState.MET_LATE)
    assert "response_feedback" not in by_key(items)  # complaints have their own 4-hour row


def test_an_unjudged_complaint_is_held_to_the_general_limit():
    received = at(2026, 11, 27, 9)
    keys = limits_for(RequestKind.COMPLAINT, received)
    assert "general_complaint_resolved" in keys
    assert "serious_complaint_resolved" not in keys


def test_severity_and_validity_come_from_the_steps():
    received = at(2026, 11, 27, 9)
    serious = [
        step(StepKind.CONTACT, at(2026, 11, 27, 9, 10), on_site=True),
        step(StepKind.CLASSIFY, at(2026, 11, 27, 9, 20), valid=True, severity=Severity.SERIOUS),
    ]
    keys = limits_for(RequestKind.COMPLAINT, received, serious)
    assert "serious_complaint_resolved" in keys and "general_complaint_resolved" not in keys
    invalid = [
        step(StepKind.CONTACT, at(2026, 11, 27, 9, 10), on_site=False),
        step(StepKind.CLASSIFY, at(2026, 11, 27, 9, 20), valid=False, invalid_reason="市政停水"),
    ]
    keys = limits_for(RequestKind.COMPLAINT, received, invalid)
    assert set(keys) == {"complaint_contact", "complaint_feedback"}
    # Closed straight away as invalid: the resident had the answer, the feedback clock stops.
    invalid.append(step(StepKind.CLOSE, at(2026, 11, 27, 9, 30), resident_signed=False))
    keys = limits_for(RequestKind.COMPLAINT, received, invalid, now=at(2026, 11, 28))
    assert keys["complaint_feedback"].met_at == at(2026, 11, 27, 9, 30)
    assert keys["complaint_feedback"].state is DeadlineState.MET


def test_serious_complaint_five_workdays_across_national_day_2025():
    received = at(2025, 9, 30, 15)
    on_time = [step(StepKind.RESOLVE, at(2025, 10, 14, 14))]
    items = limits_for(
        RequestKind.COMPLAINT, received, on_time, now=at(2025, 10, 20), severity=Severity.SERIOUS
    )
    resolved = items["serious_complaint_resolved"]
    assert resolved.due_at == at(2025, 10, 14, 15)
    assert resolved.state is DeadlineState.MET
    late = [step(StepKind.RESOLVE, at(2025, 10, 15, 10))]
    items = limits_for(
        RequestKind.COMPLAINT, received, late, now=at(2025, 10, 20), severity=Severity.SERIOUS
    )
    resolved = items["serious_complaint_resolved"]
    assert resolved.state is DeadlineState.MET_LATE


def test_serious_complaint_received_during_the_holiday_starts_at_opening_on_the_next_workday():
    received = at(2025, 10, 2, 11)
    resolved = limits_for(RequestKind.COMPLAINT, received, severity=Severity.SERIOUS)["serious_complaint_resolved"]
    assert resolved.due_at == at(2025, 10, 15, 9)
    # The hour-based limits still run through the holiday: the office is on duty.
    contact = limits_for(RequestKind.COMPLAINT, received, severity=Severity.SERIOUS)["complaint_contact"]
    assert contact.due_at == at(2025, 10, 2, 12)


def test_serious_complaint_into_2027_skips_new_years_day_and_the_office_table_still_wins():
    received = at(2026, 12, 30, 10)  # Wednesday; 31 December is worked, 1 January 2027 is 元旦
    plain = limits_for(RequestKind.COMPLAINT, received, severity=Severity.SERIOUS)
    assert plain["serious_complaint_resolved"].due_at == at(2027, 1, 7, 10)
    assert CAL.fallback_years([plain["serious_complaint_resolved"].due_at]) == {2027}
    # An office entry overrides the computed day: 元旦 worked (say, on duty) gives a day back.
    office = WorkCalendar(extra_workdays={date(2027, 1, 1): "值班上班"})
    with_table = limits_for(RequestKind.COMPLAINT, received, severity=Severity.SERIOUS, calendar=office)
    assert with_table["serious_complaint_resolved"].due_at == at(2027, 1, 6, 10)


# Five working days for a serious complaint, across each of 2027's holidays (no office table).
# Worked out by hand: the holiday's days, then its 补假 when it fell on a weekend, are skipped.
@pytest.mark.parametrize(
    ("received", "due"),
    [
        # 春节: 除夕 Fri 5 Feb – 初三 Mon 8 Feb, 补假 Tue 9 and Wed 10 for the weekend days.
        (at(2027, 2, 4, 15), at(2027, 2, 17, 15)),
        (at(2027, 2, 6, 11), at(2027, 2, 18, 9)),  # received on 初一: the clock starts Thu 11 Feb 09:00
        # 清明 Mon 5 April.
        (at(2027, 4, 2, 10), at(2027, 4, 12, 10)),
        # 劳动节 Sat 1 and Sun 2 May, so 补假 Mon 3 and Tue 4 May.
        (at(2027, 4, 30, 10), at(2027, 5, 11, 10)),
        # 端午 Wed 9 June.
        (at(2027, 6, 8, 10), at(2027, 6, 16, 10)),
        # 中秋 Wed 15 September.
        (at(2027, 9, 14, 10), at(2027, 9, 22, 10)),
        # 国庆 Fri 1 – Sun 3 October, 补假 Mon 4 and Tue 5.
        (at(2027, 9, 30, 10), at(2027, 10, 12, 10)),
        # 元旦 2028 on a Saturday: 补假 Monday 3 January.
        (at(2027, 12, 31, 10), at(2028, 1, 10, 10)),
    ],
)
def test_serious_complaint_deadlines_across_the_2027_holidays(received, due):
    resolved = limits_for(RequestKind.COMPLAINT, received, severity=Severity.SERIOUS)["serious_complaint_resolved"]
    assert resolved.due_at == due


def test_an_office_table_of_2027_swaps_moves_the_spring_festival_deadline():
    # Suppose the notice bridges Thu 11 and Fri 12 February and has Sun 14 and Sat 20 worked.
    office = WorkCalendar(extra_holidays={date(2027, 2, 11): "春节", date(2027, 2, 12): "春节"},
                          extra_workdays={date(2027, 2, 14): "春节调休上班", date(2027, 2, 20): "春节调休上班"})
    resolved = limits_for(RequestKind.COMPLAINT, at(2027, 2, 4, 15), severity=Severity.SERIOUS,
                          calendar=office)["serious_complaint_resolved"]
    # 14 (Sun, worked), 15, 16, 17, 18.
    assert resolved.due_at == at(2027, 2, 18, 15)


def test_a_reopen_undoes_the_resolution_but_not_the_first_contact():
    received = at(2026, 11, 26, 9)
    steps = [
        step(StepKind.CONTACT, at(2026, 11, 26, 9, 20), on_site=True),
        step(StepKind.CLASSIFY, at(2026, 11, 26, 9, 30), valid=True, severity=Severity.GENERAL),
        step(StepKind.FEEDBACK, at(2026, 11, 26, 11), note="处理中"),
        step(StepKind.RESOLVE, at(2026, 11, 26, 15)),
        step(StepKind.REOPEN, at(2026, 11, 27, 8), note="又坏了"),
    ]
    items = limits_for(RequestKind.COMPLAINT, received, steps, now=at(2026, 11, 27, 9))
    assert items["complaint_contact"].state is DeadlineState.MET
    assert items["general_complaint_resolved"].met_at is None
    assert items["general_complaint_resolved"].state is DeadlineState.OVERDUE
    steps.append(step(StepKind.RESOLVE, at(2026, 11, 27, 16)))
    items = limits_for(RequestKind.COMPLAINT, received, steps, now=at(2026, 11, 28))
    assert items["general_complaint_resolved"].met_at == at(2026, 11, 27, 16)
    assert items["general_complaint_resolved"].state is DeadlineState.MET_LATE


def test_deadlines_need_aware_times():
    with pytest.raises(ValueError):
        deadlines(
            RequestKind.REPAIR, None, True, datetime(2026, 11, 27, 10), [], CAL, now=at(2026, 11, 27, 10)
        )


# -- next deadline and the words on screen ---------------------------------------------


def test_next_deadline_is_the_earliest_unmet_one():
    received = at(2026, 11, 27, 9)
    steps = [step(StepKind.CONTACT, at(2026, 11, 27, 9, 30), on_site=True)]
    items = deadlines(RequestKind.COMPLAINT, None, False, received, steps, CAL, now=at(2026, 11, 27, 14))
    upcoming = next_deadline(items)
    assert upcoming is not None and upcoming.key == "complaint_feedback"
    assert upcoming.state is DeadlineState.OVERDUE
    assert next_deadline([d for d in items if d.is_met]) is None
    assert next_deadline([]) is None


def test_time_left_is_negative_when_overdue_and_the_margin_when_met():
    received = at(2026, 11, 27, 9)
    steps = [step(StepKind.CONTACT, at(2026, 11, 27, 9, 40), on_site=True)]
    items = limits_for(RequestKind.COMPLAINT, received, steps, now=at(2026, 11, 27, 14))
    now = at(2026, 11, 27, 14)
    assert time_left(items["complaint_contact"], now) == timedelta(minutes=20)
    assert time_left(items["complaint_feedback"], now) == timedelta(hours=-1)
    assert time_left(items["general_complaint_resolved"], now) == timedelta(hours=3)


@pytest.mark.parametrize(
    ("td", "text"),
    [
        (timedelta(hours=3, minutes=20), "剩 3小时20分"),
        (timedelta(hours=3, minutes=20, seconds=59), "剩 3小时20分"),
        (timedelta(hours=3), "剩 3小时"),
        (timedelta(minutes=20), "剩 20分钟"),
        (timedelta(seconds=30), "剩 不到1分钟"),
        (timedelta(0), "剩 不到1分钟"),
        (-timedelta(days=1, hours=2, minutes=15), "超时 1天2小时"),
        (-timedelta(days=2), "超时 2天"),
        (-timedelta(minutes=5), "超时 5分钟"),
        (timedelta(days=3, hours=1), "剩 3天1小时"),
    ],
)
def test_format_time_left_in_chinese(td, text):
    assert format_time_left(td) == text


def test_format_deadline_counts_working_days_for_working_day_limits():
    received = at(2025, 9, 30, 15)
    serious = limits_for(RequestKind.COMPLAINT, received, severity=Severity.SERIOUS)["serious_complaint_resolved"]
    # Oct 9 10:00 → due Oct 14 15:00: Oct 10, 11 (worked Saturday), 13, 14 to go.
    assert format_deadline(serious, at(2025, 10, 9, 10), CAL) == "剩 4个工作日"
    assert format_deadline(serious, at(2025, 10, 14, 10), CAL) == "剩 5小时"
    assert format_deadline(serious, at(2025, 10, 15, 16), CAL) == "超时 1天1小时"


def test_format_deadline_of_met_ones_says_the_outcome():
    received = at(2026, 11, 27, 9)
    steps = [
        step(StepKind.CONTACT, at(2026, 11, 27, 9, 30), on_site=True),
        step(StepKind.FEEDBACK, at(2026, 11, 27, 14, 10), note="处理中"),
    ]
    items = limits_for(RequestKind.COMPLAINT, received, steps, now=at(2026, 11, 27, 15))
    assert format_deadline(items["complaint_contact"], at(2026, 11, 27, 15), CAL) == "按时完成"
    assert format_deadline(items["complaint_feedback"], at(2026, 11, 27, 15), CAL) == "超时 1小时10分 完成"
    assert format_deadline(items["general_complaint_resolved"], at(2026, 11, 27, 15), CAL) == "剩 2小时"
