"""A unit's history with its people's own records, and pre-checking a person's form."""

from __future__ import annotations

from datetime import date

import pytest

from butler_desk.domain.enums import PartyRole
from butler_desk.domain.errors import BadInput
from butler_desk.services.ledger import LedgerService
from butler_desk.services.ledger_views import PartyInput, UnitInput


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
