"""Working days against the real chinese_calendar data, the Mon–Fri fallback and the office table."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import chinese_calendar
import pytest

from butler_desk.domain.errors import BadInput
from butler_desk.domain.statutory import statutory_days_off
from butler_desk.domain.workdays import (
    CHINA_TZ,
    PACKAGE_YEARS,
    HolidayTable,
    WorkCalendar,
    dump_holiday_table,
    parse_holiday_table,
)


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CHINA_TZ)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


@pytest.fixture
def calendar() -> WorkCalendar:
    return WorkCalendar()


# -- the package's supported years --------------------------------------------


def test_probed_years_cover_2004_to_2026_and_match_the_package_edges():
    assert 2004 in PACKAGE_YEARS and 2025 in PACKAGE_YEARS and 2026 in PACKAGE_YEARS
    assert 2027 not in PACKAGE_YEARS
    # The edges are exactly where the package starts refusing.
    chinese_calendar.is_workday(date(PACKAGE_YEARS.start, 1, 1))
    chinese_calendar.is_workday(date(PACKAGE_YEARS.stop - 1, 12, 31))
    for outside in (PACKAGE_YEARS.start - 1, PACKAGE_YEARS.stop):
        with pytest.raises(NotImplementedError):
            chinese_calendar.is_workday(date(outside, 6, 1))


def test_given_a_2027_date_when_asked_then_the_calendar_says_it_falls_back(calendar):
    assert calendar.uses_fallback(date(2027, 1, 4))
    assert not calendar.uses_fallback(date(2026, 12, 31))
    assert not calendar.uses_fallback(date(2025, 10, 1))


# -- real holidays and make-up days ---------------------------------------------


@pytest.mark.parametrize("day", days(date(2025, 1, 28), date(2025, 2, 4)))
def test_2025_spring_festival_days_are_days_off(calendar, day):
    assert not calendar.is_workday(day)


@pytest.mark.parametrize("day", [date(2025, 1, 26), date(2025, 2, 8)])
def test_2025_spring_festival_weekend_make_up_days_are_workdays(calendar, day):
    assert day.weekday() >= 5
    assert calendar.is_workday(day)
    assert calendar.day_note(day) == "春节调休上班"


@pytest.mark.parametrize("day", days(date(2025, 10, 1), date(2025, 10, 8)))
def test_2025_national_day_week_is_off(calendar, day):
    assert not calendar.is_workday(day)


@pytest.mark.parametrize("day", [date(2025, 9, 28), date(2025, 10, 11)])
def test_2025_national_day_make_up_days_are_workdays(calendar, day):
    assert day.weekday() >= 5
    assert calendar.is_workday(day)


def test_ordinary_days_around_2025_national_day(calendar):
    assert calendar.is_workday(date(2025, 9, 30))  # Tuesday before
    assert calendar.is_workday(date(2025, 10, 9))  # Thursday after
    assert not calendar.is_workday(date(2025, 10, 12))  # plain Sunday
    assert calendar.day_note(date(2025, 10, 1)) == "国庆节"
    assert calendar.day_note(date(2025, 10, 6)) == "中秋节"
    assert calendar.day_note(date(2025, 10, 11)) == "国庆节调休上班"
    assert calendar.day_note(date(2025, 10, 9)) is None


def test_2026_holidays_as_the_package_knows_them(calendar):
    # 春节 Feb 15–23 with make-up Saturdays Feb 14 and Feb 28.
    assert [d for d in days(date(2026, 2, 14), date(2026, 2, 28)) if calendar.is_workday(d)] == [
        date(2026, 2, 14),
        date(2026, 2, 24),
        date(2026, 2, 25),
        date(2026, 2, 26),
        date(2026, 2, 27),
        date(2026, 2, 28),
    ]
    # 国庆 Oct 1–7 with make-up Sunday Sep 20 and Saturday Oct 10; 中秋 Fri Sep 25.
    assert calendar.is_workday(date(2026, 9, 20))
    assert not calendar.is_workday(date(2026, 9, 25))
    assert calendar.day_note(date(2026, 9, 25)) == "中秋节"
    assert not any(calendar.is_workday(d) for d in days(date(2026, 10, 1), date(2026, 10, 7)))
    assert calendar.is_workday(date(2026, 10, 10))
    # 元旦 Jan 1–3 with make-up Sunday Jan 4.
    assert not calendar.is_workday(date(2026, 1, 2))
    assert calendar.is_workday(date(2026, 1, 4))


def test_a_datetime_is_judged_by_its_date_in_china(calendar):
    # 17:00 UTC on Sep 30 is already 01:00 on Oct 1 in Beijing.
    late_utc = datetime(2025, 9, 30, 17, 0, tzinfo=timezone.utc)
    assert not calendar.is_workday(late_utc)
    assert calendar.is_workday(datetime(2025, 9, 30, 15, 0, tzinfo=timezone.utc))


# -- fallback years and the office table --------------------------------------


def test_given_no_office_table_when_a_2027_date_then_the_laws_holidays_and_monday_to_friday(calendar):
    assert not calendar.is_workday(date(2027, 1, 1))  # 元旦, a Friday
    assert calendar.day_note(date(2027, 1, 1)) == "元旦"
    assert not calendar.is_workday(date(2027, 1, 2))
    assert not calendar.is_workday(date(2027, 1, 3))
    assert calendar.is_workday(date(2027, 1, 4))
    assert calendar.day_note(date(2027, 1, 4)) is None
    assert not calendar.is_workday(date(2027, 10, 4)) and calendar.day_note(date(2027, 10, 4)) == "国庆节补假"
    assert calendar.is_workday(date(2027, 10, 6))


def test_given_office_table_for_2027_then_its_days_off_and_make_up_days_count():
    calendar = WorkCalendar(
        extra_holidays={date(2027, 1, 1): "元旦", date(2027, 2, 8): "春节"},
        extra_workdays={date(2027, 2, 7): "调休上班"},
    )
    assert not calendar.is_workday(date(2027, 1, 1))
    assert calendar.day_note(date(2027, 1, 1)) == "元旦"
    assert calendar.is_workday(date(2027, 2, 7))  # a Sunday worked
    assert not calendar.is_workday(date(2027, 2, 8))
    assert calendar.uses_fallback(date(2027, 2, 7))


def test_office_table_also_overrides_the_package_in_known_years():
    calendar = WorkCalendar(
        extra_holidays={date(2025, 3, 3): "停电检修放假"},
        extra_workdays={date(2025, 10, 8): "值班上班"},
    )
    assert not calendar.is_workday(date(2025, 3, 3))
    assert calendar.is_workday(date(2025, 10, 8))
    assert calendar.day_note(date(2025, 10, 8)) == "值班上班"


def test_a_day_both_off_and_worked_is_refused():
    with pytest.raises(BadInput) as caught:
        WorkCalendar(
            extra_holidays={date(2027, 2, 7): "春节"},
            extra_workdays={date(2027, 2, 7): "调休上班"},
        )
    assert "2027-02-07" in caught.value.message
    assert caught.value.field == "holidays"


def test_a_day_off_whose_note_says_work_is_refused():
    with pytest.raises(BadInput, match="上班"):
        WorkCalendar(extra_holidays={date(2027, 2, 7): "调休上班"})


def test_fallback_years_and_the_notice_on_screen(calendar):
    assert calendar.fallback_years([date(2025, 10, 1), date(2026, 2, 1)]) == set()
    assert calendar.fallback_years([date(2026, 12, 30), date(2027, 1, 6), at(2028, 3, 1)]) == {
        2027,
        2028,
    }
    assert calendar.fallback_notice([date(2026, 5, 1)]) is None
    notice = calendar.fallback_notice([date(2027, 1, 6)])
    assert notice is not None
    assert "2027年" in notice and "周一至周五" in notice and "尚未录入调休安排" in notice
    assert "法定节假日（元旦、春节、清明、劳动节、端午、中秋、国庆）" in notice
    assert f"{PACKAGE_YEARS.start}–{PACKAGE_YEARS.stop - 1}" in notice

    with_table = WorkCalendar(
        extra_holidays={date(2027, 1, 1): "元旦"}, extra_workdays={date(2027, 2, 7): "调休上班"}
    )
    notice = with_table.fallback_notice([date(2027, 1, 6)])
    assert notice is not None and "已录入放假 1 天、调休上班 1 天" in notice


# -- counting working days ----------------------------------------------------------


def test_workday_15_00_plus_5_is_15_00_on_the_fifth_following_workday(calendar):
    assert calendar.add_workdays(at(2025, 3, 3, 15), 5) == at(2025, 3, 10, 15)


def test_five_workdays_across_2025_national_day(calendar):
    # Tue Sep 30 → Oct 9, 10, 11 (Saturday worked), 13, 14.
    assert calendar.add_workdays(at(2025, 9, 30, 15), 5) == at(2025, 10, 14, 15)


def test_five_workdays_across_2025_spring_festival(calendar):
    # Fri Jan 24 → Jan 26 (Sunday worked), 27, Feb 5, 6, 7.
    assert calendar.add_workdays(at(2025, 1, 24, 15), 5) == at(2025, 2, 7, 15)


def test_received_on_a_holiday_counts_from_next_workday_opening(calendar):
    # Oct 3 is a holiday: the clock starts Thu Oct 9 09:00.
    assert calendar.add_workdays(at(2025, 10, 3, 22, 10), 5) == at(2025, 10, 15, 9)
    assert calendar.add_workdays(at(2025, 10, 3, 22, 10), 0) == at(2025, 10, 9, 9)


def test_received_on_a_weekend_before_a_make_up_sunday_starts_that_sunday(calendar):
    # Sat Sep 27 is off, Sun Sep 28 is worked.
    assert calendar.add_workdays(at(2025, 9, 27, 10), 5) == at(2025, 10, 11, 9)


def test_business_start_is_a_parameter():
    calendar = WorkCalendar(business_start=time(8, 30))
    assert calendar.add_workdays(at(2025, 10, 3, 12), 1) == at(2025, 10, 10, 8, 30)
    assert calendar.add_workdays(at(2025, 10, 3, 12), 1, business_start=time(10, 0)) == at(
        2025, 10, 10, 10
    )


def test_zero_workdays_on_a_workday_is_the_moment_itself(calendar):
    assert calendar.add_workdays(at(2025, 3, 3, 7, 45), 0) == at(2025, 3, 3, 7, 45)


def test_utc_input_is_counted_in_china_and_answered_in_china(calendar):
    utc_afternoon = datetime(2025, 9, 30, 7, 0, tzinfo=timezone.utc)  # 15:00 in Beijing
    due = calendar.add_workdays(utc_afternoon, 5)
    assert due == at(2025, 10, 14, 15)
    assert due.utcoffset() == timedelta(hours=8)
    utc_night = datetime(2025, 9, 30, 17, 0, tzinfo=timezone.utc)  # Oct 1, 01:00 in Beijing
    assert calendar.add_workdays(utc_night, 5) == at(2025, 10, 15, 9)


def test_naive_or_negative_input_is_a_programming_error(calendar):
    with pytest.raises(ValueError):
        calendar.add_workdays(datetime(2025, 3, 3, 15), 1)
    with pytest.raises(ValueError):
        calendar.add_workdays(at(2025, 3, 3, 15), -1)


def test_five_workdays_into_2027_use_the_fallback_then_the_office_table(calendar):
    # Wed Dec 30 2026 → Dec 31, (元旦 Fri Jan 1 off, by the law alone), Jan 4, 5, 6, 7.
    assert calendar.add_workdays(at(2026, 12, 30, 10), 5) == at(2027, 1, 7, 10)
    # The office's table overrides the computed fallback both ways.
    worked = WorkCalendar(extra_workdays={date(2027, 1, 1): "值班上班"})
    assert worked.add_workdays(at(2026, 12, 30, 10), 5) == at(2027, 1, 6, 10)
    bridged = WorkCalendar(extra_holidays={date(2027, 1, 4): "元旦连休"})
    assert bridged.add_workdays(at(2026, 12, 30, 10), 5) == at(2027, 1, 8, 10)


def test_workdays_between_inverts_add_workdays(calendar):
    assert calendar.workdays_between(date(2025, 9, 30), date(2025, 10, 14)) == 5
    assert calendar.workdays_between(date(2025, 10, 14), date(2025, 9, 30)) == -5
    assert calendar.workdays_between(date(2025, 10, 2), date(2025, 10, 2)) == 0
    assert calendar.workdays_between(date(2025, 10, 1), date(2025, 10, 8)) == 0
    for start in (at(2025, 1, 24, 15), at(2025, 9, 29, 9), at(2026, 2, 13, 16), at(2026, 12, 29, 8)):
        for n in (1, 3, 5, 10):
            assert calendar.workdays_between(start, calendar.add_workdays(start, n)) == n


def test_workdays_in_lists_worked_days_both_ends_included(calendar):
    assert calendar.workdays_in(date(2025, 9, 27), date(2025, 10, 11)) == [
        date(2025, 9, 28),
        date(2025, 9, 29),
        date(2025, 9, 30),
        date(2025, 10, 9),
        date(2025, 10, 10),
        date(2025, 10, 11),
    ]


def test_next_workday_skips_the_whole_holiday(calendar):
    assert calendar.next_workday(date(2025, 1, 27)) == date(2025, 2, 5)


def test_an_office_table_with_no_working_day_for_months_is_reported():
    table = {date(2027, 3, 1) + timedelta(n): "停业" for n in range(90)}
    calendar = WorkCalendar(extra_holidays=table)
    with pytest.raises(BadInput, match="连续"):
        calendar.add_workdays(at(2027, 3, 1, 9), 1)


# -- the holiday table as text ------------------------------------------------------


def test_parse_reads_days_off_make_up_days_ranges_and_comments():
    text = """# 2027 office table
2027-01-01 元旦
2027-02-06~2027-02-12 春节

2027/2/13 调休上班
2027年2月20日 补班
２０２７－１０－０１　国庆节
2027-10-02 至 2027-10-03 国庆节
2027-05-03
"""
    table = parse_holiday_table(text)
    assert table.extra_holidays[date(2027, 1, 1)] == "元旦"
    assert [d for d in table.extra_holidays if d.month == 2] == days(date(2027, 2, 6), date(2027, 2, 12))
    assert table.extra_workdays == {date(2027, 2, 13): "调休上班", date(2027, 2, 20): "补班"}
    assert table.extra_holidays[date(2027, 10, 1)] == "国庆节"  # full-width typing folded
    assert table.extra_holidays[date(2027, 10, 3)] == "国庆节"
    assert table.extra_holidays[date(2027, 5, 3)] == "放假"

    calendar = WorkCalendar.from_table(table)
    # Thu 4 Feb → 除夕 Fri 5 Feb (the law's), the office's 6–12 Feb off, Sat 13 Feb worked.
    assert calendar.add_workdays(at(2027, 2, 4, 15), 1) == at(2027, 2, 13, 15)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-01-01 元旦\n2027-13-01 错", "第2行"),
        ("2027-02-30 春节", "不存在"),
        ("明天 放假", "看不懂日期"),
        ("2027-02-12~2027-02-06 春节", "结束日期早于开始日期"),
        ("2027-01-01~2027-03-01 长假", "最多登记 31 天"),
        ("2027-01-01~ 元旦", "看不懂"),
    ],
)
def test_bad_lines_name_the_line_and_the_fix(text, message):
    with pytest.raises(BadInput) as caught:
        parse_holiday_table(text)
    assert message in caught.value.message
    assert caught.value.field == "holidays"


def test_a_date_entered_twice_names_both_lines():
    with pytest.raises(BadInput) as caught:
        parse_holiday_table("2027-02-06~2027-02-12 春节\n2027-01-01 元旦\n2027-02-07 调休上班")
    assert "第3行" in caught.value.message and "第1行" in caught.value.message


def test_dump_is_sorted_one_line_per_day_and_reads_back_unchanged():
    table = HolidayTable(
        extra_holidays={date(2027, 2, 8): "春节", date(2027, 1, 1): "元旦"},
        extra_workdays={date(2027, 2, 7): "调休上班", date(2027, 2, 20): "春节"},
    )
    text = dump_holiday_table(table)
    assert text.splitlines() == [
        "2027-01-01 元旦",
        "2027-02-07 调休上班",
        "2027-02-08 春节",
        "2027-02-20 春节调休上班",  # marked so it reads back as a working day
    ]
    again = parse_holiday_table(text)
    assert again.extra_holidays == {date(2027, 1, 1): "元旦", date(2027, 2, 8): "春节"}
    assert set(again.extra_workdays) == {date(2027, 2, 7), date(2027, 2, 20)}
    assert dump_holiday_table(again) == text
    assert dump_holiday_table(HolidayTable()) == ""
    assert dump_holiday_table(WorkCalendar.from_table(again).table()) == text


# -- dates nobody picked: checked day by day against the package itself --------------

def _oracle_is_workday(day: date) -> bool:
    """chinese_calendar where it has data, beyond it Monday–Friday less the law's days off (no office table)."""
    if day.year in PACKAGE_YEARS:
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5 and day not in statutory_days_off(day.year)


def _oracle_deadline(start: datetime, n: int) -> datetime:
    """Walk the days one by one: a request received on a day off starts at the next working
    day's 09:00; then each of the n working days after it, same time of day."""
    day, moment = start.date(), start
    if not _oracle_is_workday(day):
        while not _oracle_is_workday(day):
            day += timedelta(1)
        moment = datetime.combine(day, time(9), tzinfo=CHINA_TZ)
    counted = 0
    while counted < n:
        day += timedelta(1)
        if _oracle_is_workday(day):
            counted += 1
    return datetime.combine(day, moment.timetz())


@pytest.mark.parametrize("seed", range(4))
def test_random_moments_2019_to_2027_match_a_day_by_day_walk(calendar, seed):
    import random

    rng = random.Random(seed)
    first = date(2019, 1, 1)
    span = (date(2027, 12, 20) - first).days
    for _ in range(250):
        day = first + timedelta(rng.randrange(span))
        # Office hours on a working day; any time on a day off (it starts at the next opening).
        hour = rng.randrange(9, 18) if _oracle_is_workday(day) else rng.randrange(0, 24)
        start = datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=CHINA_TZ)
        n = rng.randrange(0, 11)
        assert calendar.add_workdays(start, n) == _oracle_deadline(start, n), (start, n)


# -- the reminder to enter next year's 调休 -------------------------------------------


def test_from_december_the_calendar_asks_for_next_years_table_until_something_is_entered(calendar):
    assert calendar.table_reminder(date(2026, 11, 30)) is None
    reminder = calendar.table_reminder(date(2026, 12, 1))
    assert reminder is not None
    assert reminder.startswith("2027年的调休安排还没有录入")
    assert "设置 → 服务时限与节假日 → 节假日" in reminder and "录入2027年的放假和调休上班日" in reminder
    entered = WorkCalendar(extra_workdays={date(2027, 2, 20): "春节调休上班"})
    assert entered.table_reminder(date(2026, 12, 1)) is None
    # A year already begun without a table is asked for all year; from December the next one too.
    assert calendar.missing_table_years(date(2027, 6, 1)) == [2027]
    assert calendar.missing_table_years(date(2027, 12, 1)) == [2027, 2028]
    assert entered.missing_table_years(date(2027, 12, 1)) == [2028]
