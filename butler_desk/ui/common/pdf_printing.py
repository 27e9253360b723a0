"""Printing a PDF on a QPrinter: the printer set to the PDF's paper, the pages the print dialog asked
for, and drawing them as images in a worker thread (no widgets here).

Each page is rendered at the printer's resolution (capped) strip by strip, so a 2,000-page
letter file neither freezes the window nor needs more than one strip of a page in memory.
QtPdf is imported inside the calls, never at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF, QRect, QRectF, QSize, QSizeF
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter

from butler_desk.domain.errors import BadInput, Cancelled
from butler_desk.ui.common import settings

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

MAX_PRINT_DPI = 600  # a 1200-dpi page image is 550 MB in memory and prints no sharper on office lasers
STRIP_ROWS = 512  # rows of a page rendered at once: about 10 MB at 600 dpi


def installed_printers() -> list[str]:
    """The printers the system knows (CUPS queues, Windows printers), by name."""
    from PySide6.QtPrintSupport import QPrinterInfo

    return list(QPrinterInfo.availablePrinterNames())


def make_printer(doc_name: str, page_points: QSizeF, preferred: str = "") -> QPrinter:
    """A printer set to the PDF's paper, on ``preferred`` or the last used printer when installed."""
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    installed = installed_printers()
    for name in (preferred, settings.value(settings.LAST_PRINTER)):
        if name and name in installed:
            printer.setPrinterName(name)
            break
    printer.setDocName(doc_name)
    fit_printer_to(printer, page_points)
    return printer


def page_sequence(page_count: int, *, first: int = 1, last: int = 0, copies: int = 1, collate: bool = True,
                  reverse: bool = False) -> list[int]:
    """0-based pages to draw, in order: pages ``first``..``last`` (1-based, 0 = to the end), ``copies`` times."""
    last = page_count if last <= 0 else min(last, page_count)
    first = max(1, first)
    pages = list(range(first - 1, last))
    if reverse:
        pages.reverse()
    copies = max(1, copies)
    if collate:
        return pages * copies
    return [p for p in pages for _ in range(copies)]


def printer_pages(printer: QPrinter, page_count: int, current_page: int) -> list[int]:
    """The pages the print dialog asked for: range, current page, order, and copies the driver cannot make."""
    ranges = type(printer).PrintRange
    rng = printer.printRange()
    first, last = 1, page_count
    if rng == ranges.PageRange and printer.fromPage() > 0:
        first, last = printer.fromPage(), printer.toPage() or page_count
    elif rng == ranges.CurrentPage:
        first = last = current_page + 1
    # A driver that makes copies itself (CUPS, Windows) gets each page once.
    copies = 1 if printer.supportsMultipleCopies() else printer.copyCount()
    reverse = printer.pageOrder() == type(printer).PageOrder.LastPageFirst
    return page_sequence(page_count, first=first, last=last, copies=copies, collate=printer.collateCopies(),
                         reverse=reverse)


def fit_printer_to(printer: QPrinter, page_points: QSizeF) -> None:
    """Paper size and orientation from the PDF's page, no margins: 1 mm in the PDF is 1 mm on paper.

    Envelope offsets are measured in mm from the paper's edge, so the page is drawn full-page
    at its true size; a standard size (A4, Envelope DL…) is matched so the driver knows the paper.
    """
    width, height = page_points.width(), page_points.height()
    size = QPageSize(QSizeF(min(width, height), max(width, height)), QPageSize.Unit.Point, "",
                     QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QPageLayout.Orientation.Landscape if width > height else QPageLayout.Orientation.Portrait
    layout = QPageLayout(size, orientation, QMarginsF())
    # The mode travels with the layout: setFullPage() before setPageLayout() would be undone by it,
    # and a standard-mode page starts at the printer's minimum margins, not at the paper's edge.
    layout.setMode(QPageLayout.Mode.FullPageMode)
    printer.setPageLayout(layout)


def print_pdf(path: Path | str, printer: QPrinter, pages: Sequence[int], *,
              progress: Callable[[int, int], None] | None = None,
              is_cancelled: Callable[[], bool] | None = None, max_dpi: int = MAX_PRINT_DPI) -> int:
    """Draw ``pages`` (0-based, repeats allowed) of the PDF onto ``printer``; returns the sheets printed.

    Safe in a worker thread: it opens its own QPdfDocument, and QPainter may paint on a
    QPrinter outside the GUI thread. A cancel aborts the job (``Cancelled``).
    """
    from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions

    document = QPdfDocument()
    document.load(str(path))
    if document.status() != QPdfDocument.Status.Ready:
        raise BadInput(f"无法读取要打印的文件“{Path(path).name}”：文件不存在或已损坏，请重新生成。")
    if not pages:
        raise BadInput("所选页码范围内没有可打印的页，请检查页码。")
    resolution = printer.resolution()
    dpi = min(resolution, max_dpi)
    painter = QPainter()
    if not painter.begin(printer):
        raise BadInput("无法开始打印：请检查打印机是否已连接、是否有纸，或换一台打印机。")
    try:
        paper = printer.paperRect(printer.Unit.DevicePixel)
        for n, page in enumerate(pages):
            if is_cancelled is not None and is_cancelled():
                printer.abort()
                raise Cancelled()
            if n:
                printer.newPage()
            points = document.pagePointSize(page)
            width, height = round(points.width() * dpi / 72), round(points.height() * dpi / 72)
            # True size on paper; shrink only a page larger than the paper chosen in the dialog.
            scale = resolution / dpi
            fit = min(1.0, paper.width() / (width * scale), paper.height() / (height * scale))
            scale *= fit
            for top in range(0, height, STRIP_ROWS):
                rows = min(STRIP_ROWS, height - top)
                options = QPdfDocumentRenderOptions()
                options.setScaledSize(QSize(width, height))
                options.setScaledClipRect(QRect(0, top, width, rows))
                strip = document.render(page, QSize(width, rows), options)
                # pdfium leaves the paper transparent; white keeps the printed image free of a mask.
                sheet = QImage(strip.size(), QImage.Format.Format_RGB32)
                sheet.fill(QColor("white"))
                on_sheet = QPainter(sheet)
                on_sheet.drawImage(0, 0, strip)
                on_sheet.end()
                painter.drawImage(QRectF(0, top * scale, width * scale, rows * scale), sheet)
            if progress is not None:
                progress(n + 1, len(pages))
    finally:
        if painter.isActive():
            painter.end()
        document.close()
    return len(pages)
