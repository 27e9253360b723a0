"""The 欠费催收 tab on a real database: the register, filters, sorting and the totals of what is shown."""

from __future__ import annotations

import os
from datetime import date

from PySide6.QtCore import Qt

from butler_desk.domain.arrears import Method, Reason
from butler_desk.services.arrears import ArrearsService, AttemptInput
from butler_desk.services.ledger import LedgerService
from butler_desk.services.ledger.views import UnitInput
from butler_desk.ui.arrears.tab import ArrearsTab


def _tab(ctx, qtbot) -> ArrearsTab:
    ledger = LedgerService(ctx)
    ids = {code: ledger.save_unit(UnitInput(room_code=code, cluster=cluster, area=area, fee_rate="2.5",
                                            status="已入住"))
           for code, cluster, area in (("3-2-1201", "一组团", "89.5"), ("3-2-1202", "一组团", "120"),
                                       ("5-1-101", "二组团", "66.66"))}
    service = ArrearsService(ctx)
    for month in range(6, 11):
        service.generate_bills(f"2026-{month:02d}")
    service.enter_payment(ids["3-2-1202"], date(2026, 10, 1), 30000 * 5, "R-1")  # all paid
    service.enter_payment(ids["5-1-101"], date(2026, 10, 1), 16665 * 4, "R-2")  # only October owed
    service.record_attempt(AttemptInput(ids["3-2-1201"], date(2026, 10, 16), Method.PHONE, promised_on=date(2026, 10, 31),
                                        reason=Reason.HARDSHIP))
    tab = ArrearsTab(service)
    qtbot.addWidget(tab)
    tab.resize(1200, 360)
    tab.reload(date(2026, 11, 20))
    return tab


def test_the_register_shows_owing_units_with_totals_for_what_is_shown(ctx, qtbot, tmp_path):
    tab = _tab(ctx, qtbot)
    model = tab.model
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["3-2-1201", "5-1-101"]
    assert model.index(0, 2).data() == "1,118.75"  # 223.75 × 5
    assert model.index(0, 9).data() == "2026-10-31 未兑现" and model.index(0, 10).data() == "经济困难"
    assert model.index(0, 5).data() == "91–180天" and model.index(1, 5).data() == "31–90天"
    assert tab.totals.text() == "显示 2 户，欠费合计 1,285.40 元，共 6 期（截至 2026-11-20）"
    tab.show()
    qtbot.waitExposed(tab)
    if os.environ.get("BUTLER_DESK_SCREENSHOTS"):
        tab.grab().save(str(tmp_path / "arrears_tab.png"))
        tab.grab().save(os.environ["BUTLER_DESK_SCREENSHOTS"])


def test_filters_and_sorting_change_the_rows_and_the_totals(ctx, qtbot):
    tab = _tab(ctx, qtbot)
    tab.band.setCurrentText("31–90天")
    assert tab.model.rowCount() == 1 and tab.model.index(0, 0).data() == "5-1-101"
    assert tab.totals.text().startswith("显示 1 户，欠费合计 166.65 元，共 1 期")
    tab.band.setCurrentIndex(0)
    tab.stage.setCurrentText("电话")
    assert [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())] == ["3-2-1201"]
    tab.stage.setCurrentIndex(0)
    tab.search.setText("5栋")  # typed as the ledger search reads it: 5栋 → 5-
    assert [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())] == ["5-1-101"]
    tab.search.clear()
    tab.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    assert [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())] == ["5-1-101", "3-2-1201"]


def test_the_tab_reads_the_register_when_first_shown(ctx, qtbot):
    from butler_desk.domain import clock

    tab = ArrearsTab(ArrearsService(ctx))
    qtbot.addWidget(tab)
    assert tab.totals.text() == ""  # nothing read while hidden
    tab.show()
    qtbot.waitExposed(tab)
    assert tab.totals.text() == f"显示 0 户，欠费合计 0.00 元，共 0 期（截至 {clock.today():%Y-%m-%d}）"
