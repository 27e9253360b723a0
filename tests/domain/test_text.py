"""Tests for butler_desk.domain.text: half-width folding and cell clean-up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from butler_desk.domain.text import clean_prose, clean_text, to_halfwidth


def test_every_fullwidth_ascii_character_maps_to_its_halfwidth_twin() -> None:
    for code in range(0xFF01, 0xFF5F):
        assert to_halfwidth(chr(code)) == chr(code - 0xFEE0)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("１２３４５６７８９０", "1234567890"),
        ("ＡＢＣｘｙｚ", "ABCxyz"),
        ("３－２－１２０１", "3-2-1201"),
        ("（０７５５）８８８８９９９９", "(0755)88889999"),
        ("＋８６　１３８", "+86 138"),
        ("电话：１３８，１３９；", "电话:138,139;"),
        ("＃＿／．", "#_/."),
    ],
)
def test_given_fullwidth_text_when_folded_then_ascii_forms_appear(
    given: str, expected: str
) -> None:
    assert to_halfwidth(given) == expected


def test_given_cjk_punctuation_without_ascii_twin_when_folded_then_it_is_kept() -> None:
    assert to_halfwidth("。、「」《》——") == "。、「」《》——"


def test_given_plain_ascii_when_folded_then_unchanged() -> None:
    text = "3-2-1201 Tom (0755) 88889999!"
    assert to_halfwidth(text) == text


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, ""),
        ("", ""),
        ("   ", ""),
        ("  张三  ", "张三"),
        ("张  \t 三", "张 三"),
        ("第一行\n第二行\r\n第三行", "第一行 第二行 第三行"),
        ("\u3000已入住\u3000", "已入住"),
        ("张\u00a0三", "张 三"),
        ("\u00a0\u00a0", ""),
        ("张\u200b三", "张三"),
        ("\ufeff3-2-1201", "3-2-1201"),
        ("1\u200c2\u200d3\u20604", "1234"),
        ("soft\u00adhyphen", "softhyphen"),
        ("１３８　１２３４　５６７８", "138 1234 5678"),
        ("a\u2003b", "a b"),
    ],
)
def test_given_messy_cell_text_when_cleaned_then_one_tidy_line(
    given: object, expected: str
) -> None:
    assert clean_text(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (1201.0, "1201"),
        (13812345678.0, "13812345678"),
        (3.5, "3.5"),
        (0.1, "0.1"),
        (1201, "1201"),
        (Decimal("89.50"), "89.50"),
        (True, "True"),
    ],
)
def test_given_excel_number_cells_when_cleaned_then_spelled_as_typed(
    given: object, expected: str
) -> None:
    assert clean_text(given) == expected


def test_given_clean_text_output_when_cleaned_again_then_unchanged() -> None:
    samples = ["  ３栋 ２单元\u200b１２０１ ", "张\u00a0\u00a0三", None, "a\n\nb"]
    for sample in samples:
        once = clean_text(sample)
        assert clean_text(once) == once


def test_prose_keeps_the_writers_full_width_punctuation_and_paragraphs():
    written = "楼上漏水，已三天。\r\n\r\n\r\n  业主说：“请尽快处理！”\u200b  电话１３８"
    assert clean_prose(written) == "楼上漏水，已三天。\n\n业主说：“请尽快处理！” 电话１３８"


@pytest.mark.parametrize("empty", [None, "", "  \n \u3000\n"])
def test_prose_that_is_only_space_is_empty(empty):
    assert clean_prose(empty) == ""
