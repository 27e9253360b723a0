"""The program's one "now" and "today": timezone-aware, in the estate's zone, and settable by tests.

Every part of Butler Desk asks this module for the time; nothing else calls
``datetime.now()``/``date.today()`` (tests/domain/test_clock.py greps for that). A test
moves time for the whole program with :func:`use` (a context manager) or
:func:`set_source`; services that take ``clock=`` default to :func:`utcnow`, so a
source set here reaches them too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone

# China has kept UTC+8 without daylight saving since 1991. A fixed offset avoids
# zoneinfo, which needs the tzdata package on Windows to know "Asia/Shanghai".
CHINA_TZ = timezone(timedelta(hours=8), "北京时间")
# The estate is in China: its dates (deadlines, registers, file names) are China dates.
ESTATE_TZ = CHINA_TZ

Source = Callable[[], datetime]


def _system_now() -> datetime:
    return datetime.now(UTC)  # the one place the system clock is read


_source: Source = _system_now


def utcnow() -> datetime:
    """The current moment, aware, in UTC (what the database stores)."""
    moment = _source()
    if moment.tzinfo is None:
        raise ValueError("a clock source must give timezone-aware datetimes")
    return moment.astimezone(UTC)


def now() -> datetime:
    """The current moment, aware, in the estate's zone."""
    return utcnow().astimezone(ESTATE_TZ)


def today() -> date:
    """The estate's date now (a desk whose system zone is not China still gets China's date)."""
    return now().date()


def stamp(fmt: str) -> str:
    """The estate's current time written with ``fmt``, for file names (e.g. ``%Y%m%d-%H%M%S``)."""
    return now().strftime(fmt)


def set_source(source: Source | None) -> None:
    """Make ``source`` the program's clock (None: the system clock again). For tests and demos."""
    global _source
    _source = source or _system_now


@contextmanager
def use(source: Source | datetime) -> Iterator[None]:
    """Within the block the program's clock is ``source`` (a callable, or a fixed aware moment)."""
    previous = _source
    if isinstance(source, datetime):
        fixed = source
        set_source(lambda: fixed)
    else:
        set_source(source)
    try:
        yield
    finally:
        set_source(previous)
