"""A settable clock for services that take ``clock=`` (requests, documents): tests move time by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from butler_desk.domain.workdays import CHINA_TZ


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """A moment in China time."""
    return datetime(y, m, d, hh, mm, tzinfo=CHINA_TZ)


class Clock:
    """The services' idea of now, moved by the test."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)
