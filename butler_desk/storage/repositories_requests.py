"""Queries for service requests (and the settings rows their rules come from); only storage speaks SQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, func, or_, select, update
from sqlalchemy.orm import Session

from butler_desk.domain.requests import RequestState
from butler_desk.storage.models import (
    AppMeta,
    Building,
    Cluster,
    Occupancy,
    Party,
    Phone,
    Setting,
    Unit,
)
from butler_desk.storage.models_requests import (
    Attachment,
    NumberCounter,
    Request,
    RequestStep,
)

RESOLVED = RequestState.RESOLVED.value
OPEN_STATES = tuple(state.value for state in RequestState if state.is_open)
_IN_CHUNK = 500  # stays far below SQLite's bound-parameter limit


# -- settings and meta -------------------------------------------------------------


def settings_values(session: Session) -> dict[str, str]:
    """Every stored setting as its JSON text."""
    return dict(session.execute(select(Setting.key, Setting.value)).all())


def meta_value(session: Session, key: str) -> str | None:
    return session.scalar(select(AppMeta.value).where(AppMeta.key == key))


def set_meta_value(session: Session, key: str, value: str) -> None:
    """Write one app_meta value with a single upsert, so that it can open a transaction as its first write."""
    session.execute(_upsert(session, AppMeta, {"key": key, "value": value}, [AppMeta.key], {"value": value}))


def _upsert(session: Session, model: type, values: dict[str, Any], keys: list[Any], changes: dict[str, Any]) -> Any:
    """INSERT … ON CONFLICT DO UPDATE, which SQLite and PostgreSQL spell alike."""
    # The dialect modules are imported here, not at the top: the PostgreSQL one costs ~60 ms
    # of start-up on every desk that only ever opens SQLite.
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as builder
    else:
        from sqlalchemy.dialects.sqlite import insert as builder
    return builder(model).values(**values).on_conflict_do_update(index_elements=keys, set_=changes)


# -- numbers and locking ----------------------------------------------------------


def next_sequence(session: Session, kind: str, year: int) -> int:
    """Hand out the next number for (kind, year) in one atomic statement; it is never handed out twice.

    An upsert with RETURNING takes the write lock (SQLite) or the row lock (PostgreSQL)
    at once, so two desks adding at the same moment queue up instead of reading the
    same last number. Run it as the transaction's first statement on SQLite: a
    transaction that has read first cannot wait for the lock.
    """
    statement = _upsert(session, NumberCounter, {"kind": kind, "year": year, "last": 1},
                        [NumberCounter.kind, NumberCounter.year], {"last": NumberCounter.last + 1})
    return int(session.execute(statement.returning(NumberCounter.last)).scalar_one())


def claim_request(session: Session, request_id: int) -> bool:
    """Bump the request's version as the first write of a step, so steps on one request take turns."""
    result = session.execute(
        update(Request).where(Request.id == request_id).values(version=Request.version + 1)
    )
    return bool(result.rowcount)


# -- the ledger side of a request -------------------------------------------------


def cluster_of_unit(session: Session, unit_id: int) -> int | None:
    return session.scalar(
        select(Building.cluster_id).join(Unit, Unit.building_id == Building.id).where(Unit.id == unit_id)
    )


def cluster_of_building_code(session: Session, code: str) -> int | None:
    return session.scalar(select(Building.cluster_id).where(Building.code == code))


def party_ever_at_unit(session: Session, party_id: int, unit_id: int) -> bool:
    found = session.scalar(
        select(Occupancy.id).where(Occupancy.party_id == party_id, Occupancy.unit_id == unit_id).limit(1)
    )
    return found is not None


def first_phone(session: Session, party_id: int) -> str:
    return session.scalar(
        select(Phone.number).where(Phone.party_id == party_id).order_by(Phone.position, Phone.id).limit(1)
    ) or ""


def cluster_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Cluster.id, Cluster.name)).all())


def unit_places(session: Session, unit_ids: Iterable[int]) -> dict[int, tuple[str, str, str, str]]:
    """unit id → (code, building code, entrance, room) for the given units."""
    wanted = sorted(set(unit_ids))
    places: dict[int, tuple[str, str, str, str]] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        rows = session.execute(
            select(Unit.id, Unit.code, Building.code, Unit.entrance, Unit.room)
            .join(Building, Building.id == Unit.building_id)
            .where(Unit.id.in_(chunk))
        )
        places.update({row[0]: tuple(row[1:]) for row in rows})
    return places


def party_contacts(session: Session, party_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """party id → (name, first phone) for the given parties."""
    wanted = sorted(set(party_ids))
    contacts: dict[int, tuple[str, str]] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        for pid, name in session.execute(select(Party.id, Party.name).where(Party.id.in_(chunk))):
            contacts[pid] = (name, "")
        phones = session.execute(
            select(Phone.party_id, Phone.number)
            .where(Phone.party_id.in_(chunk))
            .order_by(Phone.party_id, Phone.position, Phone.id)
        )
        for pid, number in phones:
            if not contacts[pid][1]:
                contacts[pid] = (contacts[pid][0], number)
    return contacts


# -- the list ------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestQuery:
    """The list's filters in storage terms (enum values, UTC bounds, prepared search fragments)."""

    kind: str | None = None
    state: str | None = None
    open_only: bool = False
    department: str | None = None
    overdue_at: datetime | None = None
    received_from: datetime | None = None
    received_before: datetime | None = None
    cluster_id: int | None = None
    unit_id: int | None = None
    awaiting_visit_kinds: tuple[str, ...] | None = None
    text: str | None = None  # inside the description, the area, the caller's or the party's name
    number: str | None = None  # inside the request number (upper case)
    room_prefix: str | None = None  # canonical room-code prefix ("3-2-12"), or a bare room ("1201")
    pinyin: str | None = None  # at the start of a party's pinyin key
    phone_digits: str | None = None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column: Any, fragment: str, *, fold_case: bool = False) -> Any:
    pattern = f"%{_escape_like(fragment)}%"
    return column.ilike(pattern, escape="\\") if fold_case else column.like(pattern, escape="\\")


def _fold_case(session: Session) -> bool:
    """Must words be matched with ILIKE? SQLite's LIKE already ignores ASCII case (and
    stays as it is, plain LIKE); PostgreSQL's LIKE does not, so "wifi" would miss "WiFi"."""
    return session.get_bind().dialect.name != "sqlite"


def awaiting_visit_condition(kinds: Sequence[str]) -> Any:
    return and_(
        Request.state == RESOLVED,
        Request.kind.in_(list(kinds)),
        or_(Request.valid.is_(None), Request.valid.is_(True)),
    )


def _conditions(q: RequestQuery, *, fold_case: bool = False) -> list[Any]:
    """WHERE terms on the requests table alone.

    Names, room codes and phones are matched in their own (small) tables and brought
    in as id sets, so neither the count nor the scan joins a table per request.
    """
    terms: list[Any] = []
    if q.kind:
        terms.append(Request.kind == q.kind)
    if q.state:
        terms.append(Request.state == q.state)
    if q.open_only or q.overdue_at is not None:
        terms.append(Request.state.in_(OPEN_STATES))  # IN, unlike !=, can use the state index
    if q.department:
        terms.append(Request.department == q.department)
    if q.overdue_at is not None:
        terms.append(Request.next_due_at < q.overdue_at)
    if q.received_from is not None:
        terms.append(Request.received_at >= q.received_from)
    if q.received_before is not None:
        terms.append(Request.received_at < q.received_before)
    if q.cluster_id is not None:
        terms.append(Request.cluster_id == q.cluster_id)
    if q.unit_id is not None:
        terms.append(Request.unit_id == q.unit_id)
    if q.awaiting_visit_kinds is not None:
        terms.append(awaiting_visit_condition(q.awaiting_visit_kinds))
    alternatives: list[Any] = []
    if q.text:
        alternatives += [_contains(column, q.text, fold_case=fold_case)
                         for column in (Request.description, Request.area_text, Request.contact_name)]
        alternatives.append(Request.party_id.in_(
            select(Party.id).where(_contains(Party.name, q.text, fold_case=fold_case))))
    if q.number:
        alternatives.append(_contains(Request.number, q.number))
    if q.room_prefix and "-" in q.room_prefix:
        units = select(Unit.id).where(Unit.code.like(f"{_escape_like(q.room_prefix)}%", escape="\\"))
        alternatives.append(Request.unit_id.in_(units))
    elif q.room_prefix:  # a bare "1201" is that room in any building
        alternatives.append(Request.unit_id.in_(select(Unit.id).where(Unit.room == q.room_prefix)))
    if q.pinyin:
        keys = (" " + Party.search_keys).like(f"% {_escape_like(q.pinyin)}%", escape="\\")
        alternatives.append(Request.party_id.in_(select(Party.id).where(keys)))
    if q.phone_digits:
        alternatives.append(_contains(Request.contact_phone, q.phone_digits))
        alternatives.append(Request.party_id.in_(select(Phone.party_id).where(_contains(Phone.number, q.phone_digits))))
    if alternatives:
        terms.append(or_(*alternatives))
    return terms


def _row_columns() -> tuple[Any, ...]:
    return (
        Request.id, Request.number, Request.kind, Request.state, Request.unit_id, Unit.code,
        Request.party_id, Party.name, Request.contact_name, Request.area_text,
        func.substr(Request.description, 1, 80), Request.received_at, Request.department,
        Request.next_due_at, Request.next_due_key, Request.urgent, Request.severity, Request.valid,
        Request.cluster_id, Request.resolved_at, Request.source,
    )


def request_rows(session: Session, q: RequestQuery, *, limit: int, offset: int = 0,
                 order_by_resolved: bool = False) -> tuple[list[tuple], int]:
    """(rows in list order, newest first, total matching); rows are the tuples of ``_row_columns``."""
    total = count_requests(session, q)
    if order_by_resolved:
        order = (Request.resolved_at.asc(), Request.id.asc())
    else:
        order = (Request.received_at.desc(), Request.id.desc())
    query = (
        select(*_row_columns())
        .select_from(Request)
        .outerjoin(Unit, Unit.id == Request.unit_id)
        .outerjoin(Party, Party.id == Request.party_id)
        .where(*_conditions(q, fold_case=_fold_case(session)))
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
    return [tuple(row) for row in session.execute(query)], total


def count_requests(session: Session, q: RequestQuery) -> int:
    terms = _conditions(q, fold_case=_fold_case(session))
    return int(session.scalar(select(func.count(Request.id)).where(*terms)) or 0)


# -- whole requests with their steps ----------------------------------------------


def request_by_id(session: Session, request_id: int) -> Request | None:
    return session.get(Request, request_id)


def request_id_by_number(session: Session, number: str) -> int | None:
    return session.scalar(select(Request.id).where(Request.number == number))


def steps_of(session: Session, request_ids: Iterable[int]) -> dict[int, list[Row]]:
    """request id → its steps in timeline order, as plain rows with the step's column names."""
    wanted = sorted(set(request_ids))
    grouped: dict[int, list[Row]] = defaultdict(list)
    table = RequestStep.__table__
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        query = select(table).where(table.c.request_id.in_(chunk)).order_by(table.c.request_id, table.c.at, table.c.id)
        for step in session.execute(query):
            grouped[step.request_id].append(step)
    return grouped


# Bulk reads hand back plain rows (attribute access by column name, like the ORM object):
# building thousands of ORM objects would cost more than the statistics themselves.


def open_requests(session: Session) -> list[Row]:
    table = Request.__table__
    return list(session.execute(select(table).where(table.c.state.in_(OPEN_STATES)).order_by(table.c.id)))


def requests_touching(session: Session, start: datetime, end: datetime) -> list[Row]:
    """Requests received before ``end`` that were received, closed or still open from ``start`` on.

    That is every request the statistics of [start, end) can count: received in the
    period, closed in it, or open at its end.
    """
    table = Request.__table__
    query = (
        select(table)
        .where(
            table.c.received_at < end,
            or_(table.c.received_at >= start, table.c.closed_at.is_(None), table.c.closed_at >= start),
        )
        .order_by(table.c.received_at, table.c.id)
    )
    return list(session.execute(query))


def requests_received(session: Session, start: datetime, end: datetime) -> list[Row]:
    table = Request.__table__
    query = (
        select(table)
        .where(table.c.received_at >= start, table.c.received_at < end)
        .order_by(table.c.received_at, table.c.id)
    )
    return list(session.execute(query))


def due_candidates(session: Session, until: datetime) -> list[tuple]:
    """List-row tuples of open requests whose next deadline falls before ``until`` (overdue included)."""
    query = (
        select(*_row_columns())
        .select_from(Request)
        .outerjoin(Unit, Unit.id == Request.unit_id)
        .outerjoin(Party, Party.id == Request.party_id)
        .where(Request.state.in_(OPEN_STATES), Request.next_due_at < until)
        .order_by(Request.next_due_at, Request.id)
    )
    return [tuple(row) for row in session.execute(query)]


def update_next_due(session: Session, changes: Sequence[dict[str, Any]]) -> None:
    """Rewrite the cached next deadline of many requests: dicts of id, next_due_at, next_due_key."""
    if changes:
        session.execute(update(Request), list(changes))


# -- attachments -------------------------------------------------------------------


def attachments_of(session: Session, request_id: int) -> list[Attachment]:
    return list(session.scalars(select(Attachment).where(Attachment.request_id == request_id).order_by(Attachment.id)))


def stored_paths_in_use(session: Session, prefix: str) -> set[str]:
    return set(session.scalars(select(Attachment.stored_path).where(Attachment.stored_path.like(f"{prefix}%"))))

