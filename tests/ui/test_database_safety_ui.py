"""The window and the database file: 文件 → 从备份恢复…, and asking before creating a database at a named path."""

from __future__ import annotations

import sqlite3

from PySide6.QtWidgets import QFileDialog, QMessageBox

from butler_desk.services.maintenance import backup_to, open_context
from butler_desk.services.staff import StaffService
from butler_desk.ui.app import EXIT_DATABASE_PROBLEM, run_gui


def _unit_count(path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM units").fetchone()[0]
    finally:
        con.close()


def _press(text: str):
    def click(box: QMessageBox) -> None:
        next(b for b in box.buttons() if b.text() == text).click()

    return click


def test_restore_through_the_menu_asks_then_replaces_the_file_and_closes_the_window(
        qtbot, window, ctx, db_path, tmp_path, monkeypatch, modal, message_boxes):
    saved = backup_to(db_path, tmp_path / "周一.sqlite3")  # 3 units
    StaffService(ctx).add("后来的人", "客服管家")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    modal.expect(_press("恢复"), kind=QMessageBox)

    window.restore_action.trigger()

    modal.check()
    assert "已从" in message_boxes[-1][2] and "重新打开" in message_boxes[-1][2]
    assert not window.isVisible()
    con = sqlite3.connect(db_path)
    assert "后来的人" not in [r[0] for r in con.execute("SELECT name FROM staff")]
    con.close()
    assert _unit_count(db_path) == 3
    assert list((db_path.parent / "backups").glob("*before-restore*"))


def test_restore_while_another_desk_has_the_file_open_is_refused_and_the_window_keeps_working(
        qtbot, window, ctx, db_path, tmp_path, monkeypatch, modal, message_boxes):
    saved = backup_to(db_path, tmp_path / "周一.sqlite3")
    other_desk = open_context(db_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    modal.expect(_press("恢复"), kind=QMessageBox)
    try:
        window.restore_action.trigger()
    finally:
        other_desk.db.dispose()

    modal.check()
    kind, title, text = message_boxes[-1]
    assert (kind, title) == ("warning", "恢复失败") and "管家台正在使用这个数据库" in text
    assert window.isVisible()
    StaffService(ctx).add("还能保存", "客服管家")  # the window's own hold was taken back


def test_a_named_database_that_does_not_exist_is_not_created_when_the_user_says_no(qapp, tmp_path, monkeypatch):
    asked: list[str] = []

    def answer(choice):
        def question(_parent, _title, text, *_args, **_kwargs):
            asked.append(text)
            return choice
        return question

    typo = tmp_path / "typo.sqlite3"
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    assert run_gui(typo, operator="李晓红", ask_before_creating=True) == EXIT_DATABASE_PROBLEM
    assert str(typo) in asked[0]
    assert list(tmp_path.iterdir()) == []
    # (Answering yes goes on as any first start does: tests/ui/test_app.py covers that path.)
