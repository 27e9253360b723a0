"""Importing a roster into the ledger: one transaction, idempotent, audited, bad rows reported."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from butler_desk.domain.enums import UnitStatus
from butler_desk.domain.errors import Cancelled
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.ledger.index import LedgerFilter
from butler_desk.services.ledger.roster_import import RosterImportService

HEADERS = ["组团", "房号", "建筑面积", "物业费单价", "房屋状态", "业主姓名", "身份", "联系电话", "入住日期", "重点客户"]
ROWS = [
    ["一组团", "3栋2单元1201", 89.5, 2.8, "已入住", "张三", "业主", "138 1234 5678", datetime(2024, 3, 1), "是"],
    ["一组团", "3-2-1201", None, None, None, "李梅", "家属", "139-0000-1111", None, None],
    ["一组团", "３＃２－１２０２", "95.12㎡", "2.80", "出租", "王五", "业主", "13700001111", None, "否"],
    ["一组团", "3-2-1202", None, None, None, "赵六", "租户", "0755-88889999", "2025/6/1", None],
    ["二组团", "12-1-301", 120, 3.2, "空置", None, None, None, None, None],
    ["二组团", "12-1-302", 120, 3.2, "已入住", "钱七", "业主", "1381234", None, None],  # bad phone
    ["二组团", "12栋1单元", 120, 3.2, "已入住", "孙八", "业主", None, None, None],  # bad room
]


def _roster(path, rows=ROWS):
    wb = Workbook()
    ws = wb.active
    ws.title = "业户资料"
    ws.append(["翠湖花园业户资料 2026年"])
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def service(ctx):
    return RosterImportService(ctx)


def _counts(db_path):
    con = sqlite3.connect(db_path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("clusters", "buildings", "units", "parties", "phones", "occupancies", "audit_log")}
    finally:
        con.close()


def test_an_empty_database_gets_the_clusters_buildings_units_and_people_the_roster_names(ctx, service, tmp_path, db_path):
    summary = service.import_roster(service.read(_roster(tmp_path / "r.xlsx")), estate_name="翠湖花园", skip_bad=True)

    assert summary.written
    assert summary.imported_rows == 5
    assert summary.failed_rows == 2
    assert (summary.new_clusters, summary.new_buildings, summary.new_units, summary.new_parties) == (2, 2, 3, 4)
    ledger = LedgerService(ctx)
    index = ledger.load_index()
    rows = {r.code: r for r in index.rows}
    assert set(rows) == {"3-2-1201", "3-2-1202", "12-1-301"}
    assert rows["3-2-1201"].owners == "张三"
    assert rows["3-2-1201"].key_client
    assert rows["3-2-1202"].status is UnitStatus.LET
    assert rows["12-1-301"].status is UnitStatus.VACANT
    assert str(rows["3-2-1202"].area) == "95.12"
    detail = ledger.unit_detail(rows["3-2-1201"].unit_id)
    assert [o.party.name for o in detail.current] == ["张三", "李梅"]
    assert detail.current[0].moved_in == date(2024, 3, 1)
    assert [r.code for r in index.filter(LedgerFilter(query="zs"))] == ["3-2-1201"]
    # every inserted row is in the audit trail, with the operator
    history = ledger.unit_history(rows["3-2-1201"].unit_id)
    assert {h.record.split()[0] for h in history} >= {"房屋", "入住关系"}
    assert all(h.operator == "李晓红" for h in history)
    assert ledger.estate_name() == "翠湖花园"


def test_importing_the_same_file_twice_changes_nothing(service, tmp_path, db_path):
    path = _roster(tmp_path / "r.xlsx")
    service.import_roster(service.read(path), skip_bad=True)
    before = _counts(db_path)
    again = service.import_roster(service.read(path), skip_bad=True)
    assert again.unchanged_rows == again.imported_rows == 5
    assert (again.new_units, again.new_parties, again.updated_units, again.updated_parties) == (0, 0, 0, 0)
    assert _counts(db_path) == before


def test_a_changed_row_updates_the_unit_and_is_audited(ctx, service, tmp_path):
    service.import_roster(service.read(_roster(tmp_path / "r.xlsx")), skip_bad=True)
    changed = [list(r) for r in ROWS[:1]]
    changed[0][2] = 90.0
    changed[0][7] = "13812345678、13900002222"
    summary = service.import_roster(service.read(_roster(tmp_path / "r2.xlsx", changed)))
    assert (summary.updated_units, summary.updated_parties) == (1, 1)
    ledger = LedgerService(ctx)
    unit_id = next(r.unit_id for r in ledger.load_index().rows if r.code == "3-2-1201")
    assert str(ledger.unit_detail(unit_id).area) == "90.00"
    changes = [change for entry in ledger.unit_history(unit_id)[:2] for change in entry.changes]
    assert ("建筑面积(㎡)", "89.50", "90.00") in changes
    assert ("电话", "138****5678", "138****5678、139****2222") in changes


def test_a_dry_run_reports_the_same_counts_and_writes_nothing(service, tmp_path, db_path):
    path = _roster(tmp_path / "r.xlsx")
    before = _counts(db_path)
    dry = service.import_roster(service.read(path), dry_run=True)
    assert _counts(db_path) == before
    real = service.import_roster(service.read(path), skip_bad=True)
    assert (dry.new_units, dry.new_parties, dry.imported_rows) == (real.new_units, real.new_parties, real.imported_rows)


def test_a_cancelled_import_leaves_nothing_half_written(service, tmp_path, db_path):
    rows = [["一组团", f"5-1-{100 + i}", 80, 2.5, "已入住", f"业主{i}", "业主", None, None, None] for i in range(1, 900)]
    roster = service.read(_roster(tmp_path / "big.xlsx", rows))
    before = _counts(db_path)
    calls = {"n": 0}

    def cancel_after_a_while() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    with pytest.raises(Cancelled):
        service.import_roster(roster, is_cancelled=cancel_after_a_while)
    assert _counts(db_path) == before


def test_failed_rows_are_saved_with_their_reasons(service, tmp_path):
    summary = service.import_roster(service.read(_roster(tmp_path / "r.xlsx")))
    out = service.save_failed_rows(summary, tmp_path / "errors.xlsx", reason="改正后重新导入")
    ws = load_workbook(out).active
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    header = values[0]
    assert "错误原因" in header
    reasons = [row[header.index("错误原因")] for row in values[1:] if any(row)]
    assert len(reasons) == 2
    assert any("电话" in r for r in reasons)
    assert any("房号" in r for r in reasons)


def test_a_building_already_in_another_cluster_is_a_row_issue(service, tmp_path):
    service.import_roster(service.read(_roster(tmp_path / "r.xlsx", ROWS[:1])))
    moved = [["九组团", "3-2-1203", 80, 2.5, "空置", None, None, None, None, None]]
    summary = service.import_roster(service.read(_roster(tmp_path / "r2.xlsx", moved)))
    assert summary.imported_rows == 0
    assert "一组团" in summary.issues[0].message


# --- the exported ledger comes back ------------------------------------------------------------

def _tricky_estate(ctx):
    from butler_desk.domain.enums import PartyRole
    from butler_desk.services.ledger.views import PartyInput, UnitInput

    ledger = LedgerService(ctx)
    unit = ledger.save_unit(UnitInput("3-2-1201", cluster="一组团", area="89.5", fee_rate="2.8", status="已入住",
                                      notes="水表在门外，\n钥匙在物业"))
    ledger.move_in(unit, PartyRole.OWNER, PartyInput(
        "欧阳·娜娜", phones="13812345678、0755-88889999", id_type="护照", id_number="E12345678",
        mailing_address="广东省深圳市（南山区）科技园路 1 号", postcode="518000", key_client=True,
        notes="常住外地，\n邮寄为主"), on=date(2024, 3, 1), moved_in=date(2024, 3, 1))
    ledger.move_in(unit, PartyRole.FAMILY, PartyInput("李梅"), on=date(2024, 3, 1))
    ledger.move_in(unit, PartyRole.TENANT, PartyInput("王五", phones="13900001111"), on=date(2025, 1, 1),
                   moved_in=date(2025, 1, 2))
    ledger.save_unit(UnitInput("5-1-301", cluster="二组团", status="空置"))
    return ledger, unit


def _export(ctx, tmp_path):
    from butler_desk.services.ledger.export import LedgerExportService

    return LedgerExportService(ctx).export(tmp_path / "台账.xlsx", masked=False, reason="测试往返")


def test_an_exported_ledger_with_odd_values_imports_back_unchanged(ctx, service, tmp_path, db_path):
    _tricky_estate(ctx)
    out = _export(ctx, tmp_path)
    before = _counts(db_path)
    summary = service.import_roster(service.read(out))
    assert (summary.total_rows, summary.imported_rows, summary.unchanged_rows, summary.issues) == (4, 4, 4, [])
    assert _counts(db_path) == before


def test_unmarking_a_key_client_and_a_new_unit_note_in_excel_are_those_changes_only(ctx, service, tmp_path):
    ledger, unit = _tricky_estate(ctx)
    out = _export(ctx, tmp_path)
    book = load_workbook(out)
    ws = book.active
    header = [c.value for c in ws[2]]
    ws.cell(3, header.index("重点客户") + 1).value = "否"
    for row in (3, 4, 5):
        ws.cell(row, header.index("房屋备注") + 1).value = "新换门锁"
    book.save(out)
    summary = service.import_roster(service.read(out))
    assert (summary.updated_units, summary.updated_parties, summary.issues) == (1, 1, [])
    owner = ledger.unit_detail(unit).current[0].party
    assert not owner.key_client
    assert ledger.unit_detail(unit).notes == "新换门锁"
    assert ledger.party_history(owner.party_id)[0].changes == (("重点客户", "是", "否"),)


def test_a_file_with_bad_rows_imports_nothing_unless_told_to_skip_them(service, tmp_path, db_path):
    roster = service.read(_roster(tmp_path / "r.xlsx"))
    before = _counts(db_path)
    refused = service.import_roster(roster)
    assert not refused.written and _counts(db_path) == before
    assert "未导入任何数据" in refused.describe() and "其余 5 行" in refused.describe()
    skipped = service.import_roster(roster, skip_bad=True)
    assert skipped.written and skipped.imported_rows == 5
    assert "有问题的 2 行未导入" in skipped.describe()


def test_saving_failed_rows_without_a_reason_writes_nothing(service, tmp_path, db_path):
    from butler_desk.domain.errors import BadInput

    summary = service.import_roster(service.read(_roster(tmp_path / "r.xlsx")), dry_run=True)
    before = _counts(db_path)
    with pytest.raises(BadInput):
        service.save_failed_rows(summary, tmp_path / "errors.xlsx", reason=" ")
    assert not (tmp_path / "errors.xlsx").exists() and _counts(db_path) == before
