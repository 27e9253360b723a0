"""What is made of stored requests: statistics (checked against the raw rows), agenda items, form fields."""

from __future__ import annotations

import sqlite3
import subprocess
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import text

from butler_desk.domain.enums import PartyRole
from butler_desk.domain.errors import BadInput
from butler_desk.domain.requests import RequestKind, Satisfaction
from butler_desk.domain.service_stats import NO_CLUSTER, UNASSIGNED
from butler_desk.domain.workdays import CHINA_TZ
from butler_desk.services.requests import reports as request_reports
from butler_desk.services import settings as cfg
from butler_desk.services.demo.estate import build_demo_estate
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.ledger.views import PartyInput, UnitInput
from butler_desk.services.maintenance import open_context
from butler_desk.services.requests.views import IntakeInput, StepInput
from butler_desk.services.requests.service import RequestService
from butler_desk.services.settings import SettingsService
from tests.reporting.pdfcheck import flat_text, pages_text
from tests.clock import Clock, local


# -- statistics against the raw rows of a demo year -----------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    build_demo_estate(path, units=160, requests=900)
    return path


def _utc_text(day: date) -> str:
    """Beijing midnight of ``day`` as the database stores it (naive UTC text)."""
    moment = datetime.combine(day, time(0), tzinfo=CHINA_TZ).astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(sep=" ", timespec="microseconds")


def test_statistics_of_the_whole_year_agree_with_counts_from_the_raw_rows(demo_db):
    ctx = open_context(demo_db)
    today = datetime.now(CHINA_TZ).date()
    first, last = today - timedelta(days=364), today
    stats = RequestService(ctx).stats(first, last)
    ctx.db.dispose()

    con = sqlite3.connect(demo_db)
    span = (_utc_text(first), _utc_text(last + timedelta(days=1)))
    received = "received_at >= ? AND received_at < ?"

    def count(where: str, params: tuple = ()) -> int:
        return con.execute(f"SELECT count(*) FROM requests WHERE {where}", params).fetchone()[0]

    for item in stats.by_kind:
        assert item.received == count(f"kind = ? AND {received}", (item.kind.value, *span)), item.label
        assert item.closed == count("kind = ? AND closed_at >= ? AND closed_at < ?", (item.kind.value, *span))
        assert item.open_at_end == count("kind = ? AND state != 'closed'", (item.kind.value,))
    assert stats.total.received == count(received, span) == sum(k.received for k in stats.by_kind)
    assert stats.total.overdue >= count("state != 'closed' AND next_due_at < ?",
                                        (datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" "),))

    c = stats.complaints
    complaints = f"kind = 'complaint' AND {received}"
    assert (c.received, c.valid, c.invalid, c.unjudged) == (
        count(complaints, span), count(f"{complaints} AND valid = 1", span),
        count(f"{complaints} AND valid = 0", span), count(f"{complaints} AND valid IS NULL", span))
    assert (c.general, c.serious) == (count(f"{complaints} AND valid = 1 AND severity = 'general'", span),
                                      count(f"{complaints} AND valid = 1 AND severity = 'serious'", span))

    rated = dict(con.execute(
        f"SELECT satisfaction, count(*) FROM requests WHERE {received} AND visited_at IS NOT NULL GROUP BY 1", span))
    assert {level.value: n for level, n in stats.satisfaction.counts if n} == rated
    assert stats.satisfaction.visited == sum(rated.values())

    departments = dict(con.execute(
        f"SELECT coalesce(department, ?), count(*) FROM requests WHERE {received} GROUP BY 1", (UNASSIGNED, *span)))
    assert {g.name: g.received for g in stats.by_department} == departments
    clusters = dict(con.execute(
        f"SELECT coalesce(c.name, ?), count(*) FROM requests r LEFT JOIN clusters c ON c.id = r.cluster_id "
        f"WHERE r.{received.replace(' AND ', ' AND r.')} GROUP BY 1", (NO_CLUSTER, *span)))
    assert {g.name: g.received for g in stats.by_cluster} == clusters
    con.close()


def test_a_past_week_is_counted_as_things_stood_at_its_end(demo_db):
    ctx = open_context(demo_db)
    last = datetime.now(CHINA_TZ).date() - timedelta(days=40)
    first = last - timedelta(days=6)
    stats = RequestService(ctx).stats(first, last)
    ctx.db.dispose()

    con = sqlite3.connect(demo_db)
    start, end = _utc_text(first), _utc_text(last + timedelta(days=1))
    received = Counter(dict(con.execute(
        "SELECT kind, count(*) FROM requests WHERE received_at >= ? AND received_at < ? GROUP BY kind", (start, end))))
    # Closed in the week: a CLOSE step inside it not undone by a REOPEN before the week ended.
    closed = con.execute(
        """SELECT count(DISTINCT c.request_id) FROM request_steps c
           WHERE c.kind = 'close' AND c.at >= ? AND c.at < ?
             AND NOT EXISTS (SELECT 1 FROM request_steps o WHERE o.request_id = c.request_id
                             AND o.kind = 'reopen' AND o.at > c.at AND o.at < ?)""", (start, end, end)).fetchone()[0]
    con.close()
    assert {k.kind.value: k.received for k in stats.by_kind if k.received} == dict(received)
    assert stats.total.closed == closed
    assert stats.total.received > 0


# -- a hand-made office for the agenda and the forms ------------------------------------


@pytest.fixture
def office(ctx):
    ledger = LedgerService(ctx)
    home = ledger.save_unit(UnitInput("3栋2单元1201", cluster="一组团", status="已入住"))
    ledger.move_in(home, PartyRole.OWNER, PartyInput("张三", phones="13812345678"), on=date(2020, 1, 1))
    owner = ledger.unit_detail(home).current[0].party.party_id
    clock = Clock(local(2026, 11, 16, 9, 0))
    return RequestService(ctx, clock=clock), clock, home, owner


def _step(service, clock, rid, minutes, kind, **fields):
    clock.at += timedelta(minutes=minutes)
    service.add_step(rid, StepInput(kind, **fields))


def _finished_complaint(service, clock, home, owner) -> int:
    rid = service.intake(IntakeInput(home, owner, "", "投诉", "电话", "楼上装修噪音扰民", received_at=clock.at))
    for minutes, kind, fields in (
        (10, "联系/到场", {"on_site": True}), (5, "定性", {"valid": True, "severity": "一般"}),
        (5, "派单", {"department": "安防部", "assignee": "孙队长"}), (60, "处理结果", {"note": "已劝告装修户"}),
        (10, "反馈业户", {"note": "已告知业主"}), (5, "解决", {}),
        (60 * 24, "回访", {"satisfaction": "满意", "resident_words": "很及时"}), (5, "关闭", {"resident_signed": True}),
    ):
        _step(service, clock, rid, minutes, kind, **fields)
    return rid


def test_the_complaint_record_has_every_field_of_the_printed_form(office):
    service, clock, home, owner = office
    rid = _finished_complaint(service, clock, home, owner)

    record = service.complaint_record(rid)

    assert {k: record[k] for k in ("number", "code", "received_at", "source", "channel", "unit", "room", "party",
                                   "complainant", "phone", "severity", "valid", "validity", "department",
                                   "assignee", "responsible", "satisfaction", "signed", "operator")} == {
        "number": "TS-2026-000001", "code": "TS-2026-000001", "received_at": "2026-11-16 09:00", "source": "电话",
        "channel": "来电", "unit": "3栋2单元1201", "room": "3栋2单元1201", "party": "张三", "complainant": "张三",
        "phone": "138****5678", "severity": "一般投诉", "valid": "有效投诉", "validity": "有效投诉",
        "department": "安防部", "assignee": "孙队长", "responsible": "孙队长", "satisfaction": "满意",
        "signed": "已签字", "operator": "李晓红",
    }
    assert record["content"] == "楼上装修噪音扰民"
    assert record["handling"].splitlines() == [  # every step from contact to 确认已解决, with who did it
        "2026-11-16 09:10 到达现场（李晓红）", "2026-11-16 09:15 判定为有效（一般投诉）（李晓红）",
        "2026-11-16 09:20 派单至安防部，责任人孙队长（李晓红）", "2026-11-16 10:20 处理结果：已劝告装修户（李晓红）",
        "2026-11-16 10:30 反馈业户：已告知业主（李晓红）", "2026-11-16 10:35 确认已解决（李晓红）"]
    assert record["recorder"] == "李晓红"  # 记录人: who received it
    assert record["plan"] == "派单至安防部，责任人孙队长"
    assert record["responded"] == "2026-11-16 09:10（1小时内，按时）"
    assert record["feedback_time"] == "2026-11-16 10:30（4小时内，按时）"
    assert record["resolved_time"] == "2026-11-16 10:35（8小时内，按时）"
    assert record["result"] == "已劝告装修户（2026-11-16 10:20，李晓红）"
    assert (record["feedback"], record["visit_opinion"]) == ("已告知业主", "很及时")
    assert record["visited_at"] == "2026-11-17 10:35" and record["visitor"] == "李晓红"
    assert all(isinstance(value, str) for value in record.values())


def test_the_printed_complaint_record_runs_to_the_resolution_and_leaves_room_for_the_departments_correction(
        office, ctx, tmp_path):
    from butler_desk.services.printing.service import PrintService

    service, clock, home, owner = office
    rid = _finished_complaint(service, clock, home, owner)

    result = PrintService(ctx).print_request_form("complaint-record", rid, tmp_path / "complaint.pdf")

    text = flat_text(result.path)
    assert result.pages == 1
    for seen in ("记录人李晓红", "反馈业户：已告知业主", "确认已解决", "派单至安防部，责任人孙队长", "2026-11-1610:30（4小时内，按时）",
                 "责任部门整改及培训", "责任部门负责人：", "业主签字：", "处理方案"):
        assert seen in text, seen


def _reveals(ctx) -> list[tuple[str, str]]:
    with ctx.db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(
            text("SELECT record_label, changes FROM audit_log WHERE action = 'reveal'")).all()]


def test_a_work_order_prints_the_phone_masked_unless_a_reason_is_given_which_is_recorded(office, ctx):
    service, _clock, home, owner = office
    rid = service.intake(IntakeInput(home, owner, "", "报修", "电话", "厨房水管爆裂", urgent=True))

    masked = service.work_order(rid)
    assert _reveals(ctx) == []
    revealed = request_reports.work_order(service, rid, reveal_reason="  王师傅上门前需电话预约 ")

    assert (masked["phone"], revealed["phone"]) == ("138****5678", "13812345678")
    assert (masked["urgency"], masked["kind"], masked["reporter"]) == ("急修", "报修（急修）", "张三")
    reveals = _reveals(ctx)
    assert len(reveals) == 1 and reveals[0][0] == "BX-2026-000001"
    assert "打印派工单：王师傅上门前需电话预约" in reveals[0][1]
    with pytest.raises(BadInput, match="投诉记录表"):
        service.complaint_record(rid)


def test_a_full_phone_on_a_work_order_without_a_reason_is_refused_and_nothing_is_recorded(office, ctx):
    service, _clock, home, owner = office
    rid = service.intake(IntakeInput(home, owner, "", "报修", "电话", "厨房水管爆裂"))

    with pytest.raises(BadInput, match="原因") as blank:
        request_reports.work_order(service, rid, reveal_reason="   ")
    with pytest.raises(BadInput, match="原因"):
        service.work_order(rid, reveal_reason="")

    assert blank.value.field == "reveal_reason"
    assert _reveals(ctx) == []


def test_a_work_order_for_a_caller_without_a_phone_reveals_nothing(office, ctx):
    service, _clock, _home, _owner = office
    rid = service.intake(IntakeInput(None, None, "3栋大堂", "报修", "巡查发现", "大堂灯不亮"))

    record = request_reports.work_order(service, rid, reveal_reason="维修人员需联系")

    assert record["phone"] == "" and record["room"] == "3栋大堂"
    assert _reveals(ctx) == []


def test_the_printed_work_order_carries_the_revealed_phone(office, ctx, tmp_path):
    service, _clock, home, owner = office
    rid = service.intake(IntakeInput(home, owner, "", "报修", "电话", "厨房水管爆裂", urgent=True))

    masked = request_reports.print_work_order(service, rid, tmp_path / "masked.pdf")
    full = request_reports.print_work_order(service, rid, tmp_path / "full.pdf", reveal_reason="预约上门")

    assert "138****5678" in flat_text(masked.path) and "13812345678" not in flat_text(masked.path)
    assert "13812345678" in flat_text(full.path) and "BX-2026-000001" in flat_text(full.path)
    assert len(_reveals(ctx)) == 1


def test_register_rows_list_the_requests_received_in_the_days_in_order(office):
    service, clock, home, owner = office
    first = _finished_complaint(service, clock, home, owner)
    second = service.intake(IntakeInput(None, None, "3栋大堂", "报修", "巡查发现", "大堂灯不亮"))

    rows = service.register_rows(date(2026, 11, 16), date(2026, 11, 17))

    assert [row["number"] for row in rows] == ["TS-2026-000001", "BX-2026-000001"]
    assert rows[0]["visit_result"] == "满意：很及时" and rows[0]["finished_at"] == "2026-11-16 10:35"
    assert rows[1]["room"] == "3栋大堂" and rows[1]["phone"] == ""
    assert service.register_rows(date(2026, 11, 18), date(2026, 11, 30)) == []
    assert (first, second) == (1, 2)


def test_the_printed_register_says_which_days_it_covers_on_every_page(office, tmp_path):
    service, clock, home, owner = office
    _finished_complaint(service, clock, home, owner)
    for n in range(40):  # enough lines for a second page
        clock.at = local(2026, 11, 17, 9, 0) + timedelta(minutes=10 * n)
        service.intake(IntakeInput(None, None, f"{n % 5 + 1}栋大堂", "报修", "巡查发现", f"大堂灯不亮（第{n + 1}盏）"))

    result = request_reports.print_register(service, date(2026, 11, 1), date(2026, 11, 27), tmp_path / "reg.pdf")

    pages = pages_text(result.path)
    assert result.pages == len(pages) >= 2
    assert all("登记期间" in page and "2026-11-01至2026-11-27" in page and "41条" in page for page in pages)
    assert "楼上装修噪音扰民" in pages[0] and "第40盏" in pages[-1]
    spaced = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(result.path), "-"],
                            check=True, capture_output=True, text=True).stdout
    assert "2026-11-01 至 2026-11-27" in spaced


def test_the_register_header_and_an_upside_down_period(office, tmp_path):
    service, _clock, _home, _owner = office

    assert request_reports.register_header(date(2026, 11, 16), date(2026, 11, 16), 0) == {
        "period": "2026-11-16 至 2026-11-16", "count": "0 条"}
    with pytest.raises(BadInput, match="结束日期早于开始日期"):
        request_reports.print_register(service, date(2026, 11, 27), date(2026, 11, 1), tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_due_items_bring_overdue_work_feedback_due_today_and_return_visits(office):
    service, clock, home, owner = office
    late = service.intake(IntakeInput(home, owner, "", "投诉", "来访", "保安态度差", received_at=local(2026, 11, 16, 9)))
    clock.at = local(2026, 11, 16, 11, 0)
    today = service.intake(IntakeInput(home, owner, "", "投诉", "来访", "垃圾清运不及时"))
    _step(service, clock, today, 10, "联系/到场", on_site=False)
    repair = service.intake(IntakeInput(home, owner, "", "报修", "来访", "入户门锁坏了"))
    for minutes, kind, fields in ((5, "派单", {"department": "工程维修部", "assignee": "张师傅"}),
                                  (30, "联系/到场", {"on_site": True}), (30, "处理结果", {"note": "更换锁芯"}),
                                  (5, "反馈业户", {"note": "已修好"}), (5, "解决", {})):
        _step(service, clock, repair, minutes, kind, **fields)

    items = service.due_items(date(2026, 11, 16))

    assert [(i.kind, i.ref_id, i.overdue) for i in items] == [
        ("overdue", late, True), ("feedback_due", today, False)]
    assert items[0].title.startswith("TS-2026-000001 投诉到达现场或电话联系已超时")
    assert items[0].area == "requests" and items[0].unit_code == "3-2-1201"
    visits = service.return_visit_queue()
    assert [(v.row.id, v.due_at, v.overdue) for v in visits] == [(repair, local(2026, 11, 19, 12, 25), False)]
    clock.at = local(2026, 11, 20, 9, 0)
    later = service.due_items()
    assert ("return_visit", repair, True) in [(i.kind, i.ref_id, i.overdue) for i in later]
    _step(service, clock, repair, 1, "回访", satisfaction=Satisfaction.FAIRLY, resident_words="还行",
          attitude="满意", quality="满意", manners="满意")
    assert service.return_visit_queue() == []
    assert service.counts().awaiting_visit == 0


def test_from_december_the_agenda_asks_for_next_years_holiday_table_until_it_is_entered(office, ctx):
    service, clock, _home, _owner = office
    assert [i for i in service.due_items(date(2026, 11, 30)) if i.kind == "holiday_table"] == []
    clock.at = local(2026, 12, 1, 9, 0)
    [item] = [i for i in service.due_items() if i.kind == "holiday_table"]
    assert item.title == "录入2027年的节假日调休安排" and item.area == "requests" and not item.overdue
    assert item.due_at == local(2027, 1, 1) and "设置 → 服务时限与节假日 → 节假日" in item.detail
    # Still not entered once 2027 has begun: overdue, and first on the agenda.
    clock.at = local(2027, 1, 4, 9, 0)
    assert service.due_items()[0].kind == "holiday_table" and service.due_items()[0].overdue
    SettingsService(ctx).set(cfg.OFFICE_HOLIDAYS, "2027-02-20 春节调休上班")
    assert [i for i in service.due_items() if i.kind == "holiday_table"] == []


def test_statistics_of_a_period_count_what_was_received_and_closed_in_it(office):
    service, clock, home, owner = office
    _finished_complaint(service, clock, home, owner)
    clock.at = local(2026, 11, 18, 9, 0)
    invalid = service.intake(IntakeInput(home, owner, "", "投诉", "电话", "广场舞太吵"))
    _step(service, clock, invalid, 5, "联系/到场", on_site=False)
    _step(service, clock, invalid, 5, "定性", valid=False, invalid_reason="活动在22:00前结束")

    stats = service.stats(date(2026, 11, 16), date(2026, 11, 18))

    complaints = next(k for k in stats.by_kind if k.kind is RequestKind.COMPLAINT)
    assert (complaints.received, complaints.closed, complaints.open_at_end) == (2, 1, 1)
    assert (stats.complaints.valid, stats.complaints.invalid) == (1, 1)
    assert stats.satisfaction.satisfied_rate == 1
    assert [g.name for g in stats.by_department] == ["安防部", UNASSIGNED]
    assert {x.key: (x.met, x.overdue) for x in stats.by_limit}["complaint_feedback"] == (1, 0)
    with pytest.raises(BadInput):
        service.stats(date(2026, 11, 18), date(2026, 11, 16))


def test_the_registers_time_limit_is_the_one_that_applies_to_the_requests_kind_and_urgency(office):
    service, clock, home, owner = office
    lift = service.intake(IntakeInput(None, None, "8栋电梯", "报修", "电话", "电梯停在8楼不动，有人被困",
                                      urgent=True, fault="电梯"))
    _step(service, clock, lift, 20, "联系/到场", on_site=True)
    tap = service.intake(IntakeInput(home, owner, "", "报修", "电话", "阳台水龙头滴水"))
    complaint = _finished_complaint(service, clock, home, owner)

    rows = {row["number"]: row for row in service.register_rows(date(2026, 11, 16), date(2026, 11, 16))}

    assert rows["BX-2026-000001"]["limit"] == "30分钟到场 按时"  # a lift entrapment: 30 minutes, not 4 hours
    assert rows["BX-2026-000002"]["limit"].startswith("4小时反馈")
    assert rows["TS-2026-000001"]["limit"] == "1小时联系 按时"
    assert rows["BX-2026-000001"]["kind"] == "急修" and rows["BX-2026-000002"]["room"] == "3-2-1201"
    assert (lift, tap, complaint) == (1, 2, 3)
