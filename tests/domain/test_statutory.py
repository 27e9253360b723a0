"""The law's own days off (全国年节及纪念日放假办法, 2024): 2027 by hand, and checked against chinese_calendar."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import chinese_calendar
import pytest

from butler_desk.domain.statutory import festival_days, qingming, statutory_days_off, statutory_note
from butler_desk.domain.workdays import PACKAGE_YEARS

# 2027, worked out by hand from the rules and a printed calendar (除夕 5 Feb, 初一 6 Feb).
DAYS_OFF_2027 = {
    date(2027, 1, 1): "元旦",  # Friday
    date(2027, 2, 5): "春节",  # 除夕, Friday
    date(2027, 2, 6): "春节",  # 初一, Saturday
    date(2027, 2, 7): "春节",  # 初二, Sunday
    date(2027, 2, 8): "春节",  # 初三, Monday
    date(2027, 2, 9): "春节补假",  # for Saturday 6 February
    date(2027, 2, 10): "春节补假",  # for Sunday 7 February
    date(2027, 4, 5): "清明节",  # Monday
    date(2027, 5, 1): "劳动节",  # Saturday
    date(2027, 5, 2): "劳动节",  # Sunday
    date(2027, 5, 3): "劳动节补假",
    date(2027, 5, 4): "劳动节补假",
    date(2027, 6, 9): "端午节",  # Wednesday
    date(2027, 9, 15): "中秋节",  # Wednesday
    date(2027, 10, 1): "国庆节",  # Friday
    date(2027, 10, 2): "国庆节",
    date(2027, 10, 3): "国庆节",
    date(2027, 10, 4): "国庆节补假",
    date(2027, 10, 5): "国庆节补假",
}


def test_2027_days_off_are_exactly_the_hand_worked_list():
    assert dict(statutory_days_off(2027)) == DAYS_OFF_2027


def test_a_weekday_holiday_owes_nothing_and_a_weekend_one_owes_the_next_weekdays():
    # 2028: 元旦 on a Saturday gives Monday 3 January; 端午 on Sunday 28 May gives Monday 29 May.
    days = statutory_days_off(2028)
    assert days[date(2028, 1, 1)] == "元旦" and days[date(2028, 1, 3)] == "元旦补假"
    assert date(2028, 1, 2) not in days  # a plain Sunday, nothing owed for it
    assert days[date(2028, 5, 28)] == "端午节" and days[date(2028, 5, 29)] == "端午节补假"
    # 2028: 国庆 on Sunday 1 October, 中秋 on Tuesday 3 October (a 国庆 day): two days owed,
    # the first weekdays after 3 October that are no festival: 4 and 5 October.
    assert days[date(2028, 10, 3)] == "中秋节、国庆节"
    assert days[date(2028, 10, 4)] == "国庆节补假" and days[date(2028, 10, 5)] == "国庆节补假"
    assert date(2028, 10, 6) not in days


def test_the_2020_coincidence_of_mid_autumn_and_national_day_matches_the_notice():
    # The 2020 notice: 1–8 October off, Sunday 27 September and Saturday 10 October worked.
    # The law's part of that: 1, 2 (holidays), 3, 4 (weekend), 5 and 6 owed; 7 and 8 were swapped.
    days = statutory_days_off(2020)
    assert [d for d in days if d.month == 10] == [date(2020, 10, d) for d in (1, 2, 3, 5, 6)]


@pytest.mark.parametrize(("year", "eve"), [(2024, date(2024, 2, 9)), (2025, date(2025, 1, 28)),
                                           (2026, date(2026, 2, 16)), (2027, date(2027, 2, 5)),
                                           (2030, date(2030, 2, 2))])
def test_new_years_eve_is_the_day_before_the_first_whether_the_twelfth_month_has_29_or_30_days(year, eve):
    # 2025–2029 have no 腊月三十 (腊月 of 29 days); 2024 and 2030 do.
    assert festival_days(year)["春节"] == [eve + timedelta(days=n) for n in range(4)]


def test_qingming_agrees_with_chinese_calendar_solar_terms_and_the_century_formula():
    for year in range(1901, 2100):
        terms = [d for d, name in chinese_calendar.get_solar_terms(date(year, 3, 25), date(year, 4, 10))
                 if name == "清明"]
        assert terms == [qingming(year)], year
    # The well-known 21st-century rule: day = ⌊Y·0.2422 + 4.81⌋ − ⌊Y/4⌋, Y the last two digits.
    for year in range(2001, 2100):
        y = year % 100
        assert qingming(year) == date(year, 4, int(y * 0.2422 + 4.81) - y // 4), year


def test_years_outside_the_lunar_tables_give_no_days_rather_than_wrong_ones():
    assert dict(statutory_days_off(2100)) == {}
    assert statutory_note(date(2100, 1, 1)) is None


# -- against chinese_calendar's real data, 2020–2026 -----------------------------------

# 国务院办公厅关于延长2020年春节假期的通知 (COVID-19): an extension no rule predicts.
EXTRAORDINARY = {date(2020, 1, 30), date(2020, 1, 31)}


def _compare(year: int) -> tuple[list[date], Counter[str]]:
    """Statutory days chinese_calendar has off that the fallback misses, and the other differences by kind."""
    # The fallback's rule (WorkCalendar._decide past the package), asked directly since
    # WorkCalendar uses the package for these years.
    laws = statutory_days_off(year)
    missed: list[date] = []
    kinds: Counter[str] = Counter()
    day = date(year, 1, 1)
    while day.year == year:
        package_off = not chinese_calendar.is_workday(day)
        fallback_off = day.weekday() >= 5 or day in laws
        if package_off and not fallback_off:
            if chinese_calendar.is_in_lieu(day):
                kinds["bridged weekday (调休放假)"] += 1
            else:
                missed.append(day)
        elif fallback_off and not package_off:
            if day.weekday() >= 5:
                kinds["weekend worked (调休上班)"] += 1
            elif laws.get(day) == "春节" and day == festival_days(year)["春节"][0] and year < 2025:
                kinds["除夕 before the 2024 revision took effect"] += 1
            else:
                missed.append(day)  # a fallback day off the package has as work: unexplained
        day += timedelta(days=1)
    return missed, kinds


def test_the_fallback_marks_every_statutory_day_the_package_has_for_2020_to_2026():
    assert set(range(2020, 2027)) <= set(PACKAGE_YEARS)
    totals: Counter[str] = Counter()
    unexplained = []
    for year in range(2020, 2027):
        missed, kinds = _compare(year)
        unexplained += missed
        totals += kinds
    assert set(unexplained) == EXTRAORDINARY
    # Every other difference is a 调休 swap (left to the office table) or the old 除夕 rule.
    print(f"\n2020–2026 differences apart from the 2020 extension: {dict(totals)}")
    assert set(totals) <= {"bridged weekday (调休放假)", "weekend worked (调休上班)",
                           "除夕 before the 2024 revision took effect"}
    assert totals["bridged weekday (调休放假)"] > 0 and totals["weekend worked (调休上班)"] > 0
