"""登记签收 and 登记退回 on a real register: defaults, inline errors, several copies at once, dates bounded
by when the copy was sent."""

from __future__ import annotations

from datetime import timedelta

import pytest

from butler_desk.domain import clock
from butler_desk.services.documents.service import DocumentService
from butler_desk.ui.documents.delivery_dialogs import RETURN_REASONS, ReceiveDialog, ReturnDialog
from butler_desk.ui.common.forms import to_qdate

pytest_plugins = ["tests.ui.print_support"]


@pytest.fixture
def service(ctx, register) -> DocumentService:
    return DocumentService(ctx)


def show(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_one_copy_is_signed_by_its_addressee_by_default(qtbot, service):
    today = clock.today()
    row = service.uncollected(today, 0)[0]
    dialog = show(qtbot, ReceiveDialog(service, [row], today))
    assert dialog.signed_by.text() == row.addressee
    assert row.room in dialog.heading.text() and row.document_title in dialog.heading.text()
    assert dialog.received_on.maximumDate() == to_qdate(today)  # not in the future
    assert dialog.received_on.minimumDate() == to_qdate(row.sent_on)  # not before it was handed out
    dialog.signed_by.setText("李四（家属）")
    dialog.accept()
    assert dialog.saved == 1 and not dialog.isVisible()
    signed = next(d for d in service.batch_detail(row.document_id).deliveries if d.delivery_id == row.delivery_id)
    assert signed.received_on == today and signed.signed_by.startswith("李四")


def test_a_receipt_without_a_signer_shows_the_error_under_the_field(qtbot, service):
    today = clock.today()
    rows = service.uncollected(today, 0)[:1]
    dialog = show(qtbot, ReceiveDialog(service, rows, today))
    dialog.signed_by.clear()
    dialog.accept()
    assert dialog.isVisible() and dialog.saved == 0
    assert dialog.errors.label("signed_by").isVisible()
    assert "签收人" in dialog.errors.label("signed_by").text()
    assert service.uncollected(today, 0)[0].received_on is None


def test_several_copies_left_blank_are_signed_by_each_addressee(qtbot, service):
    today = clock.today()
    rows = service.uncollected(today, 0)
    dialog = show(qtbot, ReceiveDialog(service, rows, today))
    assert dialog.signed_by.text() == "" and f"共 {len(rows)} 份" in dialog.heading.text()
    dialog.accept()
    assert dialog.saved == len(rows)
    assert service.uncollected(today, 0) == []


def test_a_return_needs_a_reason_and_then_leaves_the_pending_list(qtbot, service):
    today = clock.today()
    row = service.uncollected(today, 0)[0]
    dialog = show(qtbot, ReturnDialog(service, row, today))
    assert [dialog.reason.itemText(n) for n in range(1, dialog.reason.count())] == list(RETURN_REASONS)
    dialog.accept()
    assert dialog.isVisible() and dialog.errors.label("reason").isVisible()
    dialog.reason.setCurrentText("拒收")
    dialog.returned_on.setDate(to_qdate(today - timedelta(days=1)))
    dialog.accept()
    assert not dialog.isVisible()
    returned = service.returned()
    assert [(r.delivery_id, r.return_reason, r.returned_on) for r in returned] == [
        (row.delivery_id, "拒收", today - timedelta(days=1))]
