"""The PDF preview on real files: pages, zoom, keyboard, save, printing to a PDF printer read back, closing
while printing; rendering into a preview in the background; previews outliving the dialog that opened them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

from butler_desk.services.printing.service import PrintService
from butler_desk.ui.common.pdf_preview import (
    PreviewDialog,
    confirm_missing_glyphs,
    keep_previews_open,
    open_preview,
    preview_pdf,
    render_and_preview,
    scratch_pdf,
)
from tests.ui.print_support import banded_pdf, bands_of, pdf_info

pytest_plugins = ["tests.ui.print_support"]


@pytest.fixture
def pdf(tmp_path) -> Path:
    return banded_pdf(tmp_path / "四页.pdf")


@pytest.fixture
def preview(qtbot, pdf):
    def open_(path: Path | None = None, warning: str = "") -> PreviewDialog:
        dialog = open_preview(None, path or pdf, "测试文件", warning)
        qtbot.addWidget(dialog)
        dialog.activateWindow()  # keyboard shortcuts go to the active window
        qtbot.waitUntil(dialog.isActiveWindow)
        return dialog

    return open_


@pytest.fixture
def owner(qtbot) -> QDialog:
    """A dialog to open previews from, alive until the test ends: Qt then deletes it after its jobs' signals.

    (Freed by Python between a job's result and its last signal, the progress runner under it
    crashes the process: PySide 6.12.0.)
    """
    widget = QDialog()
    qtbot.addWidget(widget)
    return widget


def wait_rendered(qtbot, dialog: PreviewDialog) -> None:
    """QPdfView renders pages asynchronously: wait for the document, then let the renders land."""
    from PySide6.QtPdf import QPdfDocument

    qtbot.waitUntil(lambda: dialog.document.status() == QPdfDocument.Status.Ready)
    for _ in range(5):
        QApplication.processEvents()
        qtbot.wait(50)


def accept_print_dialog(monkeypatch, configure):
    """The system print dialog accepted after ``configure(printer)``, as a user would set it up."""
    seen = {}

    def exec_(self):
        seen["pages"] = (self.minPage(), self.maxPage())
        seen["range_allowed"] = self.testOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange)
        configure(self.printer())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", exec_)
    return seen


def to_file(out: Path, **options):
    def configure(printer: QPrinter) -> None:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(150)  # enough to read back, quick to draw
        if "first" in options:
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(options["first"], options["last"])
        if options.get("current"):
            printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
        printer.setCopyCount(options.get("copies", 1))
        printer.setCollateCopies(options.get("collate", True))

    return configure


# ----- pure helpers -----------------------------------------------------------------------


def test_scratch_files_are_new_each_time_and_end_in_pdf():
    first, second = scratch_pdf("空白表.pdf"), scratch_pdf("空白表.pdf")
    assert first != second and first.suffix == ".pdf" and first.parent.is_dir()
    assert first.name.startswith("空白表-")


# ----- the window -------------------------------------------------------------------------


def test_given_a_four_page_pdf_when_previewed_then_pages_and_zoom_show(qtbot, preview):
    dialog = preview()
    wait_rendered(qtbot, dialog)
    assert dialog.windowTitle() == "预览 — 测试文件"
    assert dialog.page_label.text() == "1 / 4"
    assert not dialog.prev_action.isEnabled() and dialog.next_action.isEnabled()
    assert not dialog.banner.isVisible()
    assert dialog.zoom_label.text().endswith("%")

    dialog.next_action.trigger()
    assert dialog.page_label.text() == "2 / 4"
    qtbot.keyClick(dialog.view, Qt.Key.Key_End)
    assert dialog.page_label.text() == "4 / 4" and not dialog.next_action.isEnabled()
    qtbot.keyClick(dialog.view, Qt.Key.Key_PageUp)
    assert dialog.page_label.text() == "3 / 4"
    qtbot.keyClick(dialog.view, Qt.Key.Key_PageDown)
    assert dialog.page_label.text() == "4 / 4"


def test_zoom_steps_from_the_fitted_scale_and_fits_come_back(qtbot, preview):
    from PySide6.QtPdfWidgets import QPdfView

    dialog = preview()
    wait_rendered(qtbot, dialog)
    fitted = dialog.effective_zoom()
    qtbot.keyClick(dialog.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert dialog.view.zoomFactor() == pytest.approx(fitted * 1.25)
    assert dialog.zoom_label.text() == f"{fitted * 1.25:.0%}"
    qtbot.keyClick(dialog.view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert dialog.view.zoomFactor() == pytest.approx(fitted / 1.25)
    dialog.fit_page_action.trigger()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitInView
    assert dialog.effective_zoom() < fitted  # a whole A4 page in a window wider than tall
    dialog.fit_width_action.trigger()
    assert dialog.effective_zoom() == pytest.approx(fitted)


def test_the_fitted_zoom_shown_follows_the_window_size(qtbot, preview):
    dialog = preview()
    dialog.resize(500, 700)
    qtbot.waitUntil(lambda: dialog.zoom_label.text() == f"{dialog.effective_zoom():.0%}")
    narrow = dialog.effective_zoom()
    dialog.resize(1000, 700)
    qtbot.waitUntil(lambda: dialog.effective_zoom() > narrow * 1.5)
    assert dialog.zoom_label.text() == f"{dialog.effective_zoom():.0%}"  # not the width it opened at


def test_a_warning_shows_as_a_banner_and_is_asked_about_before_printing(qtbot, preview, modal, monkeypatch):
    warning = "以下字符无法打印：𰻞（王𰻞）。"
    dialog = preview(warning=warning)
    assert dialog.banner.isVisible() and dialog.banner.text() == warning
    opened = []
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: opened.append(1) or QDialog.DialogCode.Rejected)
    asked = []

    def refuse(box: QMessageBox) -> None:
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == "取消").click()

    modal.expect(refuse, kind=QMessageBox)
    dialog.print_action.trigger()
    modal.check()
    assert "𰻞" in asked[0] and "仍要打印吗" in asked[0]
    assert opened == []  # refused: no print dialog

    modal.expect(lambda box: next(b for b in box.buttons() if b.text() == "仍然打印").click(), kind=QMessageBox)
    dialog.print_action.trigger()
    modal.check()
    assert opened == [1]


def test_confirm_without_a_warning_asks_nothing():
    assert confirm_missing_glyphs(None, "") is True


def test_printing_all_pages_to_a_pdf_printer_gives_every_page_in_order(qtbot, preview, tmp_path, monkeypatch):
    out = tmp_path / "printed.pdf"
    seen = accept_print_dialog(monkeypatch, to_file(out))
    dialog = preview()
    qtbot.keyClick(dialog.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "已发送" in dialog.status.text(), timeout=30000)
    assert seen == {"pages": (1, 4), "range_allowed": True}
    info = pdf_info(out)
    assert info["Pages"] == "4"
    assert info["Page size"].startswith("595")  # A4 kept: 1 mm in the file is 1 mm on paper
    assert bands_of(out, tmp_path) == [0, 1, 2, 3]
    assert "共 4 页" in dialog.status.text()


def test_a_page_range_with_copies_prints_those_pages_each_time(qtbot, preview, tmp_path, monkeypatch):
    out = tmp_path / "range.pdf"
    accept_print_dialog(monkeypatch, to_file(out, first=2, last=3, copies=2))
    dialog = preview()
    dialog.print_action.trigger()
    qtbot.waitUntil(lambda: "已发送" in dialog.status.text(), timeout=30000)
    assert pdf_info(out)["Pages"] == "4"
    assert bands_of(out, tmp_path) == [1, 2, 1, 2]


def test_the_current_page_alone_can_be_printed(qtbot, preview, tmp_path, monkeypatch):
    out = tmp_path / "current.pdf"
    accept_print_dialog(monkeypatch, to_file(out, current=True))
    dialog = preview()
    dialog.go_to_page(2)
    dialog.print_action.trigger()
    qtbot.waitUntil(lambda: "已发送" in dialog.status.text(), timeout=30000)
    assert pdf_info(out)["Pages"] == "1"
    assert bands_of(out, tmp_path) == [2]


def test_the_printer_is_set_to_the_pdfs_paper_and_the_preselected_printer(qtbot, tmp_path):
    from reportlab.lib.units import mm

    source = banded_pdf(tmp_path / "信封.pdf", pages=1, size=(220 * mm, 110 * mm))
    dialog = open_preview(None, source, "信封", printer_name="没有安装的打印机")
    qtbot.addWidget(dialog)
    printer = dialog.make_printer()
    layout = printer.pageLayout()
    assert layout.orientation() == layout.Orientation.Landscape
    assert printer.docName() == "信封"
    assert printer.printerName() != "没有安装的打印机"  # only an installed printer is preselected


def test_closing_while_printing_is_refused_until_the_job_is_cancelled(qtbot, preview, tmp_path):
    dialog = preview()
    printer = QPrinter()
    to_file(tmp_path / "long.pdf")(printer)
    worker = dialog.start_printing(printer, [0, 1, 2, 3] * 10)
    dialog.close()  # the worker paints on this window's printer: the window must stay
    assert dialog.isVisible() and dialog.printing
    assert "正在打印" in dialog.status.text()
    worker.cancel()  # as the progress dialog's 取消 does
    qtbot.waitUntil(lambda: not dialog.printing, timeout=30000)
    assert dialog.status.text() == "已取消打印。" and dialog.print_action.isEnabled()
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        dialog.close()


def test_save_as_copies_the_pdf(qtbot, preview, pdf, tmp_path, monkeypatch):
    target = tmp_path / "副本"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog = preview()
    qtbot.keyClick(dialog.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = tmp_path / "副本.pdf"
    assert saved.read_bytes() == pdf.read_bytes()
    assert str(saved) in dialog.status.text()


def test_a_missing_file_says_so_and_cannot_be_printed(qtbot, preview, tmp_path):
    dialog = preview(tmp_path / "没有这个文件.pdf")
    assert "无法打开" in dialog.status.text()
    assert not dialog.print_action.isEnabled() and not dialog.save_action.isEnabled()
    assert dialog.page_label.text() == "0 / 0"


def test_escape_closes_the_preview(qtbot, preview):
    dialog = preview()
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.view, Qt.Key.Key_Escape)


def test_preview_pdf_opens_a_window_for_the_file(qtbot, pdf):
    preview_pdf(None, pdf, "公告")
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, PreviewDialog) and w.isVisible()]
    assert [w.windowTitle() for w in shown] == ["预览 — 公告"]
    for window in shown:
        qtbot.addWidget(window)


def test_screenshot_of_a_rendered_page(qtbot, preview, tmp_path):
    dialog = preview()
    dialog.resize(800, 700)
    wait_rendered(qtbot, dialog)
    image = dialog.grab().toImage()
    # The view shows the page: white paper and the first page's black band.
    colours = {image.pixelColor(x, y).lightness() < 40 for x in range(0, image.width(), 20)
               for y in range(0, image.height(), 20)}
    assert colours == {True, False}
    dialog.grab().save(str(tmp_path / "preview.png"))


# ----- rendering into a preview, and previews outliving their dialog ----------------------


def test_render_and_preview_renders_in_the_background_then_opens_the_preview(qtbot, ctx, estate, owner):
    printing = PrintService(ctx)
    render_and_preview(owner, lambda out: printing.print_form("request-register", out, blank_pages=2),
                       file_stem="空白登记表", title="报事报修登记表")
    qtbot.waitUntil(lambda: bool(owner.findChildren(PreviewDialog)), timeout=20000)
    preview = owner.findChildren(PreviewDialog)[-1]
    qtbot.addWidget(preview)
    assert preview.windowTitle() == "预览 — 报事报修登记表"
    assert preview.page_count == 2 and preview.path.name.startswith("空白登记表-")


def test_a_cancelled_render_opens_no_preview(qtbot, ctx, estate, owner):
    printing = PrintService(ctx)
    worker = render_and_preview(owner, lambda out: printing.print_form("request-register", out, blank_pages=1),
                                file_stem="空白登记表", title="报事报修登记表")
    worker.cancel()  # the renderer cannot stop halfway: its result is dropped
    qtbot.waitUntil(lambda: not worker.is_running(), timeout=20000)
    QApplication.processEvents()  # the worker's last signals
    assert owner.findChildren(PreviewDialog) == []


def test_a_render_that_fails_tells_the_user_why_and_opens_nothing(qtbot, ctx, message_boxes, owner):
    printing = PrintService(ctx)  # an empty ledger: no estate to print as the letterhead
    worker = render_and_preview(owner, lambda out: printing.print_form("request-register", out, blank_pages=1),
                                file_stem="空白登记表", title="报事报修登记表", failed_title="无法生成表格")
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=20000)
    assert message_boxes[0][:2] == ("warning", "无法生成表格") and "小区资料" in message_boxes[0][2]
    assert worker.wait(5000)  # the job is over
    assert owner.findChildren(PreviewDialog) == []


def test_previews_of_a_closing_dialog_are_handed_to_its_owner(qtbot, pdf):
    holder = QDialog()
    qtbot.addWidget(holder)
    closing = QDialog(holder)
    kept = open_preview(closing, pdf, "公告")
    qtbot.addWidget(kept)
    hidden = open_preview(closing, pdf, "信件")
    hidden.hide()
    keep_previews_open(closing)
    assert kept.parentWidget() is holder and kept.isVisible()
    assert hidden.parentWidget() is closing  # a closed preview goes with the dialog
