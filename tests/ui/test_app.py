"""Start-up: Chinese font, settings names, a bad database file, the operator, the main window."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from butler_desk.services.maintenance import open_context
from butler_desk.services.staff import StaffService
from butler_desk.ui.common import settings
from butler_desk.ui.app import EXIT_DATABASE_PROBLEM, UI_FONT_FAMILIES, configure_application, run_gui
from butler_desk.ui.main_window import MainWindow
from butler_desk.ui.operator_dialog import OperatorDialog


def _close_main_window_when_shown(found: list) -> None:
    def poll() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows:
            found.append(windows[0].windowTitle())
            windows[0].close()
            return
        QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)


def test_the_application_font_is_a_chinese_family_from_the_list(qapp):
    configure_application(qapp)
    families = qapp.font().families()
    assert families[0] in UI_FONT_FAMILIES
    assert QCoreApplication.organizationName() == settings.ORGANIZATION_NAME
    assert QCoreApplication.applicationName() == "butler-desk"


def test_qt_own_dialogs_and_standard_buttons_speak_chinese(qapp):
    from PySide6.QtWidgets import QDialogButtonBox

    configure_application(qapp)
    configure_application(qapp)  # twice: one translator, not two
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    texts = {buttons.button(b).text().replace("&", "") for b in (QDialogButtonBox.StandardButton.Ok,
                                                                   QDialogButtonBox.StandardButton.Cancel)}
    assert texts == {"确定", "取消"}
    assert QCoreApplication.translate("QPrintDialog", "Print") == "打印"


def test_a_file_that_is_not_a_database_gives_a_chinese_message_and_exit_code_3(qapp, tmp_path, message_boxes):
    message_boxes.expect_critical = True
    bad = tmp_path / "台账.sqlite3"
    bad.write_bytes(b"this is a spreadsheet, not a database" * 10)
    assert run_gui(bad) == EXIT_DATABASE_PROBLEM
    kind, title, text = message_boxes[-1]
    assert (kind, title) == ("critical", "无法打开数据库")
    assert "不是 Butler Desk 数据库" in text and "Traceback" not in text
    assert bad.read_bytes().startswith(b"this is a spreadsheet")  # never written to


def test_first_start_asks_the_operator_then_shows_the_main_window(qapp, qtbot, tmp_path, modal):
    db = tmp_path / "新库.sqlite3"

    def enter_name(dialog: OperatorDialog) -> None:
        dialog.new_name.setText("李晓红")
        dialog.accept()

    modal.expect(enter_name, kind=OperatorDialog)
    titles: list[str] = []
    _close_main_window_when_shown(titles)
    assert run_gui(db) == 0
    modal.check()
    assert titles == ["管家台"]
    assert settings.value(settings.OPERATOR) == "李晓红"
    ctx = open_context(db)
    try:
        assert [m.name for m in StaffService(ctx).list()] == ["李晓红"]
    finally:
        ctx.db.dispose()


def test_choosing_exit_in_the_operator_dialog_ends_without_a_window(qapp, tmp_path, modal):
    modal.expect(lambda dialog: dialog.reject(), kind=OperatorDialog)
    assert run_gui(tmp_path / "库.sqlite3") == 0
    modal.check()
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]


def test_demo_mode_skips_the_operator_and_marks_the_window(qapp, tmp_path):
    titles: list[str] = []
    _close_main_window_when_shown(titles)
    assert run_gui(tmp_path / "demo.sqlite3", demo=True) == 0
    assert titles == ["演示数据 — 管家台"]


def test_what_the_window_loads_before_its_first_paint_stays_small():
    # Start-up is measured against a bare window (benchmarks/bench_ledger.py); the request and
    # document tabs, their services, the unit dialog and reportlab/openpyxl are loaded after the
    # ledger has painted. (The ORM models all load with the storage package: issue 9.)
    import subprocess
    import sys

    code = ("import sys, butler_desk.cli.main, butler_desk.services.ledger.service, butler_desk.services.maintenance\n"
            "import butler_desk.ui.app\n"
            "late = ('butler_desk.ui.requests.tab', 'butler_desk.ui.documents.tab', 'butler_desk.ui.ledger.unit_dialog',\n"
            "        'butler_desk.services.requests.service', 'butler_desk.services.documents.service',\n"
            "        'reportlab', 'openpyxl', 'alembic', 'pypinyin')\n"
            "print(sorted(m for m in late if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.stdout.strip() == "[]"


def test_a_file_damaged_inside_is_reported_and_the_app_stops_without_writing(qapp, tmp_path, message_boxes):
    # GIVEN a database whose header and schema read fine but a data page in the middle is garbage,
    # which only the background page check (not the quick checks at open) can find
    from tests.storage.test_database_startup_check import _damage_a_middle_page, _fill

    path = tmp_path / "台账.sqlite3"
    _fill(path)
    damaged = _damage_a_middle_page(path)
    message_boxes.expect_critical = True
    # WHEN the app starts on it
    code = run_gui(path, operator="李晓红")
    # THEN the butler is told what to do, the app ends with the database exit code, and the
    # file is exactly as it was
    assert code == EXIT_DATABASE_PROBLEM
    kind, title, text = message_boxes[-1]
    assert (kind, title) == ("critical", "数据库文件已损坏")
    assert "已损坏" in text and "restore" in text and "原文件未被改动" in text
    assert path.read_bytes() == damaged
