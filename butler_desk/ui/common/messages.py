"""Message boxes in Chinese and the global exception hook: the user never sees a traceback."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox, QWidget

from butler_desk.domain.errors import BadInput
from butler_desk.paths import log_dir

log = logging.getLogger(__name__)


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def show_problem(parent: QWidget | None, exc: BaseException, title: str = "无法完成") -> None:
    """A BadInput's own message; anything else is logged and reported in general words."""
    exc = as_database_problem(exc)
    if isinstance(exc, BadInput):
        QMessageBox.warning(parent, title, exc.message)
        return
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    QMessageBox.critical(parent, "程序出错", unexpected_error_text(exc))


def as_database_problem(exc: BaseException) -> BaseException:
    """Busy, read-only, disk full…: the storage layer's Chinese explanation, else ``exc`` itself."""
    if isinstance(exc, BadInput):
        return exc
    from butler_desk.services.maintenance import explain_db_error  # loaded by then; keeps this module light

    problem = explain_db_error(exc)
    if problem is not None:
        log.warning("database problem: %s", exc)
    return problem if problem is not None else exc


def unexpected_error_text(exc: BaseException) -> str:
    return (
        "操作没有完成，程序遇到了意外问题。已保存的数据不受影响。\n\n"
        f"问题：{type(exc).__name__}: {exc}\n\n"
        f"详细信息已写入日志文件夹：{_log_folder()}\n"
        "如果问题反复出现，请把日志文件发给系统管理员。"
    )


def confirm(parent: QWidget | None, title: str, text: str, yes_text: str = "确定") -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes)
    box.exec()
    chosen = box.clickedButton() is yes
    box.deleteLater()
    return chosen


def ask_reason(parent: QWidget | None, what: str) -> str | None:
    """Why the user needs to see a masked value; the answer goes into the audit trail."""
    while True:
        text, ok = QInputDialog.getText(
            parent, f"查看{what}", f"查看{what}会记录在变更记录中。\n请填写查看原因（如：联系业主报修回访）：",
            QLineEdit.EchoMode.Normal, "",
        )
        if not ok:
            return None
        if text.strip():
            return text.strip()
        QMessageBox.warning(parent, f"查看{what}", "请填写查看原因。")


def ask_purpose(parent: QWidget | None, title: str, what: str, example: str) -> str | None:
    """Why full phones and ID numbers are written out to a file; the answer goes into the audit trail.

    ``what`` names the file (“导出的台账”), ``example`` a typical purpose; None when cancelled.
    """
    while True:
        text, ok = QInputDialog.getText(
            parent, title,
            f"{what}含完整电话、证件号，会连同操作人记录在变更记录中。\n请填写用途（如：{example}）：",
            QLineEdit.EchoMode.Normal, "",
        )
        if not ok:
            return None
        if text.strip():
            return text.strip()
        QMessageBox.warning(parent, title, "请填写用途。")


def _log_folder() -> str:
    try:
        return str(log_dir())
    except OSError:
        return "（无法确定）"


def _main_window() -> QWidget | None:
    """A visible top-level window to parent the message box, active one first.

    Not QApplication.activeWindow(), whose None result PySide6 6.12.0 mishandled (kept out in pyproject.toml).
    """
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow()]
    active = [w for w in visible if w.isActiveWindow()]
    return (active or visible or [None])[0]


class ExceptionHook:
    """Replaces sys.excepthook: log the traceback, show a Chinese message, keep running.

    Qt calls Python slots from its event loop; an exception escaping one would otherwise
    print a traceback to a console the butler never sees.
    """

    def __init__(self) -> None:
        self._previous = sys.excepthook
        self._showing = False

    def install(self) -> None:
        sys.excepthook = self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous

    def __call__(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous(kind, exc, tb)
            return
        if not isinstance(exc, BadInput):
            log.error("uncaught exception:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        app = QApplication.instance()
        if app is None or self._showing:
            return
        # Show the box from the event loop, not from inside whatever slot failed.
        QTimer.singleShot(0, lambda: self._show(exc))

    def _show(self, exc: BaseException) -> None:
        self._showing = True
        try:
            exc = as_database_problem(exc)
            parent = _main_window()
            if isinstance(exc, BadInput):
                QMessageBox.warning(parent, "无法完成", exc.message)
            else:
                QMessageBox.critical(parent, "程序出错", unexpected_error_text(exc))
        finally:
            self._showing = False
