"""ORM models of service requests (投诉报修): the request, its timeline of steps, attachments, number counters."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from butler_desk.storage.models import Audited, Base
from butler_desk.storage.types import UTCDateTime, utcnow


class Request(Audited, Base):
    """One request as received, plus its progress folded from the steps and cached for fast lists.

    The steps (``request_steps``) are the record; every column from ``state`` down to
    ``reopen_count`` is what replaying them gives, rewritten after each step, and
    ``next_due_at``/``next_due_key`` are the first unmet deadline under the office's
    current time limits.
    """

    __tablename__ = "requests"
    # Each filter of the list has an index that also yields its rows newest first, so a
    # page of 2,000 out of 100,000 is read straight off the index; open and overdue
    # requests are found by state and due time.
    __table_args__ = (
        Index("ix_requests_state_due", "state", "next_due_at"),
        Index("ix_requests_kind_received", "kind", "received_at"),
        Index("ix_requests_cluster_received", "cluster_id", "received_at"),
        Index("ix_requests_unit_received", "unit_id", "received_at"),
        Index("ix_requests_department_received", "department", "received_at"),
    )
    # Clock caches change with every step and with settings; the steps are their history.
    __audit_exclude__ = frozenset(
        {"created_at", "updated_at", "version", "last_step_at", "next_due_at", "next_due_key"}
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # TS-2026-000123
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    # Set from the unit's building, or from "3栋大堂"-style area text; lets the list filter by 组团
    # without joining three tables.
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id"))
    area_text: Mapped[str] = mapped_column(String(100), default="")
    # Who called when it is not (yet) someone in the ledger; the phone is shown masked.
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    description: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    fault: Mapped[str | None] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    received_by: Mapped[str] = mapped_column(String(50))

    state: Mapped[str] = mapped_column(String(20))
    valid: Mapped[bool | None] = mapped_column(Boolean)
    invalid_reason: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str | None] = mapped_column(String(10))
    department: Mapped[str | None] = mapped_column(String(50))
    assignee: Mapped[str | None] = mapped_column(String(50))
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_feedback_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    visited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    satisfaction: Mapped[str | None] = mapped_column(String(20))
    resident_signed: Mapped[bool | None] = mapped_column(Boolean)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    last_step_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_due_key: Mapped[str | None] = mapped_column(String(40))
    # Bumped by every step: the first write of a step's transaction, so two desks
    # recording on the same request take turns instead of both replaying stale steps.
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    steps: Mapped[list[RequestStep]] = relationship(
        back_populates="request", order_by="(RequestStep.at, RequestStep.id)", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="request", order_by="Attachment.id", cascade="all, delete-orphan"
    )

    @classmethod
    def audit_label_of(cls, values: Mapping[str, Any]) -> str:
        return values.get("number") or ""


class RequestStep(Base):
    """One thing done on a request (contact, judgement, dispatch, result, feedback, visit…).

    Append-only: a wrong entry is corrected by a later step, never edited, so the
    timeline shows what the resident was really told and when. ``at`` is when it
    happened, ``recorded_at`` when it was typed in.
    """

    __tablename__ = "request_steps"
    __table_args__ = (Index("ix_request_steps_request_at", "request_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    operator: Mapped[str] = mapped_column(String(50))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    on_site: Mapped[bool | None] = mapped_column(Boolean)
    valid: Mapped[bool | None] = mapped_column(Boolean)
    invalid_reason: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str | None] = mapped_column(String(10))
    department: Mapped[str | None] = mapped_column(String(50))
    assignee: Mapped[str | None] = mapped_column(String(50))
    satisfaction: Mapped[str | None] = mapped_column(String(20))
    resident_words: Mapped[str] = mapped_column(Text, default="")
    attitude: Mapped[str | None] = mapped_column(String(20))
    quality: Mapped[str | None] = mapped_column(String(20))
    manners: Mapped[str | None] = mapped_column(String(20))
    resident_signed: Mapped[bool | None] = mapped_column(Boolean)

    request: Mapped[Request] = relationship(back_populates="steps")


class Attachment(Audited, Base):
    """A photo or file kept with a request, copied into the data folder (path relative to it)."""

    __tablename__ = "request_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(200))  # as the user had it
    stored_path: Mapped[str] = mapped_column(String(300))  # "<number>/<name>", "/" separated
    size_bytes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(200), default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by: Mapped[str] = mapped_column(String(50))

    request: Mapped[Request] = relationship(back_populates="attachments")

    @classmethod
    def audit_label_of(cls, values: Mapping[str, Any]) -> str:
        return values.get("file_name") or ""


class NumberCounter(Base):
    """The last sequence number handed out per kind of request and year (never reused)."""

    __tablename__ = "number_counters"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)
