"""Queries of the document register and of the households a batch goes to; only storage speaks SQL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from butler_desk.storage.audit import insert_audited
from butler_desk.storage.models import Building, Cluster, Occupancy, Party, Phone, Unit
from butler_desk.storage.models_documents import Document, DocumentDelivery

_IN_CHUNK = 500  # far below SQLite's bound-parameter limit


def _chunks(values: Sequence[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield list(values[start : start + _IN_CHUNK])


# -- choosing households ---------------------------------------------------------------


def cluster_names(session: Session) -> list[str]:
    return list(session.scalars(select(Cluster.name).order_by(Cluster.sort_order, Cluster.name)))


def building_codes(session: Session) -> list[str]:
    return list(session.scalars(select(Building.code)))


def unit_codes_known(session: Session, codes: Sequence[str]) -> set[str]:
    """Which of ``codes`` (canonical) exist."""
    found: set[str] = set()
    for part in _chunks(list(codes)):
        found.update(session.scalars(select(Unit.code).where(Unit.code.in_(part))))
    return found


def selected_units(session: Session, *, clusters: Sequence[str] = (), buildings: Sequence[str] = (),
                   codes: Sequence[str] = (), statuses: Sequence[str] = ()) -> list[tuple]:
    """(unit id, code, building code, entrance, room, status, cluster name) of the units matching
    every given filter (each filter: any of its values); no filter at all gives every unit."""
    query = (
        select(Unit.id, Unit.code, Building.code, Unit.entrance, Unit.room, Unit.status, Cluster.name)
        .join(Building, Building.id == Unit.building_id)
        .join(Cluster, Cluster.id == Building.cluster_id)
    )
    if clusters:
        query = query.where(Cluster.name.in_(list(clusters)))
    if buildings:
        query = query.where(Building.code.in_(list(buildings)))
    if statuses:
        query = query.where(Unit.status.in_(list(statuses)))
    if not codes:
        return [tuple(r) for r in session.execute(query)]
    rows: list[tuple] = []
    for part in _chunks(list(codes)):
        rows += [tuple(r) for r in session.execute(query.where(Unit.code.in_(part)))]
    return rows


def current_occupants(session: Session, unit_ids: Sequence[int]) -> list[tuple]:
    """(unit id, role, moved in, party id, name, key client, mailing address, postcode) of the
    current occupancies of ``unit_ids``, oldest first."""
    rows: list[tuple] = []
    for part in _chunks(list(unit_ids)):
        rows += [tuple(r) for r in session.execute(
            select(Occupancy.unit_id, Occupancy.role, Occupancy.moved_in, Party.id, Party.name, Party.key_client,
                   Party.mailing_address, Party.postcode, Occupancy.id)
            .join(Party, Party.id == Occupancy.party_id)
            .where(Occupancy.end_date.is_(None), Occupancy.unit_id.in_(part))
        )]
    rows.sort(key=lambda r: r[8])
    return [r[:8] for r in rows]


def first_phones(session: Session, party_ids: Iterable[int]) -> dict[int, str]:
    """Each party's first phone number (in the party's own order)."""
    ids = sorted(set(party_ids))
    found: dict[int, str] = {}
    for part in _chunks(ids):
        for party_id, number in session.execute(
            select(Phone.party_id, Phone.number).where(Phone.party_id.in_(part)).order_by(Phone.party_id,
                                                                                          Phone.position)
        ):
            found.setdefault(party_id, number)
    return found


# -- the register ------------------------------------------------------------------------


def add_document(session: Session, **values: Any) -> Document:
    document = Document(**values)
    session.add(document)
    session.flush()
    return document


def add_deliveries(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert a batch's copies at once (thousands for an estate-wide notice), each one audited."""
    return insert_audited(session, DocumentDelivery, rows)


def document(session: Session, document_id: int) -> Document | None:
    return session.get(Document, document_id)


def delivery(session: Session, delivery_id: int) -> DocumentDelivery | None:
    return session.get(DocumentDelivery, delivery_id)


def _delivery_query():
    """Copies with their document's title, kind and date and the unit's code."""
    return (
        select(DocumentDelivery, Document.title, Document.kind, Document.issued_on, Unit.code)
        .join(Document, Document.id == DocumentDelivery.document_id)
        .join(Unit, Unit.id == DocumentDelivery.unit_id)
    )


def deliveries_of_document(session: Session, document_id: int) -> list[tuple]:
    return [tuple(r) for r in session.execute(
        _delivery_query().where(DocumentDelivery.document_id == document_id).order_by(DocumentDelivery.seq))]


def deliveries_for_unit(session: Session, unit_id: int) -> list[tuple]:
    return [tuple(r) for r in session.execute(
        _delivery_query().where(DocumentDelivery.unit_id == unit_id)
        .order_by(Document.issued_on.desc(), Document.id.desc()))]


def deliveries_for_party(session: Session, party_id: int) -> list[tuple]:
    return [tuple(r) for r in session.execute(
        _delivery_query().where(DocumentDelivery.party_id == party_id)
        .order_by(Document.issued_on.desc(), Document.id.desc()))]


def open_deliveries(session: Session, methods: Sequence[str], sent_by: date) -> list[tuple]:
    """Copies sent by hand on or before ``sent_by`` that nobody has signed for and that were not returned."""
    return [tuple(r) for r in session.execute(
        _delivery_query()
        .where(DocumentDelivery.received_on.is_(None), DocumentDelivery.returned.is_(False),
               DocumentDelivery.sent_on <= sent_by, DocumentDelivery.method.in_(list(methods)))
        .order_by(DocumentDelivery.sent_on, Document.id, DocumentDelivery.seq))]


def returned_deliveries(session: Session) -> list[tuple]:
    """Returned copies not yet delivered again."""
    return [tuple(r) for r in session.execute(
        _delivery_query()
        .where(DocumentDelivery.returned.is_(True), DocumentDelivery.received_on.is_(None))
        .order_by(DocumentDelivery.returned_on, Document.id, DocumentDelivery.seq))]


def document_summaries(session: Session, limit: int | None = None) -> list[tuple]:
    """(document, copies, received, returned), newest first."""
    counts = (
        select(
            DocumentDelivery.document_id.label("document_id"),
            func.count().label("copies"),
            func.sum(case((DocumentDelivery.received_on.is_not(None), 1), else_=0)).label("received"),
            func.sum(case((DocumentDelivery.returned.is_(True), 1), else_=0)).label("returned"),
        )
        .group_by(DocumentDelivery.document_id)
        .subquery()
    )
    query = (
        select(Document, func.coalesce(counts.c.copies, 0), func.coalesce(counts.c.received, 0),
               func.coalesce(counts.c.returned, 0))
        .outerjoin(counts, counts.c.document_id == Document.id)
        .order_by(Document.issued_on.desc(), Document.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [tuple(r) for r in session.execute(query)]
