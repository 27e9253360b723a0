"""The dialog table models: Qt's model rules and what each column says."""

from __future__ import annotations

from datetime import UTC, date, datetime

from butler_desk.exchange.roster import RowIssue
from butler_desk.services.ledger.views import HistoryEntry
from butler_desk.ui.common.detail_models import (
    OCCUPANCY_ID_ROLE,
    PARTY_ID_ROLE,
    FormerPeopleModel,
    HistoryModel,
    PartyUnitsModel,
    PeopleModel,
    describe_changes,
    local_time_text,
)
from butler_desk.ui.ledger.import_dialog import IssuesModel


def test_people_models_pass_qts_model_tests_and_carry_ids(qtmodeltester, ledger, estate):
    detail = ledger.unit_detail(estate.zhang_unit)
    people = PeopleModel()
    people.set_rows(detail.current)
    qtmodeltester.check(people)
    assert [people.index(0, c).data() for c in range(people.columnCount())] == [
        "张三", "业主", "★", "138****5678", "1101**********002X", "2020-01-01", "2020-02-01",
    ]
    assert people.index(0, 0).data(PARTY_ID_ROLE) == estate.zhang_party
    assert people.index(0, 0).data(OCCUPANCY_ID_ROLE) == detail.current[0].occupancy_id

    tenant = next(o for o in ledger.unit_detail(estate.let_unit).current if o.party.name == "王五")
    ledger.move_out(tenant.occupancy_id, on=date(2024, 6, 30))
    former = FormerPeopleModel()
    former.set_rows(ledger.unit_detail(estate.let_unit).former)
    qtmodeltester.check(former)
    assert former.index(0, FormerPeopleModel.COL_END).data() == "2024-06-30"


def test_history_model_shows_beijing_time_and_readable_changes(qtmodeltester, ledger, estate):
    model = HistoryModel()
    model.set_rows(ledger.unit_history(estate.zhang_unit))
    qtmodeltester.check(model)
    assert model.rowCount() >= 1
    assert all(model.index(r, HistoryModel.COL_OPERATOR).data() == "李晓红" for r in range(model.rowCount()))


def test_utc_audit_time_is_shown_in_beijing_time():
    assert local_time_text(datetime(2026, 1, 31, 16, 30, tzinfo=UTC)) == "2026-02-01 00:30"


def test_change_descriptions_show_old_and_new_and_reveal_reasons():
    edit = HistoryEntry(datetime.now(UTC), "李晓红", "修改", "房屋 3-2-1201",
                        (("建筑面积(㎡)", "89.50", "90.00"), ("备注", "", "新备注"), ("状态", "空置", "")))
    assert describe_changes(edit) == "建筑面积(㎡)：89.50 → 90.00；备注：新备注；状态：空置 → （空）"
    reveal = HistoryEntry(datetime.now(UTC), "李晓红", "查看明文", "业户 张三", (("查看", "电话", "报修回访"),))
    assert describe_changes(reveal) == "查看电话明文，原因：报修回访"


def test_party_units_model(qtmodeltester, ledger, estate):
    model = PartyUnitsModel()
    model.set_rows(ledger.party_detail(estate.zhang_party).occupancies)
    qtmodeltester.check(model)
    assert [model.index(0, c).data() for c in range(model.columnCount())] == ["3-2-1201", "业主", "2020-01-01", "", "当前"]


def test_issues_model_names_the_column_by_letter_and_header(qtmodeltester):
    model = IssuesModel()
    model.set_rows([
        RowIssue("业户资料", 5, "建筑面积(㎡)", "C", "建筑面积“很大”不是数字"),
        RowIssue("业户资料", 9, "", "", "房号重复"),
    ])
    qtmodeltester.check(model)
    assert [model.index(0, c).data() for c in range(4)] == ["业户资料", "5", "C（建筑面积(㎡)）", "建筑面积“很大”不是数字"]
    assert model.index(1, IssuesModel.COL_COLUMN).data() == "整行"
