"""打印 → 空白表格…: the standard record forms, printed blank for filling in by hand; and the 打印 and
设置 menu entries that open every printing dialog (``install_print_menus``), loaded on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from butler_desk.ui.common import settings
from butler_desk.ui.common.detail_models import RowsModel
from butler_desk.ui.documents.model import make_table
from butler_desk.ui.common.forms import size_dialog
from butler_desk.ui.common.menus import PRINT_MENU, SETTINGS_MENU, menu_named

if TYPE_CHECKING:
    from collections.abc import Callable

    from butler_desk.services import Services
    from butler_desk.ui.documents.tab import DocumentsTab
    from butler_desk.services.printing.service import FormInfo, PrintService

LAYOUT_TEXT = {"record": "一事一表", "table": "登记表（多行）"}


class FormsModel(RowsModel["FormInfo"]):
    """The forms in forms/, by form number."""

    COL_NUMBER, COL_TITLE, COL_LAYOUT, COL_PAPER, COL_ID = range(5)
    HEADERS = ("表号", "表名", "类型", "纸张", "文件名")

    def format_row(self, form: FormInfo) -> tuple[str, ...]:
        return (form.number, form.title, LAYOUT_TEXT.get(form.layout, form.layout), form.paper, form.id)

    def extra_data(self, form: FormInfo, column: int, role: int) -> Any:
        return form.id if role == Qt.ItemDataRole.UserRole else None


class FormsDialog(QDialog):
    """Pick a form and how many blank pages; 预览 renders it and opens the preview to print."""

    def __init__(self, printing: PrintService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.printing = printing
        self.setWindowTitle("空白表格")
        self.model = FormsModel(self)
        self.model.set_rows(printing.forms())
        self.view = make_table(self.model)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)  # the title column takes the room
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(FormsModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda _index: self.preview())
        self.pages = QSpinBox()
        self.pages.setRange(1, 200)
        self.pages.setSuffix(" 页")
        self.pages.setToolTip("表格类（如登记表）打印几页空行；单张记录表（如投诉记录表）打印几张")
        pages_label = QLabel("份数(&N)")
        pages_label.setBuddy(self.pages)
        self.hint = QLabel("选择表格后点“预览”，在预览中打印或另存为 PDF。")
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        row = QHBoxLayout()
        row.addWidget(pages_label)
        row.addWidget(self.pages)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        self.preview_button = buttons.addButton("预览…", QDialogButtonBox.ButtonRole.ActionRole)
        self.preview_button.setDefault(True)
        self.preview_button.clicked.connect(self.preview)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        if self.model.rowCount():
            self.view.selectRow(0)
        self.view.setFocus()
        size_dialog(self, settings.FORMS_DIALOG_GEOMETRY, 620, 460)

    def chosen(self) -> FormInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def preview(self) -> None:
        from butler_desk.ui.common.pdf_preview import render_and_preview

        form = self.chosen()
        if form is None:
            return
        pages, printing = self.pages.value(), self.printing
        render_and_preview(self, lambda out: printing.print_form(form.id, out, blank_pages=pages),
                           file_stem=f"{form.number}-{form.title}", title=form.label, job_title="空白表格",
                           failed_title="无法生成表格")

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.view.hasFocus():
            self.preview()
            return
        super().keyPressEvent(event)

    def done(self, result: int) -> None:
        from butler_desk.ui.common.pdf_preview import keep_previews_open

        settings.set_value(settings.FORMS_DIALOG_GEOMETRY, self.saveGeometry())
        keep_previews_open(self)  # the blank form may still be printing
        super().done(result)


class PrintMenus:
    """The 打印 menu (发通知, 空白表格, 未签收清单) and 设置 → 打印设置, 小区信息; dialogs load on first use."""

    def __init__(self, window: QMainWindow, services: Services, *, documents: DocumentsTab | None = None,
                 on_estate_saved: Callable[[], None] | None = None) -> None:
        self.window, self.services, self.ctx = window, services, services.ctx
        self.documents = documents
        self.on_estate_saved = on_estate_saved
        bar = window.menuBar()
        self.notice_action = self._action("发通知…", self.open_notices, "Ctrl+Shift+T")
        self.forms_action = self._action("空白表格…", self.open_forms)
        self.overdue_action = self._action("未签收文件清单…", self.print_overdue)
        print_menu = menu_named(bar, PRINT_MENU)
        print_menu.addAction(self.notice_action)
        print_menu.addAction(self.forms_action)
        print_menu.addSeparator()
        print_menu.addAction(self.overdue_action)
        self.print_settings_action = self._action("打印设置…", self.open_print_settings)
        self.estate_action = self._action("小区信息…", self.open_estate)
        settings_menu = menu_named(bar, SETTINGS_MENU)
        if settings_menu.actions():
            settings_menu.addSeparator()
        settings_menu.addAction(self.print_settings_action)
        settings_menu.addAction(self.estate_action)

    def _action(self, text: str, slot, shortcut: str = "") -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(slot)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def _exec(self, dialog: QDialog) -> int:
        try:
            return dialog.exec()
        finally:
            dialog.deleteLater()

    def open_notices(self) -> None:
        from butler_desk.ui.documents.notice_dialog import NoticeDialog

        dialog = NoticeDialog(self.ctx, self.window)
        documents = self.documents
        if documents is not None:
            dialog.issued.connect(lambda _id: documents.reload())
        self._exec(dialog)

    def open_forms(self) -> None:
        self._exec(FormsDialog(self.services.printing, self.window))

    def print_overdue(self) -> None:
        documents = self.documents
        if documents is not None:
            documents.reload()
            documents.print_overdue_list()

    def open_print_settings(self) -> None:
        from butler_desk.ui.printing.settings_dialog import PrintSettingsDialog

        self._exec(PrintSettingsDialog(self.ctx, self.window))

    def open_estate(self) -> None:
        from butler_desk.ui.ledger.estate_dialog import EstateDialog

        dialog = EstateDialog(self.services.ledger, self.window)
        if self._exec(dialog) and dialog.saved is not None and self.on_estate_saved is not None:
            self.on_estate_saved()


def install_print_menus(window: QMainWindow, services: Services, *, documents: DocumentsTab | None = None,
                        on_estate_saved: Callable[[], None] | None = None) -> PrintMenus:
    """Add the printing entries to ``window``'s menus; the caller keeps the result."""
    return PrintMenus(window, services, documents=documents, on_estate_saved=on_estate_saved)
