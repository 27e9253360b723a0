"""The demo's document register: recent notices, mostly signed for, a few to follow up."""

from __future__ import annotations

from datetime import date

import pytest

from butler_desk.domain.documents import DeliveryMethod, DocumentKind
from butler_desk.services.demo.estate import build_demo_estate
from butler_desk.services.demo.documents import add_demo_documents
from butler_desk.services.documents.service import DocumentService
from butler_desk.services.maintenance import open_context

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    build_demo_estate(path, units=300, requests=0)
    ctx = open_context(path, "测试")
    copies = add_demo_documents(ctx, seed=7, today=TODAY)
    yield DocumentService(ctx), copies
    ctx.db.dispose()


def test_the_demo_has_a_water_notice_three_weeks_ago_and_an_activity_last_week(register):
    service, copies = register
    batches = service.batches()
    assert [(b.kind, b.issued_on, b.scope) for b in batches] == [
        (DocumentKind.ACTIVITY, date(2026, 11, 15), "3栋"),
        (DocumentKind.WATER_OUTAGE, date(2026, 10, 30), "1栋、2栋"),
    ]
    assert sum(b.copies for b in batches) == copies > 0
    water = batches[1]
    assert 0.6 * water.copies < water.received < water.copies  # mostly signed for, not all


def test_the_follow_up_list_has_unsigned_hand_deliveries_and_the_post_brought_some_back(register):
    service, _ = register
    late = service.uncollected(TODAY)
    assert late and all(row.document_title == "停水通知" for row in late)
    assert all(row.method is not DeliveryMethod.POST and row.received_on is None for row in late)
    returned = service.returned()
    assert returned and all(row.method is DeliveryMethod.POST and row.return_reason for row in returned)
    assert all(r.received_on is None or r.received_on <= TODAY for b in service.batches()
               for r in service.batch_detail(b.document_id).deliveries)
