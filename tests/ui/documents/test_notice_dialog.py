"""The notice dialog on a real ledger: a form per template, the range wired to the template, inline errors
routed to the right part, generating the four files in the background (cancelling, closing while it runs),
previews that outlive the dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit

from butler_desk.reporting import EnvelopeOptions
from butler_desk.services.documents.service import DocumentService
from butler_desk.services.printing.service import PrintService
from butler_desk.ui.common import settings
from butler_desk.ui.documents.notice_dialog import NoticeDialog
from butler_desk.ui.documents.notice_form import TableField, TemplateForm
from butler_desk.ui.common.pdf_preview import PreviewDialog
from tests.ui.print_support import pdf_pages, pdf_size_mm, pdf_text

pytest_plugins = ["tests.ui.print_support"]


@pytest.fixture
def dialog(qtbot, ctx, estate, letterhead, tmp_path):
    PrintService(ctx).set_envelope_options("办公室激光", EnvelopeOptions("C5", "preprinted", (1.5, -2.0)))
    window = NoticeDialog(ctx)
    window.folder.setText(str(tmp_path / "打印"))
    qtbot.addWidget(window, before_close_func=lambda d: d.done(QDialog.DialogCode.Rejected))
    window.show()
    return window


def fill_water(dialog: NoticeDialog, type_text) -> None:
    form = dialog.form()
    type_text(form.inputs["area"], "3栋全部单元")
    type_text(form.inputs["reason"], "二次供水水池清洗")
    assert form.inputs["contact_phone"].text() == "0755-28881234"  # pre-filled: 小区信息's 服务电话


def choose_clusters(dialog: NoticeDialog, *names: str) -> None:
    clusters = dialog.recipients.clusters
    for n in range(clusters.count()):
        item = clusters.item(n)
        item.setCheckState(Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked)
    dialog.recipients.refresh()


def generate(qtbot, dialog: NoticeDialog) -> None:
    dialog.generate_button.click()
    qtbot.waitUntil(lambda: dialog.generate_button.isEnabled() or dialog.batch is not None, timeout=30000)


def test_templates_are_listed_in_the_butlers_order_with_a_form_for_each(dialog):
    titles = [dialog.template_combo.itemText(n).split("（")[0] for n in range(dialog.template_combo.count())]
    assert titles == ["停水通知", "停电通知", "停气通知", "特约服务收费标准", "活动通知"]
    water = dialog.form()
    assert isinstance(water, TemplateForm) and dialog.scroll.widget() is water
    assert water.inputs.keys() == {"start", "end", "area", "reason", "arrangement", "contact_phone"}
    dialog.template_combo.setCurrentIndex(dialog.template_combo.findData("special-service-prices"))
    prices = dialog.form()
    assert dialog.scroll.widget() is prices and isinstance(prices.inputs["items"], TableField)
    assert dialog.recipients.template_id == "special-service-prices"
    dialog.template_combo.setCurrentIndex(0)
    assert dialog.form() is water  # what was typed stays while switching
    assert dialog.recipients.template_id == "water-outage"


def test_tab_goes_down_the_left_column_then_to_the_range_then_to_generate(qtbot, dialog):
    def tab_from(widget, steps: int = 1):
        widget.setFocus()
        for _ in range(steps):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        return QApplication.focusWidget()

    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    form = dialog.form()
    assert tab_from(dialog.template_combo) is form.inputs["start"]
    assert tab_from(form.inputs["contact_phone"]) is dialog.envelope.printer
    assert tab_from(dialog.envelope.mode) is dialog.issued_on
    assert tab_from(dialog.browse_button) is dialog.recipients.everyone
    assert tab_from(dialog.recipients.households_view) is dialog.generate_button
    dialog.template_combo.setCurrentIndex(dialog.template_combo.findData("special-service-prices"))
    prices = dialog.form()
    assert tab_from(dialog.template_combo) is prices.focus_chain()[0]  # the form swapped in is in the chain


def test_the_household_count_follows_the_range(qtbot, dialog):
    assert dialog.recipients.count_label.text() == "请选择发放范围"
    choose_clusters(dialog, "一组团")
    assert dialog.recipients.count_label.text() == "将发给 1 户"
    dialog.recipients.everyone.setChecked(True)
    qtbot.waitUntil(lambda: dialog.recipients.count_label.text() == "将发给 2 户", timeout=5000)


def test_a_building_that_does_not_exist_is_named_inline_on_generate(qtbot, dialog, type_text, ctx):
    fill_water(dialog, type_text)
    type_text(dialog.recipients.buildings, "99")
    dialog.recipients.refresh()
    assert dialog.recipients.count_label.text() == "将发给 — 户"
    generate(qtbot, dialog)
    error = dialog.recipients.errors.label("buildings")
    assert error.isVisible() and "99栋" in error.text()
    assert DocumentService(ctx).batches() == []


def test_a_missing_required_field_shows_under_that_field_and_nothing_is_printed(qtbot, dialog, type_text, tmp_path):
    form = dialog.form()
    type_text(form.inputs["reason"], "管网检修")
    dialog.recipients.everyone.setChecked(True)
    generate(qtbot, dialog)
    error = form.errors.label("area")
    assert error.isVisible() and "停水范围" in error.text()
    assert form.inputs["area"].property("invalid") is True
    assert not list((tmp_path / "打印").glob("*.pdf"))


def test_a_residents_name_on_the_board_notice_is_refused_inline(qtbot, dialog, type_text, ctx):
    fill_water(dialog, type_text)
    area = dialog.form().inputs["area"]
    assert isinstance(area, QLineEdit)
    area.setText("3栋张三家门口")
    dialog.recipients.everyone.setChecked(True)
    generate(qtbot, dialog)
    assert "张三" in dialog.form().errors.label("area").text()
    assert DocumentService(ctx).batches() == []


def test_a_folder_that_cannot_be_made_is_refused_under_the_folder(qtbot, dialog, type_text, tmp_path):
    fill_water(dialog, type_text)
    dialog.recipients.everyone.setChecked(True)
    blocker = tmp_path / "一个文件"
    blocker.write_text("不是文件夹", encoding="utf-8")
    dialog.folder.setText(str(blocker / "打印"))
    dialog.generate_button.click()
    error = dialog.out_errors.label("out_dir")
    assert error.isVisible() and "无法使用文件夹" in error.text()
    assert dialog.worker is None and dialog.generate_button.isEnabled()


def test_generating_prints_four_files_in_room_order_and_records_the_batch(qtbot, dialog, type_text, ctx, tmp_path):
    fill_water(dialog, type_text)
    dialog.recipients.everyone.setChecked(True)
    dialog.envelope.printer.setCurrentText("办公室激光")
    assert dialog.envelope.size.currentData() == "C5" and dialog.envelope.mode.currentData() == "preprinted"
    assert "+1.5" in dialog.envelope.offset_label.text()
    issued = []
    dialog.issued.connect(issued.append)
    generate(qtbot, dialog)

    batch = dialog.batch
    assert batch is not None and issued == [batch.document_id] and dialog.worker is None
    assert dialog.results.isVisible() and not dialog.generate_button.isEnabled()
    rooms = [h.room for h in batch.households.households]
    assert rooms == ["3栋2单元1201", "5栋1单元301"]
    assert pdf_pages(batch.letters.path) == 2 and pdf_pages(batch.envelopes.path) == 2
    assert all(p.parent == tmp_path / "打印" for p in batch.files.values())
    assert settings.value(settings.LAST_NOTICE_DIR) == str(tmp_path / "打印")
    board = pdf_text(batch.notice.path)
    assert "停水通知" in board and "3栋全部单元" in board and "张三" not in board
    letters = pdf_text(batch.letters.path)
    assert letters.index("3栋2单元1201") < letters.index("5栋1单元301")
    assert pdf_size_mm(batch.envelopes.path) == (229, 162)  # the chosen printer's set-up: C5
    register = DocumentService(ctx).batches()
    assert [(r.title, r.copies) for r in register] == [("停水通知", 2)]
    assert dialog.file_labels["letters"].text() == f"{batch.letters.path.name}（2 页）"
    assert dialog.file_labels["envelopes"].text().endswith("（2 个）")
    assert "共 2 户：随安防派送 1 户，管家亲送 1 户" in dialog.result_title.text()
    assert "3栋2单元1202" in dialog.result_notes.text()  # the vacant unit: nobody on record to write to

    dialog.preview_buttons["envelopes"].click()
    preview = next(w for w in dialog.findChildren(PreviewDialog))
    assert preview.path == batch.envelopes.path and preview.printer_name == "办公室激光"
    assert preview.page_count == 2

    dialog.form().inputs["reason"].setText("改为：水泵检修")
    assert dialog.generate_button.isEnabled()  # changed: a new batch may be generated

    dialog.done(QDialog.DialogCode.Accepted)  # the butler may still be printing the envelopes
    assert preview.isVisible() and preview.parentWidget() is not dialog
    qtbot.addWidget(preview)


def test_cancelling_generation_leaves_no_files_and_no_record(qtbot, dialog, type_text, ctx, tmp_path):
    fill_water(dialog, type_text)
    dialog.recipients.everyone.setChecked(True)
    dialog.generate_button.click()
    dialog.worker.cancel()  # as the progress dialog's 取消 does
    qtbot.waitUntil(lambda: dialog.generate_button.isEnabled(), timeout=30000)
    assert dialog.batch is None and dialog.worker is None
    assert "已取消" in dialog.state_label.text()
    assert not list((tmp_path / "打印").glob("*.pdf"))
    assert DocumentService(ctx).batches() == []


def test_closing_while_generating_cancels_the_batch_without_hanging(qtbot, dialog, type_text, ctx, tmp_path):
    fill_water(dialog, type_text)
    dialog.recipients.everyone.setChecked(True)
    dialog.generate_button.click()
    worker = dialog.worker
    assert worker is not None and worker.is_running()
    with qtbot.waitSignal(dialog.finished, timeout=15000):
        dialog.reject()  # the window's close button, Esc, or 关闭
    assert not dialog.isVisible() and not worker.is_running()
    assert not list((tmp_path / "打印").glob("*.pdf"))
    assert DocumentService(ctx).batches() == []


def test_screenshot_of_the_filled_dialog(qtbot, dialog, type_text, tmp_path):
    fill_water(dialog, type_text)
    choose_clusters(dialog, "一组团", "二组团")
    dialog.resize(1180, 760)
    assert dialog.grab().save(str(tmp_path / "notice.png"))
