"""How values look on paper: dates, money, masked phone and ID numbers (PIPL: de-identified by default)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

WEEKDAYS = "一二三四五六日"
_DIGITS = re.compile(r"\d")


def mask_phone(phone: str) -> str:
    """138****1234: keep the first 3 and last 4 digits, star the rest (separators kept)."""
    digits = [m.start() for m in _DIGITS.finditer(phone)]
    if len(digits) < 8:
        return phone
    hidden = set(digits[3:-4])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(phone))


def mask_id_number(number: str) -> str:
    """An ID number with only its first 4 and last 4 characters shown (3 for short numbers)."""
    text = number.strip()
    if len(text) <= 8:
        return "*" * len(text)
    head = 4 if len(text) >= 15 else 3
    return text[:head] + "*" * (len(text) - head - 4) + text[-4:]


def to_yuan(value: int | Decimal | str) -> Decimal:
    """Money in yuan: an int is fen (the storage unit), a Decimal or numeric string is yuan."""
    if isinstance(value, bool | float):
        raise TypeError("money must be int fen or Decimal yuan, never float or bool")
    if isinstance(value, int):
        return (Decimal(value) / 100).quantize(Decimal("0.01"))
    return Decimal(str(value).replace(",", "").replace("¥", "").strip()).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_money(value: int | Decimal | str) -> str:
    """1,234.56 (no currency sign: column headers say 元)."""
    return f"{to_yuan(value):,.2f}"


def format_date(value: date | datetime) -> str:
    return f"{value:%Y-%m-%d}"


def format_date_cn(value: date | datetime) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def format_datetime(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M}"


def format_datetime_cn(value: datetime | date) -> str:
    """2026年12月3日（星期四）08:00 — how notices name a moment; a date alone drops the time."""
    text = f"{format_date_cn(value)}（星期{WEEKDAYS[value.weekday()]}）"
    if isinstance(value, datetime):
        text += f"{value:%H:%M}"
    return text


def plain(value: object) -> str:
    """Any value as paper text: enum labels, dates, Decimals without exponent, None as blank."""
    if value is None:
        return ""
    label = getattr(value, "label", None)
    if isinstance(label, str):
        return label
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def format_value(value: object, kind: str, *, reveal: bool = False, unit: str = "") -> str:
    """A record value rendered for a cell of the given data type (see formspec.FIELD_TYPES)."""
    if value is None or value == "":
        return ""
    if kind == "money" and not isinstance(value, str | bytes):
        text = format_money(value)  # type: ignore[arg-type]
    elif kind == "phone":
        text = str(value) if reveal else mask_phone(str(value))
    elif kind == "id_number":
        text = mask_id_number(str(value))
    elif kind == "date" and isinstance(value, date):
        text = format_date(value)
    elif kind == "check":
        text = "√" if value is True or value in {"是", "√", "✓", "1", 1} else ""  # √ is in GB2312 fonts; ✓ is not
    else:
        text = plain(value)
    return f"{text}{unit}" if unit and text else text
