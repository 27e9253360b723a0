"""Vacant-unit rules: the checklist read from the real form, defaults, validation, round status, walking order."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from butler_desk.domain.errors import BadInput
from butler_desk.domain.rooms import parse_room_code
from butler_desk.domain.vacancy import (
    FAIL,
    REASONS,
    ItemResult,
    RoundStatus,
    check_reason,
    check_results,
    checklist_from_form,
    days_left,
    is_due,
    month_end,
    next_month,
    parse_month,
    round_status,
    walking_key,
)
from butler_desk.paths import forms_dir


@pytest.fixture(scope="module")
def checklist():
    return checklist_from_form(tomllib.loads((forms_dir() / "vacant-inspection.toml").read_text("utf-8")))


def test_checklist_comes_from_the_paper_form(checklist):
    labels = [i.label for i in checklist]
    assert labels[:5] == ["入户门", "门窗玻璃", "水", "电", "燃气"]
    assert {"渗漏", "墙面天花", "排水", "卫生", "入住迹象"} <= set(labels)
    assert [i.key for i in checklist if i.has_reading] == ["water", "power", "gas"]


def test_form_without_checklist_is_refused():
    with pytest.raises(BadInput, match="缺少检查项目"):
        checklist_from_form({"blocks": [{"type": "fields"}]})


def test_all_items_default_to_pass(checklist):
    results = check_results(checklist)
    assert len(results) == len(checklist) and all(r.passed for r in results)


def test_failed_item_needs_a_note_and_readings_must_be_numbers(checklist):
    with pytest.raises(BadInput, match="渗漏.*不正常") as caught:
        check_results(checklist, [ItemResult("leaks", passed=False)])
    assert caught.value.field == "leaks"
    with pytest.raises(BadInput, match="不是数字"):
        check_results(checklist, [ItemResult("water", reading="abc")])
    with pytest.raises(BadInput, match="没有表读数"):
        check_results(checklist, [ItemResult("hygiene", reading="3")])
    with pytest.raises(BadInput, match="不在"):
        check_results(checklist, [ItemResult("nonsense")])
    ok = check_results(checklist, [ItemResult("leaks", False, "", " 卫生间天花渗水 "), ItemResult("water", reading="12.5")])
    by = {r.key: r for r in ok}
    assert not by["leaks"].passed and by["leaks"].note == "卫生间天花渗水"
    assert by["water"].reading == "12.5" and FAIL == "不正常"


def test_reasons():
    assert REASONS == ("未售", "未拿房", "开发商保留", "纠纷", "查封", "其他")
    assert check_reason("") == "其他" and check_reason("查封") == "查封"
    with pytest.raises(BadInput, match="空置原因"):
        check_reason("出国")


def test_months():
    assert parse_month("2026-12") == date(2026, 12, 1)
    with pytest.raises(BadInput, match="2026-12"):
        parse_month("12月")
    assert next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert month_end(date(2028, 2, 1)) == date(2028, 2, 29)
    assert days_left(date(2026, 12, 1), date(2026, 12, 31)) == 1
    assert days_left(date(2026, 11, 1), date(2026, 12, 5)) == 0


def test_due_when_vacant_any_day_of_the_month():
    dec = date(2026, 12, 1)
    assert is_due(date(2026, 12, 31), None, dec)
    assert is_due(date(2025, 1, 1), date(2026, 12, 1), dec)  # moved in on the 1st: still walked that month
    assert not is_due(date(2025, 1, 1), date(2026, 11, 30), dec)
    assert not is_due(date(2027, 1, 1), None, dec)


def test_round_status():
    dec = date(2026, 12, 1)
    assert round_status(dec, date(2026, 12, 5), []) is RoundStatus.DUE
    assert round_status(dec, date(2027, 1, 1), []) is RoundStatus.OVERDUE
    assert round_status(dec, date(2027, 1, 1), [True]) is RoundStatus.DONE
    assert round_status(dec, date(2026, 12, 5), [False, True]) is RoundStatus.FAILED


def test_walking_order_is_building_unit_floor_room():
    codes = ["10-1-101", "2-1-1201", "2-1-301", "2-2-101", "2-1-302", "2-1-1202"]
    ordered = sorted(codes, key=lambda c: walking_key(parse_room_code(c)))
    assert ordered == ["2-1-301", "2-1-302", "2-1-1201", "2-1-1202", "2-2-101", "10-1-101"]
