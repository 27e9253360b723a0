"""Cell values to Python: text, digit codes, numbers with units, dates in any spelling, yes/no."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from openpyxl.utils.datetime import from_excel

from butler_desk.domain.errors import BadInput
from butler_desk.domain.text import clean_text

EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"})
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d+)?e[+-]?\d+$", re.IGNORECASE)
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:[ t]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$",
    re.IGNORECASE,
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMBER_WITH_UNIT = re.compile(r"^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?)\s*(.*)$")
_TRUE_WORDS = frozenset({"是", "√", "✓", "✔", "☑", "y", "yes", "true", "t", "1", "对", "重点", "重点客户", "vip"})
_FALSE_WORDS = frozenset({"否", "×", "✗", "✘", "☐", "n", "no", "false", "f", "0", "不是", "非", "无", "-", "—", "普通"})
# What clean_text changes in a string: whitespace other than single inner spaces, and the
# full-width and invisible characters it translates (tests check this against clean_text).
_UNTIDY = re.compile(r"[^\S ]|  |^ | $|[\uff01-\uff5e\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Excel serials for 1900-01-01 .. 2100-12-31.
_SERIAL_RANGE = (1, 73415)


def is_blank(value: object) -> bool:
    return value is None or (type(value) is str and not value.strip())


def cell_text(value: object) -> str:
    """A cell as one tidy line of text ("" for blank); dates read as 2024-03-01."""
    if type(value) is str and _UNTIDY.search(value) is None:
        return value  # already tidy: clean_text would return it unchanged
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return clean_text(value)


def excel_error(value: object) -> str | None:
    """The error code when a cell holds a formula error such as #N/A, else None."""
    if type(value) is str and value.strip().upper() in EXCEL_ERRORS:
        return value.strip().upper()
    return None


def cell_code_text(value: object, what: str) -> str:
    """A cell meant to hold digits as text (phone, ID, postcode): numbers lose their ".0".

    Excel saves a number with 15 significant digits in exponent form, so a longer float, or
    text in scientific notation (a CSV export of such a cell), has already lost digits. An
    integer (written exactly by a program) is intact.
    """
    if isinstance(value, bool):
        raise BadInput(f"{what}不能是“{'是' if value else '否'}”，请填写号码")
    if isinstance(value, int):
        return str(value)  # stored as an exact integer: nothing was lost
    if isinstance(value, float) and value.is_integer():
        digits = str(int(value))
        if len(digits.lstrip("-")) > 15:
            raise _lost_digits(what)
        return digits
    text = cell_text(value)
    if _SCIENTIFIC.match(text.replace(" ", "")):
        raise _lost_digits(what)
    return text


def _lost_digits(what: str) -> BadInput:
    return BadInput(
        f"{what}被 Excel 存成了数字（显示为科学计数法），末尾几位已经变成 0，无法还原："
        f"请把{what}这一列设置为“文本”格式后重新填写"
    )


def cell_decimal(value: object, what: str, units: re.Pattern[str], example: str) -> Decimal:
    """A number from a number cell or from text such as "89.5㎡" or "2.50 元/㎡·月".

    ``units`` matches the unit words allowed after the number (NFKC-normalised, so ㎡ is m2).
    """
    if isinstance(value, bool):
        raise BadInput(f"{what}应是数字，不能是“{'是' if value else '否'}”：请填写数字，如 {example}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (date, time)):
        raise BadInput(f"{what}被 Excel 识别成了日期：请把这一格设置为“常规”或“数值”格式，填写数字，如 {example}")
    shown = cell_text(value)
    text = unicodedata.normalize("NFKC", shown).replace(" ", "").lower().lstrip("¥")
    found = _NUMBER_WITH_UNIT.match(text)
    if found and found.group(1) not in ("", "+", "-", ".") and units.fullmatch(found.group(2)):
        try:
            return Decimal(found.group(1).replace(",", ""))
        except InvalidOperation:
            pass
    raise BadInput(f"{what}“{shown}”不是数字：请只填写数字，如 {example}")


def cell_date(value: object, what: str) -> date:
    """A date from a date cell, an Excel serial number or text (2024/3/1, 2024年3月1日, 20240301…)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, time):
        raise BadInput(f"{what}只有时间没有日期：请填写日期，如 2024-03-01")
    if isinstance(value, bool):
        raise BadInput(f"{what}不能是“{'是' if value else '否'}”，请填写日期，如 2024-03-01")
    if isinstance(value, (int, float)):
        return _date_from_number(value, what)
    shown = cell_text(value)
    text = shown.replace(" ", "") if "年" in shown else shown
    found = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if found:
        year, month, day = (int(g) for g in found.groups()[:3])
        return _checked_date(year, month, day, shown, what)
    if text.isdigit() and len(text) == 5:
        # A date cell exported to CSV without formatting becomes its serial number.
        return _date_from_number(int(text), what)
    raise BadInput(f"{what}“{shown}”无法识别：请写成 2024-03-01、2024/3/1 或 2024年3月1日 这样的日期")


def _date_from_number(number: float, what: str) -> date:
    if float(number).is_integer() and 19000101 <= number <= 21001231:
        text = str(int(number))
        return _checked_date(int(text[:4]), int(text[4:6]), int(text[6:]), text, what)
    if _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]:
        return from_excel(number).date()
    raise BadInput(f"{what}“{clean_text(number)}”不是日期：请写成 2024-03-01 这样的日期")


def _checked_date(year: int, month: int, day: int, shown: str, what: str) -> date:
    if not 1900 <= year <= 2100:
        raise BadInput(f"{what}“{shown}”的年份不合理：请核对后写成 2024-03-01 这样的日期")
    if not 1 <= month <= 12:
        raise BadInput(f"{what}“{shown}”的月份不对（没有 {month} 月）：请核对日期")
    try:
        return date(year, month, day)
    except ValueError:
        raise BadInput(f"{what}“{shown}”不存在（{year}年{month}月没有 {day} 日）：请核对日期") from None


def cell_flag(value: object, what: str) -> bool:
    """A yes/no cell: 是/否, √/×, Y/N, 1/0, TRUE/FALSE; blank is no."""
    if isinstance(value, bool):
        return value
    if is_blank(value):
        return False
    word = cell_text(value).replace(" ", "").lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise BadInput(f"{what}“{cell_text(value)}”无法识别：请填写“是”或“否”（也可用 √ 表示是）")
