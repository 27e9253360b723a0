"""Printing a PDF on a QPrinter without a window: pages asked for, paper from the PDF, drawing and cancel,
checked on a PDF printer's output read back with poppler."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSizeF
from PySide6.QtPrintSupport import QPrinter
from reportlab.lib.units import mm

from butler_desk.domain.errors import Cancelled
from butler_desk.ui.common import settings
from butler_desk.ui.common.pdf_printing import (
    installed_printers,
    make_printer,
    page_sequence,
    print_pdf,
    printer_pages,
)
from tests.ui.print_support import banded_pdf, bands_of, pdf_info

pytest_plugins = ["tests.ui.print_support"]

A4_POINTS = QSizeF(595.28, 841.89)
DL_POINTS = QSizeF(220 * mm, 110 * mm)  # an envelope: landscape


def pdf_printer(out, dpi: int = 72) -> QPrinter:
    """A PDF "printer" on A4 paper, as the preview sets one up for an A4 file."""
    printer = make_printer("测试", A4_POINTS)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    printer.setResolution(dpi)
    return printer


def test_page_sequence_follows_range_copies_collation_and_order():
    assert page_sequence(4) == [0, 1, 2, 3]
    assert page_sequence(4, first=2, last=3) == [1, 2]
    assert page_sequence(4, first=3, last=0) == [2, 3]
    assert page_sequence(4, first=2, last=3, copies=2) == [1, 2, 1, 2]
    assert page_sequence(4, first=2, last=3, copies=2, collate=False) == [1, 1, 2, 2]
    assert page_sequence(4, reverse=True) == [3, 2, 1, 0]
    assert page_sequence(3, first=2, last=9) == [1, 2]


def test_printer_pages_reads_the_range_the_current_page_and_the_order_from_the_printer(tmp_path):
    printer = pdf_printer(tmp_path / "x.pdf")
    assert printer_pages(printer, 4, current_page=1) == [0, 1, 2, 3]
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert printer_pages(printer, 4, current_page=0) == [1, 2]
    printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
    assert printer_pages(printer, 4, current_page=2) == [2]
    printer.setPrintRange(QPrinter.PrintRange.AllPages)
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    assert printer_pages(printer, 3, current_page=0) == [2, 1, 0]


def test_given_an_envelope_page_when_a_printer_is_made_then_the_paper_is_landscape_without_margins():
    printer = make_printer("信封", DL_POINTS)
    layout = printer.pageLayout()
    size = layout.fullRect(layout.Unit.Millimeter)
    assert (round(size.width()), round(size.height())) == (220, 110)
    assert layout.orientation() == layout.Orientation.Landscape
    assert printer.fullPage() and printer.docName() == "信封"


def test_a_printer_that_is_not_installed_is_never_chosen_even_when_remembered():
    settings.set_value(settings.LAST_PRINTER, "早已卸载的打印机")
    printer = make_printer("公告", A4_POINTS, preferred="另一台不存在的打印机")
    assert printer.printerName() not in {"早已卸载的打印机", "另一台不存在的打印机"}
    assert all(isinstance(name, str) for name in installed_printers())


def test_a_landscape_envelope_prints_at_its_true_size(tmp_path):
    source = banded_pdf(tmp_path / "信封.pdf", pages=1, size=(220 * mm, 110 * mm))
    out = tmp_path / "envelope-printed.pdf"
    printer = make_printer("信封", DL_POINTS)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    printer.setResolution(150)
    assert print_pdf(source, printer, [0]) == 1
    width, _, height = pdf_info(out)["Page size"].split()[:3]
    assert (round(float(width)), round(float(height))) == (624, 312)


def test_pages_print_in_the_order_asked_with_repeats(tmp_path):
    source = banded_pdf(tmp_path / "四页.pdf")
    out = tmp_path / "printed.pdf"
    progress = []
    assert print_pdf(source, pdf_printer(out, dpi=150), [3, 0, 3], progress=lambda done, total: progress.append(
        (done, total))) == 3
    assert bands_of(out, tmp_path) == [3, 0, 3]
    assert progress == [(1, 3), (2, 3), (3, 3)]


def test_a_cancelled_print_stops_before_the_next_page(tmp_path):
    source = banded_pdf(tmp_path / "四页.pdf")
    drawn = []
    with pytest.raises(Cancelled):
        print_pdf(source, pdf_printer(tmp_path / "cancelled.pdf"), [0, 1, 2, 3],
                  progress=lambda done, total: drawn.append(done), is_cancelled=lambda: len(drawn) >= 2)
    assert drawn == [1, 2]


def test_a_missing_file_or_an_empty_range_is_a_message_not_a_crash(tmp_path):
    from butler_desk.domain.errors import BadInput

    with pytest.raises(BadInput, match="无法读取要打印的文件"):
        print_pdf(tmp_path / "没有.pdf", pdf_printer(tmp_path / "a.pdf"), [0])
    with pytest.raises(BadInput, match="没有可打印的页"):
        print_pdf(banded_pdf(tmp_path / "一页.pdf", pages=1), pdf_printer(tmp_path / "b.pdf"), [])
