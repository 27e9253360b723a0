"""Queries the services share, kept here so that only storage speaks SQLAlchemy."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from butler_desk.storage.bulk import executemany_rows
from butler_desk.storage.models import (
    AuditEntry,
    Base,
    Building,
    Cluster,
    Estate,
    Occupancy,
    Party,
    Phone,
    Staff,
    Unit,
)


def bulk_insert(session: Session, model: type[Base], rows: Sequence[dict[str, Any]], chunk: int = 5000) -> None:
    """Fast multi-row insert for generated data (the demo estate); bypasses the unit of work."""
    for start in range(0, len(rows), chunk):
        executemany_rows(session, model.__table__, rows[start : start + chunk])  # type: ignore[attr-defined]


def first_estate(session: Session) -> Estate | None:
    return session.scalar(select(Estate).order_by(Estate.id))


def estate_name(session: Session) -> str:
    return session.scalar(select(Estate.name).order_by(Estate.id)) or ""


def clusters_in_order(session: Session) -> list[Cluster]:
    return list(session.scalars(select(Cluster).order_by(Cluster.sort_order, Cluster.name)))


def clusters_of_estate(session: Session, estate_id: int) -> list[Cluster]:
    return list(session.scalars(select(Cluster).where(Cluster.estate_id == estate_id)))


def cluster_by_name(session: Session, estate_id: int, name: str) -> Cluster | None:
    return session.scalar(select(Cluster).where(Cluster.estate_id == estate_id, Cluster.name == name))


def building_rows(session: Session) -> list[tuple[int, int, str]]:
    """(building_id, cluster_id, code) of every building."""
    return [tuple(r) for r in session.execute(select(Building.id, Building.cluster_id, Building.code))]


def all_buildings(session: Session) -> list[Building]:
    return list(session.scalars(select(Building)))


def building_by_code(session: Session, code: str) -> Building | None:
    return session.scalar(select(Building).where(Building.code == code))


def unit_id_by_code(session: Session, code: str) -> int | None:
    return session.scalar(select(Unit.id).where(Unit.code == code))


def units_with_people(session: Session) -> list[Unit]:
    """Every unit with its occupancies, parties and phones loaded (roster import)."""
    return list(
        session.scalars(
            select(Unit).options(selectinload(Unit.occupancies).selectinload(Occupancy.party).selectinload(Party.phones))
        )
    )


def unit_status_counts(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Unit.status, func.count()).group_by(Unit.status)).all())


def key_client_unit_count(session: Session) -> int:
    return session.scalar(
        select(func.count(func.distinct(Occupancy.unit_id)))
        .join(Party, Party.id == Occupancy.party_id)
        .where(Occupancy.end_date.is_(None), Party.key_client.is_(True))
    ) or 0


def ledger_unit_rows(session: Session, limit: int | None = None) -> list[tuple]:
    """(unit id, code, cluster id, cluster name, building id, building code, entrance, room,
    status, area_centi, fee_rate_fen) for every unit (or the first ``limit``), in ledger order:
    clusters in their order, rooms in natural order within each."""
    query = (
        select(
            Unit.id, Unit.code, Cluster.id, Cluster.name, Building.id, Building.code, Unit.entrance,
            Unit.room, Unit.status, Unit.area_centi, Unit.fee_rate_fen,
        )
        .join(Building, Building.id == Unit.building_id)
        .join(Cluster, Cluster.id == Building.cluster_id)
        .order_by(Cluster.sort_order, Cluster.name, Unit.sort_key)
    )
    if limit is not None:
        query = query.limit(limit)
    # Core rows: the ORM's row processing doubles the cost of these large reads.
    return list(session.connection().execute(query).all())


def ledger_occupant_rows(session: Session, unit_ids: Sequence[int] | None = None) -> list[tuple]:
    """(unit id, role, end date, party id, name, key client, search keys), oldest first."""
    query = (
        select(Occupancy.unit_id, Occupancy.role, Occupancy.end_date, Party.id, Party.name, Party.key_client,
               Party.search_keys)
        .join(Party, Party.id == Occupancy.party_id)
        .order_by(Occupancy.id)
    )
    if unit_ids is not None:
        query = query.where(Occupancy.unit_id.in_(list(unit_ids)))
    return list(session.connection().execute(query).all())


def phone_rows(session: Session, party_ids: Sequence[int] | None = None) -> list[tuple[int, str]]:
    """(party id, number) in each party's own order."""
    query = select(Phone.party_id, Phone.number).order_by(Phone.party_id, Phone.position)
    if party_ids is not None:
        query = query.where(Phone.party_id.in_(list(party_ids)))
    return [tuple(r) for r in session.connection().execute(query)]


def units_with_location(session: Session) -> list[tuple[Unit, str, str, int]]:
    """(unit, building code, cluster name, cluster sort order) for every unit."""
    return [
        tuple(r)
        for r in session.execute(
            select(Unit, Building.code, Cluster.name, Cluster.sort_order)
            .join(Building, Building.id == Unit.building_id)
            .join(Cluster, Cluster.id == Building.cluster_id)
        ).all()
    ]


def current_occupancies(session: Session, unit_ids: Iterable[int] | None = None) -> list[Occupancy]:
    """Current occupancies with party and phones loaded, oldest first."""
    query = (
        select(Occupancy)
        .where(Occupancy.end_date.is_(None))
        .options(selectinload(Occupancy.party).selectinload(Party.phones))
        .order_by(Occupancy.id)
    )
    if unit_ids is not None:
        query = query.where(Occupancy.unit_id.in_(list(unit_ids)))
    return list(session.scalars(query))


def history_of_unit_and_people(session: Session, unit_id: int) -> list[AuditEntry]:
    """A unit's changes plus its people's own (edits, 查看明文), newest first.

    A party's row changes carry only its party id, so the unit's history would otherwise
    hide who looked at the phone of the family living there.
    """
    party_ids = select(Occupancy.party_id).where(Occupancy.unit_id == unit_id).scalar_subquery()
    query = (
        select(AuditEntry)
        .where(or_(AuditEntry.unit_id == unit_id,
                   and_(AuditEntry.unit_id.is_(None), AuditEntry.party_id.in_(party_ids))))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    return list(session.scalars(query))


def history(session: Session, *, unit_id: int | None = None, party_id: int | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if unit_id is not None:
        query = query.where(AuditEntry.unit_id == unit_id)
    if party_id is not None:
        query = query.where(AuditEntry.party_id == party_id)
    return list(session.scalars(query))


def staff_list(session: Session, include_inactive: bool = False) -> list[Staff]:
    query = select(Staff).order_by(Staff.id)
    if not include_inactive:
        query = query.where(Staff.active.is_(True))
    return list(session.scalars(query))


def staff_by_name(session: Session, name: str) -> Staff | None:
    return session.scalar(select(Staff).where(Staff.name == name))
