"""Paper formatting: masked phones and ID numbers, money from fen or Decimal, Chinese dates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from butler_desk.reporting.values import (
    format_datetime_cn,
    format_money,
    format_value,
    mask_id_number,
    mask_phone,
)


def test_phone_numbers_are_masked_keeping_first_three_and_last_four_digits():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0571-88886666") == "057*-****6666"
    assert mask_phone("110") == "110"


def test_id_numbers_show_only_their_ends():
    assert mask_id_number("110101199003071234") == "1101**********1234"
    assert mask_id_number("G1234567") == "********"


def test_money_is_int_fen_or_decimal_yuan_and_never_float():
    assert format_money(123456) == "1,234.56"
    assert format_money(Decimal("50")) == "50.00"
    assert format_money("1,200.5") == "1,200.50"
    with pytest.raises(TypeError):
        format_money(12.5)  # type: ignore[arg-type]


def test_notice_datetimes_name_the_weekday():
    assert format_datetime_cn(datetime(2026, 12, 3, 8, 0)) == "2026年12月3日（星期四）08:00"
    assert format_datetime_cn(date(2026, 12, 6)) == "2026年12月6日（星期日）"


def test_format_value_by_type():
    assert format_value("13812345678", "phone") == "138****5678"
    assert format_value("13812345678", "phone", reveal=True) == "13812345678"
    assert format_value(Decimal("12.5"), "number", unit=" m³") == "12.5 m³"
    assert format_value(True, "check") == "√"
    assert format_value(None, "money") == ""
    assert format_value(date(2026, 1, 2), "date") == "2026-01-02"
