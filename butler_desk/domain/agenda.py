"""The shape of one item on the butler's agenda, which every area's service answers with."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from butler_desk.domain.workdays import WorkCalendar

AGENDA_AREAS = ("requests", "vacancy", "arrears", "documents")


@dataclass(frozen=True)
class DueItem:
    """Something due (or overdue) in one area; ``ref_id`` points back into that area."""

    area: str
    kind: str
    title: str
    due_at: datetime | None
    overdue: bool
    ref_id: int | None
    unit_code: str | None
    detail: str = ""

    def __post_init__(self) -> None:
        if self.area not in AGENDA_AREAS:
            raise ValueError(f"unknown agenda area {self.area!r}")
        if self.due_at is not None and self.due_at.tzinfo is None:
            raise ValueError("due_at must be timezone-aware")


def agenda_order(items: Iterable[DueItem]) -> list[DueItem]:
    """Overdue first, then by due time; undated items last; ties keep area order."""
    return sorted(
        items,
        key=lambda item: (
            not item.overdue,
            item.due_at is None,
            item.due_at.timestamp() if item.due_at else 0.0,
            AGENDA_AREAS.index(item.area),
        ),
    )


def holiday_table_item(calendar: WorkCalendar, today: date) -> DueItem | None:
    """The agenda's reminder to enter a year's 调休 (from December for next year), or None.

    Filed under requests because their deadlines are what a missing table gets wrong;
    due at the start of the year concerned, so a year already begun shows as overdue.
    """
    reminder = calendar.table_reminder(today)
    if reminder is None:
        return None
    year = calendar.missing_table_years(today)[0]
    due = datetime.combine(date(year, 1, 1), time(0), tzinfo=calendar.zone)
    return DueItem("requests", "holiday_table", f"录入{year}年的节假日调休安排", due,
                   year <= today.year, None, None, reminder)
