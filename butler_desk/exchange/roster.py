"""Resident roster files (业户资料): read rows and row issues from .xlsx/.csv, write failed rows back."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from butler_desk.domain import clock
from butler_desk.domain.enums import IdType, PartyRole, UnitStatus
from butler_desk.domain.errors import BadInput, Cancelled
from butler_desk.domain.rooms import RoomCode, parse_room_code, split_area_prefix
from butler_desk.exchange.cells import cell_text, excel_error, is_blank
from butler_desk.exchange.headers import Header, locate_header
from butler_desk.exchange.roster_columns import (
    COLUMNS_BY_KEY,
    EARLIEST_MOVE_IN,
    MATCHER,
    MOVE_IN_FUTURE_DAYS,
    PERSON_KEYS,
    ROSTER_COLUMNS,
    ROW_FIELDS,
    UNCALCULATED_MESSAGE,
    RosterColumn,
    accepts_header,
    expected_headers_text,
    formula_error,
    guess_id_type,
    id_number_converter,
    to_phones,
)
from butler_desk.exchange.sheets import open_spreadsheet
from butler_desk.exchange.xlsx_stream import UNCALCULATED

__all__ = [
    "ROSTER_COLUMNS",
    "RosterColumn",
    "RosterFile",
    "RosterRow",
    "RowIssue",
    "read_roster",
]

EXAMPLE_MARK = "示例"  # a row whose 备注 is exactly this is the template's example, never data
_INSTRUCTION_STARTS = ("必填", "选填", "填写说明", "说明：", "说明:", "注：", "注:")
_TOTAL_WORDS = ("合计", "总计", "小计")
_MARKER_FIRST_CHARS = frozenset(word[0] for word in _INSTRUCTION_STARTS + _TOTAL_WORDS)
_CHECK_EVERY = 256
_CANONICAL_ROOM = re.compile(r"([1-9][0-9]{0,3})-(?:([1-9][0-9]?)-)?([1-9][0-9]{0,4})")


@dataclass(frozen=True)
class RosterRow:
    """One clean roster row: a unit and, when ``name`` is set, one person tied to it."""

    sheet: str
    row: int  # 1-based row number as Excel shows it
    room: RoomCode
    cluster: str | None
    area: Decimal | None  # m², quantized to 0.01
    fee_rate: Decimal | None  # 元/㎡·月, quantized to 0.01
    status: UnitStatus | None
    name: str | None  # None when the row only describes the unit
    role: PartyRole
    phones: tuple[str, ...]  # canonical numbers
    id_type: IdType | None
    id_number: str | None
    mailing_address: str | None
    postcode: str | None
    key_client: bool | None  # None when the cell is blank: an existing person keeps their flag
    move_in: date | None
    notes: str | None
    unit_notes: str | None = None  # 房屋备注 (the ledger export writes it)


@dataclass(frozen=True)
class RowIssue:
    """One problem in one row: where it is and, in Chinese, what to fix."""

    sheet: str
    row: int  # Excel row number
    column: str  # header text as in the file; "" for a whole-row problem
    column_letter: str  # "D"; "" for a whole-row problem
    message: str


@dataclass
class SheetLayout:
    """Where one sheet's header is and which column holds what."""

    header: Header
    columns: dict[str, list[int]]


@dataclass
class RosterFile:
    """Everything read from one roster file; keeps the raw cells so failed rows can be written back."""

    path: Path
    sheets: list[str]  # sheets that held a roster
    rows: list[RosterRow]  # rows without issues
    issues: list[RowIssue]
    total_rows: int  # data rows seen (blank, instruction, example and total rows not counted)
    layouts: dict[str, SheetLayout] = field(default_factory=dict, repr=False)
    # (sheet, row) -> the row's cells as read (merged cells filled in), for every data row.
    cells: dict[tuple[str, int], list[Any]] = field(default_factory=dict, repr=False)

    @property
    def failed_row_count(self) -> int:
        return len({(issue.sheet, issue.row) for issue in self.issues})


def read_roster(
    path: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    today: date | None = None,
) -> RosterFile:
    """Read every sheet with a roster header; raise ``BadInput`` for file-level problems.

    ``today`` (the estate's date) bounds the move-in dates: none before 1950 or more than
    a year ahead. Without it, the local date of this computer is used.

    ``progress(done, total)`` is called every few hundred rows (``total`` is an estimate
    from the sheet dimensions, 0 when unknown); ``Cancelled`` is raised as soon as
    ``is_cancelled()`` returns True.
    """
    with _cyclic_gc_paused():
        return _read_roster(Path(path), progress, is_cancelled, today or clock.today())


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    # Reading keeps tens of thousands of rows alive and makes no reference cycles; the
    # cyclic collector would rescan them again and again (about a quarter of the read time
    # on 20,000 rows). Reference counting still frees garbage while it is paused.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_roster(
    path: Path, progress: Callable[[int, int], None] | None, is_cancelled: Callable[[], bool] | None, today: date
) -> RosterFile:
    roster = RosterFile(path=path, sheets=[], rows=[], issues=[], total_rows=0)
    seen: dict[tuple[str, str | None], tuple[str, int]] = {}
    near_misses: list[tuple[str, Header]] = []
    with open_spreadsheet(path) as book:
        estimate = sum(sheet.estimated_rows for sheet in book.sheets)
        done = 0
        for sheet in book.sheets:
            header, near, rows = locate_header(sheet.rows(), MATCHER, accepts_header)
            if header is None:
                if near is not None:
                    near_misses.append((sheet.name, near))
                continue
            layout = SheetLayout(header, _resolve_columns(header.columns))
            roster.sheets.append(sheet.name)
            roster.layouts[sheet.name] = layout
            parser = _RowParser(sheet.name, layout, seen, today)
            for number, values, own in rows:
                done += 1
                if done % _CHECK_EVERY == 0:
                    if is_cancelled is not None and is_cancelled():
                        raise Cancelled()
                    if progress is not None:
                        progress(done, max(estimate, done) if estimate else 0)
                if not own or _is_not_data(values, layout):
                    continue
                roster.total_rows += 1
                roster.cells[(sheet.name, number)] = values
                row, issues = parser.parse(number, values)
                if row is not None:
                    roster.rows.append(row)
                roster.issues.extend(issues)
    if not roster.sheets:
        raise _no_header(path, near_misses)
    if is_cancelled is not None and is_cancelled():
        raise Cancelled()
    if progress is not None:
        progress(done, done)
    return roster


def _no_header(path: Path, near_misses: list[tuple[str, Header]]) -> BadInput:
    if near_misses:
        sheet, header = near_misses[0]
        return BadInput(
            f"工作表“{sheet}”第 {header.row} 行像是表头，但没有房号列：请加一列“房号”（如 3-2-1201），"
            "或“楼栋”“单元”“房号”三列，然后再导入"
        )
    return BadInput(
        f"在“{path.name}”中没有找到业户资料的表头：表头一行要有“房号”列（或“楼栋”“单元”“房号”三列），"
        f"并至少还有一列以下列名：{expected_headers_text()}。建议下载导入模板对照填写"
    )


def _resolve_columns(columns: dict[str, list[int]]) -> dict[str, list[int]]:
    resolved = dict(columns)
    if "building" not in resolved and "room" not in resolved and "unit" in resolved:
        # Without a 楼栋 column, "单元号" is what some offices call the whole room code.
        resolved["room"] = resolved.pop("unit")
    return resolved


def _is_not_data(values: list[Any], layout: SheetLayout) -> bool:
    """Rows that are not people or units: the template's instructions and example, repeated
    headers, totals."""
    columns = layout.columns
    first = next((v for v in values if v is not None and not is_blank(v)), None)
    # Checked on every row, so the cheap first-character test guards the full one.
    if first.__class__ is str and first.lstrip()[:1] in _MARKER_FIRST_CHARS:
        first_text = cell_text(first)
        if first_text.startswith(_INSTRUCTION_STARTS) or first_text.startswith(_TOTAL_WORDS):
            return True
    notes = columns.get("notes")
    if notes and notes[0] < len(values):
        note = values[notes[0]]
        if note.__class__ is str and EXAMPLE_MARK in note and cell_text(note) == EXAMPLE_MARK:
            return True
    room_index = columns["room"][0]
    room_cell = values[room_index] if room_index < len(values) else None
    # A header repeated further down (sheets pasted together); real rooms always hold a digit.
    return (
        room_cell.__class__ is str
        and not any(char.isdigit() for char in room_cell)
        and MATCHER.key_of(room_cell) in ("room", "unit", "building")
    )


class _RowParser:
    """Turns one sheet's rows into ``RosterRow``s or issues, with duplicate detection across sheets."""

    def __init__(self, sheet: str, layout: SheetLayout, seen: dict[tuple[str, str | None], tuple[str, int]],
                 today: date) -> None:
        self.sheet = sheet
        self.latest_move_in = today + timedelta(days=MOVE_IN_FUTURE_DAYS)
        self.texts = [layout.header.text(i) for i in range(len(layout.header.cells))]
        self.index = {key: indexes[0] for key, indexes in layout.columns.items()}
        for key, index in self.index.items():
            self.texts[index] = self.texts[index] or COLUMNS_BY_KEY[key].header
        self.phone_indexes = layout.columns.get("phones", [])
        self.seen = seen
        self.split_room = "building" in self.index
        self.present_person_keys = [k for k in PERSON_KEYS if k in self.index]
        # (key, column index, converter, remember) of each single-column field the sheet has;
        # choice columns repeat a handful of values, so each answer (or its error) is remembered.
        self.fields = [(key, self.index[key], convert, remember) for key, convert, remember in ROW_FIELDS
                       if key in self.index]
        self.id_number_index = self.index.get("id_number", -1)
        self.memo: dict[tuple[str, type, Any], tuple[Any, str | None]] = {}
        self.rooms: dict[str, tuple[RoomCode | None, str, str]] = {}

    def header_text(self, index: int) -> str:
        return self.texts[index] if index < len(self.texts) else ""

    def parse(self, number: int, values: list[Any]) -> tuple[RosterRow | None, list[RowIssue]]:
        issues: list[RowIssue] = []
        width = len(values)
        texts = self.texts
        memo = self.memo

        def issue(index: int | None, message: str) -> None:
            if index is None:
                issues.append(RowIssue(self.sheet, number, "", "", message))
            else:
                letter = get_column_letter(index + 1)
                issues.append(RowIssue(self.sheet, number, self.header_text(index), letter, message))

        if UNCALCULATED in values:
            # Said per cell: the value the formula stands for is unknown, never silently blank.
            values = list(values)
            for index, value in enumerate(values):
                if value is UNCALCULATED:
                    issue(index, UNCALCULATED_MESSAGE)
                    values[index] = None

        # The columns the sheet has, in one loop: this runs for every cell of the file.
        got: dict[str, Any] = {}
        for key, index, convert, remember in self.fields:
            if index >= width:
                continue
            value = values[index]
            if value is None:
                continue
            if value.__class__ is str:
                if not value.strip():
                    continue
                if value[0] == "#" and excel_error(value):
                    issue(index, formula_error(texts[index], value))
                    continue
            if remember:
                memo_key = (key, value.__class__, value)
                found = memo.get(memo_key)
                if found is None:
                    try:
                        found = (convert(value, texts[index]), None)
                    except BadInput as exc:
                        found = (None, exc.message)
                    memo[memo_key] = found
                if found[1] is not None:
                    issue(index, found[1])
                got[key] = found[0]
                continue
            try:
                got[key] = convert(value, texts[index])
            except BadInput as exc:
                issue(index, exc.message)

        def read(index: int, convert: Callable[[Any, str], Any]) -> Any:
            if index >= width:
                return None
            value = values[index]
            if is_blank(value):
                return None
            if value.__class__ is str and value[0] == "#" and excel_error(value):
                issue(index, formula_error(texts[index], value))
                return None
            try:
                return convert(value, texts[index])
            except BadInput as exc:
                issue(index, exc.message)
                return None

        move_in = got.get("move_in")
        if move_in is not None and not EARLIEST_MOVE_IN <= move_in <= self.latest_move_in:
            issue(self.index["move_in"],
                  f"{texts[self.index['move_in']]}“{move_in.isoformat()}”不合理：应在 {EARLIEST_MOVE_IN.year} 年之后、"
                  f"不晚于 {self.latest_move_in.isoformat()}，请核对后重新填写")
        phones: list[str] = []
        for index in self.phone_indexes:
            for phone in read(index, to_phones) or ():
                if phone not in phones:
                    phones.append(phone)
        id_type = got.get("id_type")
        id_number = read(self.id_number_index, id_number_converter(id_type)) if self.id_number_index >= 0 else None
        if id_number and id_type is None:
            id_type = guess_id_type(id_number)
        name = got.get("name")
        cluster = got.get("cluster")
        room, cluster = self._room(values, cluster, issue)

        if name is None and self.present_person_keys:
            filled = [
                texts[self.index[k]]
                for k in self.present_person_keys
                if self.index[k] < width and not is_blank(values[self.index[k]])
            ]
            filled += [texts[i] for i in self.phone_indexes if i < width and not is_blank(values[i])]
            if filled:
                listed = "、".join(dict.fromkeys(filled))
                issue(self.index.get("name"), f"填写了{listed}，但没有姓名：请补上姓名，或删去这些内容")
        if room is not None:
            key = (room.code, name)
            earlier = self.seen.get(key)
            if earlier is not None:
                where = f"第 {earlier[1]} 行" if earlier[0] == self.sheet else f"工作表“{earlier[0]}”第 {earlier[1]} 行"
                who = f"姓名“{name}”" if name else "都没有姓名"
                issue(None, f"与{where}重复（房号 {room.code}、{who}）：请删除重复的一行，或把两行合并成一行")
            else:
                self.seen[key] = (self.sheet, number)
        if issues or room is None:
            if len(issues) > 1:  # left to right as the user reads the row; whole-row problems last
                issues.sort(key=lambda i: (i.column_letter == "", len(i.column_letter), i.column_letter))
            return None, issues
        get = got.get
        return (
            RosterRow(
                sheet=self.sheet, row=number, room=room, cluster=cluster, area=get("area"),
                fee_rate=get("fee_rate"), status=get("status"), name=name, role=get("role") or PartyRole.OWNER,
                phones=tuple(phones), id_type=id_type if id_number else None, id_number=id_number,
                mailing_address=get("mailing_address"), postcode=get("postcode"),
                key_client=get("key_client"), move_in=move_in, notes=get("notes"), unit_notes=get("unit_notes"),
            ),
            [],
        )

    def _room(
        self, values: list[Any], cluster: str | None, issue: Callable[[int | None, str], None]
    ) -> tuple[RoomCode | None, str | None]:
        room_index = self.index["room"]
        room_cell = values[room_index] if room_index < len(values) else None
        if room_cell.__class__ is str and not self.split_room:
            canonical = _CANONICAL_ROOM.fullmatch(room_cell)
            if canonical is not None:
                # Already canonical ("3-2-1201", "3-1201"): parse_room_code would return exactly
                # these parts, and skipping it is a large share of the read time.
                building, unit, room = canonical.groups()
                return RoomCode(building, unit or "", room), cluster
        if excel_error(room_cell):
            issue(room_index, f"房号是公式错误值 {excel_error(room_cell)}：请改成实际房号")
            return None, cluster
        if isinstance(room_cell, date):
            issue(room_index, "房号被 Excel 自动识别成了日期：请把房号一列设置为“文本”格式后重新填写，如 3-2-1201")
            return None, cluster
        room_text = cell_text(room_cell)
        if self.split_room:
            return self._room_from_parts(values, room_text, room_index, issue), cluster
        if not room_text:
            issue(room_index, "缺少房号：每一行都要填写房号，如 3-2-1201 或 3栋2单元1201")
            return None, cluster
        # A room merged over its owner and family rows arrives once per row: parse it once.
        parsed = self.rooms.get(room_text)
        if parsed is None:
            prefix, rest = split_area_prefix(room_text)
            try:
                parsed = (parse_room_code(rest if prefix else room_text), prefix, "")
            except BadInput as exc:
                parsed = (None, prefix, exc.message)
            self.rooms[room_text] = parsed
        code, prefix, error = parsed
        if code is None:
            issue(room_index, error)
            return None, cluster
        if prefix and cluster and cluster != prefix:
            issue(room_index, f"房号“{room_text}”中的分期/分区“{prefix}”与组团“{cluster}”不一致：请核对")
            return None, cluster
        return code, cluster or prefix or None

    def _room_from_parts(
        self, values: list[Any], room_text: str, room_index: int, issue: Callable[[int | None, str], None]
    ) -> RoomCode | None:
        building_index = self.index["building"]
        unit_index = self.index.get("unit")
        building = cell_text(values[building_index]) if building_index < len(values) else ""
        unit = cell_text(values[unit_index]) if unit_index is not None and unit_index < len(values) else ""
        if not room_text:
            issue(room_index, "缺少房号：楼栋、单元分列填写时，房号一列填室号，如 1201")
            return None
        if not building:
            # The room column may still hold a complete code.
            try:
                return parse_room_code(room_text)
            except BadInput:
                issue(building_index, f"缺少楼栋：房号“{room_text}”属于哪一栋？请填写楼栋，如 3")
                return None
        try:
            parts = RoomCode(building, unit, room_text)
        except BadInput as exc:
            whole = _full_code_or_none(room_text)
            if whole is not None and _same_building(whole, building):
                return whole  # the room column repeats the whole code
            index = building_index if exc.message.startswith("楼栋") else (
                unit_index if exc.message.startswith("单元") and unit_index is not None else room_index)
            issue(index, f"{exc.message}（楼栋“{building}”、单元“{unit}”、房号“{room_text}”）")
            return None
        return parts


def _full_code_or_none(text: str) -> RoomCode | None:
    try:
        return parse_room_code(text)
    except BadInput:
        return None


def _same_building(code: RoomCode, building: str) -> bool:
    try:
        return RoomCode(building, "", code.room).building == code.building
    except BadInput:
        return False
