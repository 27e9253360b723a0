"""The main window: status bar, menus doing real work through workers, remembered layout, screenshots."""

from __future__ import annotations

import logging
import sqlite3

from openpyxl import load_workbook
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from butler_desk.services import Services
from butler_desk.services.ledger.roster_import import RosterImportService
from butler_desk.ui.common import settings
from butler_desk.ui.ledger.import_dialog import ImportDialog
from butler_desk.ui.ledger.model import COL_CODE
from butler_desk.ui.main_window import MainWindow
from butler_desk.ui.common.messages import ExceptionHook
from butler_desk.ui.ledger.unit_dialog import UnitDialog


def test_given_a_database_when_the_window_opens_then_the_ledger_and_status_bar_show(qtbot, window, db_path):
    assert window.windowTitle() == "本小区 — 管家台"
    assert window.tabs.tabText(0) == "业户台账"
    assert window.ledger_tab.model.rowCount() == 3
    assert window.db_label.text() == f"数据库：{db_path}"
    assert window.operator_label.text() == "操作人：李晓红"
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["业户台账", "投诉报修", "文件发放", "欠费催收"]
    # The other tabs and their menus are built right after the ledger first paints, unasked
    qtbot.waitUntil(lambda: window._requests_tab is not None, timeout=5000)
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["文件(&F)", "工单(&R)", "打印(&P)", "设置(&S)", "帮助(&H)"]
    file_items = [a.text() for a in window.menuBar().actions()[0].menu().actions() if a.text()]
    assert file_items == ["导入业户资料…", "下载导入模板…", "导出台账…", "备份数据库…", "从备份恢复…", "退出"]


def test_a_window_that_reopens_on_the_requests_tab_builds_it_before_showing(qtbot, ctx, estate):
    settings.set_value(settings.MAIN_TAB, 1)
    window = MainWindow(Services(ctx))
    qtbot.addWidget(window)
    assert window._requests_tab is not None  # not waiting for a ledger paint that will not come
    window.show()
    qtbot.waitUntil(lambda: window._requests_tab.loaded, timeout=5000)
    assert window.tabs.currentIndex() == 1 and window.requests_tab.isVisible()


def test_geometry_and_tab_are_remembered(qtbot, ctx, estate, window):
    # The offscreen screen is only 800×800, narrower than the window's minimum: compare heights.
    window.resize(900, 520)
    window.close()
    assert settings.value(settings.MAIN_TAB) == 0
    again = MainWindow(Services(ctx))
    qtbot.addWidget(again)
    assert again.height() == 520


def test_export_through_the_menu_writes_a_masked_workbook(qtbot, window, modal, tmp_path, monkeypatch, message_boxes):
    out = tmp_path / "台账.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    modal.expect(lambda box: next(b for b in box.buttons() if b.text() == "导出（脱敏）").click(), kind=QMessageBox)
    window.export_action.trigger()
    modal.check()
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=20000)
    assert message_boxes[-1][:2] == ("information", "导出台账")
    cells = " ".join(str(c.value) for ws in load_workbook(out).worksheets for row in ws.iter_rows() for c in row if c.value)
    assert "138****5678" in cells and "13812345678" not in cells


def test_backup_through_the_menu_writes_a_copy(qtbot, window, tmp_path, monkeypatch, message_boxes):
    out = tmp_path / "备份.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=20000)
    assert "已备份" in message_boxes[-1][2]
    con = sqlite3.connect(out)
    try:
        assert con.execute("SELECT count(*) FROM units").fetchone()[0] == 3
    finally:
        con.close()


def test_the_template_is_saved_and_reads_back_as_an_empty_roster(window, ctx, tmp_path, monkeypatch, message_boxes):
    out = tmp_path / "模板"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.template_action.trigger()
    saved = tmp_path / "模板.xlsx"
    assert saved.exists()
    assert RosterImportService(ctx).read(saved).rows == []
    assert str(saved) in message_boxes[-1][2]


def test_importing_through_the_menu_reloads_the_ledger(qtbot, window, modal, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["房号", "姓名"])
    book.active.append(["9-1-901", "郑九"])
    path = tmp_path / "名单.xlsx"
    book.save(path)

    def run(dialog: ImportDialog) -> None:
        with qtbot.waitSignal(dialog.checked, timeout=20000):
            dialog.start_check(path)
        with qtbot.waitSignal(dialog.imported, timeout=20000):
            dialog.import_button.click()
        dialog.close_button.click()

    modal.expect(run, kind=ImportDialog)
    window.import_action.trigger()
    modal.check()
    codes = [window.ledger_tab.model.index(r, COL_CODE).data() for r in range(window.ledger_tab.model.rowCount())]
    assert "9-1-901" in codes


def test_about_names_the_database_and_operator(window, message_boxes, db_path):
    window.about_action.trigger()
    kind, title, text = message_boxes[-1]
    assert (kind, title) == ("about", "关于管家台")
    assert str(db_path) in text and "李晓红" in text


def test_an_uncaught_error_is_logged_and_shown_in_chinese_without_a_traceback(qtbot, window, message_boxes, caplog):
    message_boxes.expect_critical = True
    hook = ExceptionHook()
    try:
        raise RuntimeError("磁盘已满")
    except RuntimeError as exc:
        with caplog.at_level(logging.ERROR):
            hook(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: bool(message_boxes))
    kind, title, text = message_boxes[-1]
    assert (kind, title) == ("critical", "程序出错")
    assert "程序遇到了意外问题" in text and "磁盘已满" in text and "Traceback" not in text
    assert "Traceback" in caplog.text


def test_screenshots_of_the_main_window_and_unit_dialog(qtbot, window, ledger, estate):
    window.resize(1280, 720)
    window.ledger_tab.select_unit(estate.zhang_unit)
    QApplication.processEvents()
    shot = window.grab()
    assert not shot.isNull() and shot.save("/tmp/ui_main_window.png")

    dialog = UnitDialog(ledger, estate.zhang_unit, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.grab().save("/tmp/ui_unit_dialog.png")
    dialog.tabs.setCurrentIndex(1)
    assert dialog.grab().save("/tmp/ui_unit_dialog_history.png")


def test_the_window_title_is_made_in_one_place_and_names_the_app_once():
    from butler_desk.ui.main_window import window_title

    assert window_title("翠湖花园", demo=False) == "翠湖花园 — 管家台"
    assert window_title("翠湖花园", demo=True) == "翠湖花园（演示数据） — 管家台"
    assert window_title("", demo=True) == "演示数据 — 管家台"
    assert window_title(None, demo=False) == "管家台"
    # Qt (Windows, X11) appends " — 管家台" only to titles not already ending with it.
    for title in (window_title("翠湖花园", demo=True), window_title("", demo=False)):
        assert title.endswith("管家台") and title.count("管家台") == 1
