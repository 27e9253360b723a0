"""Ledger enumerations: stable English values for the database, Chinese labels and synonyms."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from butler_desk.domain.errors import BadInput
from butler_desk.domain.text import clean_text


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry a Chinese ``label`` and the synonyms ``parse`` accepts.

    Members are declared as ``NAME = ("db_value", "标签", "同义词1", ...)``. The value is
    what the database stores and must never change; the label is what screens and
    printed forms show.
    """

    label: str
    synonyms: tuple[str, ...]

    def __new__(cls, value: str, label: str, *synonyms: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.synonyms = synonyms
        return member

    @classmethod
    def kind_label(cls) -> str:
        """The Chinese name of the field, used in error messages (overridden per enum)."""
        return "选项"

    @classmethod
    def labels(cls) -> tuple[str, ...]:
        """Every member's label in declaration order (for combo boxes and messages)."""
        return tuple(member.label for member in cls)

    @classmethod
    def parse(cls, text: object) -> Self:
        """Return the member whose label, synonym or stored value matches ``text``.

        Spaces are ignored and the English value matches case-insensitively, so both a
        spreadsheet cell "已入住 " and a database value "occupied" work.
        """
        key = clean_text(text).replace(" ", "")
        if key:
            found = _lookup_table(cls).get(key.casefold())
            if found is not None:
                return found  # type: ignore[return-value]
        shown = clean_text(text)
        allowed = "、".join(cls.labels())
        if not shown:
            raise BadInput(f"{cls.kind_label()}不能为空：请填写 {allowed} 之一")
        raise BadInput(f"无法识别的{cls.kind_label()}“{shown}”：请填写 {allowed} 之一")


_LOOKUP_CACHE: dict[type[LabelledEnum], dict[str, LabelledEnum]] = {}


def _lookup_table(cls: type[LabelledEnum]) -> dict[str, LabelledEnum]:
    table = _LOOKUP_CACHE.get(cls)
    if table is None:
        table = {}
        for member in cls:
            for spelling in (member.value, member.name, member.label, *member.synonyms):
                key = spelling.replace(" ", "").casefold()
                if key in table and table[key] is not member:
                    raise AssertionError(f"{cls.__name__}: {spelling!r} names two members")
                table[key] = member
        _LOOKUP_CACHE[cls] = table
    return table


class UnitStatus(LabelledEnum):
    """Occupancy state of a unit (房屋状态), as the ledger and the vacancy rules use it."""

    VACANT = ("vacant", "空置", "空置房", "空房", "未交房", "未售")
    HANDED_OVER = (
        "handed_over",
        "已交房未入住",
        "已交房",
        "交房未入住",
        "已收房未入住",
        "已交付未入住",
    )
    OCCUPIED = ("occupied", "已入住", "入住", "自住", "已住", "业主自住", "居住")
    RENOVATING = ("renovating", "装修中", "装修", "在装修", "正在装修")
    LET = ("let", "出租", "已租", "租住", "出租中", "已出租")

    @classmethod
    def kind_label(cls) -> str:
        return "房屋状态"


class PartyRole(LabelledEnum):
    """How a person is tied to a unit (客户身份)."""

    OWNER = ("owner", "业主", "产权人", "房主", "购房人")
    TENANT = ("tenant", "租户", "承租人", "租客")
    FAMILY = ("family", "家属", "家庭成员", "同住人", "住户", "家人")

    @classmethod
    def kind_label(cls) -> str:
        return "客户身份"


class IdType(LabelledEnum):
    """Kind of identity document whose number the ledger keeps (证件类型)."""

    RESIDENT_ID = ("resident_id", "身份证", "居民身份证", "二代身份证")
    PASSPORT = ("passport", "护照")
    HK_MACAO = ("hk_macao", "港澳居民来往内地通行证", "回乡证", "港澳通行证")
    TAIWAN = ("taiwan", "台湾居民来往大陆通行证", "台胞证")
    FOREIGN_PR = ("foreign_pr", "外国人永久居留身份证", "外国人永久居留证", "永久居留证")
    OTHER = ("other", "其他", "其它")

    @classmethod
    def kind_label(cls) -> str:
        return "证件类型"
