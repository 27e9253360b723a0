"""The statutory days off any year has by law alone, before the State Council's yearly notice.

The 全国年节及纪念日放假办法 (as revised in 2024, 国务院令第795号) fixes, in article 2, the
holidays of all citizens:

- 元旦 1 January (1 day);
- 春节 农历除夕 and 正月初一 to 初三 (4 days);
- 清明节 the day of the 清明 solar term (1 day);
- 劳动节 1 and 2 May (2 days);
- 端午节 农历五月初五 (1 day);
- 中秋节 农历八月十五 (1 day);
- 国庆节 1 to 3 October (3 days).

Article 6 says: "全体公民放假的假日，如果适逢星期六、星期日，应当在工作日补假。" Our reading,
which is also how every yearly notice has applied it: each holiday day that falls on a
Saturday or a Sunday is owed one day off on a working day, given on the first working
days after that holiday's own days (Monday–Friday days that are not themselves a
statutory holiday or an earlier 补假). So 国庆 2027 (Fri 1, Sat 2, Sun 3 October) gives
补假 on Monday 4 and Tuesday 5 October. A holiday falling on another festival's day (中秋
on 1 October, as in 2020) is owed a day the same way: the article does not say so, but
the 2020 notice gave it (1–8 October with two weekend days worked is three 国庆 days, 中秋,
two weekend days and two days owed: one for Saturday 3 October, one for the coincidence),
and a citizen loses a day off either way.

What the law leaves to the yearly notice, and this module does not guess: the 调休 swaps
(weekend days worked, weekdays bridged into a longer break). Those come from the office's
own holiday table.

The lunar dates and the 清明 solar term come from lunar-python (6tail's calendar library,
astronomical solar terms, lunar months 1900–2100); 除夕 is taken as the day before 正月初一,
so a 腊月 of 29 days needs no special case.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

from lunar_python import Lunar, Solar

# The festivals in the order they fall in a year; 补假 are handed out in this order, so
# an earlier festival's 补假 is never taken by a later one.
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
MAKE_UP_SUFFIX = "补假"
# lunar-python's lunar tables: outside them the computed days would be wrong, so none are given.
SUPPORTED_YEARS = range(1901, 2100)


def _lunar(year: int, month: int, day: int) -> date:
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def qingming(year: int) -> date:
    """The day (China time) the sun reaches 15° ecliptic longitude: the 清明 solar term."""
    # Any day of March lies in a lunar year whose solar-term table includes that spring's 清明.
    lunar = Solar.fromYmd(year, 3, 31).getLunar()
    solar = lunar.getJieQiTable()["清明"]
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def festival_days(year: int) -> dict[str, list[date]]:
    """Each festival's statutory days in ``year``, per article 2 (no 补假, no 调休)."""
    new_year_lunar = _lunar(year, 1, 1)
    return {
        "元旦": [date(year, 1, 1)],
        # 除夕 is the last day of 腊月, whether it has 29 or 30 days.
        "春节": [new_year_lunar + timedelta(days=offset) for offset in range(-1, 3)],
        "清明节": [qingming(year)],
        "劳动节": [date(year, 5, 1), date(year, 5, 2)],
        "端午节": [_lunar(year, 5, 5)],
        "中秋节": [_lunar(year, 8, 15)],
        "国庆节": [date(year, 10, d) for d in (1, 2, 3)],
    }


@lru_cache(maxsize=64)
def _statutory_days_off(year: int) -> Mapping[date, str]:
    if year not in SUPPORTED_YEARS:
        return MappingProxyType({})
    by_festival = festival_days(year)
    days_off: dict[date, str] = {}
    owed: dict[str, int] = {}
    # First every festival's own days, so no 补假 lands on a later festival's day.
    for name in FESTIVALS:
        owed[name] = 0
        for day in by_festival[name]:
            if day in days_off:
                owed[name] += 1  # already another festival's day: owed like a weekend
                days_off[day] = f"{days_off[day]}、{name}"
            else:
                days_off[day] = name
                owed[name] += day.weekday() >= 5
    for name in FESTIVALS:
        day = max(by_festival[name])
        while owed[name]:
            day += timedelta(days=1)
            if day.weekday() < 5 and day not in days_off:
                days_off[day] = f"{name}{MAKE_UP_SUFFIX}"
                owed[name] -= 1
    return MappingProxyType(dict(sorted(days_off.items())))


def statutory_days_off(year: int) -> Mapping[date, str]:
    """Every day off the law itself gives in ``year``: holidays and their 补假, with a Chinese note.

    Empty for years outside lunar-python's tables. Weekends are not listed unless a
    holiday falls on one.
    """
    return _statutory_days_off(year)


def statutory_note(day: date) -> str | None:
    """"国庆节", "国庆节补假" or None for ``day`` by the law alone."""
    return _statutory_days_off(day.year).get(day)
