"""A notice template's fields as a form, built from the real templates in forms/notices: inputs per field
type, required marks, the price-list table, typed values and the change signal."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QPlainTextEdit,
    QPushButton,
    QTableWidgetItem,
)

from butler_desk.services.documents.notices import NoticeService
from butler_desk.ui.documents.notice_form import TableField, TemplateForm, money_or_text


@pytest.fixture
def form_for(qtbot):
    def make(template_id: str) -> TemplateForm:
        form = TemplateForm.for_template(NoticeService.template(template_id))
        qtbot.addWidget(form)
        return form

    return make


def labels(form: TemplateForm) -> list[str]:
    layout = form.findChild(QFormLayout)
    return [layout.itemAt(r, QFormLayout.ItemRole.LabelRole).widget().text() for r in range(layout.rowCount())]


def test_the_water_notice_asks_for_its_times_place_reason_and_phone(form_for):
    form = form_for("water-outage")
    assert form.inputs.keys() == {"start", "end", "area", "reason", "arrangement", "contact_phone"}
    assert isinstance(form.inputs["start"], QDateTimeEdit) and isinstance(form.inputs["end"], QDateTimeEdit)
    assert form.inputs["end"].dateTime() > form.inputs["start"].dateTime()  # 09:00 to 17:00 tomorrow
    assert isinstance(form.inputs["arrangement"], QPlainTextEdit)
    texts = labels(form)
    assert texts[0].startswith("停水开始时间") and "*" in texts[0]
    assert "*" not in next(t for t in texts if t.startswith("临时安排"))


def test_values_are_typed_for_the_service(form_for):
    water = form_for("water-outage")
    water.inputs["area"].setText(" 3栋全部单元 ")
    values = water.values()
    assert isinstance(values["start"], datetime) and values["start"].second == 0
    assert values["start"].time() == time(9, 0) and values["end"].time() == time(17, 0)
    assert values["area"] == "3栋全部单元" and values["arrangement"] == ""
    prices = form_for("special-service-prices")
    assert isinstance(prices.inputs["effective_on"], QDateEdit)
    assert isinstance(prices.values()["effective_on"], date)


def test_a_choice_field_offers_its_options(form_for):
    activity = form_for("activity")
    combos = [w for w in activity.inputs.values() if isinstance(w, QComboBox)]
    for combo in combos:
        assert combo.count() >= 1
        assert activity.values()[next(k for k, w in activity.inputs.items() if w is combo)] == combo.currentText()


def test_the_price_list_gets_a_table_editor_and_prices_become_amounts(form_for):
    form = form_for("special-service-prices")
    editor = form.inputs["items"]
    assert isinstance(editor, TableField)
    headers = [editor.table.horizontalHeaderItem(c).text() for c in range(editor.table.columnCount())]
    assert headers == ["服务项目", "单位", "收费标准（元）", "说明"]  # 序号 numbers itself
    for column, text in enumerate(("疏通下水道", "次", "80", "")):
        editor.table.setItem(0, column, QTableWidgetItem(text))
    for column, text in enumerate(("家电清洗", "台", "面议", "按型号")):
        editor.table.setItem(2, column, QTableWidgetItem(text))
    assert editor.value() == [{"service": "疏通下水道", "unit": "次", "price": Decimal("80")},
                              {"service": "家电清洗", "unit": "台", "price": "面议", "remark": "按型号"}]


def test_rows_can_be_added_and_removed(qtbot, form_for):
    form = form_for("special-service-prices")
    editor = form.inputs["items"]
    rows = editor.table.rowCount()
    buttons = {b.text(): b for b in editor.findChildren(QPushButton)}
    buttons["添加一行"].click()
    assert editor.table.rowCount() == rows + 1
    editor.table.setItem(0, 0, QTableWidgetItem("疏通下水道"))
    editor.table.selectRow(0)
    with qtbot.waitSignal(editor.changed, timeout=1000):
        buttons["删除所选行"].click()
    assert editor.table.rowCount() == rows and editor.value() == []


def test_any_edit_says_the_form_changed(qtbot, form_for):
    form = form_for("water-outage")
    with qtbot.waitSignal(form.changed, timeout=1000):
        form.inputs["reason"].setText("管网检修")
    with qtbot.waitSignal(form.changed, timeout=1000):
        form.inputs["end"].setDateTime(form.inputs["end"].dateTime().addSecs(3600))
    with qtbot.waitSignal(form.changed, timeout=1000):
        form.inputs["arrangement"].setPlainText("设临时供水点")


def test_money_cells_accept_yuan_signs_and_commas_and_keep_words():
    assert money_or_text("1,200") == Decimal("1200")
    assert money_or_text("¥35.5元") == Decimal("35.5")
    assert money_or_text("面议") == "面议"
