"""Delivery rules for documents to clients: addressee, residents, method, the two-week rule."""

from __future__ import annotations

from datetime import date

import pytest

from butler_desk.domain.documents import (
    Audience,
    DeliveryMethod,
    DocumentKind,
    Occupant,
    audience_for,
    choose_addressee,
    collect_by,
    is_uncollected,
    kind_of_template,
    plan_delivery,
    residents,
    salutation_for,
)
from butler_desk.domain.enums import PartyRole, UnitStatus

OWNER = Occupant(1, "张三", PartyRole.OWNER, moved_in=date(2023, 1, 1))
ABSENT_OWNER = Occupant(2, "李四", PartyRole.OWNER, mailing_address="上海市浦东新区世纪大道100号", postcode="200120")
TENANT = Occupant(3, "王五", PartyRole.TENANT, moved_in=date(2024, 3, 1))
KEY_OWNER = Occupant(4, "钱七", PartyRole.OWNER, moved_in=date(2023, 1, 1), key_client=True)
NO_ADDRESS = Occupant(5, "孙八", PartyRole.OWNER)


def test_outage_and_activity_notices_go_to_occupants_and_money_letters_to_owners():
    assert audience_for(DocumentKind.WATER_OUTAGE) is Audience.OCCUPANTS
    assert audience_for(DocumentKind.ACTIVITY) is Audience.OCCUPANTS
    assert audience_for(DocumentKind.STATEMENT) is Audience.OWNERS
    assert audience_for(DocumentKind.LAWYER_LETTER) is Audience.OWNERS
    assert kind_of_template("power-outage") is DocumentKind.POWER_OUTAGE
    assert kind_of_template("my-own-template") is DocumentKind.OTHER


def test_GIVEN_a_let_unit_THEN_the_tenant_lives_there_and_the_owner_does_not():
    assert residents(UnitStatus.LET, [ABSENT_OWNER, TENANT]) == [TENANT]
    assert choose_addressee(UnitStatus.LET, [ABSENT_OWNER, TENANT], Audience.OCCUPANTS) == TENANT
    assert choose_addressee(UnitStatus.LET, [ABSENT_OWNER, TENANT], Audience.OWNERS) == ABSENT_OWNER


def test_GIVEN_an_occupied_unit_with_no_move_in_dates_THEN_its_owners_count_as_living_there():
    undated = Occupant(6, "周九", PartyRole.OWNER)
    assert residents(UnitStatus.OCCUPIED, [undated]) == [undated]


def test_GIVEN_two_owners_and_one_moved_in_THEN_the_other_is_not_a_resident_and_the_resident_is_addressed():
    assert residents(UnitStatus.OCCUPIED, [ABSENT_OWNER, OWNER]) == [OWNER]
    assert choose_addressee(UnitStatus.OCCUPIED, [ABSENT_OWNER, OWNER], Audience.OWNERS) == OWNER


@pytest.mark.parametrize("status", [UnitStatus.VACANT, UnitStatus.HANDED_OVER, UnitStatus.RENOVATING])
def test_nobody_lives_in_an_empty_or_renovating_unit(status):
    assert residents(status, [OWNER, TENANT]) == []


def test_key_client_is_served_by_the_butler_in_person():
    plan = plan_delivery(UnitStatus.OCCUPIED, [KEY_OWNER], DocumentKind.WATER_OUTAGE)
    assert plan is not None and plan.method is DeliveryMethod.IN_PERSON and plan.address == ""


def test_key_client_living_elsewhere_is_met_by_appointment_and_the_envelope_carries_their_mailing_address():
    away = Occupant(9, "陈明博", PartyRole.OWNER, key_client=True, mailing_address="西安市雁塔区长安南路 1 号",
                    postcode="710061")
    plan = plan_delivery(UnitStatus.HANDED_OVER, [away], DocumentKind.STATEMENT)
    assert plan is not None
    assert (plan.method, plan.resident, plan.address, plan.postcode) == (
        DeliveryMethod.IN_PERSON, False, "西安市雁塔区长安南路 1 号", "710061")
    assert "约时间面交" in plan.note and "邮寄" in plan.note
    no_address = plan_delivery(UnitStatus.VACANT, [Occupant(10, "赵九", PartyRole.OWNER, key_client=True)],
                               DocumentKind.STATEMENT)
    assert no_address is not None and no_address.address == "" and "请补录" in no_address.note


def test_absent_owner_with_an_address_gets_it_by_post_at_that_address():
    plan = plan_delivery(UnitStatus.VACANT, [ABSENT_OWNER], DocumentKind.WATER_OUTAGE)
    assert plan is not None
    assert (plan.method, plan.address, plan.postcode, plan.resident) == (
        DeliveryMethod.POST, "上海市浦东新区世纪大道100号", "200120", False)


def test_absent_owner_without_an_address_is_delivered_by_the_butler_with_a_note_to_record_one():
    plan = plan_delivery(UnitStatus.HANDED_OVER, [NO_ADDRESS], DocumentKind.STATEMENT)
    assert plan is not None and plan.method is DeliveryMethod.BUTLER
    assert "通讯地址" in plan.note


def test_notices_go_with_security_but_statements_stay_with_the_butler():
    notice = plan_delivery(UnitStatus.OCCUPIED, [OWNER], DocumentKind.POWER_OUTAGE)
    statement = plan_delivery(UnitStatus.OCCUPIED, [OWNER], DocumentKind.STATEMENT)
    chosen = plan_delivery(UnitStatus.OCCUPIED, [OWNER], DocumentKind.POWER_OUTAGE, DeliveryMethod.BUTLER)
    assert notice is not None and notice.method is DeliveryMethod.WITH_SECURITY
    assert statement is not None and statement.method is DeliveryMethod.BUTLER
    assert chosen is not None and chosen.method is DeliveryMethod.BUTLER


def test_a_unit_with_nobody_on_record_gets_no_letter():
    assert plan_delivery(UnitStatus.VACANT, [], DocumentKind.WATER_OUTAGE) is None


def test_letters_greet_by_name_as_sir_or_madam_or_by_room_per_setting():
    assert salutation_for(TENANT) == "王五先生/女士"  # the gender is never guessed
    assert salutation_for(OWNER) == "张三先生/女士"
    assert salutation_for(OWNER, "room", "3-2-1101") == "3-2-1101 业主"
    assert salutation_for(TENANT, "room", "3-2-1101") == "3-2-1101 住户"


def test_GIVEN_a_copy_handed_out_on_2_november_THEN_it_is_uncollected_from_16_november():
    sent = date(2026, 11, 2)
    assert collect_by(sent) == date(2026, 11, 16)
    assert not is_uncollected(DeliveryMethod.WITH_SECURITY, sent, None, False, date(2026, 11, 15))
    assert is_uncollected(DeliveryMethod.WITH_SECURITY, sent, None, False, date(2026, 11, 16))
    assert not is_uncollected(DeliveryMethod.WITH_SECURITY, sent, date(2026, 11, 3), False, date(2026, 12, 1))
    assert not is_uncollected(DeliveryMethod.POST, sent, None, False, date(2026, 12, 1))
    assert not is_uncollected(DeliveryMethod.BUTLER, sent, None, True, date(2026, 12, 1))


def test_methods_parse_from_their_chinese_names_and_have_short_forms_for_narrow_columns():
    assert DeliveryMethod.parse("随安防派送") is DeliveryMethod.WITH_SECURITY
    assert DeliveryMethod.parse("邮寄") is DeliveryMethod.POST
    assert all(len(m.short_label) <= 4 for m in DeliveryMethod)
    assert DocumentKind.parse("对账单") is DocumentKind.STATEMENT
