"""Office settings in the database: defaults, checked changes, the audit trail, and a bad stored value."""

from __future__ import annotations

import json
from datetime import date, datetime, time

import pytest
from sqlalchemy import text

from butler_desk.domain.errors import BadInput
from butler_desk.domain.requests import DEFAULT_DEPARTMENTS, RequestKind
from butler_desk.domain.sla import LimitSpan, SpanUnit
from butler_desk.domain.workdays import CHINA_TZ
from butler_desk.services import settings as cfg
from butler_desk.services.settings import SettingsService


@pytest.fixture
def settings(ctx) -> SettingsService:
    return SettingsService(ctx)


def _stored(ctx) -> dict[str, str]:
    with ctx.db.engine.connect() as conn:
        return dict(conn.execute(text("SELECT key, value FROM settings")).all())


def test_given_nothing_stored_when_reading_then_every_setting_has_its_default(settings, ctx):
    values = settings.all()

    assert values[cfg.DEPARTMENTS] == list(DEFAULT_DEPARTMENTS)
    assert values[cfg.SLA_LIMITS] == {}
    assert values[cfg.OFFICE_HOLIDAYS] == ""
    assert settings.business_start() == time(9, 0)
    assert settings.return_visit_days() == 3
    assert RequestKind.ENQUIRY not in settings.return_visit_kinds()
    assert {limit.key: limit.span for limit in settings.time_limits()}["complaint_feedback"] == LimitSpan(
        4, SpanUnit.HOURS)
    assert _stored(ctx) == {}


def test_when_a_setting_changes_then_it_is_stored_as_json_and_audited(settings, ctx):
    stored = settings.set(cfg.DEPARTMENTS, " 安防部、工程维修部，会所\n保洁 ")

    assert stored == ["安防部", "工程维修部", "会所", "保洁"]
    assert settings.departments() == stored
    assert json.loads(_stored(ctx)[cfg.DEPARTMENTS]) == stored
    with ctx.db.engine.connect() as conn:
        operator, label, changes = conn.execute(
            text("SELECT operator, record_label, changes FROM audit_log WHERE table_name = 'settings'")
        ).one()
    assert operator == "李晓红"
    assert label == "责任部门"
    assert json.loads(changes)["责任部门"] == [list(DEFAULT_DEPARTMENTS), stored]


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        (cfg.DEPARTMENTS, [], "至少保留一个部门"),
        (cfg.DEPARTMENTS, ["保洁", "保洁"], "重复"),
        (cfg.BUSINESS_START, "9点", "09:00"),
        (cfg.BUSINESS_START, "25:00", "09:00"),
        (cfg.OFFICE_HOLIDAYS, "2027-02-30 春节", "不存在"),
        (cfg.SLA_LIMITS, {"complaint_feedback": "四个钟头"}, "投诉反馈处理情况"),
        (cfg.SLA_LIMITS, {"coffee_break": "15分钟"}, "未知的时限项目"),
        (cfg.RETURN_VISIT_DAYS, 0, "1 到 30"),
        (cfg.RETURN_VISIT_KINDS, ["投诉", "外卖"], "外卖"),
    ],
)
def test_given_a_bad_value_when_setting_then_a_chinese_message_names_it_and_nothing_is_stored(
    settings, ctx, key, value, fragment
):
    with pytest.raises(BadInput) as info:
        settings.set(key, value)

    assert fragment in info.value.message
    assert _stored(ctx) == {}


def test_unknown_keys_are_a_programming_error_not_user_input(settings):
    with pytest.raises(KeyError):
        settings.get("late_fee_rate")


def test_time_limit_changes_merge_and_only_differences_from_the_seed_are_kept(settings):
    settings.set_time_limits({"complaint_feedback": "2小时"})
    settings.set_time_limits({"hotline_response": "关闭", "urgent_repair_on_site": "30分钟"})

    assert settings.get(cfg.SLA_LIMITS) == {"complaint_feedback": "2小时", "hotline_response": "关闭"}
    spans = {limit.key: limit.span for limit in settings.time_limits()}
    assert spans["complaint_feedback"] == LimitSpan(2, SpanUnit.HOURS)
    assert spans["hotline_response"] is None


def test_reset_goes_back_to_the_default(settings):
    settings.set(cfg.RETURN_VISIT_DAYS, "7")
    assert settings.return_visit_days() == 7

    settings.reset(cfg.RETURN_VISIT_DAYS)

    assert settings.return_visit_days() == 3


def test_given_an_unusable_stored_value_when_reading_then_the_default_is_used(settings, ctx):
    with ctx.db.engine.begin() as conn:
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('departments', '[]')"))
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('business_start', 'not json')"))

    assert settings.departments() == list(DEFAULT_DEPARTMENTS)
    assert settings.business_start() == time(9, 0)


def test_the_work_calendar_follows_the_office_table_and_business_start(settings):
    settings.set(cfg.OFFICE_HOLIDAYS, "2027-02-06~2027-02-12 春节\n2027-02-14 春节调休上班\n")
    settings.set(cfg.BUSINESS_START, "8:30")

    calendar = settings.work_calendar()

    assert not calendar.is_workday(date(2027, 2, 8))
    assert calendar.is_workday(date(2027, 2, 14))
    assert calendar.business_start == time(8, 30)
    received_on_a_holiday = datetime(2027, 2, 10, 11, 0, tzinfo=CHINA_TZ)
    assert calendar.add_workdays(received_on_a_holiday, 0) == datetime(2027, 2, 14, 8, 30, tzinfo=CHINA_TZ)
