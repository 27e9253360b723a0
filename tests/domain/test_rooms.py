"""Tests for butler_desk.domain.rooms: spellings, canonical form, rejects and search prefixes."""

from __future__ import annotations

import dataclasses

import pytest

from butler_desk.domain.errors import BadInput
from butler_desk.domain.rooms import (
    RoomCode,
    normalize_room_query,
    parse_room_code,
    split_area_prefix,
    try_parse_room_code,
)

SPELLINGS_OF_3_2_1201 = [
    "3-2-1201",
    "3栋2单元1201",
    "3#2-1201",
    "3#2#1201",
    "3幢2单元1201室",
    "03-02-1201",
    "003-02-01201",
    "３－２－１２０１",
    "３栋２单元１２０１室",
    "3号楼2单元1201",
    "3号楼2单元1201号",
    "3号楼2门1201",
    "3号2单元1201",
    "3栋2单元1201房",
    "3栋2单元1201房间",
    "3/2/1201",
    "3\\2\\1201",
    "3_2_1201",
    "3.2.1201",
    "3 - 2 - 1201",
    " 3 栋 2 单元 1201 室 ",
    "3栋 2单元 1201",
    "3栋-2单元-1201",
    "3栋2-1201",
    "3-2单元1201",
    "3—2—1201",
    "3–2–1201",
    "3−2−1201",
    "3\u200b-2-1201",
    "3\u00a0-\u00a02-\u00a01201",
    "三栋二单元1201",
    "三号楼二单元1201室",
    "三栋两单元1201",
    "三栋二单元一二零一",
    "3棟2單元1201",
    "3栋2单1201",
    "3座2单元1201",
]


@pytest.mark.parametrize("spelling", SPELLINGS_OF_3_2_1201)
def test_given_a_spelling_of_3_2_1201_when_parsed_then_canonical(spelling: str) -> None:
    code = parse_room_code(spelling)
    assert code == RoomCode("3", "2", "1201")
    assert code.code == "3-2-1201"
    assert code.display == "3栋2单元1201"
    assert str(code) == "3-2-1201"


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("3-1201", "3-1201"),
        ("3栋1201", "3-1201"),
        ("3号楼1201", "3-1201"),
        ("3号楼1201号", "3-1201"),
        ("3号1201", "3-1201"),
        ("3#1201", "3-1201"),
        ("3幢1201室", "3-1201"),
        ("A座1201", "A-1201"),
        ("a座1201", "A-1201"),
        ("Ａ座１２０１", "A-1201"),
        ("A-1201", "A-1201"),
        ("A栋2单元1201", "A-2-1201"),
        ("A1栋2单元1201", "A1-2-1201"),
        ("A01栋1201", "A1-1201"),
        ("12A栋1201", "12A-1201"),
        ("12-3-1201", "12-3-1201"),
        ("十二栋", None),
        ("十二栋1201", "12-1201"),
        ("十二栋三单元1201", "12-3-1201"),
        ("二十栋1单元101", "20-1-101"),
        ("二十三栋1单元101", "23-1-101"),
        ("一百零一栋1单元101", "101-1-101"),
        ("3栋B单元1201", "3-B-1201"),
        ("3-2-1201A", "3-2-1201A"),
        ("3-2-0101", "3-2-101"),
        ("3-2-101", "3-2-101"),
        ("3-2-1", "3-2-1"),
        ("3-2-10001", "3-2-10001"),
        ("9999-99-99999", "9999-99-99999"),
        ("3.2.0101", "3-2-101"),
    ],
)
def test_given_other_spellings_when_parsed_then_canonical(
    spelling: str, expected: str | None
) -> None:
    if expected is None:
        assert try_parse_room_code(spelling) is None
    else:
        assert parse_room_code(spelling).code == expected


@pytest.mark.parametrize(
    ("spelling", "display"),
    [
        ("3-2-1201", "3栋2单元1201"),
        ("3-1201", "3栋1201"),
        ("A-1201", "A栋1201"),
        ("12-3-101", "12栋3单元101"),
    ],
)
def test_display_is_how_letters_write_the_address(spelling: str, display: str) -> None:
    assert parse_room_code(spelling).display == display


ROUND_TRIP_CODES = [
    RoomCode(building, unit, room)
    for building in ("1", "3", "12", "120", "9999", "A", "B2", "12A")
    for unit in ("", "1", "2", "12", "B")
    for room in ("1", "101", "1201", "2304", "10001", "1201A")
]


@pytest.mark.parametrize("code", ROUND_TRIP_CODES, ids=str)
def test_given_any_room_code_when_code_or_display_parsed_back_then_equal(code: RoomCode) -> None:
    assert parse_room_code(code.code) == code
    assert parse_room_code(code.display) == code
    assert parse_room_code(code.code.replace("-", "/")) == code
    assert parse_room_code(" ".join(code.code)) == code


@pytest.mark.parametrize("code", ROUND_TRIP_CODES, ids=str)
def test_given_any_room_code_when_typed_char_by_char_then_each_query_prefixes_its_code(
    code: RoomCode,
) -> None:
    for spelling in (code.code, code.display):
        for end in range(1, len(spelling) + 1):
            query = normalize_room_query(spelling[:end])
            if query is not None and "-" in query:
                assert code.code.startswith(query), (spelling[:end], query)
        assert normalize_room_query(spelling) == code.code


def test_room_code_constructor_normalizes_its_parts() -> None:
    assert RoomCode("03", "02", "01201") == RoomCode("3", "2", "1201")
    assert RoomCode("A座", "二单元", "1201室") == RoomCode("A", "2", "1201")
    assert RoomCode("3号楼", "2门", "1201号") == RoomCode("3", "2", "1201")
    assert RoomCode("三", "", "一二零一") == RoomCode("3", "", "1201")
    assert RoomCode("b", " ", "101") == RoomCode("B", "", "101")
    assert RoomCode(" ３ ", "２", "１２０１") == RoomCode("3", "2", "1201")


@pytest.mark.parametrize(
    ("building", "unit", "room", "fragment"),
    [
        ("0", "2", "1201", "楼栋不能为 0"),
        ("3", "0", "1201", "单元不能为 0"),
        ("3", "2", "0", "室号不能为 0"),
        ("3", "2", "000", "室号不能为 0"),
        ("", "2", "1201", "楼栋不能为空"),
        ("3", "2", "", "室号不能为空"),
        ("12345", "2", "1201", "楼栋“12345”不合理"),
        ("3", "100", "1201", "单元“100”不合理"),
        ("3", "2", "123456", "室号“123456”不合理"),
        ("3", "2", "AB", "室号“AB”不合理"),
        ("3", "2", "-1201", "室号“-1201”不合理"),
        ("张", "2", "1201", "楼栋“张”不合理"),
    ],
)
def test_given_an_impossible_part_when_room_code_built_then_bad_input(
    building: str, unit: str, room: str, fragment: str
) -> None:
    with pytest.raises(BadInput) as caught:
        RoomCode(building, unit, room)
    assert fragment in caught.value.message
    assert caught.value.field == "room_code"


def test_room_code_is_frozen_hashable_and_usable_as_a_key() -> None:
    code = parse_room_code("3栋2单元1201")
    with pytest.raises(dataclasses.FrozenInstanceError):
        code.room = "1202"  # type: ignore[misc]
    lookup = {code: "张三"}
    assert lookup[parse_room_code("03-02-1201")] == "张三"
    assert len({parse_room_code(s) for s in SPELLINGS_OF_3_2_1201}) == 1


def test_sort_key_orders_naturally_while_default_order_is_by_string() -> None:
    codes = [
        parse_room_code(s)
        for s in ("10-1-101", "2-1-1201", "2-1-301", "A-101", "2-1-1201A", "2-10-101", "2-2-101")
    ]
    natural = [c.code for c in sorted(codes, key=lambda c: c.sort_key)]
    assert natural == [
        "2-1-301",
        "2-1-1201",
        "2-1-1201A",
        "2-2-101",
        "2-10-101",
        "10-1-101",
        "A-101",
    ]
    # The dataclass order compares the strings; documented, and still a total order.
    assert sorted(codes)[0].code == "10-1-101"


@pytest.mark.parametrize(
    ("spelling", "floor"),
    [
        ("3-2-1201", 12),
        ("3-2-101", 1),
        ("3-2-0101", 1),
        ("3-2-2304A", 23),
        ("3-2-10001", 100),
        ("3-2-12", None),
        ("3-2-5", None),
    ],
)
def test_floor_is_read_from_the_room_number(spelling: str, floor: int | None) -> None:
    assert parse_room_code(spelling).floor == floor


@pytest.mark.parametrize(
    ("spelling", "fragment"),
    [
        ("", "房号不能为空"),
        ("   ", "房号不能为空"),
        ("张三", "无法识别房号“张三”"),
        ("3栋2单元1201(业主)", "无法识别房号"),
        ("-3-2-1201", "无法识别房号"),
        ("3--2-1201", "无法识别房号"),
        ("3-2--1201", "无法识别房号"),
        ("3-2-1201-", "不完整"),
        ("3-2-", "不完整"),
        ("3#", "不完整"),
        ("1201", "缺少楼栋"),
        ("1201室", "缺少楼栋"),
        ("2单元1201", "缺少楼栋"),
        ("3栋", "缺少室号"),
        ("3栋2单元", "缺少室号"),
        ("3-2-1201-1", "段数太多"),
        ("3-2-0", "室号不能为 0"),
        ("0-2-1201", "楼栋不能为 0"),
        ("3-0-1201", "单元不能为 0"),
        ("3-2-00", "室号不能为 0"),
        ("12345-2-1201", "楼栋“12345”不合理"),
        ("3-100-1201", "单元“100”不合理"),
        ("3-2-123456", "室号“123456”不合理"),
        ("3栋2单元1201栋", "无法识别房号"),
        ("3单元2栋1201", "无法识别房号"),
        ("3-2单元1201室5", "段数太多"),
        ("ABC", "无法识别房号"),
        ("3栋2单元一二三十", "无法识别房号"),
        ("13812345678", "缺少楼栋"),
        ("3,2,1201", "无法识别房号"),
    ],
)
def test_given_garbage_when_parsed_then_bad_input_says_how_to_write_it(
    spelling: str, fragment: str
) -> None:
    with pytest.raises(BadInput) as caught:
        parse_room_code(spelling)
    assert fragment in caught.value.message
    assert caught.value.field == "room_code"
    assert try_parse_room_code(spelling) is None


def test_format_hint_is_part_of_the_generic_message() -> None:
    with pytest.raises(BadInput) as caught:
        parse_room_code("3栋…1201")
    assert (
        caught.value.message == "无法识别房号“3栋…1201”：请按 3-2-1201 或 3栋2单元1201 的格式填写"
    )


@pytest.mark.parametrize("spelling", ["3楼2单元1201", "3楼1201", "12楼1201"])
def test_given_a_bare_lou_when_parsed_then_refused_as_floor_or_building_ambiguity(
    spelling: str,
) -> None:
    with pytest.raises(BadInput, match="分不清是楼栋还是楼层"):
        parse_room_code(spelling)


@pytest.mark.parametrize(("spelling", "suggestion"), [("3.1201", "3-1201"), ("03.0101", "3-101")])
def test_given_a_two_part_dotted_code_when_parsed_then_refused_as_a_possible_excel_number(
    spelling: str, suggestion: str
) -> None:
    with pytest.raises(BadInput) as caught:
        parse_room_code(spelling)
    assert "Excel" in caught.value.message
    assert suggestion in caught.value.message


@pytest.mark.parametrize(
    ("spelling", "prefix", "rest"),
    [
        ("一期3栋2单元1201", "一期", "3栋2单元1201"),
        ("1期3-2-1201", "1期", "3-2-1201"),
        ("二期 3-2-1201", "二期", "3-2-1201"),
        ("A区3栋1201", "A区", "3栋1201"),
        ("2组团3-2-1201", "2组团", "3-2-1201"),
        ("十二区3-1201", "十二区", "3-1201"),
    ],
)
def test_given_a_phase_prefix_when_parsed_then_refused_but_split_area_prefix_exposes_it(
    spelling: str, prefix: str, rest: str
) -> None:
    with pytest.raises(BadInput) as caught:
        parse_room_code(spelling)
    assert f"带有分期/分区“{prefix}”" in caught.value.message
    assert "组团" in caught.value.message
    assert split_area_prefix(spelling) == (prefix, rest)
    assert parse_room_code(split_area_prefix(spelling)[1]).code == parse_room_code(rest).code


@pytest.mark.parametrize("spelling", ["3-2-1201", "3栋2单元1201", "", "期3栋", "区"])
def test_given_no_phase_prefix_when_split_then_prefix_is_empty(spelling: str) -> None:
    assert split_area_prefix(spelling) == ("", spelling)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3栋2单元12", "3-2-12"),
        ("3#2-", "3-2-"),
        ("03-02-12", "3-2-12"),
        ("3栋", "3-"),
        ("3-2", "3-2"),
        ("3", "3"),
        ("3-", "3-"),
        ("3#", "3-"),
        ("3号", "3-"),
        ("3号楼", "3-"),
        ("3栋2", "3-2"),
        ("3栋2单", "3-2-"),
        ("3栋2单元", "3-2-"),
        ("3栋2单元1201", "3-2-1201"),
        ("3栋2单元1201室", "3-2-1201"),
        ("3-2-0", "3-2-"),
        ("3栋1201室", "3-1201"),
        ("３－２－１２", "3-2-12"),
        ("三栋", "3-"),
        ("十二栋二单元", "12-2-"),
        ("A座", "A-"),
        ("a", "A"),
        ("A栋2", "A-2"),
        ("3 栋 2", "3-2"),
        ("3/2/12", "3-2-12"),
        ("3.2", "3-2"),
    ],
)
def test_given_a_partial_spelling_when_normalized_then_canonical_prefix(
    typed: str, expected: str
) -> None:
    assert normalize_room_query(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1201", "1201"),
        ("0101", "101"),
        ("12", "12"),
        ("138", "138"),
        ("12345", "12345"),
    ],
)
def test_given_a_bare_number_of_up_to_five_digits_then_returned_as_a_fragment_without_dash(
    typed: str, expected: str
) -> None:
    # A bare number may be a room or a phone fragment: the caller searches both.
    assert normalize_room_query(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "123456",
        "1381234",
        "13812345678",
        "075588889999",
        "张三",
        "张",
        "zhang",
        "zs",
        "0",
        "000",
        "3单元",
        "1201室",
        "一期3栋",
        "3-2-1201-",
        "3-2-1201-1",
        "3--2",
        "-3",
        "3栋2单元1201栋",
        "0栋",
        "3-0-12",
        "3-2-123456",
        "3栋,2",
    ],
)
def test_given_text_that_cannot_be_a_room_code_when_normalized_then_none(typed: str) -> None:
    assert normalize_room_query(typed) is None


@pytest.mark.parametrize("spelling", ["3 2 1201", "A1201"])
def test_given_parts_run_together_when_parsed_then_refused_rather_than_guessed(
    spelling: str,
) -> None:
    assert try_parse_room_code(spelling) is None


def test_code_sort_text_orders_like_the_natural_room_order():
    from butler_desk.domain.rooms import code_sort_text
    from butler_desk.services.ledger.service import room_sort_key

    codes = ["10-1-101", "2-1-1201", "2-1-201", "2-10-101", "2-2-101", "A-1-101", "2-1201", "2-1-201A", "3-1",
             "12-1-301", "2-1-20", "B-3"]
    assert sorted(codes, key=code_sort_text) == sorted(codes, key=room_sort_key)
