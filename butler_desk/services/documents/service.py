"""The document register (文件发放登记): batches sent, each household's copy, receipts, returns,
the two-week list of copies nobody collected, and the printed sign-off sheet and overdue list."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from butler_desk.domain import clock
from butler_desk.domain.agenda import DueItem, agenda_order
from butler_desk.domain.documents import (
    HAND_METHODS,
    DeliveryMethod,
    DocumentKind,
    collect_by,
    is_uncollected,
)
from butler_desk.domain.errors import BadInput
from butler_desk.domain.masking import mask_phone
from butler_desk.domain.text import clean_text
from butler_desk.domain.workdays import CHINA_TZ
from butler_desk.services.context import AppContext
from butler_desk.services.documents.recipients import Household
from butler_desk.storage import repositories_documents as docs_repo
from butler_desk.storage.types import utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from butler_desk.reporting import RenderResult
    from butler_desk.services.printing.service import PrintService
    from butler_desk.storage.models_documents import Document, DocumentDelivery

AREA = "documents"



def _signer(signed_by: str) -> str:
    name = clean_text(signed_by)
    if not name:
        raise BadInput("请填写签收人姓名。", field="signed_by")
    if len(name) > 50:
        raise BadInput("签收人姓名过长（最多 50 字）。", field="signed_by")
    return name

def _printing(ctx: AppContext) -> PrintService:
    """The printing service, imported when first needed: it loads reportlab, which the window's
    start (this module is read then, for the 文件发放 tab) does not need."""
    from butler_desk.services.printing.service import PrintService

    return PrintService(ctx)

@dataclass(frozen=True)
class DeliveryRow:
    """One household's copy of one document, as the register shows it (phone masked)."""

    delivery_id: int
    document_id: int
    document_title: str
    kind: DocumentKind
    issued_on: date
    seq: int
    unit_id: int
    unit_code: str
    room: str
    party_id: int | None
    addressee: str
    method: DeliveryMethod
    address: str
    postcode: str
    sent_on: date | None
    received_on: date | None
    signed_by: str
    returned: bool
    returned_on: date | None
    return_reason: str
    note: str
    phone_masked: str = ""

    @property
    def state(self) -> str:
        """已签收 / 已退回 / 已寄出 / 待签收."""
        if self.received_on is not None:
            return "已签收"
        if self.returned:
            return "已退回"
        return "已寄出" if self.method is DeliveryMethod.POST else "待签收"

    def days_since_sent(self, today: date) -> int | None:
        return (today - self.sent_on).days if self.sent_on else None


@dataclass(frozen=True)
class DocumentRow:
    """One batch in the register with its counts."""

    document_id: int
    kind: DocumentKind
    title: str
    template_id: str
    issued_on: date
    issued_at: datetime
    operator: str
    scope: str
    copies: int
    received: int
    returned: int
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def outstanding(self) -> int:
        return self.copies - self.received


@dataclass(frozen=True)
class BatchDetail:
    document: DocumentRow
    deliveries: tuple[DeliveryRow, ...]
    values: dict[str, Any]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _document_row(doc: Document, copies: int, received: int, returned: int) -> DocumentRow:
    files = {k: Path(v) for k, v in json.loads(doc.files or "{}").items()}
    return DocumentRow(doc.id, DocumentKind(doc.kind), doc.title, doc.template_id, doc.issued_on, doc.issued_at,
                       doc.operator, doc.scope, int(copies), int(received), int(returned), files)


def _delivery_row(row: tuple, phones: Mapping[int, str]) -> DeliveryRow:
    d, title, kind, issued_on, unit_code = row
    d: DocumentDelivery
    phone = phones.get(d.party_id, "") if d.party_id is not None else ""
    return DeliveryRow(d.id, d.document_id, title, DocumentKind(kind), issued_on, d.seq, d.unit_id, unit_code, d.room,
                       d.party_id, d.addressee, DeliveryMethod(d.method), d.address, d.postcode, d.sent_on,
                       d.received_on, d.signed_by, d.returned, d.returned_on, d.return_reason, d.note,
                       mask_phone(phone) if phone else "")


def _rows(session: Session, found: list[tuple]) -> list[DeliveryRow]:
    phones = docs_repo.first_phones(session, [r[0].party_id for r in found if r[0].party_id is not None])
    return [_delivery_row(r, phones) for r in found]


class DocumentService:
    """The register; every public call is one unit of work and returns dataclasses."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # -- writing -------------------------------------------------------------------------
    def record_batch(self, kind: DocumentKind, title: str, households: Sequence[Household], *,
                     template_id: str = "", issued_on: date | None = None, files: Mapping[str, Path] | None = None,
                     values: Mapping[str, Any] | None = None, scope: str = "", note: str = "") -> int:
        """One document and one copy per household (in their order), in one transaction; returns its id."""
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            return record_batch(session, kind, title, households, operator=self.ctx.operator,
                                template_id=template_id, issued_on=issued_on, files=files, values=values,
                                scope=scope, note=note)

    def mark_received(self, delivery_id: int, on: date, signed_by: str) -> DeliveryRow:
        """The household signed for its copy on ``on`` (签收)."""
        return self.mark_received_many([(delivery_id, on, signed_by)])[0]

    def mark_received_many(self, receipts: Sequence[tuple[int, date, str]]) -> list[DeliveryRow]:
        """Several copies signed for (delivery id, date, who signed), all or none, in one transaction."""
        checked = [(delivery_id, on, _signer(signed_by)) for delivery_id, on, signed_by in receipts]
        today = clock.today()
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            copies = []
            for delivery_id, on, name in checked:
                copy = self._delivery(session, delivery_id)
                if copy.received_on is not None:
                    raise BadInput(f"{copy.room} 的这份文件已于 {copy.received_on} 由{copy.signed_by}签收。",
                                   field="received_on")
                if copy.sent_on is not None and on < copy.sent_on:
                    raise BadInput(f"签收日期 {on} 早于发放日期 {copy.sent_on}，请检查。", field="received_on")
                if on > today:
                    raise BadInput(f"签收日期 {on} 还没到，请检查。", field="received_on")
                copy.received_on, copy.signed_by = on, name
                copies.append(copy)
            session.flush()
            return [self._row(session, copy.id) for copy in copies]

    def mark_returned(self, delivery_id: int, reason: str, on: date | None = None) -> DeliveryRow:
        """The copy came back (退回: wrong address, refused…): it goes on the butler's list to follow up."""
        why = clean_text(reason)
        if not why:
            raise BadInput("请填写退回原因，如“查无此人”“地址不详”“拒收”。", field="reason")
        day = on or clock.today()
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            copy = self._delivery(session, delivery_id)
            if copy.received_on is not None:
                raise BadInput(f"{copy.room} 的这份文件已于 {copy.received_on} 签收，不能再登记退回。", field="reason")
            if copy.sent_on is not None and day < copy.sent_on:
                raise BadInput(f"退回日期 {day} 早于发放日期 {copy.sent_on}，请检查。", field="returned_on")
            copy.returned, copy.returned_on, copy.return_reason = True, day, why[:200]
            session.flush()
            return self._row(session, copy.id)

    # -- reading -------------------------------------------------------------------------
    def uncollected(self, today: date, days: int | None = None) -> list[DeliveryRow]:
        """Copies delivered by hand ``days`` (default: the setting, 14) or more days ago that nobody has
        signed for: phone these clients. Posted letters give no receipt, so they are not listed."""
        days = _printing(self.ctx).uncollected_days() if days is None else days
        if days < 0:
            raise BadInput("天数不能为负数。", field="days")
        with self.ctx.db.reading() as session:
            found = docs_repo.open_deliveries(session, [m.value for m in HAND_METHODS], today - timedelta(days=days))
            rows = _rows(session, found)
        return [r for r in rows if is_uncollected(r.method, r.sent_on, r.received_on, r.returned, today, days)]

    def returned(self) -> list[DeliveryRow]:
        """Returned copies not yet delivered again."""
        with self.ctx.db.reading() as session:
            return _rows(session, docs_repo.returned_deliveries(session))

    def for_unit(self, unit_id: int) -> list[DeliveryRow]:
        """Every document sent to this unit, newest first."""
        with self.ctx.db.reading() as session:
            return _rows(session, docs_repo.deliveries_for_unit(session, unit_id))

    def for_party(self, party_id: int) -> list[DeliveryRow]:
        """Every document addressed to this person, newest first."""
        with self.ctx.db.reading() as session:
            return _rows(session, docs_repo.deliveries_for_party(session, party_id))

    def batches(self, limit: int | None = None) -> list[DocumentRow]:
        """The register, newest first, with copies / received / returned counts."""
        with self.ctx.db.reading() as session:
            return [_document_row(*r) for r in docs_repo.document_summaries(session, limit)]

    def batch_detail(self, document_id: int) -> BatchDetail:
        with self.ctx.db.reading() as session:
            doc = docs_repo.document(session, document_id)
            if doc is None:
                raise BadInput("找不到该发放记录，可能已被删除，请刷新列表。")
            rows = _rows(session, docs_repo.deliveries_of_document(session, document_id))
            received = sum(1 for r in rows if r.received_on is not None)
            returned = sum(1 for r in rows if r.returned)
            return BatchDetail(_document_row(doc, len(rows), received, returned), tuple(rows),
                               json.loads(doc.field_values or "{}"))

    def due_items(self, today: date | datetime | None = None) -> list[DueItem]:
        """Copies to phone about (two weeks uncollected) and returned letters, for the agenda."""
        day = today.astimezone(CHINA_TZ).date() if isinstance(today, datetime) else (today or clock.today())
        days = _printing(self.ctx).uncollected_days()
        items = []
        for row in self.uncollected(day, days):
            due = collect_by(row.sent_on, days) if row.sent_on else day
            waited = row.days_since_sent(day)
            title = f"{row.room}《{row.document_title}》发放 {waited} 天未签收，请电话告知"
            items.append(DueItem(AREA, "uncollected", title,
                                 datetime.combine(due, time(0), tzinfo=CHINA_TZ), due < day, row.delivery_id,
                                 row.unit_code, f"{row.addressee} {row.phone_masked}".strip()))
        for row in self.returned():
            back = row.returned_on or day
            items.append(DueItem(AREA, "returned", f"{row.room}《{row.document_title}》被退回（{row.return_reason}），"
                                 "请核实地址后重新送达", datetime.combine(back, time(0), tzinfo=CHINA_TZ), True,
                                 row.delivery_id, row.unit_code, f"{row.addressee} {row.phone_masked}".strip()))
        return agenda_order(items)

    # -- paper ---------------------------------------------------------------------------
    def print_signoff(self, document_id: int, out: Path | str, *, strict: bool = False) -> RenderResult:
        """The batch's 文件签收单 again, with the receipts recorded so far (re-print)."""
        detail = self.batch_detail(document_id)
        doc = detail.document
        return _printing(self.ctx).print_form(
            "sign-off-sheet", out, records=signoff_rows(detail.deliveries), strict=strict,
            header={"document": doc.title, "issued_on": doc.issued_on, "issuer": doc.operator})

    def print_uncollected(self, today: date, out: Path | str, *, days: int | None = None,
                          strict: bool = False) -> RenderResult:
        """逾期未领文件清单: the copies to phone about, oldest first, then returned letters (phones masked)."""
        printing = _printing(self.ctx)
        days = printing.uncollected_days() if days is None else days
        rows = []
        for row in self.uncollected(today, days):
            waited = row.days_since_sent(today) or 0
            rows.append(_overdue_line(row, waited - days, ""))
        for row in self.returned():
            rows.append(_overdue_line(row, None, f"退回：{row.return_reason}"))
        return printing.print_form("overdue-documents", out, records=rows, strict=strict)

    # -- helpers -------------------------------------------------------------------------
    @staticmethod
    def _delivery(session: Session, delivery_id: int) -> DocumentDelivery:
        copy = docs_repo.delivery(session, delivery_id)
        if copy is None:
            raise BadInput("找不到该发放记录，可能已被删除，请刷新列表。")
        return copy

    @staticmethod
    def _row(session: Session, delivery_id: int) -> DeliveryRow:
        copy = docs_repo.delivery(session, delivery_id)
        assert copy is not None
        found = [r for r in docs_repo.deliveries_of_document(session, copy.document_id) if r[0].id == delivery_id]
        return _rows(session, found)[0]


def record_batch(session: Session, kind: DocumentKind, title: str, households: Sequence[Household], *,
                 operator: str, template_id: str = "", issued_on: date | None = None,
                 files: Mapping[str, Path] | None = None, values: Mapping[str, Any] | None = None,
                 scope: str = "", note: str = "") -> int:
    """``DocumentService.record_batch`` inside the caller's unit of work."""
    name = clean_text(title)
    if not name:
        raise BadInput("请填写文件名称。", field="title")
    if not households:
        raise BadInput("这批文件没有收件户，未登记。", field="households")
    day = issued_on or clock.today()
    doc = docs_repo.add_document(
        session, kind=kind.value, title=name[:100], template_id=template_id, issued_on=day, issued_at=utcnow(),
        operator=operator, scope=scope[:300],
        files=json.dumps({k: str(v) for k, v in (files or {}).items()}, ensure_ascii=False),
        field_values=json.dumps(_jsonable(dict(values or {})), ensure_ascii=False), note=note,
    )
    now = utcnow()
    docs_repo.add_deliveries(session, [
        {"document_id": doc.id, "seq": n, "unit_id": h.unit_id, "party_id": h.party_id, "room": h.room,
         "addressee": h.addressee, "method": h.method.value, "address": h.address, "postcode": h.postcode,
         "sent_on": day, "received_on": None, "signed_by": "", "returned": False, "returned_on": None,
         "return_reason": "", "note": h.note, "created_at": now, "updated_at": now}
        for n, h in enumerate(households, start=1)
    ])
    return doc.id


def signoff_rows(rows: Sequence[DeliveryRow] | Sequence[Household], title: str = "") -> list[dict[str, object]]:
    """The 签收单's lines, in batch order: room, addressee, document, method; receipts when recorded."""
    lines: list[dict[str, object]] = []
    for row in rows:
        if isinstance(row, DeliveryRow):
            signed = row.signed_by or (f"退回：{row.return_reason}" if row.returned else "")
            lines.append({"room": row.room, "recipient": row.addressee, "document": row.document_title,
                          "delivery": row.method.short_label, "signed_by": signed, "signed_on": row.received_on})
        else:
            lines.append({"room": row.room, "recipient": row.addressee, "document": title,
                          "delivery": row.method.short_label, "signed_by": "", "signed_on": None})
    return lines


def _overdue_line(row: DeliveryRow, overdue: int | None, result: str) -> dict[str, object]:
    return {"document": row.document_title, "room": row.room, "recipient": row.addressee,
            "phone": row.phone_masked, "issued_on": row.sent_on or row.issued_on,
            "days_overdue": overdue, "called_on": None, "call_result": result, "collected_on": None,
            "handler": ""}
