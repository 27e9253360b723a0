"""The ledger table model without a view: Qt's model rules, formatting, in-model sorting."""

from __future__ import annotations

from PySide6.QtCore import QPersistentModelIndex, Qt

from butler_desk.services.ledger.views import UnitInput
from butler_desk.ui.ledger.model import (
    COL_AREA,
    COL_CODE,
    COL_KEY_CLIENT,
    COL_OWNERS,
    COL_PHONE,
    COL_STATUS,
    HEADERS,
    UNIT_ID_ROLE,
    LedgerTableModel,
)


def _codes(model: LedgerTableModel) -> list[str]:
    return [model.index(r, COL_CODE).data() for r in range(model.rowCount())]


def test_given_a_real_ledger_when_loaded_then_the_model_passes_qts_model_tests(qtmodeltester, ledger, estate):
    model = LedgerTableModel()
    model.set_rows(ledger.load_index().rows)
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert model.columnCount() == len(HEADERS) == 11


def test_an_empty_model_passes_qts_model_tests(qtmodeltester):
    model = LedgerTableModel()
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_cells_show_labels_masked_phones_two_decimals_and_a_star_for_key_clients(ledger, estate):
    model = LedgerTableModel()
    model.set_rows(ledger.load_index().rows)
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    assert first == ["3-2-1201", "一组团", "3", "2", "已入住", "张三", "李四(家属)", "138****5678", "89.50", "2.50", "★"]
    assert model.index(0, COL_AREA).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert model.index(1, COL_KEY_CLIENT).data() == ""
    assert model.index(0, COL_CODE).data(UNIT_ID_ROLE) == estate.zhang_unit
    assert model.headerData(COL_PHONE, Qt.Orientation.Horizontal) == "电话"


def test_sorting_by_area_descending_then_back_to_ledger_order(ledger, estate):
    model = LedgerTableModel()
    model.set_rows(ledger.load_index().rows)
    model.sort(COL_AREA, Qt.SortOrder.DescendingOrder)
    assert [model.index(r, COL_AREA).data() for r in range(3)] == ["120.00", "89.50", "66.66"]
    model.sort(-1)
    assert _codes(model) == ["3-2-1201", "3-2-1202", "5-1-301"]


def test_sorting_keeps_the_sort_when_new_rows_arrive(ledger, estate):
    model = LedgerTableModel()
    model.sort(COL_OWNERS, Qt.SortOrder.AscendingOrder)
    model.set_rows(ledger.load_index().rows)
    # Empty owner cells go last whatever the names are.
    assert model.index(2, COL_CODE).data() == "3-2-1202"


def test_a_persistent_index_follows_its_unit_when_the_model_is_sorted(ledger, estate):
    model = LedgerTableModel()
    model.set_rows(ledger.load_index().rows)
    kept = QPersistentModelIndex(model.index(0, COL_STATUS))  # 3-2-1201
    model.sort(COL_AREA, Qt.SortOrder.AscendingOrder)
    assert kept.isValid()
    assert model.index(kept.row(), COL_CODE).data() == "3-2-1201"
    assert kept.row() == 1


def test_an_edited_unit_is_reformatted_after_the_index_is_reloaded(ledger, estate):
    model = LedgerTableModel()
    model.set_rows(ledger.load_index().rows)
    ledger.save_unit(UnitInput("3-2-1202", cluster="一组团", area="130.25", fee_rate="2.5", status="装修中",
                               unit_id=estate.empty_unit))
    model.set_rows(ledger.load_index().rows)
    row = model.row_of_unit(estate.empty_unit)
    assert model.index(row, COL_AREA).data() == "130.25"
    assert model.index(row, COL_STATUS).data() == "装修中"


def test_sorting_by_room_code_is_natural_not_alphabetical(ledger, estate):
    ledger.save_unit(UnitInput("12-1-101", cluster="二组团"))
    model = LedgerTableModel()
    model.set_rows(ledger.load_index().rows)
    model.sort(COL_CODE, Qt.SortOrder.AscendingOrder)
    assert _codes(model) == ["3-2-1201", "3-2-1202", "5-1-301", "12-1-101"]
