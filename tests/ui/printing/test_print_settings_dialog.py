"""打印设置 on a real database: the font check, envelopes per printer, the calibration page (which stays open
when the dialog closes), reminder days."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog

from butler_desk.reporting import get_fontset
from butler_desk.services.printing.service import PrintService
from butler_desk.ui.common.pdf_preview import PreviewDialog
from butler_desk.ui.printing.settings_dialog import RARE_PROBE, PrintSettingsDialog
from tests.ui.print_support import pdf_size_mm

pytest_plugins = ["tests.ui.print_support"]

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Latin only: no Chinese glyphs


@pytest.fixture
def dialog(qtbot, ctx, estate):
    window = PrintSettingsDialog(ctx)
    qtbot.addWidget(window, before_close_func=lambda d: d.done(QDialog.DialogCode.Rejected))
    window.show()
    return window


def test_the_font_check_names_the_font_and_whether_it_prints_a_rare_character(dialog):
    fonts = get_fontset()
    report = dialog.font_report.text()
    assert report.startswith(f"将使用：{fonts.main_source.path.name}（自动选择）")
    assert "；中文：可以打印\n" in report
    expected = "不能打印" if fonts.missing(RARE_PROBE) else "可以打印"
    assert f"生僻字 {RARE_PROBE}：{expected}" in report


@pytest.mark.skipif(not DEJAVU.exists(), reason="needs a font without Chinese glyphs")
def test_a_font_without_chinese_is_refused_under_the_font_field(dialog, ctx, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(DEJAVU), ""))
    dialog._choose_font()
    error = dialog.errors.label("print_font_path")
    assert error.isVisible() and "不含中文字形" in error.text()
    dialog.accept()
    assert dialog.isVisible()  # not saved, not closed
    assert PrintService(ctx).settings()["print_font_path"] == ""


def test_a_file_that_is_not_a_font_is_refused(dialog, tmp_path):
    text = tmp_path / "说明.txt"
    text.write_text("不是字体", encoding="utf-8")
    dialog.font_path.setText(str(text))
    assert dialog.check_fonts() is False
    assert "不是 TrueType 字体文件" in dialog.errors.label("print_font_path").text()


def test_envelopes_are_set_up_per_printer_and_saved_together(qtbot, dialog, ctx):
    box = dialog.envelope
    box.printer.setCurrentText("默认")
    box.size.setCurrentIndex(box.size.findData("C5"))
    box.mode.setCurrentIndex(box.mode.findData("preprinted"))
    box.dx.setValue(1.5)
    box.dy.setValue(-2)
    box.printer.setCurrentText("前台 HP LaserJet")
    assert box.size.currentData() == "C5"  # a new printer starts from the default set-up
    box.size.setCurrentIndex(box.size.findData("DL"))
    box.dx.setValue(0.5)
    box.dy.setValue(0)
    box.printer.setCurrentText("默认")
    assert (box.dx.value(), box.dy.value()) == (1.5, -2.0)  # edits kept while switching
    dialog.days.setValue(10)
    dialog.accept()
    assert not dialog.isVisible()

    printing = PrintService(ctx)
    printers = printing.printers()
    default = printers["默认"]
    assert (default.size, default.mode, default.offset_mm) == ("C5", "preprinted", (1.5, -2.0))
    assert (printers["前台 HP LaserJet"].size, printers["前台 HP LaserJet"].offset_mm) == ("DL", (0.5, 0.0))
    assert printing.uncollected_days() == 10


def test_the_calibration_page_previews_at_the_envelope_size_for_that_printer(qtbot, dialog):
    box = dialog.envelope
    box.printer.setCurrentText("前台 HP LaserJet")
    box.size.setCurrentIndex(box.size.findData("C5"))
    box.dx.setValue(3)
    dialog.calibrate_button.click()
    preview = dialog.findChildren(PreviewDialog)[-1]
    qtbot.addWidget(preview)
    assert preview.windowTitle() == "预览 — 信封校准页（前台 HP LaserJet）"
    assert preview.printer_name == "前台 HP LaserJet"
    assert pdf_size_mm(preview.path) == (229, 162)
    text = subprocess.run(["pdftotext", str(preview.path), "-"], capture_output=True, text=True).stdout
    assert "邮政条码区" in text

    dialog.reject()  # the calibration page may still be printing: its preview stays
    assert preview.isVisible() and preview.parentWidget() is not dialog


def test_cancel_saves_nothing(dialog, ctx):
    dialog.envelope.dx.setValue(5)
    dialog.days.setValue(3)
    dialog.reject()
    assert PrintService(ctx).printers() == {}
    assert PrintService(ctx).uncollected_days() == 14
