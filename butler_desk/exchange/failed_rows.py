"""The "rows that failed" workbook: original headers and cells plus 行号 and 错误原因, ready to fix and re-import."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter

from butler_desk.exchange.headers import header_display
from butler_desk.exchange.roster_columns import MATCHER
from butler_desk.exchange.sheets import save_workbook
from butler_desk.exchange.xlsx_out import new_workbook

if TYPE_CHECKING:
    from butler_desk.exchange.roster import RosterFile, RowIssue

ROW_NUMBER_HEADER = "行号"
REASON_HEADER = "错误原因"
_LEADING = 2  # 行号 and 错误原因 come before the original columns
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REASON_FILL = PatternFill("solid", fgColor="FFF2CC")
_BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
_BAD_FONT = Font(color="9C0006")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_REASON_WIDTH = 60
_LINE_HEIGHT = 15
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def write_failed_rows(roster: RosterFile, out: Path) -> Path:
    """Write every row that has an issue, per source sheet, with its reasons; return ``out``.

    The sheets keep the source sheet names and header texts, so the user fixes the cells
    (the bad ones are shaded red) and imports this file again: 行号 and 错误原因 are
    columns the reader ignores. Issues the caller added later (database checks) are
    included, as long as their row was a data row of the file.
    """
    by_row: dict[tuple[str, int], list[RowIssue]] = defaultdict(list)
    for issue in roster.issues:
        by_row[(issue.sheet, issue.row)].append(issue)
    book = new_workbook(f"{roster.path.name} 导入失败的行")  # holds full numbers: never in the temp folder
    used_titles: set[str] = set()
    for sheet in roster.sheets:
        layout = roster.layouts[sheet]
        rows = sorted(row for (name, row) in by_row if name == sheet)
        if not rows and by_row:
            continue
        headers = list(layout.header.cells)
        width = max([len(headers)] + [len(roster.cells.get((sheet, row), ())) for row in rows])
        ws = book.create_sheet(_sheet_title(sheet, used_titles))
        ws.freeze_panes = "C2"
        ws.column_dimensions["A"].width = 7
        ws.column_dimensions["B"].width = _REASON_WIDTH
        for index in range(width):
            text = header_display(headers[index]) if index < len(headers) else ""
            letter = get_column_letter(index + 1 + _LEADING)
            ws.column_dimensions[letter].width = min(max(10, 2 * len(text) + 4), 40)
        originals = [headers[i] if i < len(headers) else None for i in range(width)]
        header_cells = [ROW_NUMBER_HEADER, REASON_HEADER, *originals]
        ws.append([_styled(ws, value, _BOLD, _HEADER_FILL) for value in header_cells])
        for position, row in enumerate(rows, start=2):
            issues = by_row[(sheet, row)]
            values = list(roster.cells.get((sheet, row), ()))
            values += [None] * (width - len(values))
            bad = {index for issue in issues if (index := _issue_index(issue, layout.columns, headers)) is not None}
            lines = [_reason(issue) for issue in issues]
            reasons = _styled(ws, "\n".join(lines), None, _REASON_FILL)
            reasons.alignment = _WRAP
            # Set the height: viewers keep a stored height and would cut the reasons off.
            ws.row_dimensions[position].height = _LINE_HEIGHT * sum(_wrapped_lines(line) for line in lines)
            cells: list[Any] = [_styled(ws, row, None, None), reasons]
            for index, value in enumerate(values):
                marked = index in bad
                cells.append(_styled(ws, value, _BAD_FONT if marked else None, _BAD_FILL if marked else None))
            for cell in cells[:1] + cells[2:]:
                cell.alignment = _TOP  # level with the first line of the reasons
            ws.append(cells)
    if not book.worksheets:
        book.create_sheet("没有错误行").append(["所有行都已通过检查"])
    return save_workbook(book, out)


def _wrapped_lines(text: str) -> int:
    # A CJK character takes about two width units of a column, other characters one.
    units = sum(2 if ord(char) > 0x2E80 else 1 for char in text)
    return max(1, -(-units // (_REASON_WIDTH - 2)))


def _reason(issue: RowIssue) -> str:
    if issue.column and issue.column_letter:
        return f"【{issue.column}，{issue.column_letter}列】{issue.message}"
    if issue.column:
        return f"【{issue.column}】{issue.message}"
    return issue.message


def _issue_index(issue: RowIssue, columns: dict[str, list[int]], headers: list[Any]) -> int | None:
    if issue.column_letter:
        return column_index_from_string(issue.column_letter) - 1
    if not issue.column:
        return None
    # An issue added by the caller names a column ("组团") but not its letter: find it.
    for index, header in enumerate(headers):
        if header_display(header) == issue.column:
            return index
    key = MATCHER.key_of(issue.column)
    if key is not None and key in columns:
        return columns[key][0]
    return None


def _styled(ws: Any, value: Any, font: Font | None, fill: PatternFill | None) -> WriteOnlyCell:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # the text a user typed, not a formula to evaluate
    if isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd" if value.time() == time() else "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def _sheet_title(name: str, used: set[str]) -> str:
    base = _SHEET_TITLE_FORBIDDEN.sub("_", name).strip("'")[:31] or "Sheet"
    title, counter = base, 2
    while title in used:
        suffix = f"({counter})"
        title, counter = base[: 31 - len(suffix)] + suffix, counter + 1
    used.add(title)
    return title
