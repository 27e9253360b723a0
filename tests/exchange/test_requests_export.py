"""The request register workbook: written in write-only mode, read back with openpyxl."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from butler_desk.domain.enums import PartyRole
from butler_desk.domain.errors import Cancelled
from butler_desk.domain.requests import RequestKind, Satisfaction, Severity
from butler_desk.domain.service_stats import RequestFacts, service_stats
from butler_desk.domain.workdays import CHINA_TZ
from butler_desk.exchange.requests_export import (
    REGISTER_TITLE,
    STATS_TITLE,
    RequestExportRow,
    write_requests,
)
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.ledger.views import PartyInput, UnitInput
from butler_desk.services.requests.views import IntakeInput, StepInput
from butler_desk.services.requests.service import RequestService


def _row(number: str, **changes) -> RequestExportRow:
    values = dict(
        number=number, kind="投诉", source="电话", received_at=datetime(2026, 11, 16, 9, 0), cluster="一组团",
        location="3栋2单元1201", who="张三", phone="138****5678", description="楼上装修噪音扰民", state="已关闭",
        validity="有效投诉", invalid_reason="", severity="一般投诉", department="安防部", assignee="孙队长",
        contacted_at=datetime(2026, 11, 16, 9, 10), first_feedback_at=None, handled_at=None, resolved_at=None,
        visited_at=None, closed_at=datetime(2026, 11, 17, 10, 0), satisfaction="满意", visit_opinion="很及时",
        signed="已签字", reopen_count=0, deadlines="投诉反馈处理情况：按时完成", missed=False, received_by="李晓红",
    )
    return RequestExportRow(**{**values, **changes})


def _stats():
    received = datetime(2026, 11, 16, 9, 0, tzinfo=CHINA_TZ)
    facts = [
        RequestFacts(RequestKind.COMPLAINT, received, Severity.GENERAL, True, "安防部",
                     received + timedelta(days=1), (), Satisfaction.SATISFIED, True, "一组团"),
        RequestFacts(RequestKind.REPAIR, received, None, None, None, None, (), None, False, None),
    ]
    return service_stats(facts, date(2026, 11, 16), date(2026, 11, 22))


def test_the_register_and_the_statistics_read_back(tmp_path):
    out = write_requests([_row("TS-2026-000001"), _row("TS-2026-000002", description="=HYPERLINK(\"x\")", missed=True)],
                         _stats(), tmp_path / "工单.xlsx", masked=True, estate_name="翠湖花园",
                         exported_on=date(2026, 11, 23))

    book = load_workbook(out)
    assert book.sheetnames == [REGISTER_TITLE, STATS_TITLE]
    sheet = book[REGISTER_TITLE]
    title = sheet["A1"].value
    assert "翠湖花园 报事报修登记" in title and "2026-11-16 至 2026-11-22" in title and "电话已隐藏" in title
    headers = [c.value for c in sheet[2]]
    assert headers[:8] == ["编号", "类型", "来源", "受理时间", "组团", "房号/位置", "报事人", "联系电话"]
    first = dict(zip(headers, [c.value for c in sheet[3]], strict=True))
    assert first["受理时间"] == datetime(2026, 11, 16, 9, 0)
    assert sheet.cell(3, headers.index("受理时间") + 1).number_format == "yyyy-mm-dd hh:mm"
    assert (first["联系电话"], first["满意度"], first["超时"], first["重新打开次数"]) == ("138****5678", "满意", None, None)
    second = dict(zip(headers, [c.value for c in sheet[4]], strict=True))
    assert second["报事内容"] == '=HYPERLINK("x")' and sheet.cell(4, 9).data_type == "s"
    assert second["超时"] == "是"
    assert sheet.freeze_panes == "B3" and sheet.auto_filter.ref == f"A2:{sheet.cell(2, len(headers)).column_letter}4"

    stats = [[c.value for c in row] for row in book[STATS_TITLE].iter_rows()]
    by_label = {row[0]: row for row in stats if row and row[0]}
    assert by_label["投诉"][1:5] == [1, 1, 0, 0]
    assert by_label["合计"][1:5] == [2, 1, 1, 0]
    assert by_label["安防部"][1:3] == [1, 1]
    satisfaction_row = stats[stats.index(next(r for r in stats if r[0] == "满意")) + 1]
    assert satisfaction_row[:5] == [1, 0, 0, 1, 1]  # 满意 基本满意 不满意 已评价 满意率 (100%)


def test_a_cancelled_export_writes_nothing(tmp_path):
    out = tmp_path / "工单.xlsx"
    with pytest.raises(Cancelled):
        write_requests([_row(f"BX-2026-{n:06d}") for n in range(1, 1200)], _stats(), out, masked=True,
                       estate_name="翠湖花园", is_cancelled=lambda: True)
    assert not out.exists() and not list(tmp_path.iterdir())


def test_the_service_exports_masked_phones_and_an_unmasked_export_is_recorded(ctx, tmp_path):
    ledger = LedgerService(ctx)
    home = ledger.save_unit(UnitInput("3栋2单元1201", cluster="一组团", status="已入住"))
    ledger.move_in(home, PartyRole.OWNER, PartyInput("张三", phones="13812345678"), on=date(2020, 1, 1))
    owner = ledger.unit_detail(home).current[0].party.party_id
    now = datetime(2026, 11, 16, 12, 0, tzinfo=CHINA_TZ)
    service = RequestService(ctx, clock=lambda: now.astimezone(UTC))
    rid = service.intake(IntakeInput(home, owner, "", "投诉", "电话", "楼上装修噪音扰民",
                                     received_at=datetime(2026, 11, 16, 9, 0, tzinfo=CHINA_TZ)))
    service.add_step(rid, StepInput("联系/到场", on_site=False, at=datetime(2026, 11, 16, 9, 5, tzinfo=CHINA_TZ)))
    service.intake(IntakeInput(None, None, "3栋大堂", "报修", "巡查发现", "大堂灯不亮",
                               received_at=datetime(2026, 11, 16, 10, 0, tzinfo=CHINA_TZ)))

    masked = load_workbook(service.export(date(2026, 11, 16), date(2026, 11, 16), tmp_path / "m.xlsx"))
    full = load_workbook(service.export(date(2026, 11, 16), date(2026, 11, 16), tmp_path / "f.xlsx", masked=False))

    rows = list(masked[REGISTER_TITLE].iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[7], r[9]) for r in rows] == [("TS-2026-000001", "138****5678", "已联系/到场"),
                                                  ("BX-2026-000001", None, "已受理")]
    assert rows[0][15] == datetime(2026, 11, 16, 9, 5)
    assert "投诉到达现场或电话联系：按时完成" in rows[0][25]
    assert next(full[REGISTER_TITLE].iter_rows(min_row=3, values_only=True))[7] == "13812345678"
    assert "含业户电话" in full[REGISTER_TITLE]["A1"].value
    with ctx.db.engine.connect() as conn:
        reveals = conn.execute(text("SELECT record_label FROM audit_log WHERE action = 'reveal'")).scalars().all()
    assert reveals == ["导出工单登记（含明文电话）"]
