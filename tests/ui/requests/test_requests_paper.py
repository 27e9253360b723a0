"""Printing and export from the 投诉报修 tab: real PDFs read back with pdftotext, a real workbook."""

from __future__ import annotations

import re
import sqlite3

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from butler_desk.ui.requests.actions import DateRangeDialog
from butler_desk.ui.requests.tab import RequestsTab
from tests.ui.requests_support import closes, pdf_text

pytest_plugins = ["tests.ui.requests_support"]  # clock, requests, desk, previews


@pytest.fixture
def tab(qtbot, ctx, ledger, services, requests, desk) -> RequestsTab:
    widget = RequestsTab(services)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.loaded)
    return widget


def _click(text: str):
    return lambda box: next(b for b in box.buttons() if b.text() == text).click()


def test_the_complaint_record_is_rendered_in_the_background_and_previewed(qtbot, tab, desk, previews):
    tab.select_request(desk.complaint)
    assert tab.complaint_record_action.isEnabled()
    tab.complaint_record_action.trigger()
    qtbot.waitUntil(lambda: bool(previews), timeout=20000)
    path, title, warning = previews[0]
    assert title == "投诉记录表 TS-2026-000001" and warning == ""
    text = pdf_text(path)
    assert "投诉记录表" in text and "TS-2026-000001" in text and "楼上装修噪音扰民" in text
    assert "138****5678" in text and "13812345678" not in text


def test_the_complaint_record_is_only_for_complaints(tab, desk):
    tab.select_request(desk.repair)
    assert not tab.complaint_record_action.isEnabled()
    assert tab.work_order_action.isEnabled()


def test_the_work_order_prints_the_phone_masked_by_default(qtbot, tab, desk, previews, modal):
    tab.select_request(desk.repair)
    modal.expect(closes(_click("打印（电话脱敏）")), kind=QMessageBox)
    tab.work_order_action.trigger()
    modal.check()
    qtbot.waitUntil(lambda: bool(previews), timeout=20000)
    text = pdf_text(previews[0][0])
    assert "报修派工单" in text and "BX-2026-000002" in text and "138****5678" in text


def test_the_full_phone_on_the_work_order_needs_a_reason_which_is_audited(qtbot, tab, desk, previews, modal,
                                                                         monkeypatch, db_path):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("王师傅上门前需电话预约", True))
    tab.select_request(desk.repair)
    modal.expect(closes(_click("打印完整电话…")), kind=QMessageBox)
    tab.work_order_action.trigger()
    modal.check()
    qtbot.waitUntil(lambda: bool(previews), timeout=20000)
    path, _title, warning = previews[0]
    assert "13812345678" in pdf_text(path)
    assert "含完整电话" in warning
    con = sqlite3.connect(db_path)
    try:
        details = [row[0] for row in con.execute("SELECT changes FROM audit_log WHERE action = 'reveal'")]
    finally:
        con.close()
    assert len(details) == 1 and "打印派工单：王师傅上门前需电话预约" in details[0]


def test_no_reason_no_full_phone(qtbot, tab, desk, previews, modal, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    tab.select_request(desk.repair)
    modal.expect(closes(_click("打印完整电话…")), kind=QMessageBox)
    tab.work_order_action.trigger()
    modal.check()
    assert previews == []


def test_the_register_for_a_date_range_prints_its_period(qtbot, tab, desk, previews, modal):
    def choose(dialog: DateRangeDialog) -> None:
        dialog.preset.setCurrentText("本月")
        assert dialog.period[0].isoformat() == "2026-11-01"
        dialog.last.setDate(dialog.last.date().addDays(-3))  # to the 27th
        dialog.accept()

    modal.expect(closes(choose), kind=DateRangeDialog)
    tab.register_action.trigger()
    modal.check()
    qtbot.waitUntil(lambda: bool(previews), timeout=20000)
    path, title, _warning = previews[0]
    assert title == "报事报修登记表 2026-11-01~2026-11-27"
    text = pdf_text(path)
    assert "2026-11-01 至 2026-11-27" in text and re.search(r"工单数\s+4\s*条", text)
    for content in ("楼上装修噪音扰民", "厨房水管爆裂", "快递柜取件码收不到", "卫生间天花板渗水"):
        assert content in text


def test_an_upside_down_range_is_refused_inline(qtbot, tab, modal, previews):
    seen = []

    def choose(dialog: DateRangeDialog) -> None:
        dialog.last.setDate(dialog.first.date().addDays(-1))
        dialog.accept()
        seen.append((dialog.isVisible(), dialog.error.text()))
        dialog.reject()

    modal.expect(closes(choose), kind=DateRangeDialog)
    tab.register_action.trigger()
    modal.check()
    assert seen == [(True, "结束日期早于开始日期，请调换一下。")]
    assert previews == []


def test_export_writes_the_register_workbook_with_masked_phones(qtbot, tab, desk, modal, monkeypatch, tmp_path,
                                                              message_boxes):
    out = tmp_path / "工单"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))

    def choose(dialog: DateRangeDialog) -> None:
        dialog.preset.setCurrentText("本月")
        assert dialog.masked
        dialog.accept()

    modal.expect(closes(choose), kind=DateRangeDialog)
    tab.export_button.click()
    modal.check()
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=30000)
    assert message_boxes[-1][:2] == ("information", "导出工单")
    cells = " ".join(str(c.value) for ws in load_workbook(out.with_suffix(".xlsx")).worksheets
                     for row in ws.iter_rows() for c in row if c.value is not None)
    assert "TS-2026-000001" in cells and "ZX-2026-000001" in cells
    assert "138****5678" in cells and "13812345678" not in cells
