"""Column types shared by the models: timezone-aware UTC datetimes that work on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

from butler_desk.domain import clock


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; always hands back an aware datetime in UTC.

    SQLite keeps no zone, so we normalise to naive UTC on the way in and re-attach UTC on
    the way out; PostgreSQL's ``timestamptz`` does the same by itself.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a zone first")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return clock.utcnow()
