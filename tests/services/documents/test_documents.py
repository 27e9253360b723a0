"""The document register on a real ledger: receipts, returns, the two-week list, agenda, re-prints."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from butler_desk.domain import clock
from butler_desk.domain.documents import DeliveryMethod, DocumentKind
from butler_desk.domain.errors import BadInput
from butler_desk.domain.workdays import CHINA_TZ
from butler_desk.services.documents.service import DocumentService
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.documents.notices import NoticeService
from butler_desk.services.printing.service import DOCUMENTS_UNCOLLECTED_DAYS
from butler_desk.services.documents.recipients import RecipientService, Selection
from butler_desk.services.settings import SettingsService
from tests.reporting.pdfcheck import flat_text, page_count

WATER = {"start": "2026-11-05 09:00", "end": "2026-11-05 17:00", "area": "3栋、10栋",
         "reason": "管网检修", "contact_phone": "0755-28881234"}
SENT = date(2026, 11, 2)


@pytest.fixture
def register(ctx) -> DocumentService:
    return DocumentService(ctx)


@pytest.fixture
def batch(ctx, estate, tmp_path):
    return NoticeService(ctx).issue("water-outage", WATER, Selection(everyone=True), tmp_path / "pdf", issued_on=SENT)


def _copy(register: DocumentService, batch, code: str):
    return next(r for r in register.batch_detail(batch.document_id).deliveries if r.unit_code == code)


def test_GIVEN_a_batch_sent_on_2_november_THEN_hand_copies_are_listed_from_16_november(register, batch):
    assert register.uncollected(date(2026, 11, 15)) == []
    due = register.uncollected(date(2026, 11, 16))
    assert [r.unit_code for r in due] == ["3-1-101", "3-2-202", "3-2-1001", "3-2-1201", "10-1-101"]
    assert all(r.method is not DeliveryMethod.POST for r in due)  # posted letters leave no receipt to wait for
    tenant = next(r for r in due if r.unit_code == "3-2-202")
    assert tenant.phone_masked == "136****5678"
    assert tenant.addressee == "王五" and tenant.document_title == "停水通知"
    assert tenant.days_since_sent(date(2026, 11, 16)) == 14


def test_a_signed_copy_leaves_the_list_and_the_receipt_is_kept(register, batch):
    copy = _copy(register, batch, "3-2-1201")
    row = register.mark_received(copy.delivery_id, date(2026, 11, 3), "张三")
    assert (row.received_on, row.signed_by, row.state) == (date(2026, 11, 3), "张三", "已签收")
    assert "3-2-1201" not in [r.unit_code for r in register.uncollected(date(2026, 11, 20))]
    assert register.batch_detail(batch.document_id).document.received == 1


@pytest.mark.parametrize(
    ("on", "who", "fragment"),
    [
        (date(2026, 11, 3), "  ", "签收人"),
        (date(2026, 11, 1), "张三", "早于发放日期"),
    ],
)
def test_bad_receipts_are_refused(register, batch, on, who, fragment):
    copy = _copy(register, batch, "3-2-1201")
    with pytest.raises(BadInput) as info:
        register.mark_received(copy.delivery_id, on, who)
    assert fragment in info.value.message


def test_a_receipt_in_the_future_or_twice_is_refused(register, batch):
    copy = _copy(register, batch, "3-2-1201")
    with pytest.raises(BadInput) as info:
        register.mark_received(copy.delivery_id, date(2099, 1, 1), "张三")
    assert "还没到" in info.value.message
    register.mark_received(copy.delivery_id, date(2026, 11, 3), "张三")
    with pytest.raises(BadInput) as info:
        register.mark_received(copy.delivery_id, date(2026, 11, 4), "张三")
    assert "已于 2026-11-03" in info.value.message


def test_a_returned_letter_goes_on_the_agenda_until_it_is_delivered_again(register, batch):
    posted = _copy(register, batch, "3-2-1202")
    with pytest.raises(BadInput):
        register.mark_returned(posted.delivery_id, "")
    row = register.mark_returned(posted.delivery_id, "查无此人", date(2026, 11, 9))
    assert (row.returned, row.returned_on, row.state) == (True, date(2026, 11, 9), "已退回")
    items = [i for i in register.due_items(date(2026, 11, 10)) if i.kind == "returned"]
    assert len(items) == 1 and items[0].ref_id == posted.delivery_id and items[0].overdue
    assert "查无此人" in items[0].title and items[0].unit_code == "3-2-1202"
    register.mark_received(posted.delivery_id, date(2026, 11, 12), "赵六")
    assert [i for i in register.due_items(date(2026, 11, 13)) if i.kind == "returned"] == []
    with pytest.raises(BadInput):
        register.mark_returned(posted.delivery_id, "拒收")


def test_due_items_fall_due_on_day_14_and_are_overdue_after(register, batch):
    assert register.due_items(date(2026, 11, 15)) == []
    on_the_day = register.due_items(date(2026, 11, 16))
    assert len(on_the_day) == 5
    first = on_the_day[0]
    assert first.area == "documents" and first.kind == "uncollected"
    assert first.due_at == datetime(2026, 11, 16, tzinfo=CHINA_TZ)
    assert not first.overdue
    assert "未签收" in first.title and "停水通知" in first.title
    assert all(i.overdue for i in register.due_items(datetime(2026, 11, 17, 10, tzinfo=CHINA_TZ)))


def test_the_two_week_rule_follows_the_office_setting(ctx, register, batch):
    SettingsService(ctx).set(DOCUMENTS_UNCOLLECTED_DAYS, 7)
    assert len(register.uncollected(date(2026, 11, 9))) == 5
    assert register.uncollected(date(2026, 11, 9), days=14) == []
    with pytest.raises(BadInput):
        SettingsService(ctx).set(DOCUMENTS_UNCOLLECTED_DAYS, 0)


def test_a_household_sees_its_documents_newest_first(ctx, register, estate, batch, tmp_path):
    later = NoticeService(ctx).issue("water-outage", dict(WATER, start="2026-11-25 09:00", end="2026-11-25 12:00"),
                                     Selection(units=("3-2-202",)), tmp_path / "later", issued_on=date(2026, 11, 20))
    for_unit = register.for_unit(estate.units["3-2-202"])
    assert [r.document_id for r in for_unit] == [later.document_id, batch.document_id]
    assert [r.issued_on for r in for_unit] == [date(2026, 11, 20), SENT]
    assert [r.document_id for r in register.for_party(estate.parties["王五"])] == [later.document_id,
                                                                                   batch.document_id]
    assert register.for_party(estate.parties["李四"]) == []  # the absent owner of a let unit was not written to


def test_batches_list_counts_newest_first(ctx, register, batch, tmp_path):
    copy = _copy(register, batch, "3-2-1201")
    register.mark_received(copy.delivery_id, date(2026, 11, 3), "张三")
    rows = register.batches()
    assert len(rows) == 1
    row = rows[0]
    assert (row.copies, row.received, row.returned, row.outstanding) == (6, 1, 0, 5)
    assert row.scope == "全部房屋" and row.kind is DocumentKind.WATER_OUTAGE


def test_a_statement_batch_is_recorded_for_owners_in_one_transaction(ctx, register, estate):
    households = RecipientService(ctx).households(Selection(clusters=("一组团",)), DocumentKind.STATEMENT)
    document_id = register.record_batch(DocumentKind.STATEMENT, "2026年12月物业费对帐单", households.households,
                                        issued_on=date(2026, 11, 30), scope=households.scope)
    detail = register.batch_detail(document_id)
    by_code = {r.unit_code: r for r in detail.deliveries}
    assert by_code["3-2-202"].addressee == "李四" and by_code["3-2-202"].method is DeliveryMethod.POST
    assert by_code["3-2-1201"].method is DeliveryMethod.BUTLER  # amounts owed never go via security
    with pytest.raises(BadInput):
        register.record_batch(DocumentKind.STATEMENT, "空批次", [])
    assert len(register.batches()) == 1


def test_receipts_are_in_the_units_change_history(ctx, register, estate, batch):
    copy = _copy(register, batch, "3-2-1201")
    register.mark_received(copy.delivery_id, date(2026, 11, 3), "张三")
    history = LedgerService(ctx).unit_history(estate.units["3-2-1201"])
    changes = [c for entry in history for c in entry.changes]
    assert any(old == "" and new == "张三" for _, old, new in changes)
    assert history[0].operator == "李晓红"


def test_the_sign_off_sheet_reprints_with_the_receipts(register, batch, tmp_path):
    copy = _copy(register, batch, "3-2-1201")
    register.mark_received(copy.delivery_id, date(2026, 11, 3), "张三")
    result = register.print_signoff(batch.document_id, tmp_path / "again.pdf")
    text = flat_text(result.path)
    assert "文件签收单" in text and "停水通知" in text
    assert "2026-11-03" in text
    rooms = ["3栋1单元101", "3栋2单元202", "3栋2单元1001", "3栋2单元1201", "3栋2单元1202", "10栋1单元101"]
    assert [text.index(r) for r in rooms] == sorted(text.index(r) for r in rooms)


def test_the_overdue_list_prints_masked_phones_and_returned_letters(register, batch, tmp_path):
    posted = _copy(register, batch, "3-2-1202")
    register.mark_returned(posted.delivery_id, "地址不详", date(2026, 11, 10))
    result = register.print_uncollected(date(2026, 11, 20), tmp_path / "overdue.pdf")
    text = flat_text(result.path)
    assert "逾期未领文件清单" in text
    assert "136****5678" in text and "13612345678" not in text
    assert "退回：地址不详" in text
    assert page_count(result.path) == 1


def test_an_unknown_copy_or_batch_is_a_chinese_message(register):
    with pytest.raises(BadInput):
        register.mark_received(999, clock.today(), "张三")
    with pytest.raises(BadInput):
        register.batch_detail(999)


def test_several_receipts_are_recorded_together_or_not_at_all(register, batch):
    first, second = _copy(register, batch, "3-1-101"), _copy(register, batch, "3-2-1001")
    with pytest.raises(BadInput):
        register.mark_received_many([(first.delivery_id, date(2026, 11, 3), "赵一"),
                                     (second.delivery_id, date(2026, 11, 1), "钱二")])  # before it was sent
    assert register.batch_detail(batch.document_id).document.received == 0
    rows = register.mark_received_many([(first.delivery_id, date(2026, 11, 3), "赵一"),
                                        (second.delivery_id, date(2026, 11, 4), "钱二")])
    assert [(r.unit_code, r.signed_by) for r in rows] == [("3-1-101", "赵一"), ("3-2-1001", "钱二")]
    assert register.batch_detail(batch.document_id).document.received == 2
