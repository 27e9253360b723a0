"""The request list and 待回访 models, fed with real rows from the service, checked without a view."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt

from butler_desk.domain.requests import StepKind
from butler_desk.services.requests.views import StepInput
from butler_desk.ui.requests.model import (
    COL_DEADLINE,
    COL_KIND,
    COL_LOCATION,
    COL_NUMBER,
    COL_PARTY,
    COL_RECEIVED,
    COL_STATE,
    COL_TIME_LEFT,
    HEADERS,
    OVERDUE_COLOR,
    OVERDUE_ROLE,
    REQUEST_ID_ROLE,
    URGENT_COLOR,
    RequestTableModel,
)
from butler_desk.ui.requests.return_visit_view import VCOL_DUE, VCOL_NUMBER, ReturnVisitModel

pytest_plugins = ["tests.ui.requests_support"]  # clock, requests, desk, previews


def _model(qtmodeltester, requests) -> RequestTableModel:
    model = RequestTableModel()
    model.set_rows(requests.list().rows)
    qtmodeltester.check(model)
    return model


def _row_of(model: RequestTableModel, request_id: int) -> int:
    row = model.row_of_request(request_id)
    assert row is not None
    return row


def test_the_columns_are_the_ones_the_desk_reads(qtmodeltester, requests, desk):
    model = _model(qtmodeltester, requests)
    assert HEADERS == ("编号", "类型", "状态", "房号/位置", "业户", "摘要", "受理时间", "部门", "下一时限", "剩余时间")
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == list(HEADERS)
    row = _row_of(model, desk.complaint)
    values = [model.index(row, c).data() for c in range(model.columnCount())]
    assert values == ["TS-2026-000001", "投诉", "已派单", "3-2-1201", "张三", "楼上装修噪音扰民",
                      "11-16 09:00", "安防部", "11-16 13:00 投诉反馈处理情况", "超时 2小时"]
    assert model.index(row, COL_RECEIVED).data(Qt.ItemDataRole.ToolTipRole) == "2026-11-16 09:00 受理（电话）"


def test_given_an_overdue_request_then_only_its_deadline_cells_are_red(qtmodeltester, requests, desk):
    model = _model(qtmodeltester, requests)
    late, in_time = _row_of(model, desk.complaint), _row_of(model, desk.repair)
    assert model.index(late, COL_DEADLINE).data(Qt.ItemDataRole.ForegroundRole) == OVERDUE_COLOR
    assert model.index(late, COL_TIME_LEFT).data(Qt.ItemDataRole.ForegroundRole) == OVERDUE_COLOR
    assert model.index(late, COL_TIME_LEFT).data(OVERDUE_ROLE) is True
    assert model.index(late, COL_NUMBER).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(in_time, COL_TIME_LEFT).data() == "剩 30分钟"
    assert model.index(in_time, COL_TIME_LEFT).data(Qt.ItemDataRole.ForegroundRole) is None
    tip = model.index(late, COL_TIME_LEFT).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "投诉反馈处理情况：2026-11-16 13:00 到期（超时 2小时）"


def test_urgent_repairs_are_marked_and_public_areas_show_their_place(qtmodeltester, requests, desk):
    model = _model(qtmodeltester, requests)
    urgent = _row_of(model, desk.urgent)
    assert model.index(urgent, COL_KIND).data() == "报修（急修）"
    assert model.index(urgent, COL_KIND).data(Qt.ItemDataRole.ForegroundRole) == URGENT_COLOR
    assert model.index(urgent, COL_KIND).data(Qt.ItemDataRole.FontRole).bold()
    plain = _row_of(model, desk.repair)
    assert model.index(plain, COL_KIND).data(Qt.ItemDataRole.FontRole) is None
    enquiry = _row_of(model, desk.enquiry)
    assert model.index(enquiry, COL_LOCATION).data() == "3栋大堂"
    assert model.index(enquiry, COL_PARTY).data() == "刘女士"
    assert model.index(enquiry, COL_STATE).data() == "已关闭"
    assert model.index(enquiry, COL_TIME_LEFT).data() == ""


def test_sorting_by_time_left_puts_the_most_urgent_first_and_keeps_the_selection(qtmodeltester, requests, desk):
    model = _model(qtmodeltester, requests)
    selection = QItemSelectionModel(model)
    selection.setCurrentIndex(model.index(_row_of(model, desk.repair), 0),
                              QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    model.sort(COL_TIME_LEFT, Qt.SortOrder.AscendingOrder)
    assert [model.row_at(r).id for r in range(2)] == [desk.complaint, desk.repair]
    assert model.row_at(selection.currentIndex().row()).id == desk.repair
    model.sort(-1)
    assert [r.id for r in model.rows] == [desk.repair, desk.enquiry, desk.urgent, desk.complaint]  # newest first
    qtmodeltester.check(model)


def test_fresher_rows_of_the_same_requests_update_in_place(qtmodeltester, requests, desk, clock):
    model = _model(qtmodeltester, requests)
    selection = QItemSelectionModel(model)
    selection.setCurrentIndex(model.index(_row_of(model, desk.repair), 0),
                              QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    resets = []
    model.modelReset.connect(lambda: resets.append(True))
    clock.advance(minutes=40)
    assert model.refresh_rows(requests.list().rows)
    assert not resets
    row = selection.currentIndex().row()
    assert model.row_at(row).id == desk.repair
    assert model.index(row, COL_TIME_LEFT).data() == "超时 10分钟"
    assert model.index(row, COL_TIME_LEFT).data(Qt.ItemDataRole.ForegroundRole) == OVERDUE_COLOR

    requests.add_step(desk.repair, StepInput(StepKind.ASSIGN, department="工程维修部", assignee="王师傅"))
    assert model.refresh_rows(requests.list().rows)  # same requests, new state
    assert model.index(model.row_of_request(desk.repair), COL_STATE).data() == "已派单"
    assert not model.refresh_rows(requests.list().rows[:2])  # a different set: the caller resets


def test_the_next_page_is_appended(qtmodeltester, requests, desk):
    model = RequestTableModel()
    first = requests.list(limit=3)
    model.set_rows(first.rows)
    model.append_rows(requests.list(limit=3, offset=3).rows)
    qtmodeltester.check(model)
    assert [r.id for r in model.rows] == [desk.repair, desk.enquiry, desk.urgent, desk.complaint]
    assert model.index(3, 0).data(REQUEST_ID_ROLE) == desk.complaint


def test_the_return_visit_queue_model(qtmodeltester, requests, desk, clock):
    model = ReturnVisitModel()
    model.set_rows(requests.return_visit_queue())
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    assert model.index(0, VCOL_NUMBER).data() == "BX-2026-000001"
    assert model.index(0, VCOL_DUE).data() == "11-19 11:10"
    assert model.index(0, VCOL_DUE).data(Qt.ItemDataRole.ForegroundRole) is None
    clock.advance(days=4)
    model.set_rows(requests.return_visit_queue())
    assert model.index(0, VCOL_DUE).data() == "11-19 11:10（已逾期）"
    assert model.index(0, VCOL_DUE).data(Qt.ItemDataRole.ForegroundRole) == OVERDUE_COLOR
    assert model.overdue_count == 1
