"""Chinese working days: the statutory calendar, its fallback, and the office holiday table."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from types import MappingProxyType

import chinese_calendar

from butler_desk.domain.clock import CHINA_TZ
from butler_desk.domain.errors import BadInput
from butler_desk.domain.statutory import statutory_note
from butler_desk.domain.text import clean_text

DEFAULT_BUSINESS_START = time(9, 0)

# The package's English holiday names, shown to users in Chinese.
_HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}

# Words that mark a line of the office table as a make-up working day (调休上班).
WORKDAY_MARKERS = ("上班", "补班")
# A run of this many days without one working day means the table is wrong;
# it also keeps the day-stepping loops finite.
_MAX_DAYS_OFF_IN_A_ROW = 60
_MAX_RANGE_DAYS = 31


def _probe_package_years() -> range:
    """Ask chinese_calendar which years it has data for, so no year is hard-coded here."""
    supported = []
    # The package raises NotImplementedError outside its data; probing a wide span
    # keeps working when a newer package release adds years at either end.
    for year in range(1990, 2201):
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            continue
        supported.append(year)
    if not supported:
        return range(0)
    return range(min(supported), max(supported) + 1)


PACKAGE_YEARS: range = _probe_package_years()


def is_workday_note(note: str) -> bool:
    """Whether a note of the office table means "this day is worked" (调休上班/补班)."""
    return any(marker in note for marker in WORKDAY_MARKERS)


def _as_local_date(value: date | datetime, zone: tzinfo) -> date:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.date()
        return value.astimezone(zone).date()
    return value


def _clean_table(
    entries: Mapping[date, str] | None, *, workdays: bool
) -> dict[date, str]:
    cleaned: dict[date, str] = {}
    for day, note in (entries or {}).items():
        if isinstance(day, datetime) or not isinstance(day, date):
            raise TypeError(f"holiday table keys must be dates, got {day!r}")
        text = (note or "").strip()
        if workdays:
            cleaned[day] = text or "调休上班"
        else:
            if is_workday_note(text):
                raise BadInput(
                    f"{day.isoformat()} 登记为放假，但说明“{text}”写着上班；"
                    "放假日的说明请不要含“上班”“补班”，调休上班日请登记到上班日。",
                    field="holidays",
                )
            cleaned[day] = text or "放假"
    return cleaned


@dataclass(frozen=True)
class HolidayTable:
    """The office's own holiday table: days off and make-up working days, each with a note."""

    extra_holidays: Mapping[date, str] = field(default_factory=dict)
    extra_workdays: Mapping[date, str] = field(default_factory=dict)


class WorkCalendar:
    """Working days per the State Council calendar, overridden by the office's table.

    For years chinese_calendar has data for, its answer (holidays and 调休 make-up
    days) is used; for other years the fallback is Monday–Friday less the days off
    the law itself gives (:mod:`butler_desk.domain.statutory`: 元旦, 春节 除夕–初三,
    清明, 劳动节, 端午, 中秋, 国庆 and the 补假 for those falling on a weekend). Only
    the yearly notice's 调休 swaps are then missing, and they come from the office
    table. In every year the office table wins: ``extra_holidays`` are days off,
    ``extra_workdays`` are make-up working days.
    """

    def __init__(
        self,
        extra_holidays: Mapping[date, str] | None = None,
        extra_workdays: Mapping[date, str] | None = None,
        *,
        business_start: time = DEFAULT_BUSINESS_START,
        zone: tzinfo = CHINA_TZ,
    ) -> None:
        days_off = _clean_table(extra_holidays, workdays=False)
        days_on = _clean_table(extra_workdays, workdays=True)
        both = sorted(set(days_off) & set(days_on))
        if both:
            listed = "、".join(d.isoformat() for d in both)
            raise BadInput(
                f"{listed} 同时登记为放假和上班，请删去其中一条。", field="holidays"
            )
        self._days_off = MappingProxyType(days_off)
        self._days_on = MappingProxyType(days_on)
        self.business_start = business_start
        self.zone = zone
        # The calendar never changes once built, and deadline lists ask the same
        # days over and over (the package call costs ~20 µs each).
        self._answers: dict[date, bool] = {}

    @classmethod
    def from_table(
        cls,
        table: HolidayTable,
        *,
        business_start: time = DEFAULT_BUSINESS_START,
        zone: tzinfo = CHINA_TZ,
    ) -> WorkCalendar:
        """A calendar using a table read by :func:`parse_holiday_table`."""
        return cls(
            table.extra_holidays,
            table.extra_workdays,
            business_start=business_start,
            zone=zone,
        )

    @property
    def extra_holidays(self) -> Mapping[date, str]:
        return self._days_off

    @property
    def extra_workdays(self) -> Mapping[date, str]:
        return self._days_on

    def table(self) -> HolidayTable:
        return HolidayTable(dict(self._days_off), dict(self._days_on))

    # -- single days -------------------------------------------------------------

    def uses_fallback(self, d: date | datetime) -> bool:
        """True when the package has no data for d's year, so the law's holidays and the office table decide."""
        return _as_local_date(d, self.zone).year not in PACKAGE_YEARS

    def is_workday(self, d: date | datetime) -> bool:
        day = _as_local_date(d, self.zone)
        known = self._answers.get(day)
        if known is None:
            known = self._answers[day] = self._decide(day)
        return known

    def _decide(self, day: date) -> bool:
        if day in self._days_on:
            return True
        if day in self._days_off:
            return False
        if day.year in PACKAGE_YEARS:
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5 and statutory_note(day) is None

    def day_note(self, d: date | datetime) -> str | None:
        """Why a day is special, in Chinese ("国庆节", "春节调休上班", the office's note), or None."""
        day = _as_local_date(d, self.zone)
        if day in self._days_on:
            return self._days_on[day]
        if day in self._days_off:
            return self._days_off[day]
        if day.year not in PACKAGE_YEARS:
            return statutory_note(day)
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if name is None:
            return None
        name_zh = _HOLIDAY_NAMES_ZH.get(name, name)
        return name_zh if on_holiday else f"{name_zh}调休上班"

    def next_workday(self, d: date | datetime) -> date:
        """The first working day strictly after d."""
        day = _as_local_date(d, self.zone)
        for _ in range(_MAX_DAYS_OFF_IN_A_ROW):
            day += timedelta(days=1)
            if self.is_workday(day):
                return day
        raise BadInput(
            f"{_as_local_date(d, self.zone).isoformat()} 之后连续 {_MAX_DAYS_OFF_IN_A_ROW} 天都不是工作日，"
            "请检查节假日表。",
            field="holidays",
        )

    # -- spans -------------------------------------------------------------------

    def add_workdays(
        self, start: datetime, n: int, *, business_start: time | None = None
    ) -> datetime:
        """The moment n working days after ``start``, counted as an office counts.

        Received on a working day (at any hour): due at the same clock time on the
        n-th following working day, so 15:00 + 5 working days is 15:00 on the fifth
        working day after. Received on a day off: the clock starts at the next
        working day's start of business (``business_start``, default 09:00) and
        counts from there, as though received then. n = 0 gives that start moment.
        The result is in the calendar's zone.
        """
        if start.tzinfo is None:
            raise ValueError("add_workdays needs a timezone-aware datetime")
        if n < 0:
            raise ValueError("add_workdays counts forward only")
        opening = business_start or self.business_start
        local = start.astimezone(self.zone)
        if self.is_workday(local.date()):
            clock_start = local
        else:
            first = self.next_workday(local.date())
            clock_start = datetime.combine(first, opening, tzinfo=self.zone)
        day = clock_start.date()
        for _ in range(n):
            day = self.next_workday(day)
        return datetime.combine(day, clock_start.timetz())

    def workdays_between(self, a: date | datetime, b: date | datetime) -> int:
        """Working days in (a, b]: after a, up to and including b; negative when b < a.

        It is the inverse of :meth:`add_workdays` for a start on a working day:
        ``workdays_between(s, add_workdays(s, n)) == n``.
        """
        first = _as_local_date(a, self.zone)
        last = _as_local_date(b, self.zone)
        if last < first:
            return -self.workdays_between(last, first)
        count = 0
        day = first
        while day < last:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count

    def workdays_in(self, first: date, last: date) -> list[date]:
        """The working days from first to last, both included."""
        days = []
        day = first
        while day <= last:
            if self.is_workday(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    # -- fallback, said out loud ---------------------------------------------------

    def fallback_years(self, dates: Iterable[date | datetime]) -> set[int]:
        """The years among ``dates`` the package has no data for."""
        return {
            day.year
            for day in (_as_local_date(d, self.zone) for d in dates)
            if day.year not in PACKAGE_YEARS
        }

    def fallback_notice(self, dates: Iterable[date | datetime]) -> str | None:
        """A Chinese sentence for the screen when any of ``dates`` uses the fallback, else None."""
        years = sorted(self.fallback_years(dates))
        if not years:
            return None
        parts = []
        for year in years:
            off, on = self._entries_in(year)
            if off or on:
                parts.append(f"{year}年已录入放假 {off} 天、调休上班 {on} 天")
            else:
                parts.append(f"{year}年尚未录入调休安排，调休上班的周末会被当作休息日、连休的工作日会被当作工作日")
        listed = "、".join(f"{y}年" for y in years)
        return (
            f"{listed}的国务院放假安排未内置（{_covered()}），工作日按周一至周五计算，"
            f"已扣除{STATUTORY_LIST}及逢周末的补假，调休以办公室节假日表为准：{'；'.join(parts)}。"
            f"请在“{SETTINGS_PATH}”中核对。"
        )

    def _entries_in(self, year: int) -> tuple[int, int]:
        off = sum(1 for d in self._days_off if d.year == year)
        on = sum(1 for d in self._days_on if d.year == year)
        return off, on

    def missing_table_years(self, today: date) -> list[int]:
        """Years whose 调休 the office must enter now: not in the package and nothing entered.

        This year when it lacks data; from 1 December also next year, so the office
        enters it as soon as the State Council publishes it (usually in November).
        """
        wanted = [today.year] + ([today.year + 1] if today.month == 12 else [])
        return [y for y in wanted if y not in PACKAGE_YEARS and self._entries_in(y) == (0, 0)]

    def table_reminder(self, today: date) -> str | None:
        """The Chinese sentence for the agenda and the settings when a year's 调休 is missing, else None."""
        years = self.missing_table_years(today)
        if not years:
            return None
        listed = "、".join(f"{y}年" for y in years)
        return (
            f"{listed}的调休安排还没有录入：内置数据{_covered()}，{listed}的{STATUTORY_LIST}及逢周末的补假"
            f"已自动计算，但国务院每年公布的调休上班日和连休日需要手工录入，否则时限会按未调休计算。"
            f"国务院放假通知发布后，请在“{SETTINGS_PATH}”中录入{listed}的放假和调休上班日。"
        )


STATUTORY_LIST = "法定节假日（元旦、春节、清明、劳动节、端午、中秋、国庆）"
SETTINGS_PATH = "设置 → 服务时限与节假日 → 节假日"


def _covered() -> str:
    if PACKAGE_YEARS:
        return f"只覆盖{PACKAGE_YEARS.start}–{PACKAGE_YEARS.stop - 1}年"
    return "不可用"


# -- the holiday table as text, for the settings editor ---------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
_RANGE_SEPARATORS = re.compile(r"~|至")
_SPACED_RANGE = re.compile(r"^(\S+?)\s*(~|至)\s*(\d)")
_EXAMPLE = "请写成“2027-01-01 元旦”或“2027-02-07 调休上班”，连续几天可写“2027-02-06~2027-02-12 春节”"


def _parse_day(text: str, line_no: int) -> date:
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise BadInput(
                    f"第{line_no}行：日期“{text}”不存在，请检查月份和日。", field="holidays"
                ) from None
    raise BadInput(f"第{line_no}行：看不懂日期“{text}”，{_EXAMPLE}。", field="holidays")


def parse_holiday_table(text: str) -> HolidayTable:
    """Read the office holiday table from the settings editor's text.

    One date (or a range joined by ``~`` or ``至``) per line, then a note. A note
    containing 上班 or 补班 makes the day(s) make-up working days; any other note,
    or none, makes them days off. Blank lines and lines starting with ``#`` are
    skipped. Errors name the line number.
    """
    days_off: dict[date, str] = {}
    days_on: dict[date, str] = {}
    first_line_of: dict[date, int] = {}
    for line_no, raw in enumerate(text.splitlines(), start=1):
        # Folds full-width digits, spaces and ～ typed with a Chinese IME.
        line = clean_text(raw)
        if not line or line.startswith("#"):
            continue
        # "2027-10-02 至 2027-10-03" is one range, however it is spaced.
        line = _SPACED_RANGE.sub(r"\1\2\3", line)
        date_part, *rest = line.split(maxsplit=1)
        note = rest[0].strip() if rest else ""
        bounds = [part.strip() for part in _RANGE_SEPARATORS.split(date_part)]
        if len(bounds) == 1:
            first = last = _parse_day(bounds[0], line_no)
        elif len(bounds) == 2 and all(bounds):
            first, last = (_parse_day(part, line_no) for part in bounds)
            if last < first:
                raise BadInput(
                    f"第{line_no}行：结束日期早于开始日期，请把早的日期写在前面。",
                    field="holidays",
                )
            if (last - first).days >= _MAX_RANGE_DAYS:
                raise BadInput(
                    f"第{line_no}行：一次最多登记 {_MAX_RANGE_DAYS} 天，请分成几行。",
                    field="holidays",
                )
        else:
            raise BadInput(f"第{line_no}行：看不懂“{date_part}”，{_EXAMPLE}。", field="holidays")
        working = is_workday_note(note)
        target = days_on if working else days_off
        day = first
        while day <= last:
            if day in first_line_of:
                raise BadInput(
                    f"第{line_no}行：{day.isoformat()} 在第{first_line_of[day]}行已经登记过，请删去一行。",
                    field="holidays",
                )
            first_line_of[day] = line_no
            target[day] = note or ("调休上班" if working else "放假")
            day += timedelta(days=1)
    return HolidayTable(days_off, days_on)


def dump_holiday_table(table: HolidayTable) -> str:
    """The table as editor text, one date per line in date order; it reads back unchanged."""
    days_off = _clean_table(table.extra_holidays, workdays=False)
    days_on = _clean_table(table.extra_workdays, workdays=True)
    lines = []
    for day in sorted(set(days_off) | set(days_on)):
        if day in days_on:
            note = days_on[day]
            if not is_workday_note(note):
                note = f"{note}调休上班"
        else:
            note = days_off[day]
        # Notes are one line of text: a newline would split the entry in two.
        note = " ".join(note.split())
        lines.append(f"{day.isoformat()} {note}")
    return "\n".join(lines) + ("\n" if lines else "")
