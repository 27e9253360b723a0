"""变更记录: audit rows in Chinese, before → after, personal data masked unless revealed with a reason."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from butler_desk.domain.documents import DeliveryMethod, DocumentKind
from butler_desk.domain.enums import IdType, PartyRole, UnitStatus
from butler_desk.domain.masking import mask_id_number, mask_phone
from butler_desk.domain.money import from_stored
from butler_desk.services.ledger.views import HistoryEntry
from butler_desk.storage.audit import PHONES_FIELD
from butler_desk.storage.models import AuditEntry

FIELD_LABELS = {
    "name": "姓名", "id_type": "证件类型", "id_number": "证件号码", "mailing_address": "通讯地址",
    "postcode": "邮政编码", "key_client": "重点客户", "notes": "备注", "number": "电话", "kind": "电话类型",
    PHONES_FIELD: "电话",
    "position": "顺序", "code": "房号", "entrance": "单元", "room": "室", "area_centi": "建筑面积(㎡)",
    "fee_rate_fen": "物业费单价(元/㎡·月)", "status": "状态", "building_id": "楼栋", "role": "身份",
    "start_date": "起始日期", "end_date": "结束日期", "moved_in": "入住日期", "unit_id": "房屋",
    "party_id": "业户", "cluster_id": "组团", "butler": "管家", "sort_order": "排序", "estate_id": "项目",
    "company_name": "公司名称", "service_center": "服务中心", "address": "地址", "phone": "电话",
    "field": "字段", "reason": "原因",
    # 文件发放 (document deliveries), shown in a household's 变更记录
    "document_id": "文件", "seq": "序号", "addressee": "收件人", "method": "送达方式", "sent_on": "发出日期",
    "received_on": "签收日期", "signed_by": "签收人", "returned": "退回", "returned_on": "退回日期",
    "return_reason": "退回原因", "note": "说明",
}
# The same column name means something else in another table.
TABLE_FIELD_LABELS = {
    ("document_deliveries", "room"): "房号",
    ("document_deliveries", "address"): "邮寄地址",
    ("documents", "kind"): "文件类型",
    ("documents", "title"): "标题",
}
ACTION_LABELS = {"insert": "新增", "update": "修改", "delete": "删除", "reveal": "查看明文"}
TABLE_LABELS = {"units": "房屋", "parties": "业户", "phones": "电话", "occupancies": "入住关系",
                "clusters": "组团", "buildings": "楼栋", "estates": "项目",
                "document_deliveries": "文件发放", "documents": "文件", "requests": "报事报修"}
# Sensitive values never appear in clear in 变更记录 unless revealed with a reason.
SENSITIVE_FIELDS: dict[str, Callable[[str], str]] = {
    "number": mask_phone, PHONES_FIELD: mask_phone, "id_number": mask_id_number}
# Row references say nothing to a reader (房屋：1); the record label already names the row.
HIDDEN_HISTORY_FIELDS = frozenset({"unit_id", "party_id", "building_id", "cluster_id", "estate_id", "document_id",
                                   "request_id", "position"})
PHONE_KIND_LABELS = {"mobile": "手机", "landline": "固话", "service": "服务号码", "international": "境外号码"}
REVEAL_HISTORY_FIELD = "变更记录中的电话、证件号"

# Stored enum values and their labels, by (table, column); None as table means any table.
_ENUMS: dict[tuple[str | None, str], Any] = {
    (None, "status"): UnitStatus, (None, "role"): PartyRole, (None, "id_type"): IdType,
    (None, "method"): DeliveryMethod, ("documents", "kind"): DocumentKind,
}


def centi_text(value: int) -> str:

    return str(from_stored(int(value)))


def history_value(table: str, field: str, value: Any, *, masked: bool = True) -> str:
    """A stored value as the history shows it: labels for codes, masks for personal data."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list):
        return "、".join(history_value(table, field, item, masked=masked) for item in value)
    if field == "kind" and table in ("phones", "") and value in PHONE_KIND_LABELS:
        return PHONE_KIND_LABELS[value]
    if field in SENSITIVE_FIELDS and table != "requests":
        return SENSITIVE_FIELDS[field](str(value)) if masked else str(value)
    if field in ("area_centi", "fee_rate_fen"):
        return centi_text(value)
    enum = _ENUMS.get((table, field)) or _ENUMS.get((None, field))
    if enum is not None and isinstance(value, str):
        try:
            return enum(value).label
        except ValueError:
            return value
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _field_label(table: str, field: str) -> str:
    return TABLE_FIELD_LABELS.get((table, field)) or FIELD_LABELS.get(field, field)


def _record_text(entry: AuditEntry) -> str:
    table = TABLE_LABELS.get(entry.table_name, entry.table_name)
    label = entry.record_label
    if entry.table_name == "occupancies":
        label = history_value("", "role", label) or label  # older rows stored the role's value
    if not label or label == table:
        return table  # phone rows were labelled "电话": not "电话 电话"
    return f"{table} {label}"


def is_revealable(entry: AuditEntry) -> bool:
    """Whether the entry holds personal data that the history shows masked."""
    if entry.action == "reveal" or entry.table_name == "requests":
        return False
    changes = json.loads(entry.changes or "{}")
    return any(field in SENSITIVE_FIELDS and any(v not in (None, "", []) for v in pair)
               for field, pair in changes.items() if isinstance(pair, list) and len(pair) == 2)


def history_entry(entry: AuditEntry, *, masked: bool = True) -> HistoryEntry:
    """One audit row as a line of 变更记录; rows of every format the audit trail ever wrote read the same way."""
    changes = json.loads(entry.changes or "{}")
    rows: list[tuple[str, str, str]] = []
    table = entry.table_name
    if entry.action == "reveal":
        rows.append(("查看", history_value(table, "", changes.get("field", "")), changes.get("reason", "")))
    else:
        for field, pair in changes.items():
            if field in HIDDEN_HISTORY_FIELDS or not isinstance(pair, list) or len(pair) != 2:
                continue
            old, new = pair
            rows.append((_field_label(table, field), history_value(table, field, old, masked=masked),
                         history_value(table, field, new, masked=masked)))
    return HistoryEntry(
        at=entry.at,
        operator=entry.operator,
        action=ACTION_LABELS.get(entry.action, entry.action),
        record=_record_text(entry),
        changes=tuple(rows),
        entry_id=entry.id,
        revealable=masked and is_revealable(entry),
    )
