"""ORM models of the document register (文件发放登记): each batch sent, and each household's copy."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from butler_desk.storage.models import Audited, Base
from butler_desk.storage.types import UTCDateTime, utcnow


class Document(Audited, Base):
    """One document sent to many households at once: a notice batch, a month's statements, a demand."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)  # domain.documents.DocumentKind value
    title: Mapped[str] = mapped_column(String(100))
    template_id: Mapped[str] = mapped_column(String(60), default="")
    issued_on: Mapped[date] = mapped_column(Date, index=True)  # the date printed on the document
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # when it was recorded
    operator: Mapped[str] = mapped_column(String(50))
    scope: Mapped[str] = mapped_column(String(300), default="")  # "3栋、5栋；空置" as the butler chose
    # JSON: {"notice": path, "letters": path, "envelopes": path, "signoff": path}
    files: Mapped[str] = mapped_column(Text, default="{}")
    # JSON: the template's values as filled in (dates as ISO text), for re-printing
    field_values: Mapped[str] = mapped_column(Text, default="{}")
    note: Mapped[str] = mapped_column(Text, default="")

    deliveries: Mapped[list[DocumentDelivery]] = relationship(
        back_populates="document", order_by="DocumentDelivery.seq", cascade="all, delete-orphan"
    )

    @classmethod
    def audit_label_of(cls, values: Mapping[str, Any]) -> str:
        return values.get("title") or ""


class DocumentDelivery(Audited, Base):
    """One household's copy: who it was addressed to, how it went, and whether it arrived.

    Addressee, room and address are kept as they were on the envelope: the ledger may
    change later, the record of what was sent must not.
    """

    __tablename__ = "document_deliveries"
    __table_args__ = (
        Index("ix_document_deliveries_document_seq", "document_id", "seq"),
        # The 14-day list: open copies by the day they went out.
        Index("ix_document_deliveries_open", "received_on", "returned", "sent_on"),
    )
    __audit_exclude__ = frozenset({"created_at", "updated_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)  # position in the batch: letters, envelopes, sign-off sheet
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    room: Mapped[str] = mapped_column(String(50))  # 3栋2单元1201
    addressee: Mapped[str] = mapped_column(String(50), default="")
    method: Mapped[str] = mapped_column(String(20))  # domain.documents.DeliveryMethod value
    address: Mapped[str] = mapped_column(String(200), default="")  # mailing address when posted
    postcode: Mapped[str] = mapped_column(String(6), default="")
    sent_on: Mapped[date | None] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)
    signed_by: Mapped[str] = mapped_column(String(50), default="")
    returned: Mapped[bool] = mapped_column(Boolean, default=False)
    returned_on: Mapped[date | None] = mapped_column(Date)
    return_reason: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    document: Mapped[Document] = relationship(back_populates="deliveries")

    @classmethod
    def audit_label_of(cls, values: Mapping[str, Any]) -> str:
        return f"{values.get('room') or ''} {values.get('addressee') or ''}".strip()

    @classmethod
    def audit_refs_of(cls, values: Mapping[str, Any]) -> tuple[int | None, int | None]:
        return (values.get("unit_id"), values.get("party_id"))
