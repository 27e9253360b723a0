"""变更记录 in the dialogs: a phone change shows before → after masked, and a line is revealed with a reason."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QInputDialog

from butler_desk.ui.common.detail_models import HistoryModel
from butler_desk.ui.ledger.party_dialog import PartyDialog
from butler_desk.ui.ledger.unit_dialog import UnitDialog


@pytest.fixture
def changed_phone(open_party, ledger, estate, monkeypatch):
    """GIVEN 张三's phone changed from 13812345678 to 13955556666 in the party dialog."""
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("业主要求更换号码", True))
    dialog = open_party(estate.zhang_party)
    dialog.reveal_phones()
    dialog.form.phones.setText("13955556666")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    return estate.zhang_party


def _row_with(model: HistoryModel, text: str) -> int:
    for row in range(model.rowCount()):
        if text in model.index(row, HistoryModel.COL_CHANGES).data():
            return row
    raise AssertionError(f"no line with {text!r}: "
                         + " | ".join(model.index(r, HistoryModel.COL_CHANGES).data() for r in range(model.rowCount())))


def test_a_phone_change_shows_the_before_and_the_after_masked(changed_phone, open_party):
    dialog = open_party(changed_phone)
    model = dialog.history.history_model
    row = _row_with(model, "电话：138****5678 → 139****6666")
    assert model.index(row, HistoryModel.COL_ACTION).data() == "修改"
    assert model.index(row, HistoryModel.COL_RECORD).data() == "业户 张三"
    every_line = " ".join(model.index(r, c).data() for r in range(model.rowCount()) for c in range(5))
    assert "13955556666" not in every_line and "13812345678" not in every_line


def test_revealing_a_line_shows_it_in_clear_and_records_who_asked_and_why(changed_phone, open_party, ledger,
                                                                          monkeypatch):
    asked = []

    def answer(parent, title, label, *args, **kwargs):
        asked.append(title)
        return "核对号码变更", True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    dialog = open_party(changed_phone)
    dialog.tabs.setCurrentWidget(dialog.history)
    view, model = dialog.history, dialog.history.history_model
    assert view.reveal_button.isVisible()
    assert not view.reveal_button.isEnabled()  # nothing selected yet
    before = model.rowCount()
    view.table.selectRow(_row_with(model, "138****5678 → 139****6666"))
    assert view.reveal_button.isEnabled()

    view.reveal_button.click()

    assert asked == ["查看变更记录中的完整号码"]
    assert model.rowCount() == before + 1  # the reveal itself is a line of the history
    newest = model.index(0, HistoryModel.COL_CHANGES).data()
    assert newest.startswith("查看变更记录中的电话、证件号明文") and newest.endswith("原因：核对号码变更")
    assert model.index(0, HistoryModel.COL_OPERATOR).data() == "李晓红"
    clear_row = _row_with(model, "电话：13812345678 → 13955556666")
    assert view.selected_entry() is model.row_at(clear_row)
    assert not view.reveal_button.isEnabled()  # already in clear
    assert dialog.grab().save("/tmp/ui_history_revealed.png")
    # Recorded in the database, not only shown: a fresh read of the history has the record.
    records = [e for e in ledger.party_history(changed_phone) if e.action == "查看明文"]
    assert any(reason == "核对号码变更" for e in records for _label, _what, reason in e.changes)


def test_cancelling_the_reason_reveals_and_records_nothing(changed_phone, open_party, ledger, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    dialog = open_party(changed_phone)
    view, model = dialog.history, dialog.history.history_model
    before = len(ledger.party_history(changed_phone))
    view.table.selectRow(_row_with(model, "138****5678 → 139****6666"))
    view.reveal_button.click()
    assert len(ledger.party_history(changed_phone)) == before
    _row_with(model, "138****5678 → 139****6666")


def test_a_line_without_personal_data_cannot_be_revealed(qtbot, ledger, estate):
    dialog = UnitDialog(ledger, estate.zhang_unit)
    qtbot.addWidget(dialog, before_close_func=lambda d: d.done(QDialog.DialogCode.Rejected))
    view, model = dialog.history, dialog.history.history_model
    row = _row_with(model, "建筑面积")
    view.table.selectRow(row)
    assert not model.row_at(row).revealable
    assert not view.reveal_button.isEnabled()


def test_a_dialog_with_the_reveal_button_is_freed_without_the_garbage_collector(qtbot, ledger, estate):
    # A reference cycle through the history view would leave the dialog to the collector,
    # which may run on a worker thread, where deleting widgets crashes Qt.
    import gc
    import weakref

    collecting = gc.isenabled()
    gc.disable()
    try:
        dialog = PartyDialog(ledger, estate.zhang_party)
        dialog.done(QDialog.DialogCode.Rejected)
        freed = weakref.ref(dialog)
        history = weakref.ref(dialog.history)
        del dialog
        assert freed() is None and history() is None
    finally:
        if collecting:
            gc.enable()
