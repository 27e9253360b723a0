"""ORM models of the arrears register (欠费催收): bills, payments, their allocations, adjustments and the collection log."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from butler_desk.storage.models import Audited, Base
from butler_desk.storage.types import UTCDateTime, utcnow


class _UnitRows(Audited):
    """Every arrears row belongs to a unit: its audit entries show in that unit's history."""

    @classmethod
    def audit_refs_of(cls, values: Any) -> tuple[int | None, int | None]:
        return (values.get("unit_id"), None)


class Bill(_UnitRows, Base):
    """One fee item's charge to a unit for one month (应收). Amounts are integer fen."""

    __tablename__ = "arrears_bills"
    __table_args__ = (
        # One bill per unit, item and month: generating or importing a period twice changes nothing.
        UniqueConstraint("unit_id", "item", "period", name="uq_arrears_bills_unit_item_period"),
        Index("ix_arrears_bills_unit_due", "unit_id", "due_on"),
    )
    __audit_exclude__ = frozenset({"created_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    item: Mapped[str] = mapped_column(String(30))  # domain.arrears.FeeItem value
    period: Mapped[str] = mapped_column(String(7), index=True)  # '2026-10'
    amount_fen: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(20))  # generated / import / manual
    source_ref: Mapped[str] = mapped_column(String(200), default="")  # file and row it came from
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @classmethod
    def audit_label_of(cls, values: Mapping[str, Any]) -> str:
        return f"{values.get('period') or ''} {values.get('item') or ''}".strip()


class Payment(_UnitRows, Base):
    """Money received from a unit (实收). The receipt number is unique: never counted twice."""

    __tablename__ = "arrears_payments"
    __table_args__ = (Index("ix_arrears_payments_unit_paid", "unit_id", "paid_on"),)
    __audit_exclude__ = frozenset({"created_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    paid_on: Mapped[date] = mapped_column(Date, index=True)
    amount_fen: Mapped[int] = mapped_column(Integer)
    receipt_no: Mapped[str] = mapped_column(String(40), unique=True)
    item: Mapped[str | None] = mapped_column(String(30))  # None: settles the oldest bill of any item
    source: Mapped[str] = mapped_column(String(20))  # import / manual
    source_ref: Mapped[str] = mapped_column(String(200), default="")
    operator: Mapped[str] = mapped_column(String(50), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @classmethod
    def audit_label_of(cls, values: Mapping[str, Any]) -> str:
        return values.get("receipt_no") or ""


class Allocation(Base):
    """How much of a payment settled which bill. Derived by the rules, so not audited apart."""

    __tablename__ = "arrears_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("arrears_payments.id", ondelete="CASCADE"), index=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("arrears_bills.id", ondelete="CASCADE"), index=True)
    amount_fen: Mapped[int] = mapped_column(Integer)


class Adjustment(_UnitRows, Base):
    """A change to what a bill asks (减免/调整): negative lowers it. Always with a reason, always audited."""

    __tablename__ = "arrears_adjustments"
    __audit_exclude__ = frozenset({"created_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("arrears_bills.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # adjust / waiver / late_fee_waiver
    amount_fen: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    made_on: Mapped[date] = mapped_column(Date)
    operator: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CollectionAttempt(_UnitRows, Base):
    """One line of the 物管费催收记录表: who was asked, how, what they said and promised."""

    __tablename__ = "arrears_attempts"
    __table_args__ = (Index("ix_arrears_attempts_unit_made", "unit_id", "made_on"),)
    __audit_exclude__ = frozenset({"created_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    made_on: Mapped[date] = mapped_column(Date, index=True)
    method: Mapped[str] = mapped_column(String(20))  # domain.arrears.Method value
    who: Mapped[str] = mapped_column(String(50))  # the butler who made it
    statement_received: Mapped[bool | None] = mapped_column(Boolean)  # None: not asked
    said: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    promised_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(20))  # domain.arrears.Reason value
    round_key: Mapped[str] = mapped_column(String(30), index=True)  # '2026Q4-recheck'
    next_action_on: Mapped[date | None] = mapped_column(Date)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))  # service-problem work order
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @classmethod
    def audit_label_of(cls, values: Mapping[str, Any]) -> str:
        return f"{values.get('made_on') or ''} {values.get('method') or ''}".strip()
