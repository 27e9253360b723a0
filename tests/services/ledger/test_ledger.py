"""The ledger service on a real SQLite file: units, people, moves, owner changes, search, history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from butler_desk.domain.enums import PartyRole, UnitStatus
from butler_desk.domain.errors import BadInput
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.ledger.index import LedgerFilter
from butler_desk.services.ledger.views import PartyInput, UnitInput


@pytest.fixture
def ledger(ctx) -> LedgerService:
    return LedgerService(ctx)


def _unit(ledger, code="3栋2单元1201", cluster="一组团", **kw) -> int:
    return ledger.save_unit(UnitInput(room_code=code, cluster=cluster, area=kw.pop("area", "89.5"),
                                      fee_rate=kw.pop("fee_rate", "2.8"), status=kw.pop("status", "空置"), **kw))


def test_saving_a_unit_creates_its_cluster_and_building_and_normalises_the_code(ledger):
    unit_id = _unit(ledger, "03-02-1201")
    detail = ledger.unit_detail(unit_id)
    assert detail.code == "3-2-1201"
    assert detail.display == "3栋2单元1201"
    assert detail.cluster == "一组团"
    assert detail.area == Decimal("89.50")
    assert detail.fee_rate == Decimal("2.80")
    assert [c.name for c in ledger.clusters()] == ["一组团"]
    assert ledger.clusters()[0].buildings[0][1] == "3"


@pytest.mark.parametrize(
    ("field", "kwargs", "fragment"),
    [
        ("room_code", {"code": "楼下那户"}, "房号"),
        ("area", {"area": "很大"}, "建筑面积"),
        ("area", {"area": "-3"}, "建筑面积"),
        ("fee_rate", {"fee_rate": "两块"}, "单价"),
        ("status", {"status": "闹鬼"}, "状态"),
    ],
)
def test_bad_unit_input_names_the_field_in_chinese(ledger, field, kwargs, fragment):
    with pytest.raises(BadInput) as info:
        _unit(ledger, **kwargs)
    assert info.value.field == field
    assert fragment in info.value.message


def test_the_same_room_code_in_another_spelling_is_a_duplicate(ledger):
    _unit(ledger, "3-2-1201")
    with pytest.raises(BadInput) as info:
        _unit(ledger, "3#2-1201")
    assert "已存在" in info.value.message


def test_move_in_keeps_history_and_updates_the_status(ledger):
    unit_id = _unit(ledger, status="已交房未入住")
    owner = PartyInput(name="张三", phones="138 1234 5678", id_number="", postcode="518116")
    ledger.move_in(unit_id, PartyRole.OWNER, owner, on=date(2024, 3, 1), moved_in=date(2024, 3, 1))
    tenant_occ = ledger.move_in(unit_id, PartyRole.TENANT, PartyInput(name="李四", phones="13987654321"), on=date(2025, 1, 1))
    detail = ledger.unit_detail(unit_id)
    assert detail.status is UnitStatus.LET
    assert [o.party.name for o in detail.current] == ["张三", "李四"]
    assert detail.current[0].party.phones[0].number_masked == "138****5678"

    ledger.move_out(tenant_occ, on=date(2025, 6, 30))
    detail = ledger.unit_detail(unit_id)
    assert [o.party.name for o in detail.current] == ["张三"]
    assert [(o.party.name, o.end_date) for o in detail.former] == [("李四", date(2025, 6, 30))]
    assert detail.status is UnitStatus.HANDED_OVER


def test_move_out_before_move_in_is_refused(ledger):
    unit_id = _unit(ledger)
    occ = ledger.move_in(unit_id, PartyRole.TENANT, PartyInput(name="李四"), on=date(2025, 1, 1))
    with pytest.raises(BadInput) as info:
        ledger.move_out(occ, on=date(2024, 12, 31))
    assert info.value.field == "date"


def test_change_of_owner_ends_the_old_ownership_on_the_same_day(ledger):
    unit_id = _unit(ledger)
    ledger.move_in(unit_id, PartyRole.OWNER, PartyInput(name="张三"), on=date(2020, 1, 1))
    ledger.change_owner(unit_id, [PartyInput(name="王五"), PartyInput(name="赵六")], on=date(2026, 5, 20))
    detail = ledger.unit_detail(unit_id)
    assert sorted(o.party.name for o in detail.current) == ["王五", "赵六"]
    assert all(o.start_date == date(2026, 5, 20) for o in detail.current)
    assert [(o.party.name, o.end_date) for o in detail.former] == [("张三", date(2026, 5, 20))]


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("name", PartyInput(name="  ")),
        ("phones", PartyInput(name="张三", phones="1381234")),
        ("id_number", PartyInput(name="张三", id_number="110105199001011234")),
        ("postcode", PartyInput(name="张三", postcode="51811")),
    ],
)
def test_bad_party_input_names_the_field(ledger, field, data):
    with pytest.raises(BadInput) as info:
        ledger.save_party(data)
    assert info.value.field == field
    assert info.value.message


def test_masked_values_submitted_unchanged_keep_the_stored_ones(ledger):
    party_id = ledger.save_party(PartyInput(name="张三", phones="13812345678、0755-88889999"))
    view = ledger.party_detail(party_id).party
    shown = "、".join(p.number_masked for p in view.phones)
    ledger.save_party(PartyInput(name="张三丰", phones=shown, party_id=party_id))
    assert ledger.reveal_phones(party_id, "核对") == ["13812345678", "0755-88889999"]


def test_every_change_is_in_the_history_with_operator_and_old_and_new_values(ctx, ledger):
    unit_id = _unit(ledger, area="89.5")
    ledger.save_unit(UnitInput(room_code="3-2-1201", cluster="一组团", area="90", fee_rate="2.8", status="装修中",
                               unit_id=unit_id))
    history = ledger.unit_history(unit_id)
    assert [h.action for h in history] == ["修改", "新增"]
    latest = history[0]
    assert latest.operator == "李晓红"
    changes = {label: (old, new) for label, old, new in latest.changes}
    assert changes["建筑面积(㎡)"] == ("89.50", "90.00")
    assert changes["状态"] == ("空置", "装修中")


def test_revealing_a_phone_is_recorded_and_history_never_shows_it_in_clear(ledger):
    party_id = ledger.save_party(PartyInput(name="张三", phones="13812345678"))
    ledger.reveal_phones(party_id, "业主来电核实")
    history = ledger.party_history(party_id)
    assert history[0].action == "查看明文"
    assert ("查看", "电话", "业主来电核实") in history[0].changes
    flat = str([h.changes for h in history])
    assert "13812345678" not in flat
    assert "138****5678" in flat


def test_search_finds_units_by_any_room_spelling_name_pinyin_initials_and_phone(ledger):
    a = _unit(ledger, "3-2-1201")
    b = _unit(ledger, "3-2-1202")
    c = _unit(ledger, "12-1-301", cluster="二组团")
    ledger.move_in(a, PartyRole.OWNER, PartyInput(name="张三", phones="13812345678"))
    ledger.move_in(b, PartyRole.OWNER, PartyInput(name="曾小明", phones="13900001111"))
    ledger.move_in(c, PartyRole.OWNER, PartyInput(name="欧阳娜娜", phones="0755-88889999"))
    index = ledger.load_index()

    def codes(query, **kw):
        return [r.code for r in index.filter(LedgerFilter(query=query, **kw))]

    assert codes("3栋2单元1201") == ["3-2-1201"]
    assert codes("３＃２－１２０１") == ["3-2-1201"]
    assert codes("03-02-12") == ["3-2-1201", "3-2-1202"]
    assert codes("zhangsan") == ["3-2-1201"]
    assert codes("zs") == ["3-2-1201"]
    assert codes("zeng") == ["3-2-1202"]
    assert codes("zxm") == ["3-2-1202"]
    assert codes("oyn") == ["12-1-301"]
    assert codes("欧阳") == ["12-1-301"]
    assert codes("5678") == ["3-2-1201"]
    assert codes("8888") == ["12-1-301"]
    assert codes("zs", cluster_id=ledger.clusters()[1].cluster_id) == []
    assert codes("", status=UnitStatus.VACANT) == ["3-2-1201", "3-2-1202", "12-1-301"]


def test_estate_details_are_validated_and_saved(ledger):
    from butler_desk.services.ledger.views import EstateInfo

    with pytest.raises(BadInput) as info:
        ledger.save_estate(EstateInfo(name="翠湖花园", postcode="5181"))
    assert info.value.field == "postcode"
    ledger.save_estate(EstateInfo(name="翠湖花园", company_name="安居物业服务有限公司", address="深圳市龙岗区翠湖路88号",
                                  postcode="518116", phone="0755 2888 1234"))
    saved = ledger.estate_info()
    assert (saved.name, saved.postcode, saved.phone) == ("翠湖花园", "518116", "0755-28881234")
    assert ledger.estate_name() == "翠湖花园"


def test_the_first_screen_is_the_start_of_the_full_ledger_in_natural_room_order(ledger):
    for code in ("10-1-101", "2-1-1201", "2-1-201", "2-2-101", "3-1", "2-1-201A"):
        _unit(ledger, code)
    _unit(ledger, "1-1-101", cluster="二组团")
    full = [r.code for r in ledger.load_index().rows]
    assert full == ["2-1-201", "2-1-1201", "2-1-201A", "2-2-101", "3-1", "10-1-101", "1-1-101"]
    assert [r.code for r in ledger.first_rows(4)] == full[:4]
    assert ledger.first_rows(100) == ledger.load_index().rows


def test_history_reads_in_chinese_without_raw_ids_or_codes(ledger):
    unit_id = _unit(ledger)
    ledger.move_in(unit_id, PartyRole.FAMILY, PartyInput(name="李梅", phones="13900001111"), on=date(2025, 1, 1))
    history = ledger.unit_history(unit_id)
    moved = next(h for h in history if h.record.startswith("入住关系"))
    assert moved.record == "入住关系 家属"
    assert all(label not in ("房屋", "业户") for label, _old, _new in moved.changes)
    assert ("身份", "", "家属") in moved.changes
    party_id = ledger.unit_detail(unit_id).current[0].party.party_id
    phone = next(h for h in ledger.party_history(party_id) if h.record.startswith("电话"))
    assert ("电话类型", "", "手机") in phone.changes


def test_a_room_typed_without_its_unit_finds_nothing_but_offers_the_candidates(ledger):
    for code in ("3-1-1201", "3-2-1201", "3-2-1202", "13-1-1201"):
        _unit(ledger, code)
    index = ledger.load_index()
    for query in ("3栋1201", "3-1201", "3 2 1201", "３栋１２０１"):
        assert index.filter(LedgerFilter(query=query)) == [], query
        assert [r.code for r in index.near_misses(query)] == ["3-1-1201", "3-2-1201"], query
    assert index.near_misses("3-9-1201") == index.near_misses("3栋1201")
    assert index.near_misses("张三") == [] and index.near_misses("1201") == []
    assert index.near_misses("5栋1201") == []
