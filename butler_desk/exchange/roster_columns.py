"""The roster's columns: template header, accepted header synonyms, filling hints, and how cells become values."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from butler_desk.domain.contacts import (
    parse_phones,
    validate_id_number,
    validate_postcode,
)
from butler_desk.domain.enums import IdType, PartyRole, UnitStatus
from butler_desk.domain.errors import BadInput
from butler_desk.domain.money import AREA_EXAMPLE, FEE_RATE_EXAMPLE, check_area, check_fee_rate
from butler_desk.exchange.cells import cell_code_text, cell_date, cell_decimal, cell_flag, cell_text, excel_error
from butler_desk.exchange.headers import HeaderMatcher


@dataclass(frozen=True)
class RosterColumn:
    """One column the roster reader understands and the template writes."""

    key: str  # RosterRow field it feeds ("building"/"unit" feed ``room`` together with "room")
    header: str  # header text in the template
    synonyms: tuple[str, ...]  # other header spellings real offices use (matched loosely)
    hint: str  # the template's grey instructions cell
    example: object  # the template's example row
    width: float  # column width in the template
    multiple: bool = False  # several columns may feed it (电话1, 电话2)
    in_template: bool = True


ROSTER_COLUMNS: tuple[RosterColumn, ...] = (
    RosterColumn(
        "cluster", "组团", ("组团名称", "所属组团", "片区", "区域", "分期"),
        "选填。所属组团或分期，如“1组团”", "1组团", 10),
    RosterColumn(
        "room", "房号",
        ("房间号", "房屋编号", "房屋", "单元号", "房屋号", "房号编码", "房产编号", "门牌号", "户号", "房间",
         "房屋代码", "室号", "房号全称", "房屋名称", "房产"),
        "必填。如 3-2-1201 或 3栋2单元1201；没有单元写 3-1201", "3-2-1201", 13),
    RosterColumn(
        "area", "建筑面积(㎡)", ("建筑面积", "面积", "房屋面积", "建面", "产权面积", "计费面积", "收费面积"),
        "选填。数字，如 89.50", 89.5, 12),
    RosterColumn(
        "fee_rate", "物业费单价(元/㎡·月)",
        ("物业费单价", "收费标准", "单价", "物业费标准", "物管费单价", "管理费单价", "物业管理费单价",
         "物业服务费单价", "收费单价"),
        "选填。每平方米每月的单价，如 2.50", 2.5, 14),
    RosterColumn(
        "status", "房屋状态", ("状态", "房态", "入住状态", "使用状态", "房屋现状"),
        "选填。从下拉列表选：" + "/".join(UnitStatus.labels()), UnitStatus.OCCUPIED.label, 13),
    RosterColumn(
        "name", "姓名",
        ("业主姓名", "业主", "客户名称", "客户姓名", "住户姓名", "业户姓名", "业户", "户主", "购房人",
         "产权人", "客户", "名称", "联系人"),
        "选填。一行填一个人；只登记房屋时可不填", "张三", 10),
    RosterColumn(
        "role", "身份", ("类型", "客户类型", "人员类型", "住户类型", "业户类型", "与业主关系", "关系", "角色",
                       "住户身份", "客户身份"),
        "选填。" + "/".join(PartyRole.labels()) + "，不填算业主", PartyRole.OWNER.label, 8),
    RosterColumn(
        "phones", "联系电话",
        ("手机", "电话", "手机号码", "手机号", "联系方式", "电话号码", "移动电话", "固定电话", "座机", "固话",
         "家庭电话", "办公电话", "联系号码", "业主电话"),
        "选填。多个号码用“、”分开；座机带区号，如 0755-88889999", "13812345678", 16, multiple=True),
    RosterColumn(
        "id_type", "证件类型", ("证件种类",),
        "选填。不填时按号码判断（18 位为身份证）", IdType.RESIDENT_ID.label, 10),
    RosterColumn(
        "id_number", "证件号码", ("身份证", "身份证号", "身份证号码", "证件号", "身份证件号码", "证件编号"),
        "选填。18 位身份证号；本列已设为文本格式，请勿改成数字", "11010519491231002X", 21),
    RosterColumn(
        "mailing_address", "通讯地址",
        ("邮寄地址", "联系地址", "通信地址", "地址", "家庭住址", "住址", "收件地址"),
        "选填。未入住业主的邮寄地址", "广东省深圳市南山区科技园路 1 号", 28),
    RosterColumn(
        "postcode", "邮政编码", ("邮编",), "选填。6 位数字", "518000", 9),
    RosterColumn(
        "key_client", "重点客户", ("是否重点客户", "重要客户", "vip", "重点"),
        "选填。是/否，不填算否", "否", 9),
    RosterColumn(
        "move_in", "入住日期", ("入伙日期", "入住时间", "入伙时间", "入住日"),
        "选填。如 2024-03-01", "2024-03-01", 12),
    RosterColumn(
        "notes", "备注", ("说明", "备注信息"),
        "选填。备注为“示例”的行不会导入", "示例", 20),
    # Offices that keep 楼栋 / 单元 / 房号 apart: the three cells together make the room code.
    RosterColumn(
        "building", "楼栋", ("楼号", "栋号", "楼栋号", "栋", "幢", "幢号", "楼宇", "楼座", "座", "楼栋名称"),
        "", "", 8, in_template=False),
    RosterColumn("unit", "单元", ("单元号", "单元名称"), "", "", 8, in_template=False),
    # The unit's own note, apart from the person's 备注 (the ledger export writes both).
    RosterColumn("unit_notes", "房屋备注", ("房屋说明",), "选填。房屋本身的备注（导出的台账带有这一列）", "", 20,
                 in_template=False),
)

COLUMNS_BY_KEY = {column.key: column for column in ROSTER_COLUMNS}
TEMPLATE_COLUMNS = tuple(column for column in ROSTER_COLUMNS if column.in_template)

# Fields that describe a person: filling any of them without a name is a mistake.
PERSON_KEYS = ("role", "id_type", "id_number", "mailing_address", "postcode")

# 楼栋 and 单元 claim their spellings first, so "单元号" next to a 楼栋 column means the unit;
# the reader moves it to the room when there is no 楼栋 column.
_MATCH_ORDER = sorted(ROSTER_COLUMNS, key=lambda column: column.in_template)
MATCHER = HeaderMatcher((c.key, (c.header, *c.synonyms), c.multiple) for c in _MATCH_ORDER)


def accepts_header(columns: dict[str, list[int]]) -> bool:
    """A roster header names the room: a 房号 column, or 单元号 standing in for it."""
    return "room" in columns or ("unit" in columns and "building" not in columns)


def expected_headers_text() -> str:
    """The accepted headers, for the message shown when a file has none."""
    return "、".join(column.header for column in ROSTER_COLUMNS if column.key != "room")


# --- cell converters: (cell value, header text) -> value, or BadInput with the reason ---

_AREA_UNITS = re.compile(r"(?:m2|平方米|平方|平米|平)?")
_FEE_UNITS = re.compile(r"元?(?:[/每·]?(?:m2|平方米|平米|平|月))*")
_NAME_SEPARATORS = re.compile(r"[、,，;；/|]")
_CJK_NAME = re.compile(r"[\u3400-\u9fff·• ]+")
_PLAIN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_TEXT_LIMITS = {"cluster": 50, "name": 50, "mailing_address": 200, "notes": 1000, "unit_notes": 1000}
# "与业主关系" columns use kinship words; they all mean a family member living there.
_RELATION_WORDS = {
    "本人": PartyRole.OWNER, "户主": PartyRole.OWNER, "产权人本人": PartyRole.OWNER,
    **{w: PartyRole.FAMILY for w in (
        "配偶", "妻子", "丈夫", "夫妻", "子女", "儿子", "女儿", "父母", "父亲", "母亲", "岳父", "岳母",
        "公公", "婆婆", "爷爷", "奶奶", "外公", "外婆", "孙子", "孙女", "兄弟", "姐妹", "哥哥", "姐姐",
        "弟弟", "妹妹", "亲属", "亲戚", "儿媳", "女婿", "家庭成员")},
}


def limited_text(key: str) -> Callable[[Any, str], str | None]:
    """A converter for free text with the length limit of ``key``."""
    limit = _TEXT_LIMITS[key]

    def convert(value: Any, what: str) -> str | None:
        text = cell_text(value)
        if len(text) > limit:
            raise BadInput(f"{what}太长（{len(text)} 个字，最多 {limit} 个字）：请精简后再导入")
        return text or None

    return convert


def to_status(value: Any, what: str) -> UnitStatus:
    return UnitStatus.parse(value)


def to_id_type(value: Any, what: str) -> IdType:
    return IdType.parse(value)


CLUSTER_TEXT = limited_text("cluster")
ADDRESS_TEXT = limited_text("mailing_address")
NOTES_TEXT = limited_text("notes")
UNIT_NOTES_TEXT = limited_text("unit_notes")


def to_area(value: Any, what: str) -> Decimal:
    return check_area(cell_decimal(value, what, _AREA_UNITS, AREA_EXAMPLE), what)  # the ledger's own rule


def to_fee_rate(value: Any, what: str) -> Decimal:
    return check_fee_rate(cell_decimal(value, what, _FEE_UNITS, FEE_RATE_EXAMPLE), what)  # the ledger's own rule


def to_name(value: Any, what: str) -> str:
    text = cell_text(value)
    if _CJK_NAME.fullmatch(text):
        text = text.replace(" ", "")  # "张  三" is padded for alignment, not two words
    if _NAME_SEPARATORS.search(text):
        raise BadInput(f"{what}“{text}”像是多个人：一行只填一个人，多位业主或家属请分行填写（房号相同即可）")
    if text.replace("-", "").replace(" ", "").isdigit():
        raise BadInput(f"{what}“{text}”是数字，不像姓名：请检查是否填错了列")
    if len(text) > _TEXT_LIMITS["name"]:
        raise BadInput(f"{what}太长（{len(text)} 个字）：请只填写姓名")
    return text


def to_role(value: Any, what: str) -> PartyRole:
    word = cell_text(value).replace(" ", "")
    return _RELATION_WORDS.get(word) or PartyRole.parse(word)


def to_phones(value: Any, what: str) -> list[str]:
    # Most cells hold one mobile number already in canonical form; parse_phones would return
    # it unchanged, so skip its general parsing (a large share of the read time).
    if value.__class__ is str and _PLAIN_MOBILE.fullmatch(value):
        return [value]
    text = cell_code_text(value, what)
    _refuse_masked(text, what)
    return [phone.number for phone in parse_phones(text)]


def _refuse_masked(text: str, what: str) -> None:
    if "*" in text:
        raise BadInput(f"{what}“{text}”是隐藏了中间几位的号码，无法导入：请用“导出明文”的台账修改后导入，"
                       "或清空这一格（清空则保留原有号码）")


def id_number_converter(id_type: IdType | None) -> Callable[[Any, str], str]:
    def convert(value: Any, what: str) -> str:
        text = cell_code_text(value, what)
        _refuse_masked(text, what)
        return validate_id_number(text, id_type or guess_id_type(text))

    return convert


def to_postcode(value: Any, what: str) -> str:
    if isinstance(value, int) and 10000 <= value < 100000:
        value = f"{value:06d}"  # a number cell dropped the leading 0 of 010000-099999
    return validate_postcode(cell_code_text(value, what))


_RESIDENT_SHAPE = re.compile(r"\d{14,}[\dX]?")
_HK_MACAO_SHAPE = re.compile(r"[HM]\d{8}(?:\d{2})?")
_PASSPORT_SHAPE = re.compile(r"E[A-Z\d]\d{7}|[GDSP]\d{8}")


def guess_id_type(number: str) -> IdType:
    """With no 证件类型 column, the number's shape says what it is; mostly digits means 身份证."""
    compact = number.replace(" ", "").upper()
    if _RESIDENT_SHAPE.fullmatch(compact) or sum(c.isdigit() for c in compact) >= 14:
        return IdType.RESIDENT_ID
    if _HK_MACAO_SHAPE.fullmatch(compact):
        return IdType.HK_MACAO
    if _PASSPORT_SHAPE.fullmatch(compact):
        return IdType.PASSPORT
    return IdType.OTHER


# The fields read one column each, in the order they are converted: (key, converter, whether
# the converter's answer may be remembered per distinct cell value).
ROW_FIELDS: tuple[tuple[str, Callable[[Any, str], Any], bool], ...] = (
    ("cluster", CLUSTER_TEXT, True),
    ("area", to_area, False),
    ("fee_rate", to_fee_rate, True),
    ("status", to_status, True),
    ("name", to_name, False),
    ("role", to_role, True),
    ("id_type", to_id_type, True),
    ("mailing_address", ADDRESS_TEXT, False),
    ("postcode", to_postcode, True),
    ("key_client", cell_flag, True),
    ("move_in", cell_date, True),
    ("notes", NOTES_TEXT, False),
    ("unit_notes", UNIT_NOTES_TEXT, False),
)

# Move-in dates outside these bounds are typing slips (1900 is Excel's day zero, 2099 a
# placeholder): no estate in the ledger was handed over before 1950.
EARLIEST_MOVE_IN = date(1950, 1, 1)
MOVE_IN_FUTURE_DAYS = 366
UNCALCULATED_MESSAGE = "公式没有计算结果，请在 Excel 中打开并保存后再导入"


def formula_error(header: str, value: str) -> str:
    return f"{header}是公式错误值 {excel_error(value)}：请改成实际内容，或把公式结果“选择性粘贴为数值”"
