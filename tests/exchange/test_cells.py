"""Cell values as offices type them: dates in every spelling, numbers with units, digits Excel mangled."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal

import pytest

from butler_desk.domain.errors import BadInput
from butler_desk.domain.text import clean_text
from butler_desk.exchange.cells import (
    cell_code_text,
    cell_date,
    cell_decimal,
    cell_flag,
    cell_text,
    excel_error,
    is_blank,
)

AREA_UNITS = re.compile(r"(?:m2|平方米|平米|平)?")
FEE_UNITS = re.compile(r"元?(?:[/每·]?(?:m2|平方米|平米|月))*")


@pytest.mark.parametrize(
    "value",
    [
        datetime(2024, 3, 1, 0, 0),
        date(2024, 3, 1),
        45352,  # Excel serial number
        45352.0,
        "45352",  # a date cell exported to CSV without its format
        "2024/3/1",
        "2024-03-01",
        "2024.3.1",
        "2024年3月1日",
        "2024 年 3 月 1 日",
        "20240301",
        20240301,
        "2024-03-01 00:00:00",
        "2024/3/1 8:30",
        "２０２４－０３－０１",
        " 2024-3-1 ",
    ],
)
def test_cell_date_reads_every_spelling_offices_use(value):
    assert cell_date(value, "入住日期") == date(2024, 3, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-02-30", "“2024-02-30”不存在（2024年2月没有 30 日）"),
        ("2023/2/29", "不存在"),
        ("2024-13-01", "没有 13 月"),
        ("1800-01-01", "年份不合理"),
        ("下个月", "无法识别"),
        ("2024年3月", "无法识别"),
        (time(8, 30), "只有时间没有日期"),
        (True, "不能是“是”"),
        (-5, "不是日期"),
    ],
)
def test_cell_date_explains_what_is_wrong(value, expected):
    with pytest.raises(BadInput) as caught:
        cell_date(value, "入住日期")
    assert expected in caught.value.message
    assert caught.value.message.startswith("入住日期")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (89.5, Decimal("89.5")),
        (90, Decimal(90)),
        ("89.5", Decimal("89.5")),
        ("89.5㎡", Decimal("89.5")),
        ("89.5 m²", Decimal("89.5")),
        ("89.5平方米", Decimal("89.5")),
        ("８９．５平米", Decimal("89.5")),
        ("1,234.50", Decimal("1234.50")),
        (".5", Decimal("0.5")),
        (Decimal("12.345"), Decimal("12.345")),
    ],
)
def test_cell_decimal_reads_areas_with_units_and_numbers_stored_as_text(value, expected):
    assert cell_decimal(value, "建筑面积", AREA_UNITS, "89.50") == expected


@pytest.mark.parametrize("value", ["2.5元/㎡·月", "¥2.50", "2.5元/平方米/月", "2.5 元/月/㎡", "2.5元"])
def test_cell_decimal_reads_fee_rates_written_with_their_unit(value):
    assert cell_decimal(value, "物业费单价", FEE_UNITS, "2.50") == Decimal("2.5")


@pytest.mark.parametrize("value", ["约90", "90多", "九十", "89.5元", "-", "", True, datetime(2024, 1, 1)])
def test_cell_decimal_refuses_what_is_not_a_number_and_shows_an_example(value):
    with pytest.raises(BadInput) as caught:
        cell_decimal(value, "建筑面积", AREA_UNITS, "89.50")
    assert "建筑面积" in caught.value.message
    assert "89.50" in caught.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (13812345678, "13812345678"),
        (13812345678.0, "13812345678"),
        ("138 1234 5678", "138 1234 5678"),
        (110105194912310020, "110105194912310020"),  # an exact integer: nothing lost
        (518000, "518000"),
        ("１３８１２３４５６７８", "13812345678"),
    ],
)
def test_cell_code_text_gives_digits_without_a_decimal_point(value, expected):
    assert cell_code_text(value, "联系电话") == expected


@pytest.mark.parametrize("value", [1.10105194912310e17, "1.10105E+17", "1.10105e+17"])
def test_cell_code_text_refuses_numbers_excel_has_already_rounded(value):
    with pytest.raises(BadInput) as caught:
        cell_code_text(value, "证件号码")
    assert "科学计数法" in caught.value.message
    assert "文本" in caught.value.message


@pytest.mark.parametrize("value", ["是", "√", "✓", "Y", "y", "yes", "TRUE", "1", 1, True, "重点"])
def test_cell_flag_reads_yes(value):
    assert cell_flag(value, "重点客户") is True


@pytest.mark.parametrize("value", ["否", "×", "N", "no", "FALSE", "0", 0, False, None, "", "  "])
def test_cell_flag_reads_no_and_blank_as_no(value):
    assert cell_flag(value, "重点客户") is False


def test_cell_flag_refuses_anything_else():
    with pytest.raises(BadInput) as caught:
        cell_flag("也许", "重点客户")
    assert "请填写“是”或“否”" in caught.value.message


def test_cell_text_tidies_spaces_and_reads_dates_as_iso():
    assert cell_text("  张\u3000三  ") == "张 三"
    assert cell_text(datetime(2024, 3, 1)) == "2024-03-01"
    assert cell_text(datetime(2024, 3, 1, 8, 30)) == "2024-03-01 08:30:00"
    assert cell_text(1201.0) == "1201"
    assert cell_text(None) == ""


@pytest.mark.parametrize(
    "text",
    ["张三", "3-2-1201", "广东省深圳市 南山区", "", " ", "张  三", " 张三", "张三 ", "张\t三", "张\n三", "张\u3000三",
     "张\xa0三", "张\u202f三", "张\u200b三", "\ufeff张三", "张\u00ad三", "１２３", "ＡＢＣ", "（备注）", "张三\u2060",
     "a\u2007b", "x\r", "中·文", "—", "√"],
)
def test_cell_text_of_a_string_is_exactly_clean_text(text):
    # cell_text returns tidy strings without cleaning them again: the result must not differ.
    assert cell_text(text) == clean_text(text)


def test_cell_text_returns_a_tidy_string_itself():
    text = "广东省深圳市南山区科技园路 1 号"
    assert cell_text(text) is text


def test_excel_error_and_is_blank():
    assert excel_error("#N/A") == "#N/A"
    assert excel_error(" #ref! ") == "#REF!"
    assert excel_error("#3栋") is None
    assert excel_error(5) is None
    assert is_blank(None) and is_blank(" \t") and not is_blank(0) and not is_blank("0")
