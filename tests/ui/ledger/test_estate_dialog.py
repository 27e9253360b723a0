"""小区信息 on a real database: loading, saving, the sender sample, inline errors, and the window title."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from butler_desk.services import Services
from butler_desk.services.ledger.views import EstateInfo
from butler_desk.ui.ledger.estate_dialog import EstateDialog
from butler_desk.ui.main_window import MainWindow


@pytest.fixture
def dialog(qtbot, ledger, estate):
    window = EstateDialog(ledger)
    qtbot.addWidget(window, before_close_func=lambda d: d.done(QDialog.DialogCode.Rejected))
    window.show()
    return window


def fill(dialog: EstateDialog, **values: str) -> None:
    for key, text in values.items():
        dialog.inputs[key].setText(text)


def test_given_the_estate_when_opened_then_its_fields_show(dialog, ledger):
    assert dialog.inputs["name"].text() == ledger.estate_info().name == "本小区"
    assert dialog.inputs["service_center"].text() == "物业服务中心"


def test_saving_stores_every_field_and_shows_the_sender_as_the_envelope_prints_it(dialog, ledger):
    fill(dialog, name="翠湖花园", company_name="安居物业服务有限公司", service_center="翠湖花园物业服务中心",
         address="深圳市龙岗区翠湖路88号", postcode="518116", phone="0755-28881234")
    assert dialog.sample.text() == ("信封寄件人：深圳市龙岗区翠湖路88号　安居物业服务有限公司翠湖花园物业服务中心"
                                    "　邮政编码 518116")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    assert ledger.estate_info() == EstateInfo("翠湖花园", "安居物业服务有限公司", "翠湖花园物业服务中心",
                                              "深圳市龙岗区翠湖路88号", "518116", "0755-28881234")
    assert dialog.saved == ledger.estate_info()


@pytest.mark.parametrize(("field", "text", "words"), [
    ("postcode", "51811", "邮政编码"),
    ("name", "", "小区名称"),
    ("phone", "12ab", "电话"),
])
def test_a_bad_value_is_shown_under_its_field_and_nothing_is_saved(dialog, ledger, field, text, words):
    before = ledger.estate_info()
    fill(dialog, **{field: text}, company_name="新公司")
    dialog.accept()
    error = dialog.errors.label(field)
    assert dialog.isVisible() and error.isVisible()
    assert words in error.text()
    assert dialog.inputs[field].property("invalid") is True
    assert ledger.estate_info() == before


def test_the_menu_entry_saves_and_renames_the_window(qtbot, ctx, estate, modal):
    window = MainWindow(Services(ctx))
    qtbot.addWidget(window)

    def rename(dialog: EstateDialog) -> None:
        dialog.inputs["name"].setText("翠湖花园")
        dialog.accept()

    modal.expect(rename, kind=EstateDialog)
    window.print_menus.estate_action.trigger()
    modal.check()
    assert window.windowTitle() == "翠湖花园 — 管家台"
