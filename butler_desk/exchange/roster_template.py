"""The roster import template (业户资料导入模板.xlsx): headers, instructions, an example, dropdowns, rules."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from butler_desk.domain.enums import IdType, PartyRole, UnitStatus
from butler_desk.exchange.roster import EXAMPLE_MARK
from butler_desk.exchange.roster_columns import (
    COLUMNS_BY_KEY,
    TEMPLATE_COLUMNS,
    RosterColumn,
)
from butler_desk.exchange.sheets import save_workbook

DATA_SHEET = "业户资料"
RULES_SHEET = "填写说明"
HEADER_ROW, HINT_ROW, EXAMPLE_ROW = 1, 2, 3
# Dropdowns and formats cover this many rows below the header; more rows still import.
_PREPARED_ROWS = 5000
_TEXT_KEYS = ("room", "phones", "id_number", "postcode")  # digits that Excel must not turn into numbers
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="2F5597")
_REQUIRED_FILL = PatternFill("solid", fgColor="C00000")
_HINT_FONT = Font(italic=True, color="7F7F7F", size=9)
_HINT_FILL = PatternFill("solid", fgColor="F2F2F2")
_EXAMPLE_FONT = Font(color="808080")
_CENTER_WRAP = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TOP_WRAP = Alignment(vertical="top", wrap_text=True)

GENERAL_RULES = (
    "第 1 行是表头，请不要改动列名；不需要的列可以整列删除，列的顺序可以调整。",
    "第 2 行（灰色斜体）是填写说明，导入时自动跳过，可以保留。",
    f"第 3 行是示例，备注为“{EXAMPLE_MARK}”的行不会导入：请改写成真实资料（并清空备注），或删除该行。",
    (
        "一行填一个人：同一套房有多位业主、家属或租户时，分多行填写，房号相同即可；"
        "只登记房屋（如空置房）时，姓名及个人信息可以不填。"
    ),
    (
        "房号可写成 3-2-1201、3栋2单元1201 或 3#2-1201；没有单元的楼栋写 3-1201。"
        "也可以把楼栋、单元、房号分成三列，列名写“楼栋”“单元”“房号”。"
    ),
    (
        "房号、联系电话、证件号码、邮政编码四列已设为文本格式，请保持文本，"
        "否则 Excel 会吃掉开头的 0 或把证件号变成科学计数法。"
    ),
    "一个单元格可以填多个电话，用“、”、逗号或空格分开。",
    "日期可写成 2024-03-01、2024/3/1、2024.3.1 或 2024年3月1日。",
    "合并单元格可以使用：合并区域的内容对区域内的每一行都有效（例如同一组团、同一房号合并成一格）。",
    "可以有多个工作表，每个有表头的工作表都会导入；表头上方可以有标题行。",
    "导入前会逐行检查，有问题的行不会导入，可导出“失败行”文件，改正后再次导入。",
)


def write_roster_template(out: Path) -> Path:
    """Write the import template to ``out`` and return it; the reader accepts it as written."""
    book = Workbook()
    book.properties.creator = "管家台"
    book.properties.title = "业户资料导入模板"
    ws = book.active
    ws.title = DATA_SHEET
    _write_data_sheet(ws)
    _write_rules_sheet(book.create_sheet(RULES_SHEET))
    return save_workbook(book, out)


def _write_data_sheet(ws: Worksheet) -> None:
    for position, column in enumerate(TEMPLATE_COLUMNS, start=1):
        letter = get_column_letter(position)
        ws.column_dimensions[letter].width = column.width
        if _number_format(column) != "General":
            # A column style is what Excel gives the cells the user types into.
            ws.column_dimensions[letter].number_format = _number_format(column)
        header = ws.cell(HEADER_ROW, position, column.header)
        header.font = _HEADER_FONT
        header.fill = _REQUIRED_FILL if column.key == "room" else _HEADER_FILL
        header.alignment = _CENTER_WRAP
        header.border = _BORDER
        hint = ws.cell(HINT_ROW, position, column.hint)
        hint.font = _HINT_FONT
        hint.fill = _HINT_FILL
        hint.alignment = _TOP_WRAP
        hint.border = _BORDER
        example = ws.cell(EXAMPLE_ROW, position, _example_value(column))
        example.font = _EXAMPLE_FONT
        example.border = _BORDER
        example.number_format = _number_format(column)
    ws.row_dimensions[HEADER_ROW].height = 30
    ws.row_dimensions[HINT_ROW].height = 48
    ws.freeze_panes = ws.cell(EXAMPLE_ROW, 3)  # header and hints stay; 组团 and 房号 stay in view
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    _add_validations(ws)


def _example_value(column: RosterColumn) -> object:
    if column.key == "move_in":
        return datetime.combine(date.fromisoformat(str(column.example)), datetime.min.time())
    return column.example


def _number_format(column: RosterColumn) -> str:
    if column.key in _TEXT_KEYS:
        return "@"
    if column.key in ("area", "fee_rate"):
        return "0.00"
    if column.key == "move_in":
        return "yyyy-mm-dd"
    return "General"


def _add_validations(ws: Worksheet) -> None:
    def span(key: str) -> str:
        position = next(i for i, c in enumerate(TEMPLATE_COLUMNS, start=1) if c.key == key)
        letter = get_column_letter(position)
        return f"{letter}{EXAMPLE_ROW}:{letter}{EXAMPLE_ROW + _PREPARED_ROWS}"

    def choose(key: str, options: tuple[str, ...]) -> None:
        what = COLUMNS_BY_KEY[key].header
        rule = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        rule.error, rule.errorTitle = f"请从下拉列表中选择：{'、'.join(options)}", f"{what}填写有误"
        rule.prompt, rule.promptTitle = f"可选：{'、'.join(options)}", what
        rule.showErrorMessage = rule.showInputMessage = True
        rule.add(span(key))
        ws.add_data_validation(rule)

    choose("status", UnitStatus.labels())
    choose("role", PartyRole.labels())
    choose("key_client", ("是", "否"))
    choose("id_type", IdType.labels())
    for key, low, example in (("area", "0", "89.50"), ("fee_rate", "0", "2.50")):
        what = COLUMNS_BY_KEY[key].header
        rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=low, allow_blank=True)
        rule.error, rule.errorTitle = f"请填写数字，如 {example}", f"{what}填写有误"
        rule.showErrorMessage = True
        rule.add(span(key))
        ws.add_data_validation(rule)
    dates = DataValidation(type="date", operator="between", formula1="DATE(1950,1,1)", formula2="DATE(2100,12,31)",
                           allow_blank=True)
    dates.error, dates.errorTitle = "请填写日期，如 2024-03-01", "入住日期填写有误"
    dates.showErrorMessage = True
    dates.add(span("move_in"))
    ws.add_data_validation(dates)


def _write_rules_sheet(ws: Worksheet) -> None:
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 8
    ws.column_dimensions["C"].width = 50
    ws.column_dimensions["D"].width = 50
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws["A1"] = "业户资料导入说明"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:D1")
    row = 3
    for number, rule in enumerate(GENERAL_RULES, start=1):
        ws.cell(row, 1, f"{number}. {rule}").alignment = _TOP_WRAP
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        ws.row_dimensions[row].height = 30 if len(rule) > 60 else 18
        row += 1
    row += 1
    for position, text in enumerate(("列名", "必填", "填写说明", "也认得的列名"), start=1):
        cell = ws.cell(row, position, text)
        cell.font, cell.fill, cell.alignment, cell.border = _HEADER_FONT, _HEADER_FILL, _CENTER_WRAP, _BORDER
    for column in (*TEMPLATE_COLUMNS, COLUMNS_BY_KEY["building"], COLUMNS_BY_KEY["unit"], COLUMNS_BY_KEY["unit_notes"]):
        row += 1
        hint = column.hint or ("与“房号”“单元”一起组成房号（分列填写时使用）")
        values = (column.header, "是" if column.key == "room" else "", hint, "、".join(column.synonyms))
        for position, value in enumerate(values, start=1):
            cell = ws.cell(row, position, value)
            cell.alignment = _CENTER_WRAP if position == 2 else _TOP_WRAP
            cell.border = _BORDER
