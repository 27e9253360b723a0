"""Reading finance's receivables (应收) and receipts (实收) workbooks into bill and payment lines, with every problem located.

Finance's workbooks come in many shapes: the header is found by synonyms (房号 / 房间号 /
房屋编号 …), periods may be 2026-10, 2026年10月, 202610 or an Excel date, amounts may carry
¥, thousands separators, a trailing 元 or full-width digits. Nothing here touches the
database: the arrears service matches rooms to units and writes in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from butler_desk.domain.arrears import FeeItem, parse_period, period_of
from butler_desk.domain.errors import BadInput
from butler_desk.domain.money import to_hundredths
from butler_desk.domain.rooms import parse_room_code
from butler_desk.exchange.cells import cell_date, cell_decimal, cell_text, is_blank
from butler_desk.exchange.headers import HeaderMatcher, locate_header
from butler_desk.exchange.sheets import open_spreadsheet

_YUAN = re.compile(r"(?:元|rmb|cny)?")
MAX_AMOUNT_FEN = 100_000_000  # 1,000,000 元 on one line: anything more is a wrong column

_COMMON = [
    ("room", ("房号", "房间号", "房屋编号", "房屋", "房屋号", "单元房号"), False),
    ("item", ("收费项目", "费用项目", "项目名称", "收费类型", "费用名称"), False),
    ("period", ("所属期间", "账期", "费用月份", "所属月份", "计费月份", "期间"), False),
]
BILL_MATCHER = HeaderMatcher([
    *_COMMON,
    ("amount", ("应收金额", "金额", "金额（元）", "本期应收", "应收"), False),
    ("due", ("应收日期", "到期日", "缴费截止日", "到期日期"), False),
])
PAYMENT_MATCHER = HeaderMatcher([
    *_COMMON,
    ("paid_on", ("收款日期", "缴费日期", "实收日期", "收费日期"), False),
    ("amount", ("实收金额", "收款金额", "实收", "缴费金额"), False),
    ("receipt", ("票据号", "收据号", "票据号码", "收据编号", "发票号"), False),
])
_COLUMN_NAMES = {"room": "房号", "item": "收费项目", "period": "所属期间", "amount": "金额", "due": "到期日",
                 "paid_on": "收款日期", "receipt": "票据号"}


@dataclass(frozen=True)
class Problem:
    """One thing to fix, with where it is: 工作表“应收”第 7 行“应收金额”列：…"""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"工作表“{self.sheet}”第 {self.row} 行" + (f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.message}"


@dataclass(frozen=True)
class BillRow:
    sheet: str
    row: int
    room_code: str
    item: FeeItem
    period: str
    amount_fen: int
    due_on: date | None


@dataclass(frozen=True)
class PaymentRow:
    sheet: str
    row: int
    room_code: str
    item: FeeItem | None
    period: str | None
    paid_on: date
    amount_fen: int
    receipt_no: str


@dataclass
class FinanceFile:
    path: Path
    rows: list[Any] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_bills(path: Path) -> FinanceFile:
    """Every bill line of a receivables workbook, and every problem found."""
    return _read(Path(path), BILL_MATCHER, {"room", "item", "period", "amount"}, _bill_row)


def read_payments(path: Path) -> FinanceFile:
    """Every payment line of a receipts workbook, and every problem found (a receipt twice in the file too)."""
    result = _read(Path(path), PAYMENT_MATCHER, {"room", "paid_on", "amount", "receipt"}, _payment_row)
    seen: dict[str, tuple[str, int]] = {}
    kept = []
    for row in result.rows:
        if row.receipt_no in seen:
            sheet, number = seen[row.receipt_no]
            result.problems.append(Problem(row.sheet, row.row, _COLUMN_NAMES["receipt"],
                                           f"票据号 {row.receipt_no} 与工作表“{sheet}”第 {number} 行重复，同一张票据只能入账一次"))
            continue
        seen[row.receipt_no] = (row.sheet, row.row)
        kept.append(row)
    result.rows = kept
    return result


def _read(path: Path, matcher: HeaderMatcher, needed: set[str], parse) -> FinanceFile:
    out = FinanceFile(path)
    found_header = False
    with open_spreadsheet(path) as book:
        for sheet in book.sheets:
            header, _near, rows = locate_header(sheet.rows(), matcher, lambda cols: needed <= set(cols))
            if header is None:
                continue
            found_header = True
            columns = {key: indexes[0] for key, indexes in header.columns.items()}
            for number, values, own in rows:
                if not own or all(is_blank(v) for v in values):
                    continue
                cells = {key: (values[i] if i < len(values) else None) for key, i in columns.items()}
                texts = {key: header.text(i) for key, i in columns.items()}
                try:
                    out.rows.append(parse(sheet.name, number, cells))
                except _CellProblem as problem:
                    out.problems.append(Problem(sheet.name, number, texts.get(problem.key, ""), problem.message))
    if not found_header:
        wanted = "、".join(_COLUMN_NAMES[k] for k in sorted(needed))
        raise BadInput(f"文件“{path.name}”中没有找到表头：需要包含 {wanted} 这些列（如 房号、收费项目、所属期间、应收金额）")
    return out


class _CellProblem(Exception):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key, self.message = key, message


def _cell(key: str, reader, value: Any):
    try:
        return reader(value)
    except BadInput as exc:
        raise _CellProblem(key, str(exc)) from None


def _room(value: Any) -> str:
    if is_blank(value):
        raise BadInput("房号不能为空")
    return parse_room_code(cell_text(value)).code


def _period(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return period_of(value if isinstance(value, date) else value.date())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = int(value)
        if 190001 <= number <= 210012:
            return parse_period(str(number))
        return period_of(cell_date(value, "所属期间"))  # an Excel date serial
    return parse_period(cell_text(value))


def _amount(value: Any) -> int:
    if is_blank(value):
        raise BadInput("金额不能为空")
    fen = to_hundredths(cell_decimal(value, "金额", _YUAN, "1,234.50"))
    if fen <= 0:
        raise BadInput("金额应大于 0")
    if fen > MAX_AMOUNT_FEN:
        raise BadInput("金额过大：请核对是否填错了列")
    return fen


def _item(value: Any) -> FeeItem:
    return FeeItem.parse(cell_text(value))


def _bill_row(sheet: str, number: int, cells: dict[str, Any]) -> BillRow:
    due = cells.get("due")
    return BillRow(sheet, number, _cell("room", _room, cells["room"]), _cell("item", _item, cells["item"]),
                   _cell("period", _period, cells["period"]), _cell("amount", _amount, cells["amount"]),
                   None if is_blank(due) else _cell("due", lambda v: cell_date(v, "到期日"), due))


def _payment_row(sheet: str, number: int, cells: dict[str, Any]) -> PaymentRow:
    receipt = cell_text(cells["receipt"])
    if not receipt:
        raise _CellProblem("receipt", "票据号不能为空：每笔收款都要有票据号，以免重复入账")
    item, period = cells.get("item"), cells.get("period")
    return PaymentRow(sheet, number, _cell("room", _room, cells["room"]),
                      None if is_blank(item) else _cell("item", _item, item),
                      None if is_blank(period) else _cell("period", _period, period),
                      _cell("paid_on", lambda v: cell_date(v, "收款日期"), cells["paid_on"]),
                      _cell("amount", _amount, cells["amount"]), receipt)

