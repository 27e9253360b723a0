"""Importing finance's receivables and receipts workbooks: real xlsx files written with openpyxl and read back."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook

from butler_desk.domain.errors import BadInput
from butler_desk.services.arrears import ArrearsService
from butler_desk.services.ledger import LedgerService
from butler_desk.services.ledger.views import UnitInput


def _xlsx(path, sheets: dict[str, list[list]]):
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def units(ctx) -> dict[str, int]:
    ledger = LedgerService(ctx)
    return {code: ledger.save_unit(UnitInput(room_code=code, cluster="一组团", area="89.5", fee_rate="2.5",
                                             status="已入住"))
            for code in ("3-2-1201", "3-2-1202", "5-1-101")}


@pytest.fixture
def service(ctx, units):
    return ArrearsService(ctx)


def _bills_file(tmp_path):
    return _xlsx(tmp_path / "应收.xlsx", {"10月应收": [
        ["翠湖花园 2026年应收明细"],  # a title row above the header
        ["房间号", "费用项目", "账期", "金额（元）", "到期日"],
        ["3栋2单元1201", "物业费", "2026-10", "¥1,234.50", None],
        ["3-2-1202", "物业服务费", "2026年10月", "２２３.７５元", "2026-10-20"],
        ["5-1-101", "停车费", 202610, 300, None],
        ["5-1-101", "物业服务费", datetime(2026, 9, 1), 223.75, None],
    ]})


def test_bills_in_finances_spellings_import_once(service, tmp_path):
    path = _bills_file(tmp_path)
    dry = service.import_bills(path, dry_run=True)
    assert (dry.lines, dry.new, dry.problems, dry.written) == (4, 4, (), False)
    assert service.register(date(2026, 12, 31)).rows == ()  # the dry run wrote nothing
    report = service.import_bills(path)
    assert (report.new, report.already_there, report.written) == (4, 0, True)
    rows = {r.unit_code: r for r in service.register(date(2026, 12, 31)).rows}
    assert rows["3-2-1201"].owed_fen == 123450
    assert rows["3-2-1202"].owed_fen == 22375 and rows["3-2-1202"].oldest_due == date(2026, 10, 20)
    assert rows["5-1-101"].owed_fen == 30000 + 22375 and rows["5-1-101"].periods_owed == 2
    again = service.import_bills(path)
    assert (again.new, again.already_there, again.written) == (0, 4, False)
    assert service.register(date(2026, 12, 31)).total_owed_fen == 123450 + 22375 + 30000 + 22375


def test_every_bad_line_is_named_and_nothing_is_written(service, tmp_path):
    path = _xlsx(tmp_path / "坏.xlsx", {"应收": [
        ["房号", "收费项目", "所属期间", "应收金额"],
        ["3-2-1201", "物业费", "2026-10", "12.5元"],
        ["9-9-999", "物业费", "2026-10", 100],
        ["3-2-1202", "煤气费", "2026-10", 100],
        ["3-2-1202", "物业费", "2026-13", 100],
        ["3-2-1202", "物业费", "2026-11", "一百"],
        ["3-2-1201", "物业费", "2026-10", "12.5"],
    ]})
    report = service.import_bills(path)
    messages = [str(p) for p in report.problems]
    assert len(messages) == 5 and not report.written
    assert any("第 3 行" in m and "9-9-999" in m for m in messages)
    assert any("第 4 行“收费项目”列" in m and "煤气费" in m for m in messages)
    assert any("第 5 行“所属期间”列" in m for m in messages)
    assert any("第 6 行“应收金额”列" in m and "不是数字" in m for m in messages)
    assert any("第 7 行" in m and "重复" in m for m in messages)
    assert all(m.startswith("工作表“应收”") for m in messages)
    assert service.register(date(2026, 12, 31)).rows == ()


def test_payments_settle_bills_and_a_receipt_is_never_counted_twice(service, tmp_path):
    service.import_bills(_bills_file(tmp_path))
    path = _xlsx(tmp_path / "实收.xlsx", {"收款": [
        ["房屋编号", "收款日期", "收款金额", "收据号", "收费项目"],
        ["3-2-1201", "2026-10-25", "1,000.00", "SK-001", None],
        ["5-1-101", datetime(2026, 10, 26), "￥300", "SK-002", "停车费"],
        ["3-2-1202", "2026/10/27", 500, "SK-003", ""],
    ]})
    report = service.import_payments(path)
    assert (report.new, report.problems) == (3, ())
    rows = {r.unit_code: r for r in service.register(date(2026, 12, 31)).rows}
    assert rows["3-2-1201"].owed_fen == 23450
    assert rows["5-1-101"].owed_fen == 22375  # the parking bill was paid, not the older fee
    assert "3-2-1202" not in rows
    assert service.unit_account(rows["5-1-101"].unit_id).credit_fen == 0
    again = service.import_payments(path)
    assert (again.new, again.already_there, again.written) == (0, 3, False)
    assert {r.unit_code: r.owed_fen for r in service.register(date(2026, 12, 31)).rows} == {
        "3-2-1201": 23450, "5-1-101": 22375}


def test_a_receipt_twice_in_one_file_or_with_another_amount_is_refused(service, units, tmp_path):
    service.enter_payment(units["3-2-1201"], date(2026, 10, 1), 100, "SK-9")
    path = _xlsx(tmp_path / "重复.xlsx", {"Sheet1": [
        ["房号", "缴费日期", "实收金额", "票据号"],
        ["3-2-1201", "2026-10-25", 100, "SK-1"],
        ["3-2-1202", "2026-10-25", 100, "SK-1"],
        ["3-2-1202", "2026-10-25", 999, "SK-9"],
        ["3-2-1202", "2026-10-25", 100, None],
    ]})
    report = service.import_payments(path)
    messages = [str(p) for p in report.problems]
    assert len(messages) == 3 and not report.written
    assert any("第 3 行“票据号”列" in m and "第 2 行重复" in m for m in messages)
    assert any("第 4 行" in m and "SK-9" in m for m in messages)
    assert any("第 5 行“票据号”列" in m and "不能为空" in m for m in messages)


def test_a_file_without_the_columns_says_which_are_needed(service, tmp_path):
    path = _xlsx(tmp_path / "名单.xlsx", {"Sheet1": [["姓名", "电话"], ["张三", "138"]]})
    with pytest.raises(BadInput, match="房号"):
        service.import_bills(path)
