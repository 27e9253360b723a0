"""ORM models of the estate, its units and people, staff, settings and the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from butler_desk.domain.rooms import code_sort_text

from butler_desk.storage.types import UTCDateTime, utcnow

# Named constraints keep Alembic migrations portable (SQLite batch mode, PostgreSQL).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

APPLICATION_ID = "butler-desk"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class _AttrView:
    """Lets the ``*_of`` classmethods read an ORM object like the dict of a bulk insert."""

    __slots__ = ("obj",)

    def __init__(self, obj: object) -> None:
        self.obj = obj

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self.obj, key, default)


class Audited:
    """Mixin: changes to these rows are written to ``audit_log`` by the session hook.

    The label and the (unit, party) references are computed from column values, so the
    same rules serve ORM objects (the flush hook) and plain dicts (bulk imports).
    """

    __audit_exclude__: frozenset[str] = frozenset({"search_keys", "sort_key", "updated_at", "created_at"})

    @classmethod
    def audit_label_of(cls, values: Mapping[str, Any] | _AttrView) -> str:
        return str(values.get("id", ""))

    @classmethod
    def audit_refs_of(cls, values: Mapping[str, Any] | _AttrView) -> tuple[int | None, int | None]:
        """(unit_id, party_id) this row belongs to, so detail views can show its history."""
        return (None, None)

    def audit_label(self) -> str:
        return self.audit_label_of(_AttrView(self))

    def audit_refs(self) -> tuple[int | None, int | None]:
        return self.audit_refs_of(_AttrView(self))


class AppMeta(Base):
    """Marks the file as a Butler Desk database (checked before opening or restoring)."""

    __tablename__ = "app_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Setting(Base):
    """Office-wide settings as JSON text, with defaults kept in code."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    role: Mapped[str] = mapped_column(String(30), default="客服管家")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Estate(Audited, Base):
    __tablename__ = "estates"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    company_name: Mapped[str] = mapped_column(String(100), default="")
    service_center: Mapped[str] = mapped_column(String(100), default="物业服务中心")
    address: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(6), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")

    clusters: Mapped[list[Cluster]] = relationship(back_populates="estate")

    @classmethod
    def audit_label_of(cls, values) -> str:
        return values.get("name") or ""


class Cluster(Audited, Base):
    __tablename__ = "clusters"
    __table_args__ = (UniqueConstraint("estate_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"))
    name: Mapped[str] = mapped_column(String(50))
    butler: Mapped[str] = mapped_column(String(50), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    estate: Mapped[Estate] = relationship(back_populates="clusters")
    buildings: Mapped[list[Building]] = relationship(back_populates="cluster")

    @classmethod
    def audit_label_of(cls, values) -> str:
        return values.get("name") or ""


class Building(Audited, Base):
    __tablename__ = "buildings"
    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), index=True)
    # The building part of the room code ("3", "A"); unique across the estate.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    cluster: Mapped[Cluster] = relationship(back_populates="buildings")
    units: Mapped[list[Unit]] = relationship(back_populates="building")

    @classmethod
    def audit_label_of(cls, values) -> str:
        return f"{values.get('code')}栋"


class Unit(Audited, Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    entrance: Mapped[str] = mapped_column(String(10), default="")  # 单元; "" when none
    room: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(50), unique=True)  # canonical "3-2-1201"
    # code_sort_text(code): ORDER BY gives the natural room order (building 2 before 10),
    # so the first screen of the ledger is one indexed query.
    sort_key: Mapped[str] = mapped_column(String(80), default="", index=True)
    area_centi: Mapped[int | None] = mapped_column(Integer)  # m² × 100
    fee_rate_fen: Mapped[int | None] = mapped_column(Integer)  # 分/㎡·月
    status: Mapped[str] = mapped_column(String(20), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    building: Mapped[Building] = relationship(back_populates="units")
    occupancies: Mapped[list[Occupancy]] = relationship(back_populates="unit")

    @validates("code")
    def _keep_sort_key(self, _key: str, code: str) -> str:
        self.sort_key = code_sort_text(code)
        return code

    @classmethod
    def audit_label_of(cls, values) -> str:
        return values.get("code") or ""

    @classmethod
    def audit_refs_of(cls, values) -> tuple[int | None, int | None]:
        return (values.get("id"), None)


class Party(Audited, Base):
    __tablename__ = "parties"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    id_type: Mapped[str | None] = mapped_column(String(20))
    id_number: Mapped[str | None] = mapped_column(String(40))
    mailing_address: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(6), default="")
    key_client: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Space-separated pinyin keys ("zhangsan zs"), derived from the name on save so the
    # search index needs no pypinyin work at start-up.
    search_keys: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    phones: Mapped[list[Phone]] = relationship(
        back_populates="party", cascade="all, delete-orphan", order_by="Phone.position"
    )
    occupancies: Mapped[list[Occupancy]] = relationship(back_populates="party")

    @classmethod
    def audit_label_of(cls, values) -> str:
        return values.get("name") or ""

    @classmethod
    def audit_refs_of(cls, values) -> tuple[int | None, int | None]:
        return (None, values.get("id"))


class Phone(Audited, Base):
    __tablename__ = "phones"
    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(30), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(Integer, default=0)

    party: Mapped[Party] = relationship(back_populates="phones")

    @classmethod
    def audit_label_of(cls, values) -> str:
        return "电话"

    @classmethod
    def audit_refs_of(cls, values) -> tuple[int | None, int | None]:
        return (None, values.get("party_id"))


class Occupancy(Audited, Base):
    """A party's role at a unit over a period: ownership, a tenancy or living there as family."""

    __tablename__ = "occupancies"
    __table_args__ = (Index("ix_occupancies_unit_current", "unit_id", "end_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    moved_in: Mapped[date | None] = mapped_column(Date)  # 入住日期 (办理入住), owners and tenants

    unit: Mapped[Unit] = relationship(back_populates="occupancies")
    party: Mapped[Party] = relationship(back_populates="occupancies")

    @classmethod
    def audit_label_of(cls, values) -> str:
        return values.get("role") or ""

    @classmethod
    def audit_refs_of(cls, values) -> tuple[int | None, int | None]:
        return (values.get("unit_id"), values.get("party_id"))


class AuditEntry(Base):
    """One change to one row: who, when, which record, and each field's old and new value."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_unit", "unit_id", "at"),
        Index("ix_audit_log_party", "party_id", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    operator: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(10))  # insert / update / delete / reveal
    table_name: Mapped[str] = mapped_column(String(50))
    record_id: Mapped[int | None] = mapped_column(Integer)
    record_label: Mapped[str] = mapped_column(String(100), default="")
    unit_id: Mapped[int | None] = mapped_column(Integer)
    party_id: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[str] = mapped_column(Text, default="{}")  # JSON {field: [old, new]}

# models_requests, models_documents and models_arrears add their tables to Base.metadata; the package's
# __init__ imports them, so the schema is complete whenever storage is imported.
