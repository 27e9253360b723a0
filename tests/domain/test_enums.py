"""Tests for butler_desk.domain.enums: stored values, labels, synonyms and parse errors."""

from __future__ import annotations

import pytest

from butler_desk.domain.enums import IdType, LabelledEnum, PartyRole, UnitStatus
from butler_desk.domain.errors import BadInput

ALL_ENUMS: list[type[LabelledEnum]] = [UnitStatus, PartyRole, IdType]


def test_stored_values_never_change() -> None:
    # These strings live in users' databases: changing one is a migration, not a refactor.
    assert {member.name: member.value for member in UnitStatus} == {
        "VACANT": "vacant",
        "HANDED_OVER": "handed_over",
        "OCCUPIED": "occupied",
        "RENOVATING": "renovating",
        "LET": "let",
    }
    assert {member.name: member.value for member in PartyRole} == {
        "OWNER": "owner",
        "TENANT": "tenant",
        "FAMILY": "family",
    }
    assert {member.name: member.value for member in IdType} == {
        "RESIDENT_ID": "resident_id",
        "PASSPORT": "passport",
        "HK_MACAO": "hk_macao",
        "TAIWAN": "taiwan",
        "FOREIGN_PR": "foreign_pr",
        "OTHER": "other",
    }


def test_labels_are_the_chinese_terms_of_the_ledger() -> None:
    assert UnitStatus.labels() == ("空置", "已交房未入住", "已入住", "装修中", "出租")
    assert PartyRole.labels() == ("业主", "租户", "家属")
    assert IdType.labels() == (
        "身份证",
        "护照",
        "港澳居民来往内地通行证",
        "台湾居民来往大陆通行证",
        "外国人永久居留身份证",
        "其他",
    )


@pytest.mark.parametrize("enum_cls", ALL_ENUMS)
def test_members_behave_as_their_stored_string(enum_cls: type[LabelledEnum]) -> None:
    for member in enum_cls:
        assert member == member.value
        assert str(member) == member.value
        assert f"{member}" == member.value
        assert enum_cls(member.value) is member


@pytest.mark.parametrize("enum_cls", ALL_ENUMS)
def test_given_a_label_value_or_name_when_parsed_then_the_member(
    enum_cls: type[LabelledEnum],
) -> None:
    for member in enum_cls:
        assert enum_cls.parse(member.label) is member
        assert enum_cls.parse(member.value) is member
        assert enum_cls.parse(member.value.upper()) is member
        assert enum_cls.parse(member.name) is member
        assert enum_cls.parse(f"  {member.label}\u3000") is member
        assert enum_cls.parse(member) is member


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("入住", UnitStatus.OCCUPIED),
        ("自住", UnitStatus.OCCUPIED),
        ("已住", UnitStatus.OCCUPIED),
        ("装修", UnitStatus.RENOVATING),
        ("已租", UnitStatus.LET),
        ("租住", UnitStatus.LET),
        ("出租中", UnitStatus.LET),
        ("空置房", UnitStatus.VACANT),
        ("已交房", UnitStatus.HANDED_OVER),
        ("已 入 住", UnitStatus.OCCUPIED),
        ("产权人", PartyRole.OWNER),
        ("房主", PartyRole.OWNER),
        ("承租人", PartyRole.TENANT),
        ("租客", PartyRole.TENANT),
        ("家庭成员", PartyRole.FAMILY),
        ("同住人", PartyRole.FAMILY),
        ("住户", PartyRole.FAMILY),
        ("居民身份证", IdType.RESIDENT_ID),
        ("回乡证", IdType.HK_MACAO),
        ("港澳通行证", IdType.HK_MACAO),
        ("台胞证", IdType.TAIWAN),
        ("其它", IdType.OTHER),
    ],
)
def test_given_a_common_synonym_when_parsed_then_the_member(
    text: str, expected: LabelledEnum
) -> None:
    assert type(expected).parse(text) is expected


@pytest.mark.parametrize("enum_cls", ALL_ENUMS)
def test_no_spelling_names_two_members(enum_cls: type[LabelledEnum]) -> None:
    seen: dict[str, LabelledEnum] = {}
    for member in enum_cls:
        for spelling in {member.value, member.name.casefold(), member.label, *member.synonyms}:
            key = spelling.replace(" ", "").casefold()
            assert seen.setdefault(key, member) is member, spelling


@pytest.mark.parametrize(
    ("enum_cls", "text", "noun"),
    [
        (UnitStatus, "待定", "房屋状态"),
        (PartyRole, "物业", "客户身份"),
        (IdType, "驾照", "证件类型"),
    ],
)
def test_given_unknown_text_when_parsed_then_message_lists_allowed_labels(
    enum_cls: type[LabelledEnum], text: str, noun: str
) -> None:
    with pytest.raises(BadInput) as caught:
        enum_cls.parse(text)
    message = caught.value.message
    assert f"无法识别的{noun}“{text}”" in message
    for label in enum_cls.labels():
        assert label in message


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_given_blank_when_parsed_then_message_says_it_is_empty(blank: str | None) -> None:
    with pytest.raises(BadInput, match="房屋状态不能为空"):
        UnitStatus.parse(blank)


def test_bad_input_is_a_value_error_so_generic_handlers_catch_it() -> None:
    with pytest.raises(ValueError):
        PartyRole.parse("路人")
