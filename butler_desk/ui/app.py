"""Starting the GUI: QApplication, Chinese font, settings names, database, operator, main window."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator, Slot
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from butler_desk.domain.errors import BadInput
from butler_desk.paths import resource_path
from butler_desk.services.maintenance import backup_problem, explain_db_error, file_problem, open_context
from butler_desk.services import Services
from butler_desk.ui.common import settings
from butler_desk.ui.main_window import MainWindow
from butler_desk.ui.common.messages import ExceptionHook
from butler_desk.ui.operator_dialog import choose_operator
from butler_desk.ui.common.workers import collect_in_gui_thread

log = logging.getLogger(__name__)

EXIT_DATABASE_PROBLEM = 3
DEMO_OPERATOR = "演示用户"
# Windows first, then macOS, then Linux. Without an explicit list Qt's fallback may draw
# Chinese with Japanese glyph shapes (measured: "Noto Sans CJK JP").
UI_FONT_FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
)
BUNDLED_FONT = ("fonts", "wqy-microhei.ttc")


def chinese_font_families() -> list[str]:
    """The preferred CJK families installed here; registers the bundled font if none is."""
    installed = set(QFontDatabase.families())
    found = [family for family in UI_FONT_FAMILIES if family in installed]
    if not found:
        font_file = resource_path(*BUNDLED_FONT)
        if font_file.exists():
            font_id = QFontDatabase.addApplicationFont(str(font_file))
            found = list(QFontDatabase.applicationFontFamilies(font_id)) if font_id >= 0 else []
        if not found:
            log.warning("no Chinese UI font found; text may show as boxes")
    return found


def configure_application(app: QApplication) -> None:
    """Names for QSettings, the Chinese UI font, garbage collection in this thread; safe to call more than once."""
    collect_in_gui_thread(app)  # before any worker thread can run the collector (ui/workers.py)
    app.setOrganizationName(settings.ORGANIZATION_NAME)
    app.setApplicationName("butler-desk")
    app.setApplicationDisplayName(settings.APPLICATION_NAME)
    families = chinese_font_families()
    if families:
        font = QFont(app.font())
        font.setFamilies(families + [f for f in font.families() if f not in families])
        app.setFont(font)
    install_qt_translations(app)


def install_qt_translations(app: QApplication) -> None:
    """Qt's own dialogs (the system print dialog, standard buttons, file dialogs) in Chinese.

    Without Qt's translations the print dialog and the 确定/取消 of standard buttons show in
    English on every machine whose Qt does not pick them up from the system.
    """
    if getattr(app, "_butler_desk_translator", None) is not None:
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder):
        app.installTranslator(translator)
        app._butler_desk_translator = translator  # type: ignore[attr-defined]  # kept alive with the app
    else:
        log.info("Qt translations for zh_CN not found in %s", folder)


class DatabaseWatch(QObject):
    """Tells the butler at once if the background check finds the database file damaged.

    open_context checks the file's page structure on a worker thread so that the window can
    paint first; writes wait for that check. If it fails, the window says so and closes (exit
    code 3): nothing can be saved, and the fix is restoring a backup. A failed daily backup is
    shown in the status bar.
    """

    def __init__(self, window: MainWindow, ctx, interval_ms: int = 200) -> None:
        super().__init__(window)
        self.window, self.ctx = window, ctx
        self.problem: str | None = None
        self.checked = False
        self.polls_left = 5 * 60 * 1000 // interval_ms  # how long to look out for a failed backup
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    @Slot()
    def poll(self) -> None:
        if self.checked:  # the file is fine; the daily backup runs after the check
            self.polls_left -= 1
            backup_failed = backup_problem(self.ctx)
            if backup_failed:
                self.window.statusBar().showMessage(backup_failed)
            if backup_failed or self.polls_left <= 0:
                self.timer.stop()
            return
        problem = file_problem(self.ctx)
        if problem == "":
            return  # still checking
        if problem is None:
            self.checked = True
            return
        self.timer.stop()
        self.problem = problem
        log.error("database %s failed its check: %s", self.ctx.db_path, problem)
        QMessageBox.critical(self.window, "数据库文件已损坏", problem)
        QApplication.instance().exit(EXIT_DATABASE_PROBLEM)


class _FirstPaintProbe(QObject):
    """For the start-up benchmark and the packaging smoke test (BUTLER_DESK_EXIT_AFTER_PAINT=1):
    print ``first-paint`` when the ledger table first paints; once the whole ledger is
    loaded, print the peak memory and quit."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            print("first-paint", flush=True)
            tab = self.window.ledger_tab
            if tab.is_loading():
                tab.index_ready.connect(self._report_and_quit)
            else:
                QTimer.singleShot(0, self._report_and_quit)
        return False

    @Slot()
    def _report_and_quit(self) -> None:
        peak_kb = _peak_memory_kb()
        if peak_kb is not None:
            print("maxrss-kb", peak_kb, flush=True)
        QApplication.quit()


def _peak_memory_kb() -> int | None:
    """Peak resident memory of this process: VmHWM on Linux (ru_maxrss survives exec and
    could report the launching process's peak), else ru_maxrss; None on Windows."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    try:
        import resource
    except ImportError:
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def confirm_new_database(db_path: Path) -> bool:
    """Ask before creating a database anywhere but the default place (a mistyped path)."""
    answer = QMessageBox.question(
        None, "新建数据库？",
        f"找不到数据库文件：\n{db_path}\n\n是否在这里新建一个空的数据库？\n"
        "如果路径写错了，请选“否”，检查路径后重新打开。",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def run_gui(db_path: Path, *, demo: bool = False, operator: str | None = None,
            ask_before_creating: bool = False) -> int:
    """Run the desktop app on ``db_path``; returns the process exit code.

    ``demo`` marks the window as demo data and skips the operator question (the changes
    are recorded as made by 演示用户); so does an ``operator`` given on the command line.
    ``ask_before_creating``: the path was named by the user, so a missing file is created
    only after the user says yes (exit 3 otherwise, nothing created).
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_application(app)  # type: ignore[arg-type]
    hook = ExceptionHook()
    hook.install()
    try:
        db_path = Path(db_path)
        if ask_before_creating and not db_path.exists() and not confirm_new_database(db_path):
            return EXIT_DATABASE_PROBLEM
        try:
            ctx = open_context(Path(db_path))
        except BadInput as exc:  # DatabaseProblem included: corrupt or foreign file
            log.error("cannot open database %s: %s", db_path, exc.message)
            QMessageBox.critical(None, "无法打开数据库", exc.message)
            return EXIT_DATABASE_PROBLEM
        except Exception as exc:  # noqa: BLE001 - the user sees a sentence, the log the traceback
            log.exception("cannot open database %s", db_path)
            problem = explain_db_error(exc, db_path)
            QMessageBox.critical(None, "无法打开数据库", problem.message if problem is not None else
                                 f"无法打开数据库“{Path(db_path).name}”：{exc}\n数据库没有被改动；请把日志文件发给管理员。")
            return EXIT_DATABASE_PROBLEM
        try:
            services = Services(ctx)
            if operator is None:
                operator = DEMO_OPERATOR if demo else choose_operator(services.staff)
            if operator is None:
                return 0
            services.sign_in(operator)
            window = MainWindow(services, demo=demo)
            if os.environ.get("BUTLER_DESK_EXIT_AFTER_PAINT") == "1":
                probe = _FirstPaintProbe(window)
                window.ledger_tab.table.viewport().installEventFilter(probe)
            window.show()
            watch = DatabaseWatch(window, ctx)
            code = app.exec()
            return EXIT_DATABASE_PROBLEM if watch.problem else code
        finally:
            ctx.db.dispose()
    finally:
        hook.uninstall()
