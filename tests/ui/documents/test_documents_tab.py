"""The 文件发放 tab and the unit dialog's 文件发放 page on a real register: overdue list, receipts, returns,
re-printed sheets, filters."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from butler_desk.services import Services
from butler_desk.domain import clock
from butler_desk.services.documents.service import DocumentService
from butler_desk.ui.documents.delivery_dialogs import ReceiveDialog, ReturnDialog
from butler_desk.ui.documents.model import OVERDUE_ROLE, BatchesModel, DeliveriesModel, UnitDocumentsModel
from butler_desk.ui.documents.tab import EVERY, OVERDUE, PENDING, RETURNED, SIGNED, DocumentsTab
from butler_desk.ui.common.pdf_preview import PreviewDialog
from butler_desk.ui.ledger.unit_dialog import UnitDialog
from tests.ui.print_support import pdf_text

pytest_plugins = ["tests.ui.print_support"]


@pytest.fixture
def tab(qtbot, ctx, register):
    widget = DocumentsTab(Services(ctx))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.today is not None)
    return widget


def shown(tab: DocumentsTab, column: int = DeliveriesModel.COL_ROOM) -> list[str]:
    model = tab.model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def select_rows(tab: DocumentsTab, *rows: int) -> None:
    from PySide6.QtCore import QItemSelectionModel

    selection = tab.view.selectionModel()
    selection.clearSelection()
    for row in rows:
        selection.select(tab.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)


def test_given_copies_handed_out_20_and_3_days_ago_then_only_the_old_ones_are_overdue_and_highlighted(tab, estate):
    assert tab.chosen_state() == OVERDUE and tab.chosen_batch() is None
    assert tab.state_combo.currentText() == "超过 14 天未签收"
    rooms = shown(tab)
    # The water notice went to all three units; the key client's copy is handed over in person too.
    assert sorted(rooms) == ["3栋2单元1201", "5栋1单元301"]
    assert all(tab.model.index(r, 0).data(OVERDUE_ROLE) for r in range(tab.model.rowCount()))
    assert set(shown(tab, DeliveriesModel.COL_WAITING)) == {"20 天"}
    assert set(shown(tab, DeliveriesModel.COL_DOCUMENT)) == {"停水通知"}
    phones = shown(tab, DeliveriesModel.COL_PHONE)
    assert "138****5678" in phones and "13812345678" not in phones  # masked
    assert tab.count_label.text() == "共 2 份，2 份超期"
    assert "电话告知" in tab.hint.text()

    tab.state_combo.setCurrentIndex(tab.state_combo.findData(PENDING))
    assert len(shown(tab)) == 3  # + the power notice to 3栋 three days ago
    overdue = [tab.model.index(r, 0).data(OVERDUE_ROLE) for r in range(tab.model.rowCount())]
    assert overdue.count(True) == 2 and overdue.count(False) == 1
    fresh = overdue.index(False)
    assert tab.model.index(fresh, DeliveriesModel.COL_DOCUMENT).data() == "停电通知"
    assert tab.model.index(fresh, DeliveriesModel.COL_WAITING).data() == "3 天"


def test_the_batches_list_counts_and_a_batch_filter_shows_its_copies(tab, register):
    old, new = register
    assert tab.batches_model.rowCount() == 2
    assert tab.batches_model.index(0, BatchesModel.COL_TITLE).data() == "停电通知"  # newest first
    assert tab.batches_model.index(1, BatchesModel.COL_COPIES).data() == "2"
    # Signed and "all" need a batch's details: not offered for the whole register.
    signed = tab.state_combo.findData(SIGNED)
    assert not tab.state_combo.model().item(signed).isEnabled()

    tab.batches_view.selectRow(1)
    assert tab.chosen_batch() == old.document_id
    assert tab.chosen_state() == EVERY
    assert tab.state_combo.model().item(signed).isEnabled()
    assert sorted(shown(tab)) == sorted(h.room for h in old.households.households)
    assert tab.signoff_button.isEnabled() and tab.files_button.isEnabled()

    tab.batch_combo.setCurrentIndex(0)  # 全部发放记录
    assert not tab.batches_view.selectionModel().selectedRows()
    assert tab.chosen_state() == OVERDUE  # "all" is not offered for the whole register
    assert sorted(shown(tab)) == ["3栋2单元1201", "5栋1单元301"]


def test_registering_a_receipt_takes_the_copy_off_the_overdue_list(tab, modal, qtbot):
    row = shown(tab).index("3栋2单元1201")
    select_rows(tab, row)
    assert tab.receive_button.isEnabled()

    def sign(dialog: ReceiveDialog) -> None:
        assert dialog.signed_by.text() == "张三"  # the addressee signs by default
        dialog.signed_by.setText("李四（家属）")
        dialog.accept()

    modal.expect(sign, kind=ReceiveDialog)
    tab.receive_button.click()
    modal.check()
    assert shown(tab) == ["5栋1单元301"]
    tab.state_combo.setCurrentIndex(tab.state_combo.findData(PENDING))
    tab.batches_view.selectRow(1)
    tab.state_combo.setCurrentIndex(tab.state_combo.findData(SIGNED))
    assert shown(tab) == ["3栋2单元1201"]
    assert shown(tab, DeliveriesModel.COL_SIGNED)[0].startswith("李四(家属) ")  # stored with ASCII brackets
    assert tab.batches_model.index(1, BatchesModel.COL_RECEIVED).data() == "1"


def test_several_copies_can_be_signed_at_once_by_their_addressees(tab, modal):
    tab.state_combo.setCurrentIndex(tab.state_combo.findData(PENDING))
    select_rows(tab, 0, 1, 2)
    addressees = {tab.model.row_at(r).delivery_id: tab.model.row_at(r).addressee for r in range(3)}
    modal.expect(lambda dialog: dialog.accept(), kind=ReceiveDialog)
    tab.receive_button.click()
    modal.check()
    assert tab.model.rowCount() == 0
    assert tab.count_label.text() == "共 0 份"
    detail = [d for b in tab.services.documents.batches() for d in tab.services.documents.batch_detail(
        b.document_id).deliveries if d.delivery_id in addressees]
    assert {d.delivery_id: d.signed_by for d in detail} == addressees


def test_a_returned_copy_moves_to_the_returned_list_with_its_reason(tab, modal):
    row = shown(tab).index("5栋1单元301")
    select_rows(tab, row)
    assert tab.return_button.isEnabled()

    def give_reason(dialog: ReturnDialog) -> None:
        dialog.accept()  # no reason yet: refused inline
        assert dialog.errors.label("reason").isVisible()
        dialog.reason.setCurrentText("查无此人")
        dialog.accept()

    modal.expect(give_reason, kind=ReturnDialog)
    tab.return_button.click()
    modal.check()
    assert "5栋1单元301" not in shown(tab)
    tab.state_combo.setCurrentIndex(tab.state_combo.findData(RETURNED))
    assert shown(tab) == ["5栋1单元301"]
    assert "查无此人" in shown(tab, DeliveriesModel.COL_SIGNED)[0]
    assert shown(tab, DeliveriesModel.COL_STATE) == ["已退回"]


def test_the_overdue_list_prints_through_the_preview(qtbot, tab):
    tab.print_list_button.click()
    qtbot.waitUntil(lambda: bool(tab.findChildren(PreviewDialog)), timeout=20000)
    preview = tab.findChildren(PreviewDialog)[-1]
    qtbot.addWidget(preview)
    assert preview.windowTitle() == "预览 — 逾期未领文件清单"
    text = pdf_text(preview.path)
    assert "逾期未领文件清单" in text and "3栋2单元1201" in text and "138****5678" in text


def test_the_sign_off_sheet_is_reprinted_with_the_receipts_so_far(qtbot, tab, ctx, register):
    old, _new = register
    service = DocumentService(ctx)
    copy = next(d for d in service.batch_detail(old.document_id).deliveries if d.room == "3栋2单元1201")
    service.mark_received(copy.delivery_id, clock.today(), "张三")
    tab.reload()
    tab.batches_view.selectRow(1)
    tab.signoff_button.click()
    qtbot.waitUntil(lambda: bool(tab.findChildren(PreviewDialog)), timeout=20000)
    preview = tab.findChildren(PreviewDialog)[-1]
    qtbot.addWidget(preview)
    text = pdf_text(preview.path)
    assert "文件签收单" in text and "停水通知" in text and "张三" in text


def test_the_batch_files_open_from_the_files_menu(qtbot, tab, register):
    tab.batches_view.selectRow(0)
    tab._fill_files_menu()
    labels = [a.text() for a in tab.files_menu.actions()]
    assert [label.split("：")[0] for label in labels] == ["公告（张贴用）", "信件", "信封", "签收单"]
    tab.files_menu.actions()[1].trigger()
    preview = tab.findChildren(PreviewDialog)[-1]
    qtbot.addWidget(preview)
    assert preview.path == register[1].letters.path
    assert preview.page_count == register[1].letters.pages


def test_the_unit_dialog_lists_the_documents_the_household_was_sent(qtbot, ledger, estate, register):
    dialog = UnitDialog(ledger, estate.zhang_unit)
    qtbot.addWidget(dialog, before_close_func=lambda d: d.done(QDialog.DialogCode.Rejected))
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.documents_page)
    page = dialog.documents_page
    model = page.model
    assert dialog.tabs.tabText(dialog.tabs.indexOf(page)) == "文件发放"
    titles = [model.index(r, UnitDocumentsModel.COL_DOCUMENT).data() for r in range(model.rowCount())]
    assert titles == ["停电通知", "停水通知"]  # newest first
    assert {model.index(r, UnitDocumentsModel.COL_METHOD).data() for r in range(2)} == {"管家亲送"}
    assert page.summary.text() == "共发放 2 份，2 份待签收"


def test_a_new_unit_has_no_documents_yet(qtbot, ledger):
    dialog = UnitDialog(ledger, None)
    qtbot.addWidget(dialog, before_close_func=lambda d: d.done(QDialog.DialogCode.Rejected))
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.documents_page)
    assert dialog.documents_page.model.rowCount() == 0
    assert "保存房屋后" in dialog.documents_page.summary.text()


def test_screenshot_of_the_overdue_list(qtbot, tab, tmp_path):
    tab.state_combo.setCurrentIndex(tab.state_combo.findData(PENDING))
    tab.resize(1200, 640)
    path = tmp_path / "documents.png"
    assert tab.grab().save(str(path))
    assert path.stat().st_size > 0
