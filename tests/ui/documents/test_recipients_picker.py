"""发放范围 on a real ledger: the live household count and list, quiet problems while choosing, inline errors
on request, the selection and hand-delivery choice handed to the service."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from butler_desk.domain.documents import DeliveryMethod
from butler_desk.domain.errors import BadInput
from butler_desk.services.documents.notices import NoticeService
from butler_desk.ui.documents.model import HouseholdsModel
from butler_desk.ui.documents.recipients_picker import RecipientsPicker


@pytest.fixture
def picker(qtbot, ctx, ledger, estate):
    widget = RecipientsPicker(NoticeService(ctx), [c.name for c in ledger.clusters()])
    qtbot.addWidget(widget)
    widget.set_template("water-outage")
    widget.refresh()
    widget.show()
    return widget


def choose_clusters(picker: RecipientsPicker, *names: str) -> None:
    for n in range(picker.clusters.count()):
        item = picker.clusters.item(n)
        item.setCheckState(Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked)
    picker.refresh()


def test_nothing_chosen_asks_for_a_range(picker):
    assert [picker.clusters.item(n).text() for n in range(picker.clusters.count())] == ["一组团", "二组团"]
    assert picker.count_label.text() == "请选择发放范围"
    assert picker.households is None and picker.households_model.rowCount() == 0


def test_choosing_a_cluster_counts_the_households_live(qtbot, picker):
    choose_clusters(picker, "一组团")
    assert picker.count_label.text() == "将发给 1 户"
    assert "管家亲送 1 户" in picker.summary_label.text()  # 张三 is a key client
    assert "另有 1 户" in picker.summary_label.text()  # the vacant unit has nobody to write to
    assert picker.households_model.index(0, HouseholdsModel.COL_ROOM).data() == "3栋2单元1201"
    assert picker.households_model.index(0, HouseholdsModel.COL_ADDRESSEE).data() == "张三先生/女士"

    with qtbot.waitSignal(picker.changed, timeout=1000):
        picker.everyone.setChecked(True)
    assert not picker.clusters.isEnabled() and not picker.buildings.isEnabled()
    qtbot.waitUntil(lambda: picker.count_label.text() == "将发给 2 户", timeout=5000)  # after the typing pause
    assert len(picker.households.households) == 2


def test_a_building_that_does_not_exist_is_named_quietly_while_choosing(qtbot, picker, type_text):
    type_text(picker.buildings, "99")
    qtbot.waitUntil(lambda: picker.count_label.text() == "将发给 — 户", timeout=5000)
    assert "99栋" in picker.summary_label.text()
    assert not picker.errors.label("buildings").isVisible()  # inline only when generating


def test_an_error_about_the_range_shows_under_its_field_and_clears_on_change(picker):
    picker.show_error(BadInput("没有 99 栋，请检查楼栋号。", field="buildings"))
    assert picker.errors.label("buildings").isVisible()
    picker.buildings.setText("3")
    assert not picker.errors.label("buildings").isVisible()


def test_selection_and_hand_delivery_are_what_the_widgets_say(picker):
    picker.buildings.setText("3, 5")
    picker.units.setText("3-2-1201")
    picker.status_boxes["已入住"].setChecked(True)
    choose_clusters(picker, "二组团")
    selection = picker.selection()
    assert selection.clusters == ("二组团",) and selection.buildings == ("3", "5")
    assert selection.units == ("3-2-1201",) and selection.statuses == ("已入住",)
    assert picker.hand() is None  # by document kind
    picker.hand_method.setCurrentIndex(picker.hand_method.findData(DeliveryMethod.BUTLER.value))
    assert picker.hand() is DeliveryMethod.BUTLER
    picker.everyone.setChecked(True)
    assert picker.selection().everyone


def test_households_model_passes_the_model_tester(qtmodeltester, picker):
    choose_clusters(picker, "一组团", "二组团")
    assert picker.households_model.rowCount() == 2
    qtmodeltester.check(picker.households_model)
