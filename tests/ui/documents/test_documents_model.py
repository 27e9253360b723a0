"""The document register's table models on a real register: model tester, the overdue highlight and the
签收/退回 column, without a view."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from butler_desk.domain import clock
from butler_desk.services.documents.service import DocumentService
from butler_desk.ui.documents.model import (
    DELIVERY_ID_ROLE,
    OVERDUE_ROLE,
    BatchesModel,
    DeliveriesModel,
    UnitDocumentsModel,
    is_overdue,
    receipt_text,
)

pytest_plugins = ["tests.ui.print_support"]


def test_models_pass_the_model_tester(qtmodeltester, ctx, register):
    service = DocumentService(ctx)
    today = clock.today()
    batches = BatchesModel()
    batches.set_rows(service.batches())
    qtmodeltester.check(batches)
    deliveries = DeliveriesModel()
    deliveries.set_rows(service.uncollected(today, 0), today, 14)
    qtmodeltester.check(deliveries)
    unit = UnitDocumentsModel()
    unit.set_rows(service.for_unit(register[0].households.households[0].unit_id))
    qtmodeltester.check(unit)


def test_a_copy_waiting_the_reminder_days_is_overdue_and_highlighted(ctx, register):
    service = DocumentService(ctx)
    today = clock.today()
    rows = service.uncollected(today, 0)
    model = DeliveriesModel()
    model.set_rows(rows, today, 14)
    for n, row in enumerate(rows):
        waited = (today - row.sent_on).days
        assert model.is_overdue_row(n) is is_overdue(row, today, 14) is (waited >= 14)
        assert model.index(n, 0).data(OVERDUE_ROLE) is (waited >= 14)
        assert model.index(n, DeliveriesModel.COL_WAITING).data() == f"{waited} 天"
        assert model.index(n, 0).data(DELIVERY_ID_ROLE) == row.delivery_id
        has_background = model.index(n, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
        assert has_background is (waited >= 14)
    model.set_rows(rows, today, 30)  # a longer reminder limit: nothing is overdue yet
    assert not any(model.is_overdue_row(n) for n in range(len(rows)))


def test_the_receipt_column_says_who_signed_or_why_it_came_back(ctx, register):
    service = DocumentService(ctx)
    today = clock.today()
    first, second = service.uncollected(today, 0)[:2]
    assert receipt_text(first) == ""
    service.mark_received(first.delivery_id, today, "李四")
    service.mark_returned(second.delivery_id, "查无此人", today - timedelta(days=1))
    by_id = {r.delivery_id: r for b in service.batches() for r in service.batch_detail(b.document_id).deliveries}
    assert receipt_text(by_id[first.delivery_id]) == f"李四 {today.isoformat()}"
    assert receipt_text(by_id[second.delivery_id]) == f"退回 {(today - timedelta(days=1)).isoformat()}：查无此人"
    unit = UnitDocumentsModel()
    unit.set_rows([by_id[second.delivery_id]])
    assert unit.index(0, UnitDocumentsModel.COL_SIGNED).data().startswith("退回 ")


def test_the_register_counts_per_batch_newest_first(ctx, register):
    batches = BatchesModel()
    batches.set_rows(DocumentService(ctx).batches())
    assert [batches.index(r, BatchesModel.COL_TITLE).data() for r in range(2)] == ["停电通知", "停水通知"]
    assert batches.index(1, BatchesModel.COL_COPIES).data() == "2"
    assert batches.row_of_document(register[0].document_id) == 1
