"""A settable clock: tests move time by hand, for one service (``clock=``) or the whole program.

Pass a ``Clock`` as ``clock=`` to a service that takes one (requests), or hand it to
:func:`butler_desk.domain.clock.use` to move every "now" and "today" in the program.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from butler_desk.domain import clock as program_clock
from butler_desk.domain.clock import CHINA_TZ


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """A moment in China time."""
    return datetime(y, m, d, hh, mm, tzinfo=CHINA_TZ)


class Clock:
    """The idea of now a test moves by hand: aware, handed out in UTC like the system clock."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@contextmanager
def program_at(at: datetime) -> Iterator[Clock]:
    """The whole program's clock set to ``at`` for the block; the Clock given moves it."""
    moved = Clock(at)
    with program_clock.use(moved):
        yield moved
