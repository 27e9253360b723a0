"""Vacant-unit rules (空置房巡查, seed §六): reasons, the checklist, the monthly round, walking order, round status.

Pure: no database, no files. The checklist's items come from the 空置房巡视记录表 form
(forms/vacant-inspection.toml); the service reads the file and hands its parsed data to
:func:`checklist_from_form`, so the paper and the dialog can never disagree about the items.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from butler_desk.domain.enums import UnitStatus
from butler_desk.domain.errors import BadInput
from butler_desk.domain.rooms import RoomCode

# The reasons real offices write in 空置原因 (DOMAIN.md, "Vacant-unit record").
REASONS: tuple[str, ...] = ("未售", "未拿房", "开发商保留", "纠纷", "查封", "其他")
DEFAULT_REASON = "其他"

# The ledger statuses that put a unit on the round: not handed over, or handed over but not lived in.
VACANT_STATUSES: frozenset[UnitStatus] = frozenset({UnitStatus.VACANT, UnitStatus.HANDED_OVER})

PASS = "正常"
FAIL = "不正常"
# Items whose meter reading the form asks for (key of the checklist item → key of the reading field).
METER_ITEMS: Mapping[str, str] = {"water": "water_meter", "power": "power_meter", "gas": "gas_meter"}


class RoundStatus(StrEnum):
    """Where a vacant unit stands in a month's round."""

    DUE = "待巡"  # not yet inspected this month, month not over
    DONE = "已巡"  # inspected this month, every item 正常
    FAILED = "有问题"  # inspected this month, at least one item 不正常
    OVERDUE = "逾期未巡"  # the month is over and nobody went


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    hint: str = ""
    has_reading: bool = False


@dataclass(frozen=True)
class ItemResult:
    """One item as recorded: passed or not, an optional meter reading and a note."""

    key: str
    passed: bool = True
    reading: str = ""
    note: str = ""


def checklist_from_form(form: Mapping[str, object]) -> tuple[ChecklistItem, ...]:
    """The check items of the 空置房巡视记录表 (its ``checklist`` block), in the form's order."""
    blocks = form.get("blocks")
    if not isinstance(blocks, list):
        raise BadInput("空置房巡视记录表格式有误：缺少 blocks")
    for block in blocks:
        if isinstance(block, Mapping) and block.get("type") == "checklist":
            items = []
            for raw in block.get("items", []):
                key, label = str(raw.get("key", "")).strip(), str(raw.get("label", "")).strip()
                if not key or not label:
                    raise BadInput("空置房巡视记录表的检查项目缺少 key 或 label")
                items.append(ChecklistItem(key, label, str(raw.get("hint", "")), key in METER_ITEMS))
            if not items:
                break
            if len({i.key for i in items}) != len(items):
                raise BadInput("空置房巡视记录表的检查项目 key 重复")
            return tuple(items)
    raise BadInput("空置房巡视记录表缺少检查项目（checklist）")


def check_reason(reason: str | None) -> str:
    """A vacancy reason from the list; empty means 其他 (the office did not say)."""
    text = (reason or "").strip()
    if not text:
        return DEFAULT_REASON
    if text not in REASONS:
        raise BadInput(f"空置原因“{text}”无效，请选择：{'/'.join(REASONS)}", field="reason")
    return text


def check_results(
    checklist: Iterable[ChecklistItem], results: Iterable[ItemResult] = ()
) -> tuple[ItemResult, ...]:
    """Every checklist item with its result: items not given default to 正常 (a clean unit is one key).

    A failed item needs a note saying what is wrong (engineering gets it on the repair request);
    a reading must be a non-negative number.
    """
    items = list(checklist)
    by_key = {i.key: i for i in items}
    given: dict[str, ItemResult] = {}
    for r in results:
        if r.key not in by_key:
            raise BadInput(f"检查项目“{r.key}”不在空置房巡视记录表中", field=r.key)
        given[r.key] = r
    out = []
    for item in items:
        r = given.get(item.key, ItemResult(item.key))
        reading = r.reading.strip()
        if reading:
            if not item.has_reading:
                raise BadInput(f"“{item.label}”没有表读数，请清空读数", field=item.key)
            try:
                value = float(reading)
            except ValueError:
                raise BadInput(f"“{item.label}”的表读数“{reading}”不是数字", field=item.key) from None
            if value < 0:
                raise BadInput(f"“{item.label}”的表读数不能为负数", field=item.key)
        note = r.note.strip()
        if not r.passed and not note:
            raise BadInput(f"“{item.label}”不正常，请在情况说明中写明问题", field=item.key)
        out.append(ItemResult(item.key, r.passed, reading, note))
    return tuple(out)


def month_of(day: date) -> date:
    """The round a day belongs to, as the first of its month (rounds are monthly: at least once a month)."""
    return day.replace(day=1)


def parse_month(text: str) -> date:
    """``2026-12`` → 2026-12-01, with a Chinese message for anything else."""
    try:
        year, month = (int(p) for p in text.strip().split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        raise BadInput(f"月份“{text}”无效，请按 2026-12 的格式填写", field="month") from None


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def month_end(month: date) -> date:
    return next_month(month) - timedelta(days=1)


def days_left(month: date, today: date) -> int:
    """Days left in the round's month counting today (0 once the month is over)."""
    return max(0, (month_end(month) - today).days + 1)


def is_due(vacant_from: date, vacant_until: date | None, month: date) -> bool:
    """A unit is on a month's round if it was vacant on any day of that month."""
    return vacant_from <= month_end(month) and (vacant_until is None or vacant_until >= month)


def round_status(month: date, today: date, results: Iterable[bool]) -> RoundStatus:
    """The unit's status in ``month``: ``results`` are the overall passes of its inspections that month.

    Any inspection with a problem marks the month 有问题 (a later clean one does not hide
    that the round found something); none, and the month is over → 逾期未巡.
    """
    outcomes = list(results)
    if outcomes:
        return RoundStatus.DONE if all(outcomes) else RoundStatus.FAILED
    return RoundStatus.OVERDUE if today > month_end(month) else RoundStatus.DUE


def walking_key(code: RoomCode) -> tuple[object, ...]:
    """Walking order on a round: building, unit, floor, room (ground floors first, then up)."""
    floor = code.floor if code.floor is not None else 0
    building, unit, room = code.sort_key
    return (building, unit, floor, room)
