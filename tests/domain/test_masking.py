"""Tests for butler_desk.domain.masking: what screens and paper show of phones, IDs and names."""

from __future__ import annotations

import pytest

from butler_desk.domain.masking import mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("１３８１２３４５６７８", "138****5678"),
        ("0755-88889999", "0755-****9999"),
        ("(0755)88889999", "0755-****9999"),
        ("0755-88889999-123", "0755-****9999"),
        ("0755-88889999 转 123", "0755-****9999"),
        ("010-65529988", "010-****9988"),
        ("021-5555666", "021-****5666"),
        ("400-810-8888", "400-810-8888"),
        ("95588", "95588"),
        ("+85291234567", "+852****4567"),
    ],
)
def test_given_a_recognised_phone_when_masked_then_only_the_edges_show(
    number: str, masked: str
) -> None:
    assert mask_phone(number) == masked


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("", ""),
        ("   ", ""),
        ("12", "**"),
        ("abc", "***"),
        ("88889999", "88****99"),
        ("1381234567", "13******67"),
        ("138-1234-5678-9999-0000", "138*****************000"),
        ("张三的电话", "张***话"),
    ],
)
def test_given_odd_input_when_masked_then_never_more_than_half_shows(
    number: str, masked: str
) -> None:
    result = mask_phone(number)
    assert result == masked
    visible = sum(1 for char in result if char != "*")
    assert visible <= len(result) // 2


def test_masked_phones_never_contain_the_hidden_digits() -> None:
    assert "1234" not in mask_phone("13812345678")
    assert "8888" not in mask_phone("0755-88889999")
    assert "123" not in mask_phone("0755-88889999-123")


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("440305199001011234", "4403**********1234"),
        ("11010519491231002x", "1101**********002X"),
        ("4403 0519 9001 0112 34", "4403**********1234"),
        ("123456789012", "1234****9012"),
        ("E12345678", "E1*****78"),
        ("12345678901", "12*******01"),
        ("H1234", "H1*34"),
        ("1234", "****"),
        ("A", "*"),
        ("", ""),
    ],
)
def test_given_an_id_number_when_masked_then_first_and_last_characters_show(
    number: str, masked: str
) -> None:
    assert mask_id_number(number) == masked


def test_masked_id_keeps_its_length_so_columns_line_up() -> None:
    assert len(mask_id_number("440305199001011234")) == 18


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("张", "张*"),
        ("", ""),
        ("买买提·艾力", "买****力"),
        ("John Smith", "Jo******th"),
    ],
)
def test_given_a_name_when_masked_then_surname_stays(name: str, masked: str) -> None:
    assert mask_name(name) == masked
