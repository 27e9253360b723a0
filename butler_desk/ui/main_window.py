"""The main window: tabs, the 文件/帮助 menus, the status bar, and remembered layout.

The ledger is what the butler needs first, so the window paints it before the other tabs
exist: 投诉报修 and 文件发放 (and their menus) are built right after the ledger's first paint,
or at once when one of them is asked for (clicked, remembered from last time, used by code).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from butler_desk.domain import clock
import butler_desk
from butler_desk.domain.errors import BadInput
from butler_desk.paths import backups_dir_for
from butler_desk.services import Services
from butler_desk.services.maintenance import backup_to, restore_into_open
from butler_desk.ui.common import settings
from butler_desk.ui.ledger.tab import LedgerTab
from butler_desk.ui.common.menus import FILE_MENU, HELP_MENU, menu_named
from butler_desk.ui.common.messages import ask_purpose, confirm, show_info, show_problem
from butler_desk.ui.common.workers import run_with_progress

XLSX = "Excel 工作簿 (*.xlsx)"


class _TabSlot(QWidget):
    """A tab page that receives its real content later (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def fill(self, content: QWidget) -> None:
        self.layout().addWidget(content)


class _FirstPaint(QObject):
    """Calls ``then`` once, on the event loop's next turn after ``widget`` first paints."""

    def __init__(self, widget: QWidget, then) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint and self._then is not None:
            then, self._then = self._then, None
            watched.removeEventFilter(self)
            QTimer.singleShot(0, then)
        return False


def _with_suffix(name: str, suffix: str) -> Path:
    path = Path(name)
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def window_title(estate: str | None, *, demo: bool) -> str:
    """The main window's title, the one place it is made: "小区名（演示数据） — 管家台".

    It ends with the application's display name on purpose: Qt on Windows and X11 appends
    " — 管家台" to any title that does not already end with it, which made the old
    "管家台 — 小区名" show as "管家台 — 小区名 — 管家台"."""
    mark = "（演示数据）" if demo else ""
    head = f"{estate}{mark}" if estate else ("演示数据" if demo else "")
    return f"{head} — {settings.APPLICATION_NAME}" if head else settings.APPLICATION_NAME


class MainWindow(QMainWindow):
    def __init__(self, services: Services, *, demo: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.ctx = services.ctx  # db_path and operator for the status bar and backup/restore
        self.ledger = services.ledger
        self.demo = demo
        self.setObjectName("MainWindow")
        self.refresh_title()

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.ledger_tab = LedgerTab(self.ledger)
        self.tabs.addTab(self.ledger_tab, "业户台账")
        self._requests_slot, self._documents_slot = _TabSlot(), _TabSlot()
        self.tabs.addTab(self._requests_slot, "投诉报修")
        self.tabs.addTab(self._documents_slot, "文件发放")
        self._arrears_slot = _TabSlot()
        self.tabs.addTab(self._arrears_slot, "欠费催收")
        self._arrears_tab = None
        self._requests_tab = self._documents_tab = self._print_menus = None
        self.setCentralWidget(self.tabs)
        self._build_menus()
        self._build_status_bar()

        self.resize(1280, 760)
        geometry = settings.value(settings.MAIN_GEOMETRY)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = settings.value(settings.MAIN_STATE)
        if not state.isEmpty():
            self.restoreState(state)
        tab = settings.value(settings.MAIN_TAB)
        if 0 < tab < self.tabs.count():
            self.build_other_tabs()  # the butler left off on one of them: it shows first
            self.tabs.setCurrentIndex(tab)
        self.tabs.currentChanged.connect(lambda index: index > 0 and self.build_other_tabs())
        self._after_first_paint = _FirstPaint(self.ledger_tab.table.viewport(), self.build_other_tabs)
        self.ledger_tab.reload()
        self.ledger_tab.focus_search()

    # ----- the tabs built after the ledger's first paint -------------------------------------
    @property
    def requests_tab(self):
        self.build_other_tabs()
        return self._requests_tab

    @property
    def documents_tab(self):
        self.build_other_tabs()
        return self._documents_tab

    @property
    def print_menus(self):
        """The 打印 menu's actions (ui/forms_dialog.PrintMenus)."""
        self.build_other_tabs()
        return self._print_menus

    def refresh_title(self) -> None:
        """Title from the estate's current name (after 设置 → 小区信息 too)."""
        self.setWindowTitle(window_title(self.ledger.estate_name(), demo=self.demo))

    def build_other_tabs(self) -> None:
        """The 投诉报修 and 文件发放 tabs and their menus (工单, 打印, 设置); once."""
        if self._requests_tab is not None:
            return
        from butler_desk.ui.documents.tab import DocumentsTab
        from butler_desk.ui.printing.forms_dialog import install_print_menus
        from butler_desk.ui.requests.tab import RequestsTab
        from butler_desk.ui.ledger import unit_dialog  # noqa: F401  # loaded now, so that opening a unit is quick

        self._requests_tab = RequestsTab(self.services)
        self._requests_slot.fill(self._requests_tab)
        self._documents_tab = DocumentsTab(self.services)
        self._documents_slot.fill(self._documents_tab)
        from butler_desk.services.arrears import ArrearsService
        from butler_desk.ui.arrears.tab import ArrearsTab

        self._arrears_tab = ArrearsTab(ArrearsService(self.ctx))
        self._arrears_slot.fill(self._arrears_tab)  # reads the register when first shown
        # 投诉报修: the 工单 and 设置 menus, Ctrl+Shift+N (owned by ui/requests_tab.py)
        self._requests_tab.install_menus(self)
        # 打印 and 设置 → 打印设置/小区信息: notices, blank forms (owned by ui/forms_dialog.py)
        self._print_menus = install_print_menus(self, self.services, documents=self._documents_tab,
                                               on_estate_saved=self.refresh_title)

    # ----- layout -------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut: QKeySequence | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(shortcut)
        return action

    def _build_menus(self) -> None:
        file_menu = menu_named(self.menuBar(), FILE_MENU)
        self.import_action = self._action("导入业户资料…", self.import_roster, QKeySequence("Ctrl+I"))
        self.template_action = self._action("下载导入模板…", self.save_template)
        self.export_action = self._action("导出台账…", self.export_ledger, QKeySequence("Ctrl+E"))
        self.backup_action = self._action("备份数据库…", self.backup_database)
        self.restore_action = self._action("从备份恢复…", self.restore_database)
        self.quit_action = self._action("退出", self.close, QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.template_action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.restore_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        help_menu = menu_named(self.menuBar(), HELP_MENU)
        self.about_action = self._action("关于", self.about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(self.about_action)

    def _build_status_bar(self) -> None:
        self.db_label = QLabel(f"数据库：{self.ctx.db_path}")
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.operator_label = QLabel(f"操作人：{self.ctx.operator}")
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.operator_label)

    # ----- file menu ----------------------------------------------------------------------
    # Import and export load openpyxl and the roster rules; importing them on first use
    # keeps them out of start-up, where the ledger has to appear fast.
    @property
    def importer(self):
        return self.services.roster_import

    def import_roster(self) -> None:
        from butler_desk.ui.ledger.import_dialog import ImportDialog

        dialog = ImportDialog(self.importer, self)
        dialog.imported.connect(lambda _summary: self.ledger_tab.reload())
        dialog.exec()
        dialog.deleteLater()

    def save_template(self) -> None:
        suggested = Path(settings.folder(settings.LAST_EXPORT_DIR)) / "业户资料导入模板.xlsx"
        name, _ = QFileDialog.getSaveFileName(self, "保存导入模板", str(suggested), XLSX)
        if not name:
            return
        out = _with_suffix(name, ".xlsx")
        settings.remember_folder(settings.LAST_EXPORT_DIR, out)
        try:
            saved = self.importer.write_template(out)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc, "无法保存模板")
            return
        show_info(self, "下载导入模板", f"模板已保存到：\n{saved}\n\n请按“填写说明”工作表填写后，用“导入业户资料”导入。")

    def export_ledger(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "导出台账",
                          "导出全部房屋和业户资料为 Excel。\n\n电话和证件号默认脱敏（如 138****5678）。"
                          "导出明文仅用于内部存档，导出操作会记录在变更记录中。", QMessageBox.StandardButton.NoButton, self)
        masked_button = box.addButton("导出（脱敏）", QMessageBox.ButtonRole.AcceptRole)
        clear_button = box.addButton("导出明文…", QMessageBox.ButtonRole.ActionRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(masked_button)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked not in (masked_button, clear_button):
            return
        masked = clicked is masked_button
        reason = ""
        if not masked:
            # Full numbers leave the database: the purpose goes into the audit trail with the operator.
            reason = ask_purpose(self, "导出明文台账", "导出的台账", "交总部存档") or ""
            if not reason:
                return
        stem = f"业户台账-{clock.today():%Y%m%d}" + ("" if masked else "-明文")
        suggested = Path(settings.folder(settings.LAST_EXPORT_DIR)) / f"{stem}.xlsx"
        name, _ = QFileDialog.getSaveFileName(self, "导出台账", str(suggested), XLSX)
        if not name:
            return
        out = _with_suffix(name, ".xlsx")
        settings.remember_folder(settings.LAST_EXPORT_DIR, out)
        exporter = self.services.ledger_export

        def job(progress, is_cancelled):
            return exporter.export(out, masked=masked, reason=reason, progress=progress, is_cancelled=is_cancelled)

        run_with_progress(
            self, "导出台账", f"正在导出到 {out.name} …", job,
            on_finished=lambda path: self._done_message("导出台账", f"台账已导出到：\n{path}"),
            on_failed=lambda exc: show_problem(self, exc, "导出失败"),
            on_cancelled=lambda: self.statusBar().showMessage("已取消导出", 5000),
        )

    def backup_database(self) -> None:
        db_path = self.ctx.db_path
        if db_path is None:
            show_problem(self, BadInput("当前数据库不是本机文件，无法在这里备份；请联系管理员"))
            return
        suggested = backups_dir_for(db_path) / f"{db_path.stem}-{clock.now():%Y%m%d-%H%M}.sqlite3"
        name, _ = QFileDialog.getSaveFileName(self, "备份数据库", str(suggested), "数据库备份 (*.sqlite3);;所有文件 (*)")
        if not name:
            return
        out = Path(name)

        def job(_progress, _is_cancelled):
            return backup_to(db_path, out)

        run_with_progress(
            self, "备份数据库", "正在备份数据库 …", job,
            on_finished=lambda path: self._done_message(
                "备份数据库", f"数据库已备份到：\n{path}\n\n请定期把备份复制到 U 盘或其他电脑。"),
            on_failed=lambda exc: show_problem(self, exc, "备份失败"),
            cancellable=False,
        )

    def restore_database(self) -> None:
        """Replace the database with a backup, after a confirmation; then the window closes.

        The open window's lists, tabs and workers all hold the old file's data, so rather
        than patch each one the app closes and is reopened on the restored file.
        """
        db_path = self.ctx.db_path
        if db_path is None:
            show_problem(self, BadInput("当前数据库不是本机文件，无法在这里恢复；请联系管理员"))
            return
        name, _ = QFileDialog.getOpenFileName(self, "从备份恢复", str(backups_dir_for(db_path)),
                                              "数据库备份 (*.sqlite3);;所有文件 (*)")
        if not name:
            return
        if not confirm(self, "从备份恢复",
                       f"用备份“{Path(name).name}”替换当前数据库？\n\n当前数据库会先另存一份到备份文件夹。"
                       "恢复后管家台会关闭，请重新打开。\n其他电脑或窗口如果开着这个数据库，请先关闭它们。",
                       yes_text="恢复"):
            return
        try:
            safety = restore_into_open(self.ctx, Path(name))
        except Exception as exc:  # noqa: BLE001 - shown to the user; nothing was replaced
            show_problem(self, exc, "恢复失败")
            return
        show_info(self, "从备份恢复", f"已从“{Path(name).name}”恢复数据库。\n原数据库已另存为：\n{safety}\n\n"
                  "管家台现在关闭，请重新打开以使用恢复的数据。")
        self.close()  # the last window: the app quits, and run_gui closes the database

    def _done_message(self, title: str, text: str) -> None:
        self.statusBar().showMessage("".join(text.splitlines()[:2]), 8000)
        show_info(self, title, text)

    # ----- help ---------------------------------------------------------------------------
    def about(self) -> None:
        QMessageBox.about(
            self, "关于管家台",
            f"<b>管家台</b> {butler_desk.__version__}<br>物业客服管家的业户台账与日常工作台。<br><br>"
            f"数据库：{self.ctx.db_path}<br>操作人：{self.ctx.operator}<br><br>"
            "资料只保存在本机数据库中；电话、证件号默认脱敏显示，查看明文会记录在案。",
        )

    # ----- state --------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        settings.set_value(settings.MAIN_GEOMETRY, self.saveGeometry())
        settings.set_value(settings.MAIN_STATE, self.saveState())
        settings.set_value(settings.MAIN_TAB, self.tabs.currentIndex())
        self.ledger_tab.save_state()
        self.ledger_tab.wait_until_loaded()
        super().closeEvent(event)
