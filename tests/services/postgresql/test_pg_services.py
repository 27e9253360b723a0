"""The services give the same answers on PostgreSQL as on SQLite (only with BUTLER_DESK_PG_URL set)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from butler_desk.domain.documents import DocumentKind
from butler_desk.domain.errors import Cancelled
from butler_desk.domain.requests import RequestKind, RequestState
from butler_desk.domain.workdays import CHINA_TZ
from butler_desk.exchange.roster_template import write_roster_template
from butler_desk.services.demo.requests import add_demo_requests
from butler_desk.services.documents.service import DocumentService
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.documents.notices import NoticeService
from butler_desk.services.documents.recipients import Selection
from butler_desk.services.requests.views import IntakeInput, RequestFilter
from butler_desk.services.requests.service import RequestService
from butler_desk.services.ledger.roster_import import RosterImportService
from butler_desk.storage.models import AuditEntry, Building, Cluster, Occupancy, Party, Phone, Unit
from tests.pgserver import pg_ctx, pg_db, pg_schema_url  # noqa: F401 - fixtures
from tests.services.conftest import build_small_estate

TODAY = date(2026, 11, 20)
CLOSE_OF_DAY = datetime(2026, 11, 20, 17, 30, tzinfo=CHINA_TZ)
TABLES = (Cluster, Building, Unit, Party, Phone, Occupancy, AuditEntry)


def _counts(ctx) -> dict[str, int]:
    with ctx.db.reading() as session:
        return {t.__tablename__: session.scalar(select(func.count()).select_from(t)) for t in TABLES}


def _filled_template(path, rows: list[dict[str, object]]):
    """The app's own import template with ``rows`` (by header) below its example row."""
    write_roster_template(path)
    book = load_workbook(path)
    ws = book["业户资料"]
    headers = [c.value for c in ws[1]]
    for row in rows:
        ws.append([row.get(h) for h in headers])
    book.save(path)
    return path


ROSTER = [
    {"组团": "一组团", "房号": "3栋2单元1201", "建筑面积(㎡)": 89.5, "房屋状态": "已入住", "姓名": "张三", "身份": "业主",
     "联系电话": "138 1234 5678", "入住日期": datetime(2024, 3, 1), "重点客户": "是"},
    {"组团": "一组团", "房号": "3-2-1202", "建筑面积(㎡)": "95.12㎡", "房屋状态": "出租", "姓名": "王五", "身份": "业主",
     "联系电话": "13700001111"},
    {"组团": "二组团", "房号": "12-1-301", "建筑面积(㎡)": 120, "房屋状态": "空置"},
    {"组团": "二组团", "房号": "12-1-302", "房屋状态": "已入住", "姓名": "钱七", "身份": "业主", "联系电话": "1381234"},
]


def test_a_roster_written_on_the_template_imports_once_and_again_changes_nothing(pg_ctx, tmp_path):
    service = RosterImportService(pg_ctx)
    roster = service.read(_filled_template(tmp_path / "业户资料.xlsx", ROSTER))
    empty = _counts(pg_ctx)
    dry = service.import_roster(roster, dry_run=True)
    assert _counts(pg_ctx) == empty

    summary = service.import_roster(roster, estate_name="翠湖花园", skip_bad=True)
    assert (summary.imported_rows, summary.failed_rows) == (3, 1)  # 钱七's phone is too short
    assert (dry.new_units, dry.new_parties) == (summary.new_units, summary.new_parties) == (3, 2)
    after = _counts(pg_ctx)
    assert after["units"] == 3 and after["audit_log"] > 0
    rows = {r.code: r for r in LedgerService(pg_ctx).load_index().rows}
    assert rows["3-2-1201"].owners == "张三" and rows["3-2-1201"].key_client
    assert str(rows["3-2-1202"].area) == "95.12"

    again = service.import_roster(service.read(tmp_path / "业户资料.xlsx"), skip_bad=True)
    assert again.unchanged_rows == again.imported_rows == 3
    assert _counts(pg_ctx) == after


def test_a_cancelled_import_on_the_server_leaves_nothing_half_written(pg_ctx, tmp_path):
    service = RosterImportService(pg_ctx)
    rows = [{"组团": "一组团", "房号": f"5-1-{100 + i}", "房屋状态": "已入住", "姓名": f"业主{i}", "身份": "业主"}
            for i in range(1, 900)]
    roster = service.read(_filled_template(tmp_path / "big.xlsx", rows))
    before = _counts(pg_ctx)
    calls = {"n": 0}

    def cancel_after_a_while() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    with pytest.raises(Cancelled):
        service.import_roster(roster, is_cancelled=cancel_after_a_while)
    assert _counts(pg_ctx) == before


def _every_filter(estate) -> list[RequestFilter]:
    return [
        RequestFilter(), RequestFilter(kind=RequestKind.REPAIR), RequestFilter(kind=RequestKind.COMPLAINT),
        RequestFilter(state=RequestState.CLOSED), RequestFilter(open_only=True), RequestFilter(overdue_only=True),
        RequestFilter(awaiting_visit=True), RequestFilter(department="工程部"),
        RequestFilter(date_from=date(2026, 6, 1), date_to=date(2026, 6, 30)), RequestFilter(cluster_id=1),
        RequestFilter(query="3-2"), RequestFilter(query="1201"), RequestFilter(query="zs"),
        RequestFilter(query="张三"), RequestFilter(query="1381"), RequestFilter(query="漏水"),
        RequestFilter(query="wifi"), RequestFilter(query="WIFI信号"), RequestFilter(query="50%"),
        RequestFilter(kind=RequestKind.REPAIR, open_only=True, date_from=date(2026, 1, 1), query="3-2"),
    ]


def _answers(ctx, estate) -> dict[str, object]:
    """Everything the request screens, the due list, the statistics and the notices show."""
    service = RequestService(ctx, clock=lambda: CLOSE_OF_DAY)
    for text in ("客厅WiFi信号差，路由器在弱电箱", "物业费打50%折的通知在哪里看"):
        service.intake(IntakeInput(estate.units["3-2-1201"], estate.parties["张三"], "", "咨询", "电话", text))
    lists = []
    for flt in _every_filter(estate):
        found = service.list(flt, limit=50)
        lists.append((flt, found.total, [(r.number, r.state, r.due_at) for r in found.rows]))
    template = NoticeService.templates()[0].id
    households = NoticeService(ctx).households(template, Selection(everyone=True))
    register = DocumentService(ctx)
    batch = register.record_batch(DocumentKind.WATER_OUTAGE, "停水通知", households.households, template_id=template,
                                  issued_on=date(2026, 11, 2))
    first = register.batch_detail(batch).deliveries[0]
    register.mark_received(first.delivery_id, date(2026, 11, 3), "张三")
    return {
        "lists": lists,
        "counts": service.counts(CLOSE_OF_DAY),
        "stats": service.stats(date(2026, 1, 1), TODAY),
        "due": service.due_items(CLOSE_OF_DAY),
        "visits": [(item.row.number, item.due_at, item.overdue) for item in service.return_visit_queue(CLOSE_OF_DAY)],
        "register": service.register_rows(date(2026, 10, 1), TODAY),
        "households": households,
        "documents": [(d.title, d.issued_on, d.copies, d.received, d.returned) for d in register.batches()],
        "uncollected": [(d.unit_code, d.state) for d in register.uncollected(TODAY, days=7)],
    }


def test_requests_list_counts_stats_and_due_items_agree_with_sqlite(ctx, pg_ctx):
    answers = {}
    for name, context in (("sqlite", ctx), ("postgresql", pg_ctx)):
        estate = build_small_estate(context)
        add_demo_requests(context, count=400, seed=7, today=TODAY)  # bulk ids: the server's sequence must follow
        answers[name] = _answers(context, estate)
    sqlite, server = answers["sqlite"], answers["postgresql"]
    for key in sqlite:
        assert server[key] == sqlite[key], key
    totals = {flt.query: total for flt, total, _rows in sqlite["lists"] if flt.query}
    assert totals["wifi"] == totals["WIFI信号"] == 1  # words match whatever the case, on both
    assert totals["50%"] == 1  # % is a character to look for, not a wildcard
    assert sqlite["counts"].open > 0 and sqlite["due"]
