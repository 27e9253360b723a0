"""Line breaking: widths respected, 禁则 kept, numbers kept whole, indents and paragraphs."""

from __future__ import annotations

import pytest

from butler_desk.reporting.fonts import get_fontset
from butler_desk.reporting.text import NO_LINE_END, NO_LINE_START, Pen

SAMPLE = ("因二次供水水池年度清洗消毒（含管道冲洗），定于2026年12月3日08:00至17:00暂停供水。"
          "请提前储水；如有疑问，请致电0571-88886666或13812345678。“谢谢配合！”Room 3-2-1201 OK。")


@pytest.fixture(scope="module")
def pen() -> Pen:
    return Pen(get_fontset())


@pytest.mark.parametrize("width", [60, 95, 140, 200, 333])
def test_no_wrapped_line_is_wider_than_the_column(pen, width):
    for line in pen.wrap(SAMPLE, 10, width, first_indent=20):
        assert line.indent + pen.width(line.text, 10) <= width + 1e-6, line


@pytest.mark.parametrize("width", [60, 95, 140, 200, 333])
def test_closing_punctuation_never_starts_and_opening_never_ends_a_line(pen, width):
    lines = [line.text for line in pen.wrap(SAMPLE, 10, width)]

    assert "".join(lines).replace(" ", "") == SAMPLE.replace(" ", "")  # nothing lost, only spaces at breaks
    for text in lines[1:]:
        assert text[0] not in NO_LINE_START, lines
    for text in lines[:-1]:
        assert text[-1] not in NO_LINE_END, lines


def test_numbers_and_phone_numbers_stay_on_one_line_when_they_fit(pen):
    lines = [line.text for line in pen.wrap("请致电联系电话13812345678咨询", 10, 75)]

    assert any("13812345678" in text for text in lines), lines


def test_a_word_longer_than_the_line_is_cut_rather_than_overflowing(pen):
    lines = pen.wrap("1234567890" * 6, 10, 50)

    assert len(lines) > 1
    assert all(pen.width(line.text, 10) <= 50 + 1e-6 for line in lines)


def test_first_line_of_each_paragraph_is_indented_and_paragraphs_end_with_last(pen):
    lines = pen.wrap("第一段文字。\n\n第二段文字。", 10, 300, first_indent=20)

    assert [(line.text, line.indent, line.last) for line in lines] == [
        ("第一段文字。", 20, True), ("", 0.0, True), ("第二段文字。", 20, True)]


def test_width_measures_fallback_characters_with_their_own_font(pen):
    assert pen.width("中文", 10) == pytest.approx(20, abs=0.5)
    assert 0 < pen.width("abc", 10) < pen.width("中文字", 10)
