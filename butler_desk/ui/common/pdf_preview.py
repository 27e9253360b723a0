"""The in-app PDF preview: page navigation, zoom, 打印… through the system print dialog, 另存为….

Every print action of the app ends here: ``render_and_preview`` makes a PDF in the background
and opens it; the window prints through ``pdf_printing`` in a worker thread. QtPdf is imported
when a preview opens, never at start-up.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain.errors import BadInput, Cancelled
from butler_desk.ui.common import settings
from butler_desk.ui.common.forms import size_dialog
from butler_desk.ui.common.messages import show_problem
from butler_desk.ui.common.pdf_printing import make_printer, print_pdf, printer_pages
from butler_desk.ui.common.workers import Worker, run_with_progress

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.25, 4.0
BANNER_STYLE = "background: #fff3c4; color: #5d4200; border: 1px solid #e0c060; padding: 6px;"
PDF_FILTER = "PDF 文件 (*.pdf)"

_open_previews: set[PreviewDialog] = set()  # a window without a parent needs a Python owner
_scratch: Path | None = None
_scratch_names = itertools.count(1)


def scratch_pdf(name: str) -> Path:
    """A fresh file name for a PDF made only to be previewed (blank forms, lists, calibration).

    Each name is used once: a preview still open on Windows keeps its file locked. The
    folder goes away when the app exits; 另存为… keeps a copy.
    """
    global _scratch
    if _scratch is None:
        _scratch = Path(tempfile.mkdtemp(prefix="butler-desk-print-"))
        atexit.register(shutil.rmtree, _scratch, True)
    stem = Path(name).stem or "preview"
    return _scratch / f"{stem}-{next(_scratch_names)}.pdf"


def confirm_missing_glyphs(parent: QWidget | None, warning: str) -> bool:
    """Ask before printing when characters cannot be printed; True (no question) when ``warning`` is empty."""
    if not warning:
        return True
    box = QMessageBox(QMessageBox.Icon.Warning, "有字无法打印",
                      warning + "\n\n这些字在纸上会是空白或方框。仍要打印吗？",
                      QMessageBox.StandardButton.NoButton, parent)
    go = box.addButton("仍然打印", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    chosen = box.clickedButton() is go
    box.deleteLater()
    return chosen


def preview_pdf(parent: QWidget | None, path: Path, title: str, warning: str = "") -> None:
    """Open ``path`` in a preview window (non-modal) with print and save; ``warning`` shows as a banner."""
    open_preview(parent, path, title, warning)


def open_preview(parent: QWidget | None, path: Path | str, title: str, warning: str = "", *,
                 printer_name: str = "") -> PreviewDialog:
    """``preview_pdf`` returning the window; ``printer_name`` preselects a printer (envelopes)."""
    dialog = PreviewDialog(Path(path), title, warning, parent, printer_name=printer_name)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _open_previews.add(dialog)
    dialog.destroyed.connect(lambda *_: _open_previews.discard(dialog))
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def render_and_preview(parent: QWidget, render: Callable[[Path], Any], *, file_stem: str, title: str,
                       job_title: str = "打印", failed_title: str = "无法生成") -> Worker:
    """Render a PDF into a scratch file in the background, then preview it.

    ``render(out)`` returns the renderer's result (``.path``, ``.warning``). The renderers
    called here cannot stop halfway, so 取消 means "do not show it": a job cancelled while it
    runs opens nothing when it ends.
    """
    out = scratch_pdf(file_stem)

    def job(_progress, is_cancelled):
        result = render(out)
        if is_cancelled():
            raise Cancelled()
        return result

    return run_with_progress(
        parent, job_title, f"正在生成《{title}》…", job,
        on_finished=lambda result: preview_pdf(parent, result.path, title, result.warning),
        on_failed=lambda exc: show_problem(parent, exc, failed_title),
    )


def keep_previews_open(dialog: QWidget) -> None:
    """Hand the previews opened from ``dialog`` to its owner, so that closing ``dialog`` leaves them open.

    The butler may still be printing the letters or the form when the dialog that made them
    closes, and a closing dialog is deleted with its children.
    """
    owner = dialog.parentWidget()
    for window in dialog.findChildren(PreviewDialog):
        if window.isVisible():
            window.setParent(owner, window.windowFlags())
            window.show()


# ----- the window --------------------------------------------------------------------------


class PreviewDialog(QDialog):
    """One PDF: toolbar (pages, zoom, print, save, close), optional warning banner, the pages."""

    def __init__(self, path: Path, title: str, warning: str = "", parent: QWidget | None = None, *,
                 printer_name: str = "") -> None:
        super().__init__(parent)
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        self.path = Path(path)
        self.title = title
        self.warning = warning
        self.printer_name = printer_name
        self.print_worker: Worker | None = None  # the running print job, if any
        self.setObjectName("pdf_preview")
        self.setWindowTitle(f"预览 — {title}")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)

        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._view_class = QPdfView

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.prev_action = self._action("上一页", self.previous_page, "上一页（PgUp）", QKeySequence(Qt.Key.Key_PageUp))
        self.next_action = self._action("下一页", self.next_page, "下一页（PgDn）", QKeySequence(Qt.Key.Key_PageDown))
        self.page_label = QLabel()
        self.page_label.setMinimumWidth(self.page_label.fontMetrics().horizontalAdvance(" 999 / 999 "))
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_out_action = self._action("缩小", self.zoom_out, "缩小（Ctrl+-）", QKeySequence.StandardKey.ZoomOut,
                                            QKeySequence("Ctrl+-"))
        self.zoom_label = QLabel()
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance(" 400% "))
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in_action = self._action("放大", self.zoom_in, "放大（Ctrl++）", QKeySequence.StandardKey.ZoomIn,
                                           QKeySequence("Ctrl+="), QKeySequence("Ctrl++"))
        self.fit_width_action = self._action("适合宽度", self.fit_width, "页面宽度适合窗口", QKeySequence("Ctrl+0"))
        self.fit_page_action = self._action("适合页面", self.fit_page, "整页显示在窗口内")
        self.print_action = self._action("打印…", self.print_document, "打印到打印机（Ctrl+P）",
                                         QKeySequence.StandardKey.Print, QKeySequence("Ctrl+P"))
        self.save_action = self._action("另存为…", self.save_copy, "把 PDF 保存到其他位置（Ctrl+S）",
                                        QKeySequence.StandardKey.Save, QKeySequence("Ctrl+S"))
        self.close_action = self._action("关闭", self.close, "关闭预览（Esc）")
        for item in (self.prev_action, self.page_label, self.next_action, None, self.zoom_out_action,
                     self.zoom_label, self.zoom_in_action, self.fit_width_action, self.fit_page_action, None,
                     self.print_action, self.save_action, None, self.close_action):
            if item is None:
                self.toolbar.addSeparator()
            elif isinstance(item, QAction):
                self.toolbar.addAction(item)
            else:
                self.toolbar.addWidget(item)

        self.banner = QLabel(warning)
        self.banner.setObjectName("preview_warning")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setVisible(bool(warning))
        self.status = QLabel()
        self.status.setObjectName("preview_status")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.banner)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)

        navigator = self.view.pageNavigator()
        navigator.currentPageChanged.connect(self._update_page)
        self.view.zoomFactorChanged.connect(self._update_zoom)
        self.view.zoomModeChanged.connect(self._update_zoom)
        self._viewport = self.view.viewport()
        self._viewport.installEventFilter(self)
        self.load()
        size_dialog(self, settings.PDF_PREVIEW_GEOMETRY, 900, 1000)
        self.view.setFocus()

    def _action(self, text: str, slot, tip: str, *keys) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        if keys:
            # Standard keys differ per platform; the explicit ones are added once each.
            unique: dict[str, QKeySequence] = {}
            for key in keys:
                sequence = key if isinstance(key, QKeySequence) else QKeySequence(key)
                unique.setdefault(sequence.toString(), sequence)
            action.setShortcuts(list(unique.values()))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addAction(action)
        return action

    # ----- document -----------------------------------------------------------------------
    def load(self) -> None:
        from PySide6.QtPdf import QPdfDocument

        self.document.load(str(self.path))
        ready = self.document.status() == QPdfDocument.Status.Ready and self.document.pageCount() > 0
        for action in (self.print_action, self.save_action, self.prev_action, self.next_action):
            action.setEnabled(ready)
        if ready:
            self.status.setText(str(self.path))
        else:
            self.status.setText(f"无法打开“{self.path.name}”：文件不存在或已损坏。请关闭预览后重新生成。")
            self.status.setStyleSheet("color: #c62828;")
        self._update_page()
        self._update_zoom()

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    @property
    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    # ----- navigation ---------------------------------------------------------------------
    def go_to_page(self, page: int) -> None:
        if self.page_count == 0:
            return
        page = max(0, min(page, self.page_count - 1))
        navigator = self.view.pageNavigator()
        navigator.jump(page, QPointF(), navigator.currentZoom())
        self._update_page()

    def previous_page(self) -> None:
        self.go_to_page(self.current_page - 1)

    def next_page(self) -> None:
        self.go_to_page(self.current_page + 1)

    def _update_page(self, *_args) -> None:
        count = self.page_count
        current = self.current_page
        self.page_label.setText(f"{current + 1} / {count}" if count else "0 / 0")
        self.prev_action.setEnabled(count > 0 and current > 0)
        self.next_action.setEnabled(count > 0 and current < count - 1)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Home, Qt.Key.Key_End) and not event.modifiers():
            self.go_to_page(0 if event.key() == Qt.Key.Key_Home else self.page_count - 1)
            return
        super().keyPressEvent(event)

    # ----- zoom ---------------------------------------------------------------------------
    def effective_zoom(self) -> float:
        """The scale on screen: QPdfView keeps zoomFactor unchanged while fitting, so fits are computed."""
        mode = self.view.zoomMode()
        if mode == self._view_class.ZoomMode.Custom or self.page_count == 0:
            return self.view.zoomFactor()
        page = self.document.pagePointSize(max(self.current_page, 0))
        pixels_per_point = self.logicalDpiX() / 72
        margins = self.view.documentMargins()
        room_w = self.view.viewport().width() - margins.left() - margins.right()
        room_h = self.view.viewport().height() - margins.top() - margins.bottom()
        across = room_w / (page.width() * pixels_per_point)
        if mode == self._view_class.ZoomMode.FitToWidth:
            return max(across, 0.01)
        return max(min(across, room_h / (page.height() * pixels_per_point)), 0.01)

    def set_zoom(self, factor: float) -> None:
        self.view.setZoomMode(self._view_class.ZoomMode.Custom)
        self.view.setZoomFactor(max(MIN_ZOOM, min(MAX_ZOOM, factor)))
        self._update_zoom()

    def zoom_in(self) -> None:
        self.set_zoom(self.effective_zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.effective_zoom() / ZOOM_STEP)

    def fit_width(self) -> None:
        self.view.setZoomMode(self._view_class.ZoomMode.FitToWidth)
        self._update_zoom()

    def fit_page(self) -> None:
        self.view.setZoomMode(self._view_class.ZoomMode.FitInView)
        self._update_zoom()

    def _update_zoom(self, *_args) -> None:
        zoom = self.effective_zoom()
        self.zoom_label.setText(f"{zoom:.0%}")
        self.zoom_in_action.setEnabled(zoom < MAX_ZOOM - 1e-6)
        self.zoom_out_action.setEnabled(zoom > MIN_ZOOM + 1e-6)

    def eventFilter(self, watched, event) -> bool:
        # A fitted zoom follows the viewport, which is resized after the window's own resizeEvent.
        if watched is self._viewport and event.type() == QEvent.Type.Resize:
            self._update_zoom()
        return super().eventFilter(watched, event)

    # ----- print and save -----------------------------------------------------------------
    def make_printer(self) -> QPrinter:
        """A printer set to this PDF's paper, on the preselected or last used printer when installed."""
        return make_printer(self.title, self.document.pagePointSize(0), self.printer_name)

    def print_document(self) -> None:
        """Ask about unprintable characters, show the print dialog, then print in the background."""
        from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog

        if self.printing or self.page_count == 0:
            return
        if not confirm_missing_glyphs(self, self.warning):
            return
        printer = self.make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"打印 — {self.title}")
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCollateCopies, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintSelection, False)
        dialog.setMinMax(1, self.page_count)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if not accepted:
            return
        if printer.printerName():
            settings.set_value(settings.LAST_PRINTER, printer.printerName())
        pages = printer_pages(printer, self.page_count, self.current_page)
        self.start_printing(printer, pages)

    def start_printing(self, printer: QPrinter, pages: Sequence[int]) -> Worker:
        """Print ``pages`` in the background behind a cancellable progress dialog."""
        path = self.path
        where = printer.outputFileName() or printer.printerName() or "打印机"
        self.print_action.setEnabled(False)

        def job(progress, is_cancelled):
            return print_pdf(path, printer, pages, progress=progress, is_cancelled=is_cancelled)

        def finished(sheets: int) -> None:
            self._print_done()
            self.status.setStyleSheet("")
            self.status.setText(f"已发送到“{where}”：共 {sheets} 页。")

        def failed(exc: BaseException) -> None:
            self._print_done()
            show_problem(self, exc, "打印失败")

        def cancelled() -> None:
            self._print_done()
            self.status.setText("已取消打印。")

        # The job holds the printer it paints on; the worker keeps the job until its thread ends.
        self.print_worker = run_with_progress(self, "打印", f"正在打印《{self.title}》（{len(pages)} 页）…", job,
                                              on_finished=finished, on_failed=failed, on_cancelled=cancelled)
        return self.print_worker

    @property
    def printing(self) -> bool:
        return self.print_worker is not None

    def _print_done(self) -> None:
        self.print_worker = None
        self.print_action.setEnabled(self.page_count > 0)

    def save_copy(self) -> None:
        suggested = Path(settings.folder(settings.LAST_PDF_DIR, Path.home())) / self.path.name
        name, _ = QFileDialog.getSaveFileName(self, "另存为", str(suggested), PDF_FILTER)
        if not name:
            return
        target = Path(name)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            if not (target.exists() and os.path.samefile(target, self.path)):
                shutil.copyfile(self.path, target)
        except OSError as exc:
            show_problem(self, BadInput(f"无法保存到“{target}”：{exc.strerror or exc}。请换一个文件夹或文件名。"),
                         "另存为")
            return
        settings.remember_folder(settings.LAST_PDF_DIR, target)
        self.status.setStyleSheet("")
        self.status.setText(f"已另存为：{target}")

    # ----- closing ------------------------------------------------------------------------
    def done(self, result: int) -> None:
        settings.set_value(settings.PDF_PREVIEW_GEOMETRY, self.saveGeometry())
        super().done(result)

    def reject(self) -> None:
        """Esc, 关闭 and the window's close button; refused while the worker paints on this window's printer."""
        if self.printing:
            self.status.setText("正在打印：请等打印完成，或在进度窗口中点“取消”后再关闭预览。")
            return
        super().reject()
