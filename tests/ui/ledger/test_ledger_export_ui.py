"""导出台账 from the menu with full numbers: the purpose is asked first and recorded with the operator."""

from __future__ import annotations

import json

from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from sqlalchemy import select

from butler_desk.storage.models import AuditEntry


def _choose_clear(modal) -> None:
    modal.expect(lambda box: next(b for b in box.buttons() if b.text() == "导出明文…").click(), kind=QMessageBox)


def _reveals(ctx) -> list[AuditEntry]:
    with ctx.db.unit_of_work("test") as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal")))


def test_a_clear_export_asks_the_purpose_and_records_it_with_the_operator(qtbot, window, modal, ctx, tmp_path,
                                                                          monkeypatch, message_boxes):
    out = tmp_path / "台账-明文.xlsx"
    asked = []

    def answer(parent, title, label, *args, **kwargs):
        asked.append((title, label))
        return "交总部存档", True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    _choose_clear(modal)
    window.export_action.trigger()
    modal.check()
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=20000)

    assert message_boxes[-1][:2] == ("information", "导出台账")
    assert asked and asked[0][0] == "导出明文台账" and "完整电话、证件号" in asked[0][1]
    cells = " ".join(str(c.value) for ws in load_workbook(out).worksheets for row in ws.iter_rows() for c in row
                     if c.value)
    assert "13812345678" in cells
    records = _reveals(ctx)
    assert len(records) == 1
    assert records[0].operator == "李晓红"
    detail = json.loads(records[0].changes)
    assert "交总部存档" in json.dumps(detail, ensure_ascii=False)
    assert str(tmp_path) not in records[0].changes  # the reason is the purpose, not the file's path


def test_no_purpose_no_clear_export(qtbot, window, modal, ctx, tmp_path, monkeypatch, message_boxes):
    saved_to = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: saved_to.append(1) or ("", ""))
    _choose_clear(modal)
    window.export_action.trigger()
    modal.check()
    assert saved_to == []  # not even asked where
    assert _reveals(ctx) == []
    assert list(tmp_path.glob("*.xlsx")) == []
