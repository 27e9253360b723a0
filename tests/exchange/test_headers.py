"""Header cells as offices write them, and finding the header row below title rows."""

from __future__ import annotations

import pytest

from butler_desk.exchange.headers import (
    HeaderMatcher,
    header_candidates,
    header_display,
    locate_header,
)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("房号", "房号"),
        (" 房 号 ", "房号"),
        ("联系\n电话", "联系电话"),
        ("面积（㎡）", "面积"),
        ("面积(m²)", "面积"),
        ("建筑面积㎡", "建筑面积"),
        ("物业费单价（元/㎡·月）", "物业费单价"),
        ("*房号", "房号"),
        ("【备注】", "【备注】"),
        ("电话2", "电话"),
        ("ＶＩＰ", "vip"),
    ],
)
def test_header_candidates_reduce_decorated_headers_to_their_name(written, expected):
    assert header_candidates(written)[-1] == expected or expected in header_candidates(written)


def test_header_display_joins_lines_without_a_gap_between_chinese_words():
    assert header_display("业主\n姓名") == "业主姓名"
    assert header_display("E  mail") == "E mail"
    assert header_display(None) == ""


def test_locate_header_skips_title_rows_and_returns_the_rows_after_it():
    matcher = HeaderMatcher([("room", ["房号"], False), ("name", ["姓名"], False), ("phones", ["电话"], True)])
    rows = iter([
        (1, ["翠湖花园业户资料"] * 3, True),
        (2, ["制表：物业服务中心", None, None], True),
        (3, ["房号", "姓名", "电话1", "电话2"], True),
        (4, ["3-2-1201", "张三", "138", "139"], True),
    ])
    header, near, rest = locate_header(rows, matcher, lambda columns: "room" in columns)
    assert header is not None and header.row == 3
    assert header.columns == {"room": [0], "name": [1], "phones": [2, 3]}
    assert near is None
    assert [number for number, _values, _own in rest] == [4]


def test_locate_header_reports_a_near_miss_when_the_required_column_is_absent():
    matcher = HeaderMatcher([("room", ["房号"], False), ("name", ["姓名"], False), ("phones", ["电话"], False)])
    rows = iter([(1, ["姓名", "电话"], True), (2, ["张三", "138"], True)])
    header, near, _rest = locate_header(rows, matcher, lambda columns: "room" in columns)
    assert header is None
    assert near is not None and near.row == 1


def test_the_first_column_claiming_a_spelling_keeps_it():
    matcher = HeaderMatcher([("unit", ["单元", "单元号"], False), ("room", ["房号", "单元号"], False)])
    assert matcher.key_of("单元号") == "unit"
    assert matcher.match(["姓名", "房号", "房号"]) == {"room": [1]}
