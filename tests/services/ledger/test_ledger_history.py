"""A unit's history with its people's own records, and pre-checking a person's form."""

from __future__ import annotations

from datetime import date

import pytest

from butler_desk.domain.enums import PartyRole
from butler_desk.domain.errors import BadInput
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.ledger.views import PartyInput, UnitInput


@pytest.fixture
def ledger(ctx) -> LedgerService:
    return LedgerService(ctx)


def test_unit_history_includes_reveals_of_its_people_but_not_other_units(ctx, ledger):
    unit = ledger.save_unit(UnitInput("3-2-1201", area="89"))
    other = ledger.save_unit(UnitInput("3-2-1202", area="90"))
    ledger.move_in(unit, PartyRole.OWNER, PartyInput("张三", phones="13812345678"), on=date(2024, 1, 1))
    ledger.move_in(other, PartyRole.OWNER, PartyInput("李四", phones="13912345678"), on=date(2024, 1, 1))
    zhang = ledger.unit_detail(unit).current[0].party.party_id
    li = ledger.unit_detail(other).current[0].party.party_id
    ledger.reveal_phones(zhang, "报修回访")
    ledger.reveal_phones(li, "不相关")

    entries = LedgerService(ctx).unit_history(unit)
    assert entries[0].action == "查看明文"
    assert entries[0].changes == (("查看", "电话", "报修回访"),)
    assert "不相关" not in str(entries)
    assert {e.record for e in entries} >= {"房屋 3-2-1201", "业户 张三"}
    assert len(entries) == len({(e.at, e.record, e.action, e.changes) for e in entries})  # no duplicates
    assert all(a.at >= b.at for a, b in zip(entries, entries[1:], strict=False))


def test_a_former_residents_records_stay_in_the_units_history(ctx, ledger):
    unit = ledger.save_unit(UnitInput("5-1-301"))
    occ = ledger.move_in(unit, PartyRole.TENANT, PartyInput("王五"), on=date(2024, 1, 1))
    tenant = ledger.unit_detail(unit).current[0].party.party_id
    ledger.move_out(occ, on=date(2024, 6, 30))
    ledger.reveal_phones(tenant, "核对押金")
    assert any(e.changes == (("查看", "电话", "核对押金"),) for e in LedgerService(ctx).unit_history(unit))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (PartyInput(""), "name"),
        (PartyInput("周一", phones="1381234567"), "phones"),
        (PartyInput("周一", id_number="110105194912310021"), "id_number"),
        (PartyInput("周一", postcode="51800"), "postcode"),
    ],
)
def test_checking_a_person_names_the_bad_field_and_saves_nothing(ctx, ledger, data, field):
    with pytest.raises(BadInput) as info:
        LedgerService.check_party_input(data)
    assert info.value.field == field
    assert ledger.load_index().rows == []


def test_a_good_person_passes_the_check_and_nothing_is_written(ctx, ledger):
    good = PartyInput("周一", phones="13812345678", id_number="11010519491231002X", postcode="518000")
    assert LedgerService.check_party_input(good) is None
    assert ledger.load_index().rows == []


# --- before and after ------------------------------------------------------------------------

def _person(ledger, phones="15112344803", **kw):
    unit = ledger.save_unit(UnitInput("3-2-1201", area="89"))
    ledger.move_in(unit, PartyRole.OWNER, PartyInput("张三", phones=phones, **kw), on=date(2024, 1, 1))
    return unit, ledger.unit_detail(unit).current[0].party.party_id


def test_a_changed_phone_is_one_change_from_the_old_number_to_the_new_masked(ledger):
    unit, party = _person(ledger)
    ledger.save_party(PartyInput("张三", phones="13912345678", party_id=party))
    latest = ledger.party_history(party)[0]
    assert (latest.action, latest.record) == ("修改", "业户 张三")
    assert latest.changes == (("电话", "151****4803", "139****5678"),)
    assert latest.revealable
    assert "15112344803" not in str(ledger.unit_history(unit))
    # the unit's history shows the same line: no separate 新增/删除 of phone rows
    assert sum(1 for e in ledger.unit_history(unit) if e.changes == latest.changes) == 1
    assert not [e for e in ledger.unit_history(unit) if e.record == "电话" and e.action in ("删除", "修改")]


def test_a_name_and_phone_changed_together_are_one_line_with_both(ledger):
    _unit, party = _person(ledger, phones="15112344803、0755-88889999")
    ledger.save_party(PartyInput("张叁", phones="0755-88889999、13912345678", party_id=party))
    latest = ledger.party_history(party)[0]
    changes = {label: (old, new) for label, old, new in latest.changes}
    assert changes["姓名"] == ("张三", "张叁")
    assert changes["电话"] == ("151****4803、0755-****9999", "0755-****9999、139****5678")


def test_masked_phones_submitted_unchanged_record_no_phone_change(ledger):
    _unit, party = _person(ledger)
    shown = "、".join(p.number_masked for p in ledger.party_detail(party).party.phones)
    ledger.save_party(PartyInput("张三", phones=shown, notes="新备注", party_id=party))
    assert ledger.party_history(party)[0].changes == (("备注", "", "新备注"),)


def test_id_number_status_area_rate_address_and_key_client_keep_before_and_after(ledger):
    unit, party = _person(ledger, id_number="11010519491231002X", mailing_address="北京市朝阳区建国路1号")
    ledger.save_unit(UnitInput("3-2-1201", area="90.5", fee_rate="3.1", status="出租", unit_id=unit))
    ledger.save_party(PartyInput("张三", phones="151****4803", id_number="44030519900101123X",
                                 mailing_address="上海市浦东新区世纪大道100号", key_client=True, party_id=party))
    unit_change = next(e for e in ledger.unit_history(unit) if e.record == "房屋 3-2-1201" and e.action == "修改")
    assert set(unit_change.changes) >= {("建筑面积(㎡)", "89.00", "90.50"), ("物业费单价(元/㎡·月)", "", "3.10"),
                                        ("状态", "空置", "出租")}
    person = {label: (old, new) for label, old, new in ledger.party_history(party)[0].changes}
    assert person["证件号码"] == ("1101**********002X", "4403**********123X")
    assert person["通讯地址"] == ("北京市朝阳区建国路1号", "上海市浦东新区世纪大道100号")
    assert person["重点客户"] == ("否", "是")
    assert "电话" not in person


def test_revealing_a_history_line_shows_it_in_clear_and_is_recorded_with_operator_and_reason(ctx, ledger):
    unit, party = _person(ledger)
    ledger.save_party(PartyInput("张三", phones="13912345678", party_id=party))
    masked = ledger.party_history(party)[0]
    clear = ledger.reveal_history_entry(masked.entry_id, "核对业主换号时间")
    assert clear.changes == (("电话", "15112344803", "13912345678"),)
    assert not clear.revealable
    newest = ledger.unit_history(unit)[0]
    assert (newest.action, newest.operator) == ("查看明文", "李晓红")
    assert newest.changes == (("查看", "变更记录中的电话、证件号", "核对业主换号时间"),)
    with pytest.raises(BadInput):
        ledger.reveal_history_entry(masked.entry_id, "  ")


def test_audit_rows_in_the_old_format_stay_readable_without_english_or_doubled_labels(ctx, ledger):
    import json
    from datetime import UTC, datetime

    from butler_desk.storage.models import AuditEntry

    unit, party = _person(ledger)
    old_rows = [
        # what earlier versions wrote for a phone changed in the party form: a delete and an insert
        ("delete", "phones", "电话", None, {"number": ["15112344803", None], "kind": ["mobile", None],
                                             "position": [0, None]}),
        ("insert", "phones", "电话", None, {"number": [None, "13912345678"], "kind": [None, "mobile"],
                                             "position": [None, 0]}),
        ("update", "document_deliveries", "3栋2单元1201 张三", unit, {"method": ["post", "with_security"]}),
        ("insert", "occupancies", "owner", unit, {"role": [None, "owner"]}),
    ]
    with ctx.db.unit_of_work("王工") as session:
        for action, table, label, unit_id, changes in old_rows:
            session.add(AuditEntry(at=datetime(2025, 5, 1, tzinfo=UTC), operator="王工", action=action,
                                   table_name=table, record_id=1, record_label=label, unit_id=unit_id,
                                   party_id=party, changes=json.dumps(changes, ensure_ascii=False)))
    old = [e for e in ledger.unit_history(unit) if e.operator == "王工"]
    text = str([(e.record, e.changes) for e in old])
    assert "电话 电话" not in text and "with_security" not in text and "post" not in text and "owner" not in text
    assert ("删除", "电话") in [(e.action, e.record) for e in old]
    assert ("电话", "151****4803", "") in next(e for e in old if e.action == "删除").changes
    assert ("送达方式", "邮寄", "随安防派送") in next(e for e in old if e.record.startswith("文件发放")).changes
    assert next(e for e in old if e.record.startswith("入住关系")).record == "入住关系 业主"
    phone_insert = next(e for e in old if e.action == "新增" and e.record == "电话")
    assert phone_insert.revealable
    assert ledger.reveal_history_entry(phone_insert.entry_id, "核对").changes[0] == ("电话", "", "13912345678")
