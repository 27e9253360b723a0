"""The request service on a real SQLite file: intake, numbers, steps, deadlines, the list, attachments."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import text

from butler_desk.domain.enums import PartyRole
from butler_desk.domain.errors import BadInput
from butler_desk.domain.requests import RequestKind, RequestState, StepKind
from butler_desk.domain.sla import DeadlineState
from butler_desk.services import settings as cfg
from butler_desk.services.context import AppContext
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.ledger.index import LedgerFilter
from butler_desk.services.ledger.views import PartyInput, UnitInput
from butler_desk.services.requests.views import IntakeInput, RequestFilter, StepInput
from butler_desk.services.requests.service import RequestService
from butler_desk.services.settings import SettingsService
from tests.clock import Clock, local


@dataclass
class Estate:
    home: int  # 3-2-1201 in 一组团, owner 张三 (138 1234 5678)
    owner: int
    other_home: int  # 5-101 in 二组团, tenant 李四
    tenant: int
    cluster_one: int
    cluster_two: int


@pytest.fixture
def estate(ctx) -> Estate:
    ledger = LedgerService(ctx)
    home = ledger.save_unit(UnitInput("3栋2单元1201", cluster="一组团", status="已入住"))
    ledger.move_in(home, PartyRole.OWNER, PartyInput("张三", phones="138 1234 5678"), on=date(2020, 1, 1))
    other = ledger.save_unit(UnitInput("5-101", cluster="二组团", status="出租"))
    ledger.move_in(other, PartyRole.TENANT, PartyInput("李四", phones="13987654321"), on=date(2024, 1, 1))
    clusters = {c.name: c.cluster_id for c in ledger.clusters()}
    return Estate(home, ledger.unit_detail(home).current[0].party.party_id, other,
                  ledger.unit_detail(other).current[0].party.party_id, clusters["一组团"], clusters["二组团"])


@pytest.fixture
def clock() -> Clock:
    return Clock(local(2026, 11, 16, 9, 0))  # a Monday


@pytest.fixture
def service(ctx, clock) -> RequestService:
    return RequestService(ctx, clock=clock)


def complaint(service: RequestService, estate: Estate, clock: Clock, description: str = "楼上装修噪音扰民") -> int:
    return service.intake(IntakeInput(estate.home, estate.owner, "", "投诉", "电话", description,
                                      received_at=clock.at))


def steps(service: RequestService, request_id: int, clock: Clock, *items: tuple[int, StepInput]) -> None:
    for minutes, step in items:
        clock.advance(minutes=minutes)
        service.add_step(request_id, step)


CONTACT = StepInput(StepKind.CONTACT, on_site=True)
CLASSIFY_GENERAL = StepInput("定性", valid=True, severity="一般")
ASSIGN = StepInput("派单", department="安防部", assignee="孙队长")
HANDLE = StepInput("处理结果", note="已劝告装修户遵守作息时间")
FEEDBACK = StepInput("反馈业户", note="已电话告知业主处理结果")


# -- intake and numbers -------------------------------------------------------------


def test_numbers_run_per_kind_and_per_year_of_the_beijing_date(service, estate, clock):
    first = complaint(service, estate, clock)
    second = complaint(service, estate, clock, "楼道堆放杂物")
    repair = service.intake(IntakeInput(estate.home, estate.owner, "", RequestKind.REPAIR, "微信", "厨房水龙头滴水"))
    new_year_eve = service.intake(IntakeInput(estate.home, None, "", "投诉", "来访", "烟花扰民",
                                              received_at=local(2025, 12, 31, 23, 30)))
    # 00:10 on New Year's Day in Beijing is still 2025 in UTC: the number follows Beijing.
    new_year = service.intake(IntakeInput(estate.home, None, "", "投诉", "来访", "烟花扰民",
                                          received_at=local(2026, 1, 1, 0, 10)))

    numbers = [service.detail(i).number for i in (first, second, repair, new_year_eve, new_year)]
    assert numbers == ["TS-2026-000001", "TS-2026-000002", "BX-2026-000001", "TS-2025-000001", "TS-2026-000003"]
    assert service.id_of("ts-2026-000002") == second
    with pytest.raises(BadInput, match="没有编号为 TS-2026-000099"):
        service.id_of("TS-2026-000099")


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"description": "  "}, "description", "报事内容"),
        ({"unit_id": None, "party_id": None, "area_text": ""}, "unit_id", "公共区域"),
        ({"urgent": True}, "urgent", "急修"),
        ({"fault": "电梯故障"}, "fault", "故障类别"),
        ({"kind": "闲聊"}, "kind", "闲聊"),
        ({"source": ""}, "source", "来源"),
        ({"contact_phone": "1381234"}, "contact_phone", "手机号"),
        ({"received_at": local(2026, 11, 16, 12, 0)}, "received_at", "晚于现在"),
        ({"party_id": "other"}, "party_id", "不是该房屋"),
    ],
)
def test_bad_intake_is_refused_in_chinese_and_uses_no_number(service, estate, clock, ctx, changes, field, fragment):
    data = IntakeInput(estate.home, estate.owner, "", "投诉", "电话", "噪音扰民", received_at=clock.at)
    for name, value in changes.items():
        setattr(data, name, estate.tenant if value == "other" else value)

    with pytest.raises(BadInput) as info:
        service.intake(data)

    assert info.value.field == field
    assert fragment in info.value.message
    assert complaint(service, estate, clock) == 1
    assert service.detail(1).number == "TS-2026-000001"


def test_a_public_area_request_finds_its_cluster_from_the_building_in_the_text(service, estate, clock):
    lobby = service.intake(IntakeInput(None, None, "3栋大堂", "报修", "巡查发现", "大堂吊灯不亮", fault="公共照明"))
    garage = service.intake(IntakeInput(None, None, "地下车库B区", "报修", "巡查发现", "照明不亮",
                                        cluster_id=estate.cluster_two))

    assert [r.id for r in service.list(RequestFilter(cluster_id=estate.cluster_one)).rows] == [lobby]
    assert [r.id for r in service.list(RequestFilter(cluster_id=estate.cluster_two)).rows] == [garage]
    row = service.list(RequestFilter(query="大堂")).rows[0]
    assert (row.location, row.cluster, row.deadline_name) == ("3栋大堂", "一组团", "报事报修响应并反馈")


def test_the_quick_intake_finds_the_household_with_the_ledger_search(ctx, estate):
    found = LedgerService(ctx).load_index().filter(LedgerFilter(query="zhangsan"))
    assert [(row.unit_id, row.owners) for row in found] == [(estate.home, "张三")]


# -- the lifecycle as a timeline ----------------------------------------------------


def test_a_complaint_goes_through_its_whole_life_and_every_step_is_on_the_timeline(service, estate, clock, ctx):
    rid = complaint(service, estate, clock)
    steps(service, rid, clock, (10, CONTACT), (10, CLASSIFY_GENERAL), (5, ASSIGN), (120, HANDLE), (20, FEEDBACK),
          (5, StepInput("解决")), (24 * 60, StepInput("回访", satisfaction="满意", resident_words="很及时")),
          (5, StepInput("关闭", resident_signed=True)))

    d = service.detail(rid)
    assert d.state is RequestState.CLOSED
    assert [e.text for e in d.timeline] == [
        "到达现场", "判定为有效（一般投诉）", "派单至安防部，责任人孙队长", "处理结果：已劝告装修户遵守作息时间",
        "反馈业户：已电话告知业主处理结果", "确认已解决", "回访：满意；业户意见：很及时", "关闭，业户已签字确认",
    ]
    assert [e.at for e in d.timeline][:2] == [local(2026, 11, 16, 9, 10), local(2026, 11, 16, 9, 20)]
    assert {e.operator for e in d.timeline} == {"李晓红"}
    assert {x.key: x.state for x in d.deadlines} == {
        "hotline_response": DeadlineState.MET, "complaint_contact": DeadlineState.MET,
        "complaint_feedback": DeadlineState.MET, "general_complaint_resolved": DeadlineState.MET,
    }
    assert [c.kind for c in d.allowed_steps] == [StepKind.REOPEN]
    assert (d.party_name, d.phone_masked, d.unit_display, d.cluster) == ("张三", "138****5678", "3栋2单元1201", "一组团")
    row = service.list().rows[0]
    assert (row.state_label, row.deadline_label, row.overdue) == ("已关闭", "", False)


def test_a_step_the_lifecycle_forbids_is_refused_and_nothing_is_written(service, estate, clock, ctx):
    rid = complaint(service, estate, clock)
    with ctx.db.engine.connect() as conn:
        audit_before = conn.execute(text("SELECT count(*) FROM audit_log")).scalar()

    with pytest.raises(BadInput) as info:
        service.add_step(rid, StepInput("解决"))

    assert "不能“解决”" in info.value.message and "联系/到场" in info.value.message
    assert service.detail(rid).timeline == ()
    with ctx.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() == audit_before
        assert conn.execute(text("SELECT version FROM requests")).scalar() == 0


def test_dispatch_goes_only_to_departments_of_the_office_list(service, estate, clock, ctx):
    rid = complaint(service, estate, clock)
    steps(service, rid, clock, (5, CONTACT), (5, CLASSIFY_GENERAL))

    with pytest.raises(BadInput, match="设置中添加") as info:
        service.add_step(rid, StepInput("派单", department="会所", assignee="钱经理"))
    assert info.value.field == "department"

    SettingsService(ctx).set(cfg.DEPARTMENTS, [*service.departments(), "会所"])
    service.add_step(rid, StepInput("派单", department="会所", assignee="钱经理"))
    assert service.detail(rid).department == "会所"


def test_reopening_keeps_the_history_and_makes_the_work_due_again(service, estate, clock):
    rid = complaint(service, estate, clock)
    steps(service, rid, clock, (10, CONTACT), (5, CLASSIFY_GENERAL), (5, ASSIGN), (60, HANDLE), (10, FEEDBACK),
          (5, StepInput("解决")), (60, StepInput("关闭", resident_signed=True)),
          (24 * 60, StepInput("重新打开", note="噪音又出现了")))

    d = service.detail(rid)
    assert d.state is RequestState.REOPENED and d.reopen_count == 1
    assert [e.kind for e in d.timeline][-3:] == [StepKind.RESOLVE, StepKind.CLOSE, StepKind.REOPEN]
    resolved = {x.key: x for x in d.deadlines}["general_complaint_resolved"]
    assert resolved.state is DeadlineState.OVERDUE  # reopening says the work was not done
    assert [r.id for r in service.list(RequestFilter(overdue_only=True)).rows] == [rid]
    assert service.counts().open == 1


def test_every_step_records_who_did_it_and_when(ctx, estate, clock):
    desk = RequestService(ctx, clock=clock)
    rid = complaint(desk, estate, clock)
    clock.advance(minutes=7)
    RequestService(AppContext(ctx.db, operator="王建国"), clock=clock).add_step(rid, CONTACT)

    entry = desk.detail(rid).timeline[0]
    assert (entry.operator, entry.at, entry.recorded_at) == ("王建国", local(2026, 11, 16, 9, 7),
                                                             local(2026, 11, 16, 9, 7))
    assert desk.detail(rid).received_by == "李晓红"
    with ctx.db.engine.connect() as conn:
        operator, changes = conn.execute(text(
            "SELECT operator, changes FROM audit_log WHERE table_name = 'requests' AND action = 'update'")).one()
    assert operator == "王建国"
    assert json.loads(changes)["state"] == ["received", "contacted"]
    assert "next_due_at" not in json.loads(changes)


def test_a_step_dated_before_the_previous_one_is_refused(service, estate, clock):
    rid = complaint(service, estate, clock)
    steps(service, rid, clock, (30, CONTACT))
    with pytest.raises(BadInput, match="早于上一步"):
        service.add_step(rid, StepInput("定性", valid=True, severity="一般", at=local(2026, 11, 16, 9, 10)))


# -- deadlines and the working-day calendar ------------------------------------------


def test_a_serious_complaint_counts_working_days_across_national_day_2025(ctx, estate):
    clock = Clock(local(2025, 9, 30, 10, 0))
    service = RequestService(ctx, clock=clock)
    rid = complaint(service, estate, clock, "物业多次维修不到位")
    steps(service, rid, clock, (10, CONTACT), (10, StepInput("定性", valid=True, severity="严重")),
          (30, StepInput("反馈业户", note="已成立专项小组处理")))

    due = {x.key: x for x in service.detail(rid).deadlines}["serious_complaint_resolved"]
    # 10-01…10-08 off; 10-11 (Saturday) is a make-up working day.
    assert due.due_at == local(2025, 10, 14, 10, 0)
    clock.at = local(2025, 10, 9, 11, 0)
    row = service.list().rows[0]
    assert (row.deadline_name, row.deadline_text, row.overdue) == ("严重投诉解决", "剩 4个工作日", False)
    assert service.detail(rid).calendar_notice is None


def test_in_2027_working_days_fall_back_to_the_laws_holidays_and_the_screen_says_so(ctx, estate):
    clock = Clock(local(2027, 2, 4, 15, 0))  # a Thursday, the day before 除夕
    service = RequestService(ctx, clock=clock)
    rid = complaint(service, estate, clock, "电梯长期故障无人处理")
    steps(service, rid, clock, (10, CONTACT), (10, StepInput("定性", valid=True, severity="严重")),
          (10, StepInput("反馈业户", note="已约维保单位")))

    d = service.detail(rid)
    # 除夕 5 Feb – 初三 8 Feb and the 补假 9–10 Feb (for the weekend days) are off by law alone.
    assert {x.key: x.due_at for x in d.deadlines}["serious_complaint_resolved"] == local(2027, 2, 17, 15, 0)
    assert "2027年" in d.calendar_notice and "周一至周五" in d.calendar_notice

    SettingsService(ctx).set(cfg.OFFICE_HOLIDAYS, "2027-02-08~2027-02-12 春节\n2027-02-07 春节调休上班")
    row = service.list().rows[0]  # the cached deadline is redone by itself after the change
    assert row.due_at == local(2027, 2, 18, 15, 0)  # Sunday 7 Feb worked, 11–12 Feb bridged
    assert "已录入放假 5 天、调休上班 1 天" in service.calendar_notice([date(2027, 3, 1)])
    assert service.refresh_deadlines() == 0


def test_changing_a_time_limit_moves_the_cached_deadlines_of_open_requests(service, estate, clock, ctx):
    rid = complaint(service, estate, clock)
    steps(service, rid, clock, (5, CONTACT))
    assert service.list().rows[0].due_at == local(2026, 11, 16, 13, 0)

    SettingsService(ctx).set_time_limits({"complaint_feedback": "2小时"})

    row = service.list().rows[0]
    assert (row.deadline_name, row.due_at) == ("投诉反馈处理情况", local(2026, 11, 16, 11, 0))
    with ctx.db.engine.connect() as conn:
        stored = conn.execute(text("SELECT next_due_at, next_due_key FROM requests WHERE id = :i"), {"i": rid}).one()
    assert stored == ("2026-11-16 03:00:00.000000", "complaint_feedback")


# -- the list and counts ------------------------------------------------------------------


@pytest.fixture
def mixed(service, estate, clock) -> dict[str, int]:
    """Five requests on two units and a lobby, in different kinds and states."""
    ids = {"noise": complaint(service, estate, clock)}
    steps(service, ids["noise"], clock, (10, CONTACT), (5, CLASSIFY_GENERAL), (5, ASSIGN))
    clock.advance(minutes=30)
    ids["leak"] = service.intake(IntakeInput(estate.other_home, estate.tenant, "", "报修", "微信",
                                             "卫生间天花板漏水", urgent=True))
    clock.advance(minutes=30)
    ids["fee"] = service.intake(IntakeInput(estate.other_home, None, "", "咨询", "电话", "物业费收费标准",
                                            contact_name="王女士", contact_phone="186 0000 1111"))
    steps(service, ids["fee"], clock, (5, StepInput("反馈业户", note="已答复")), (1, StepInput("解决")),
          (1, StepInput("关闭")))
    ids["lobby"] = service.intake(IntakeInput(None, None, "3栋大堂", "报修", "巡查发现", "大堂地砖破损"))
    clock.at = local(2026, 11, 17, 9, 0)
    ids["lamp"] = service.intake(IntakeInput(estate.home, estate.owner, "", "特约服务", "来访", "更换客厅吊灯"))
    return ids


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (RequestFilter(), ["lamp", "lobby", "fee", "leak", "noise"]),
        (RequestFilter(kind=RequestKind.REPAIR), ["lobby", "leak"]),
        (RequestFilter(state=RequestState.ASSIGNED), ["noise"]),
        (RequestFilter(open_only=True), ["lamp", "lobby", "leak", "noise"]),
        (RequestFilter(overdue_only=True), ["lobby", "leak", "noise"]),
        (RequestFilter(department="安防部"), ["noise"]),
        (RequestFilter(date_from=date(2026, 11, 17), date_to=date(2026, 11, 17)), ["lamp"]),
        (RequestFilter(date_to=date(2026, 11, 16)), ["lobby", "fee", "leak", "noise"]),
        (RequestFilter(query="ts-2026-000001"), ["noise"]),
        (RequestFilter(query="3栋2单元12"), ["lamp", "noise"]),
        (RequestFilter(query="101"), ["fee", "leak"]),
        (RequestFilter(query="李四"), ["leak"]),
        (RequestFilter(query="zs"), ["lamp", "noise"]),
        (RequestFilter(query="王女士"), ["fee"]),
        (RequestFilter(query="0000111"), ["fee"]),
        (RequestFilter(query="12345678"), ["lamp", "noise"]),
        (RequestFilter(query="漏水"), ["leak"]),
        (RequestFilter(query="50%"), []),
        (RequestFilter(kind=RequestKind.COMPLAINT, query="漏水"), []),
    ],
)
def test_each_filter_of_the_list_is_applied(service, mixed, flt, expected):
    found = service.list(flt)
    names = {v: k for k, v in mixed.items()}
    assert [names[row.id] for row in found.rows] == expected
    assert found.total == len(expected)


def test_list_rows_carry_what_the_table_shows(service, mixed, estate):
    rows = {row.id: row for row in service.list().rows}
    leak, fee = rows[mixed["leak"]], rows[mixed["fee"]]
    assert (leak.kind_label, leak.unit_code, leak.party_name, leak.urgent) == ("报修（急修）", "5-101", "李四", True)
    assert leak.overdue and leak.deadline_text.startswith("超时 ")
    assert leak.received_at == local(2026, 11, 16, 9, 50)
    assert (fee.party_name, fee.state_label, fee.deadline_name) == ("王女士", "已关闭", "")
    assert service.detail(mixed["fee"]).phone_masked == "186****1111"


def test_the_list_pages_through_many_matches(service, mixed):
    page = service.list(limit=2)
    assert (len(page.rows), page.total, page.truncated) == (2, 5, True)
    rest = service.list(limit=2, offset=4)
    assert ([r.id for r in rest.rows], rest.truncated) == ([mixed["noise"]], False)


def test_counts_for_the_header(service, mixed, clock):
    counts = service.counts()
    assert (counts.open, counts.overdue, counts.awaiting_visit) == (4, 3, 0)
    assert service.counts(local(2026, 11, 16, 10, 30)).overdue == 1  # only the urgent leak by then
    assert service.counts(date(2026, 11, 15)).overdue == 0


def test_date_range_upside_down_is_refused(service):
    with pytest.raises(BadInput, match="结束日期早于开始日期"):
        service.list(RequestFilter(date_from=date(2026, 2, 1), date_to=date(2026, 1, 1)))


def test_recent_requests_of_a_unit_newest_first(service, mixed, estate):
    assert [r.id for r in service.recent_for_unit(estate.home)] == [mixed["lamp"], mixed["noise"]]
    assert [r.id for r in service.recent_for_unit(estate.other_home, limit=1)] == [mixed["fee"]]


# -- attachments ---------------------------------------------------------------------


def test_attachments_are_copied_beside_the_database_listed_opened_and_removed(service, estate, clock, db_path,
                                                                              tmp_path):
    rid = complaint(service, estate, clock)
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff fake jpeg")

    first = service.attach(rid, photo, note="楼道现场")
    second = service.attach(rid, str(photo))

    folder = db_path.parent / "attachments" / "TS-2026-000001"
    assert first.path == folder / "现场照片.jpg" and first.path.read_bytes() == photo.read_bytes()
    assert second.path == folder / "现场照片(2).jpg"
    assert first.is_image and first.note == "楼道现场" and first.added_by == "李晓红"
    assert [a.file_name for a in service.detail(rid).attachments] == ["现场照片.jpg", "现场照片.jpg"]

    service.remove_attachment(first.attachment_id)

    assert not first.path.exists() and second.path.exists()
    assert [a.attachment_id for a in service.attachments(rid)] == [second.attachment_id]


def test_attaching_a_missing_file_is_refused(service, estate, clock, tmp_path):
    rid = complaint(service, estate, clock)
    with pytest.raises(BadInput, match="找不到文件") as info:
        service.attach(rid, tmp_path / "nowhere.png")
    assert info.value.field == "file"
    assert service.attachments(rid) == []


def test_what_the_resident_reported_is_stored_with_its_full_width_punctuation(service, estate, clock):
    rid = complaint(service, estate, clock, "  楼上装修噪音，晚上十点后仍在施工！\n\n\n业主：请尽快处理。  ")
    assert service.detail(rid).description == "楼上装修噪音，晚上十点后仍在施工！\n\n业主：请尽快处理。"
