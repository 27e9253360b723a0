"""ORM models of vacant-unit checks (空置房巡查): vacancy periods, inspections and their checklist items."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from butler_desk.storage.models import Audited, Base
from butler_desk.storage.types import UTCDateTime, utcnow


class VacancyPeriod(Audited, Base):
    """One stretch of a unit standing empty, with the reason the office gives; ``ended_on`` once occupied."""

    __tablename__ = "vacancy_periods"
    __table_args__ = (Index("ix_vacancy_periods_unit_started", "unit_id", "started_on"),)
    __audit_exclude__ = frozenset({"created_at", "updated_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    reason: Mapped[str] = mapped_column(String(20))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @classmethod
    def audit_label_of(cls, values: Mapping[str, Any]) -> str:
        return f"空置 {values.get('started_on', '')}"

    @classmethod
    def audit_refs_of(cls, values: Mapping[str, Any]) -> tuple[int | None, int | None]:
        return (values.get("unit_id"), None)


class VacancyInspection(Audited, Base):
    """One visit to a vacant unit: who, when, for which month's round, and what came of it.

    ``request_id`` is the repair request sent to 工程部 when an item failed; the request's
    own state is read from the service log, never copied here.
    """

    __tablename__ = "vacancy_inspections"
    # The round list reads one month's inspections; a unit's history reads its own, newest first.
    __table_args__ = (
        Index("ix_vacancy_inspections_month_unit", "round_month", "unit_id"),
        Index("ix_vacancy_inspections_unit_at", "unit_id", "inspected_at"),
    )
    __audit_exclude__ = frozenset({"created_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    round_month: Mapped[date] = mapped_column(Date)  # first of the month
    occasion: Mapped[str] = mapped_column(String(20), default="月度例行")
    inspector: Mapped[str] = mapped_column(String(50))
    inspected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    passed: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    items: Mapped[list[VacancyInspectionItem]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan", order_by="VacancyInspectionItem.id"
    )

    @classmethod
    def audit_label_of(cls, values: Mapping[str, Any]) -> str:
        return f"空置房巡视 {values.get('round_month', '')}"

    @classmethod
    def audit_refs_of(cls, values: Mapping[str, Any]) -> tuple[int | None, int | None]:
        return (values.get("unit_id"), None)


class VacancyInspectionItem(Base):
    """One checklist line of an inspection (written once with it; the inspection row is audited)."""

    __tablename__ = "vacancy_inspection_items"
    __table_args__ = (UniqueConstraint("inspection_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("vacancy_inspections.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(30))
    passed: Mapped[bool] = mapped_column(Boolean, default=True)
    reading: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    inspection: Mapped[VacancyInspection] = relationship(back_populates="items")
