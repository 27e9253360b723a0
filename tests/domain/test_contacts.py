"""Tests for butler_desk.domain.contacts: phones, resident ID checksums, other IDs, postcodes."""

from __future__ import annotations

from datetime import date

import pytest

from butler_desk.domain.contacts import (
    INTERNATIONAL,
    LANDLINE,
    MOBILE,
    SERVICE,
    PhoneNumber,
    id_birth_date,
    id_check_char,
    id_gender,
    normalize_phone,
    parse_phones,
    split_phones,
    validate_id_number,
    validate_postcode,
)
from butler_desk.domain.enums import IdType
from butler_desk.domain.errors import BadInput

# --- phones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number", "kind"),
    [
        ("13812345678", "13812345678", MOBILE),
        ("138 1234 5678", "13812345678", MOBILE),
        ("138-1234-5678", "13812345678", MOBILE),
        ("138.1234.5678", "13812345678", MOBILE),
        ("１３８１２３４５６７８", "13812345678", MOBILE),
        ("１３８　１２３４　５６７８", "13812345678", MOBILE),
        ("+86 138 1234 5678", "13812345678", MOBILE),
        ("+8613812345678", "13812345678", MOBILE),
        ("+86-13812345678", "13812345678", MOBILE),
        ("(+86)13812345678", "13812345678", MOBILE),
        ("（＋８６）１３８１２３４５６７８", "13812345678", MOBILE),
        ("0086 13812345678", "13812345678", MOBILE),
        ("008613812345678", "13812345678", MOBILE),
        ("8613812345678", "13812345678", MOBILE),
        ("86-138-1234-5678", "13812345678", MOBILE),
        ("19912345678", "19912345678", MOBILE),
        ("手机：13812345678", "13812345678", MOBILE),
        ("手机号 13812345678", "13812345678", MOBILE),
        ("Mobile: 138 1234 5678", "13812345678", MOBILE),
        ("\u200b13812345678\u00a0", "13812345678", MOBILE),
        ("0755-88889999", "0755-88889999", LANDLINE),
        ("075588889999", "0755-88889999", LANDLINE),
        ("0755 8888 9999", "0755-88889999", LANDLINE),
        ("0755-8888-9999", "0755-88889999", LANDLINE),
        ("(0755)88889999", "0755-88889999", LANDLINE),
        ("(0755) 8888-9999", "0755-88889999", LANDLINE),
        ("（０７５５）８８８８９９９９", "0755-88889999", LANDLINE),
        ("010-65529988", "010-65529988", LANDLINE),
        ("01065529988", "010-65529988", LANDLINE),
        ("(010)6552 9988", "010-65529988", LANDLINE),
        ("021-55556666", "021-55556666", LANDLINE),
        ("020-3888999", "020-3888999", LANDLINE),
        ("0571-8765432", "0571-8765432", LANDLINE),
        ("0931-8765432", "0931-8765432", LANDLINE),
        ("+86 755 8888 9999", "0755-88889999", LANDLINE),
        ("+86 (0)755 8888 9999", "0755-88889999", LANDLINE),
        ("+86 10 6552 9988", "010-65529988", LANDLINE),
        ("0086-20-88889999", "020-88889999", LANDLINE),
        ("电话：0755-88889999", "0755-88889999", LANDLINE),
        ("Tel: 0755-88889999", "0755-88889999", LANDLINE),
        ("0755-88889999 转 123", "0755-88889999-123", LANDLINE),
        ("0755-88889999转123", "0755-88889999-123", LANDLINE),
        ("0755-88889999 分机 8", "0755-88889999-8", LANDLINE),
        ("0755-88889999 ext 123", "0755-88889999-123", LANDLINE),
        ("0755-88889999 EXT.123", "0755-88889999-123", LANDLINE),
        ("0755-88889999x123", "0755-88889999-123", LANDLINE),
        ("0755-88889999-123", "0755-88889999-123", LANDLINE),
        ("0755-8888999-12", "0755-8888999-12", LANDLINE),
        ("010-65529988-1", "010-65529988-1", LANDLINE),
        ("(0755)88889999-123456", "0755-88889999-123456", LANDLINE),
        ("400-810-8888", "400-810-8888", SERVICE),
        ("4008108888", "400-810-8888", SERVICE),
        ("400 810 8888", "400-810-8888", SERVICE),
        ("800-810-8888", "800-810-8888", SERVICE),
        ("400-810-8888 转 2", "400-810-8888-2", SERVICE),
        ("+86 400 810 8888", "400-810-8888", SERVICE),
        ("95588", "95588", SERVICE),
        ("955 88", "95588", SERVICE),
        ("951055", "951055", SERVICE),
        ("10086", "10086", SERVICE),
        ("12345", "12345", SERVICE),
        ("96345", "96345", SERVICE),
        ("+852 9123 4567", "+85291234567", INTERNATIONAL),
        ("00852 91234567", "+85291234567", INTERNATIONAL),
        ("+853 6612 3456", "+85366123456", INTERNATIONAL),
        ("+1 (212) 555-1234", "+12125551234", INTERNATIONAL),
        ("+852 2123 4567 转 8", "+85221234567-8", INTERNATIONAL),
    ],
)
def test_given_a_phone_however_typed_when_normalized_then_canonical(
    typed: str, number: str, kind: str
) -> None:
    assert normalize_phone(typed) == PhoneNumber(number, kind)


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("", "电话号码不能为空"),
        ("   ", "电话号码不能为空"),
        ("1381234567", "应为 11 位数字，现在是 10 位"),
        ("138123456789", "应为 11 位数字，现在是 12 位"),
        ("12812345678", "无法识别"),
        ("88889999", "缺少区号"),
        ("8888999", "缺少区号"),
        ("0755-0888999", "号码部分应为 7–8 位"),
        ("0755-1888999", "号码部分应为 7–8 位"),
        ("0755-888899", "号码部分应为 7–8 位"),
        ("075588889999123", "号码部分应为 7–8 位"),
        ("0755-88889999-1234567", "号码部分应为 7–8 位"),
        ("0123-88889999", "区号“0123”不正确"),
        ("13812345678转1", "手机号“13812345678转1”不能带分机号"),
        ("13812345678-1", "不能带分机号"),
        ("138-1234-5678-123", "不能带分机号"),
        ("abc1", "无法识别的字符“a”"),
        ("abc", "里没有号码"),
        ("手机：", "里没有号码"),
        ("13812345678（本人）", "无法识别的字符“本”"),
        ("张三13812345678", "无法识别的字符“张”"),
        ("138****5678", "无法识别的字符“*”"),
        ("138+1234+5678", "无法识别的字符“+”"),
        ("+852 123", "境外电话"),
        ("转123", "无法识别"),
        ("12", "无法识别"),
    ],
)
def test_given_an_impossible_phone_when_normalized_then_bad_input_says_how(
    typed: str, fragment: str
) -> None:
    with pytest.raises(BadInput) as caught:
        normalize_phone(typed)
    assert fragment in caught.value.message
    assert caught.value.field == "phone"


def test_given_a_local_number_and_a_default_area_code_when_normalized_then_area_code_added() -> (
    None
):
    assert normalize_phone("88889999", default_area_code="0755") == PhoneNumber(
        "0755-88889999", LANDLINE
    )
    assert normalize_phone("6552 9988 转 1", default_area_code="010") == PhoneNumber(
        "010-65529988-1", LANDLINE
    )
    # A number that brings its own area code keeps it.
    assert normalize_phone("020-88889999", default_area_code="0755").number == "020-88889999"
    assert normalize_phone("13812345678", default_area_code="0755").kind == MOBILE


def test_given_a_malformed_default_area_code_then_programming_error_not_user_message() -> None:
    with pytest.raises(ValueError) as caught:
        normalize_phone("88889999", default_area_code="755")
    assert not isinstance(caught.value, BadInput)


def test_canonical_numbers_normalize_to_themselves() -> None:
    for canonical in (
        "13812345678",
        "0755-88889999",
        "010-65529988-12",
        "400-810-8888",
        "95588",
        "+85291234567",
    ):
        assert normalize_phone(canonical).number == canonical


@pytest.mark.parametrize(
    ("cell", "pieces"),
    [
        ("", []),
        (None, []),
        ("13812345678", ["13812345678"]),
        ("138 1234 5678", ["138 1234 5678"]),
        ("0755 8888 9999", ["0755 8888 9999"]),
        ("0755 8888 9999 转 123", ["0755 8888 9999 转 123"]),
        ("13812345678,13987654321", ["13812345678", "13987654321"]),
        ("13812345678，13987654321", ["13812345678", "13987654321"]),
        ("13812345678;13987654321；0755-88889999", ["13812345678", "13987654321", "0755-88889999"]),
        ("13812345678/13987654321", ["13812345678", "13987654321"]),
        ("13812345678、13987654321", ["13812345678", "13987654321"]),
        ("13812345678|13987654321", ["13812345678", "13987654321"]),
        ("13812345678\n13987654321", ["13812345678", "13987654321"]),
        ("13812345678\r\n\r\n13987654321\n", ["13812345678", "13987654321"]),
        ("13812345678 13987654321", ["13812345678", "13987654321"]),
        ("138 1234 5678 139 8765 4321", ["138 1234 5678", "139 8765 4321"]),
        ("13812345678  0755-88889999", ["13812345678", "0755-88889999"]),
        ("张三 13812345678", ["张三 13812345678"]),
        (" , 13812345678 ,, ", ["13812345678"]),
        (13812345678, ["13812345678"]),
    ],
)
def test_given_a_phone_cell_when_split_then_raw_pieces(cell: object, pieces: list[str]) -> None:
    assert split_phones(cell) == pieces


def test_given_a_cell_with_several_phones_when_parsed_then_normalized_and_deduplicated() -> None:
    cell = "138 1234 5678，0755-88889999 转 12\n+86 13812345678；13987654321"
    assert parse_phones(cell) == [
        PhoneNumber("13812345678", MOBILE),
        PhoneNumber("0755-88889999-12", LANDLINE),
        PhoneNumber("13987654321", MOBILE),
    ]


def test_given_a_local_number_after_a_landline_when_parsed_then_it_borrows_the_area_code() -> None:
    assert [p.number for p in parse_phones("0755-88889999/88887777")] == [
        "0755-88889999",
        "0755-88887777",
    ]
    assert [p.number for p in parse_phones("88887777", default_area_code="0571")] == [
        "0571-88887777"
    ]


def test_given_an_empty_cell_when_parsed_then_no_phones() -> None:
    assert parse_phones("") == []
    assert parse_phones(None) == []


def test_given_one_bad_piece_among_several_when_parsed_then_message_names_it() -> None:
    with pytest.raises(BadInput) as caught:
        parse_phones("13812345678, 1381234, 13987654321")
    assert caught.value.message.startswith("第 2 个电话号码有误：")
    assert "“1381234”" in caught.value.message


def test_given_a_single_bad_phone_when_parsed_then_the_plain_message() -> None:
    with pytest.raises(BadInput) as caught:
        parse_phones("88889999")
    assert caught.value.message.startswith("座机号“88889999”缺少区号")


# --- resident ID numbers ---------------------------------------------------------------------


def check_char_from_the_standard(first17: str) -> str:
    """GB 11643-1999 / ISO 7064 MOD 11-2, written from the standard's own formulation.

    Position i counts from the right, the check character being position 1; the weight of
    position i is 2^(i-1) mod 11; the check value a1 satisfies (sum + a1) ≡ 1 (mod 11).
    """
    total = 0
    for index, digit in enumerate(first17):
        position = 18 - index
        total += int(digit) * pow(2, position - 1, 11)
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def make_id(area: str, birth: str, sequence: str) -> str:
    first17 = area + birth + sequence
    assert len(first17) == 17
    return first17 + check_char_from_the_standard(first17)


def id_ending_in_x() -> str:
    for sequence in range(1000):
        number = make_id("110105", "19800101", f"{sequence:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives X")


VALID_IDS = [
    make_id("110105", "19491001", "001"),
    make_id("440305", "19900101", "123"),
    make_id("310104", "20000229", "456"),
    make_id("510107", "19000101", "018"),
    make_id("650102", "19751231", "987"),
    make_id("810000", "19851111", "234"),
    make_id("830000", "19930606", "555"),
    id_ending_in_x(),
]


def test_our_check_character_agrees_with_the_standard_on_many_numbers() -> None:
    for seed in range(2000):
        first17 = f"{(seed * 7919) % 10**17:017d}"
        assert id_check_char(first17) == check_char_from_the_standard(first17)


def test_the_published_example_of_the_standard_checks_out() -> None:
    # The worked example in GB 11643-1999, appendix A: 11010519491231002X.
    assert id_check_char("11010519491231002") == "X"
    assert validate_id_number("11010519491231002X") == "11010519491231002X"


@pytest.mark.parametrize("number", VALID_IDS)
def test_given_a_valid_resident_id_when_validated_then_returned_unchanged(number: str) -> None:
    assert validate_id_number(number) == number
    assert validate_id_number(number, IdType.RESIDENT_ID) == number


def test_given_a_lowercase_x_spaces_or_fullwidth_when_validated_then_canonical() -> None:
    number = id_ending_in_x()
    assert validate_id_number(number.lower()) == number
    assert validate_id_number(f"{number[:6]} {number[6:14]} {number[14:]}") == number
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert validate_id_number(fullwidth) == number


@pytest.mark.parametrize("number", VALID_IDS)
def test_given_any_single_digit_changed_when_validated_then_checksum_error(number: str) -> None:
    for index in range(6, 17):
        if index in range(6, 14):
            continue  # a changed birth digit may produce a bad-date message instead
        changed = number[:index] + str((int(number[index]) + 1) % 10) + number[index + 1 :]
        with pytest.raises(BadInput, match="校验位不对"):
            validate_id_number(changed)


@pytest.mark.parametrize("number", VALID_IDS)
def test_given_a_wrong_check_character_when_validated_then_checksum_error(number: str) -> None:
    for wrong in "0123456789X":
        if wrong == number[-1]:
            continue
        with pytest.raises(BadInput) as caught:
            validate_id_number(number[:17] + wrong)
        assert "校验位不对" in caught.value.message
        assert caught.value.field == "id_number"


def test_given_two_adjacent_digits_swapped_when_validated_then_checksum_error() -> None:
    number = make_id("440305", "19900101", "123")
    swapped = number[:14] + number[15] + number[14] + number[16:]
    assert swapped != number
    with pytest.raises(BadInput, match="校验位不对"):
        validate_id_number(swapped)


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("", "证件号码不能为空"),
        ("4403051990010112", "应为 18 位，现在是 16 位"),
        ("44030519900101123", "应为 18 位，现在是 17 位"),
        ("4403051990010112345", "应为 18 位，现在是 19 位"),
        ("440305900101123", "15 位的旧号码：请填写 18 位的新身份证号"),
        ("44030519900101A234", "前 17 位应为数字"),
        ("4403051990010112X4", "前 17 位应为数字"),
        ("44030519900101123Y", "最后一位是数字或 X"),
        ("4.40305E+17", "科学计数法"),
    ],
)
def test_given_a_malformed_resident_id_when_validated_then_specific_message(
    typed: str, fragment: str
) -> None:
    with pytest.raises(BadInput) as caught:
        validate_id_number(typed)
    assert fragment in caught.value.message


@pytest.mark.parametrize("area", ["000000", "990101", "100101", "200101", "910101"])
def test_given_an_unknown_province_when_validated_then_province_message(area: str) -> None:
    with pytest.raises(BadInput, match="不是有效的省份代码"):
        validate_id_number(make_id(area, "19900101", "123"))


@pytest.mark.parametrize(
    "birth",
    [
        "19901301",
        "19900230",
        "19000229",
        "20230229",
        "19900132",
        "19900001",
        "18991231",
        "00000000",
    ],
)
def test_given_an_impossible_birth_date_with_a_correct_checksum_then_date_message(
    birth: str,
) -> None:
    with pytest.raises(BadInput) as caught:
        validate_id_number(make_id("440305", birth, "123"))
    assert f"出生日期“{birth}”不正确" in caught.value.message


def test_given_a_birth_date_after_today_then_date_message() -> None:
    number = make_id("440305", "20260102", "123")
    assert validate_id_number(number, today=date(2026, 1, 2)) == number
    with pytest.raises(BadInput, match="出生日期“20260102”不正确"):
        validate_id_number(number, today=date(2026, 1, 1))


def test_birth_date_and_gender_are_read_from_a_valid_id() -> None:
    assert id_birth_date(make_id("310104", "20000229", "456")) == date(2000, 2, 29)
    assert id_birth_date(make_id("110105", "19491001", "001")) == date(1949, 10, 1)
    assert id_gender(make_id("110105", "19491001", "001")) == "male"
    assert id_gender(make_id("110105", "19491001", "002")) == "female"


def test_birth_date_of_an_invalid_id_raises_bad_input() -> None:
    number = make_id("440305", "19900101", "123")
    wrong = "1" if number[-1] != "1" else "2"
    with pytest.raises(BadInput, match="校验位不对"):
        id_birth_date(number[:17] + wrong)
    with pytest.raises(BadInput, match="15 位的旧号码"):
        id_gender("440305900101123")


# --- other documents -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_type", "typed", "expected"),
    [
        (IdType.PASSPORT, "E12345678", "E12345678"),
        (IdType.PASSPORT, "e1234 5678", "E12345678"),
        (IdType.PASSPORT, "ｅ１２３４５６７８", "E12345678"),
        (IdType.HK_MACAO, "H12345678", "H12345678"),
        (IdType.TAIWAN, "12345678", "12345678"),
        (IdType.FOREIGN_PR, "USA123456789012", "USA123456789012"),
        (IdType.OTHER, "ABCDE", "ABCDE"),
        (IdType.OTHER, "A" * 30, "A" * 30),
    ],
)
def test_given_another_document_number_when_validated_then_upper_case_without_spaces(
    id_type: IdType, typed: str, expected: str
) -> None:
    assert validate_id_number(typed, id_type) == expected


@pytest.mark.parametrize(
    ("id_type", "typed"),
    [
        (IdType.PASSPORT, "E123"),
        (IdType.PASSPORT, "E-1234-5678"),
        (IdType.HK_MACAO, "H1234567(8)"),
        (IdType.OTHER, "A" * 31),
        (IdType.TAIWAN, "台12345678"),
    ],
)
def test_given_a_bad_document_number_when_validated_then_message_names_the_document(
    id_type: IdType, typed: str
) -> None:
    with pytest.raises(BadInput) as caught:
        validate_id_number(typed, id_type)
    assert caught.value.message.startswith(f"{id_type.label}号码“")
    assert "5–30 位字母或数字" in caught.value.message


# --- postcodes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("518000", "518000"),
        ("１００００１", "100001"),
        (" 518 000 ", "518000"),
        ("010010", "010010"),
    ],
)
def test_given_a_postcode_when_validated_then_six_digits(typed: str, expected: str) -> None:
    assert validate_postcode(typed) == expected


@pytest.mark.parametrize("typed", ["", "51800", "5180000", "51800A", "000000", "518-000"])
def test_given_a_bad_postcode_when_validated_then_message(typed: str) -> None:
    with pytest.raises(BadInput) as caught:
        validate_postcode(typed)
    assert caught.value.message.startswith("邮政编码应为 6 位数字（如 518000）")
    assert caught.value.field == "postcode"
