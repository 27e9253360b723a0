"""The ledger tab driven like a butler would: typing, filters, keys, opening and editing units."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from butler_desk.domain.enums import UnitStatus
from butler_desk.ui.ledger.model import COL_CODE, COL_OWNERS
from butler_desk.ui.ledger.tab import SEARCH_PLACEHOLDER, LedgerTab
from butler_desk.ui.ledger.unit_dialog import UnitDialog


@pytest.fixture
def tab(qtbot, ledger, estate) -> LedgerTab:
    widget = LedgerTab(ledger)
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    qtbot.waitExposed(widget)
    widget.reload()
    return widget


def _codes(tab: LedgerTab) -> list[str]:
    return [tab.model.index(r, COL_CODE).data() for r in range(tab.model.rowCount())]


def test_given_the_ledger_when_opened_then_every_unit_and_the_count_show(tab):
    assert _codes(tab) == ["3-2-1201", "3-2-1202", "5-1-301"]
    assert tab.count_label.text() == "共 3 户"
    assert tab.search.placeholderText() == SEARCH_PLACEHOLDER == "房号 / 姓名 / 拼音 / 电话"
    assert tab.search.isClearButtonEnabled()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("张三", ["3-2-1201"]), ("1202", ["3-2-1202"]), ("wangwu", ["5-1-301"]), ("2222", ["5-1-301"]), ("oyn", ["5-1-301"])],
)
def test_typing_in_the_search_box_filters_as_you_type(qtbot, tab, typed, expected, type_text):
    type_text(tab.search, typed)
    assert _codes(tab) == expected
    assert tab.count_label.text() == f"共 {len(expected)} 户（全部 3 户）"


def test_escape_clears_the_search_and_all_rows_come_back(qtbot, tab, type_text):
    type_text(tab.search, "张三")
    qtbot.keyClick(tab.search, Qt.Key.Key_Escape)
    assert tab.search.text() == ""
    assert len(_codes(tab)) == 3


def test_ctrl_f_focuses_the_search_box(qtbot, tab):
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(tab.search.hasFocus)


def test_choosing_a_cluster_limits_the_buildings_and_the_rows(tab):
    tab.cluster_combo.setCurrentIndex(tab.cluster_combo.findText("二组团"))
    assert [tab.building_combo.itemText(i) for i in range(tab.building_combo.count())] == ["全部楼栋", "5栋"]
    assert _codes(tab) == ["5-1-301"]
    tab.cluster_combo.setCurrentIndex(0)
    assert [tab.building_combo.itemText(i) for i in range(tab.building_combo.count())] == ["全部楼栋", "3栋", "5栋"]


def test_status_and_key_client_filters(tab):
    tab.status_combo.setCurrentIndex(tab.status_combo.findData(UnitStatus.VACANT.value))
    assert _codes(tab) == ["3-2-1202"]
    tab.status_combo.setCurrentIndex(0)
    tab.key_only.setChecked(True)
    assert _codes(tab) == ["3-2-1201"]


def test_enter_on_a_row_opens_the_unit_dialog_for_that_unit(qtbot, tab, modal, estate):
    tab.select_unit(estate.let_unit)
    tab.table.setFocus()
    opened = []

    def look(dialog: UnitDialog) -> None:
        opened.append((dialog.unit_id, dialog.room_code.text(), dialog.windowTitle()))
        dialog.reject()

    modal.expect(look, kind=UnitDialog)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    modal.check()
    assert opened == [(estate.let_unit, "5-1-301", "房屋 — 5栋1单元301")]


def test_enter_in_the_search_box_opens_the_first_match(qtbot, tab, modal, estate, type_text):
    opened = []
    modal.expect(lambda d: (opened.append(d.unit_id), d.reject()), kind=UnitDialog)
    type_text(tab.search, "欧阳")
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    modal.check()
    assert opened == [estate.let_unit]


def test_after_an_edit_the_ledger_reloads_and_keeps_the_selection(qtbot, tab, modal, estate):
    tab.select_unit(estate.empty_unit)

    def edit(dialog: UnitDialog) -> None:
        dialog.status.setCurrentText("装修中")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    modal.expect(edit, kind=UnitDialog)
    with qtbot.waitSignal(tab.ledger_changed):
        tab.open_unit(estate.empty_unit)
    modal.check()
    assert tab.selected_unit_id() == estate.empty_unit
    row = tab.model.row_of_unit(estate.empty_unit)
    assert tab.model.index(row, 4).data() == "装修中"


def test_ctrl_n_adds_a_unit_which_is_then_selected(qtbot, tab, modal, ledger):
    tab.cluster_combo.setCurrentIndex(tab.cluster_combo.findText("二组团"))

    def fill(dialog: UnitDialog) -> None:
        assert dialog.cluster.currentText() == "二组团"
        dialog.room_code.setText("5栋1单元302")
        dialog.area.setText("70")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    modal.expect(fill, kind=UnitDialog)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    modal.check()
    assert _codes(tab) == ["5-1-301", "5-1-302"]
    assert tab.model.row_at(tab.table.currentIndex().row()).code == "5-1-302"


def test_column_widths_and_sorting_are_remembered(qtbot, ledger, tab):
    tab.table.setColumnWidth(COL_OWNERS, 222)
    tab.table.sortByColumn(COL_CODE, Qt.SortOrder.DescendingOrder)
    tab.save_state()
    again = LedgerTab(ledger)
    qtbot.addWidget(again)
    again.reload()
    assert again.table.columnWidth(COL_OWNERS) == 222
    assert _codes(again) == ["5-1-301", "3-2-1202", "3-2-1201"]


def test_a_large_ledger_paints_its_first_screen_then_loads_the_rest_in_the_background(qtbot, tmp_path):
    from butler_desk.services.demo.estate import build_demo_estate
    from butler_desk.services.ledger.service import LedgerService
    from butler_desk.services.maintenance import open_context
    from butler_desk.ui.ledger.tab import FIRST_SCREEN_ROWS, LedgerTab

    # GIVEN an estate larger than one screen
    db = tmp_path / "big.sqlite3"
    build_demo_estate(db, units=FIRST_SCREEN_ROWS * 3, seed=7, requests=0)
    context = open_context(db, "李晓红")
    ledger = LedgerService(context)
    full = [r.code for r in ledger.load_index().rows]
    tab = LedgerTab(ledger)
    qtbot.addWidget(tab)

    # WHEN the tab loads for the first time
    tab.reload()

    # THEN the first screen is there at once, in ledger order, while the rest loads
    assert tab.is_loading()
    assert [tab.model.row_at(i).code for i in range(tab.model.rowCount())] == full[:FIRST_SCREEN_ROWS]
    tab.search.setText("zz-not-a-match-yet")  # typed while loading: applied when the index arrives
    with qtbot.waitSignal(tab.index_ready, timeout=30000):
        pass
    assert not tab.is_loading()
    assert tab.model.rowCount() == 0
    tab.search.clear()
    assert tab.model.rowCount() == len(full)
    assert tab.count_label.text() == f"共 {len(full)} 户"
    context.db.dispose()


def test_a_room_typed_without_its_unit_offers_the_candidates_and_a_link_picks_one(qtbot, tab, type_text):
    type_text(tab.search, "3栋1201")
    assert _codes(tab) == []
    assert tab.search_hint.isVisible()
    assert "没有找到“3栋1201”" in tab.search_hint.text() and 'href="3-2-1201"' in tab.search_hint.text()
    tab.search_hint.linkActivated.emit("3-2-1201")  # what a click on the link sends
    assert tab.search.text() == "3-2-1201" and _codes(tab) == ["3-2-1201"]
    assert tab.search_hint.isHidden()


def test_a_search_with_no_candidate_says_how_to_type_a_room(qtbot, tab, type_text):
    type_text(tab.search, "9栋9999")
    assert _codes(tab) == [] and "楼栋-单元-房号" in tab.search_hint.text()
    assert "href" not in tab.search_hint.text()
