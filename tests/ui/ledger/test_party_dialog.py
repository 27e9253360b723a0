"""The party dialog: masked values kept unless changed, inline errors, reveal-to-edit, history."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QInputDialog

from butler_desk.ui.common.detail_models import HistoryModel


def test_phones_and_id_are_shown_masked_and_kept_when_unchanged(open_party, ledger, estate, monkeypatch):
    dialog = open_party(estate.zhang_party)
    assert dialog.form.phones.text() == "138****5678"
    assert dialog.form.id_number.text() == "1101**********002X"
    dialog.form.mailing_address.setText("深圳市南山区科技园路 1 号")
    dialog.form.postcode.setText("518000")
    dialog.accept()

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert ledger.reveal_phones(estate.zhang_party, "测试核对") == ["13812345678"]
    assert ledger.reveal_id_number(estate.zhang_party, "测试核对") == "11010519491231002X"
    assert ledger.party_detail(estate.zhang_party).party.postcode == "518000"


def test_a_bad_postcode_is_shown_under_the_postcode_field(open_party, ledger, estate):
    dialog = open_party(estate.zhang_party)
    dialog.form.postcode.setText("5180")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.form.errors.label("postcode").isVisible()
    assert "6 位数字" in dialog.form.errors.label("postcode").text()
    assert dialog.form.postcode.property("invalid") is True
    assert ledger.party_detail(estate.zhang_party).party.postcode == ""


def test_an_empty_name_is_refused_inline(open_party, estate):
    dialog = open_party(estate.zhang_party)
    dialog.form.name.clear()
    dialog.accept()
    assert "姓名" in dialog.form.errors.label("name").text()


def test_revealing_phones_fills_the_field_for_editing_and_is_recorded(open_party, ledger, estate, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("业主要求更换号码", True))
    dialog = open_party(estate.zhang_party)
    dialog.reveal_phones()
    assert dialog.form.phones.text() == "13812345678"
    model = dialog.history.history_model
    assert model.index(0, HistoryModel.COL_CHANGES).data() == "查看电话明文，原因：业主要求更换号码"

    dialog.form.phones.setText("13812345678、0755-88886666")
    dialog.accept()
    assert ledger.reveal_phones(estate.zhang_party, "核对") == ["13812345678", "0755-88886666"]


def test_the_party_lists_its_units(open_party, estate):
    dialog = open_party(estate.zhang_party)
    assert dialog.units_model.rowCount() == 1
    assert dialog.units_model.index(0, 0).data() == "3-2-1201"
    assert dialog.windowTitle() == "业户 — 张三"
