"""The 打印 and 设置 menus and the blank-forms dialog on the real forms/: the list, a blank form previewed
with the pages asked for, and its preview staying open when the dialog closes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMenuBar

from butler_desk.services import Services
from butler_desk.services.printing.service import PrintService
from butler_desk.ui.printing.forms_dialog import FormsDialog, FormsModel
from butler_desk.ui.main_window import MainWindow
from butler_desk.ui.common.menus import menu_named
from butler_desk.ui.common.pdf_preview import PreviewDialog


@pytest.fixture
def dialog(qtbot, ctx, estate):
    window = FormsDialog(PrintService(ctx))
    qtbot.addWidget(window, before_close_func=lambda d: d.done(QDialog.DialogCode.Rejected))
    window.show()
    return window


def choose(dialog: FormsDialog, title: str) -> None:
    model = dialog.model
    dialog.view.selectRow(next(r for r in range(model.rowCount())
                               if model.index(r, FormsModel.COL_TITLE).data() == title))


def test_menu_named_finds_an_existing_menu_or_makes_one_before_help():
    bar = QMenuBar()
    bar.addMenu("文件(&F)")
    bar.addMenu("帮助(&H)")
    made = menu_named(bar, "设置(&S)")
    assert menu_named(bar, "设置(&S)") is made
    assert [a.text() for a in bar.actions()] == ["文件(&F)", "设置(&S)", "帮助(&H)"]


def test_the_main_window_has_the_print_and_settings_entries(qtbot, ctx, estate):
    window = MainWindow(Services(ctx))
    qtbot.addWidget(window)
    window.build_other_tabs()  # what the ledger's first paint does in a shown window
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    assert list(menus)[-1] == "帮助(&H)"
    printing = [a.text() for a in menus["打印(&P)"].actions() if a.text()]
    assert printing == ["发通知…", "空白表格…", "未签收文件清单…"]
    setting_items = [a.text() for a in menus["设置(&S)"].actions() if a.text()]
    assert "打印设置…" in setting_items and "小区信息…" in setting_items
    assert window.tabs.tabText(2) == "文件发放"


def test_the_forms_are_listed_by_form_number(qtmodeltester, dialog):
    qtmodeltester.check(dialog.model)
    numbers = [dialog.model.index(r, FormsModel.COL_NUMBER).data() for r in range(dialog.model.rowCount())]
    assert numbers == sorted(numbers) and "KF-01" in numbers
    assert dialog.chosen() is not None  # the first form is chosen: Enter previews it at once


def test_a_blank_form_is_previewed_with_the_pages_asked(qtbot, dialog):
    choose(dialog, "报事报修登记表")
    dialog.pages.setValue(3)
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: bool(dialog.findChildren(PreviewDialog)), timeout=20000)
    preview = dialog.findChildren(PreviewDialog)[-1]
    qtbot.addWidget(preview)
    assert preview.windowTitle() == "预览 — KF-03 报事报修登记表"
    assert preview.page_count == 3


def test_enter_on_the_list_previews_and_the_preview_outlives_the_dialog(qtbot, dialog):
    choose(dialog, "报事报修登记表")
    dialog.view.setFocus()
    qtbot.keyClick(dialog.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.findChildren(PreviewDialog)), timeout=20000)
    preview = dialog.findChildren(PreviewDialog)[-1]
    qtbot.addWidget(preview)
    dialog.done(QDialog.DialogCode.Rejected)  # the butler may still be printing the form
    assert preview.isVisible() and preview.parentWidget() is not dialog
