"""The audit trail: one session hook records every insert, update and delete of audited rows."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from butler_desk.storage.bulk import executemany_values, insert_returning_ids
from butler_desk.storage.models import Audited, AuditEntry, Party, Phone
from butler_desk.storage.types import utcnow

OPERATOR_KEY = "operator"
_encode = json.JSONEncoder(ensure_ascii=False).encode
_encode_text = encode_basestring  # the function json.dumps(ensure_ascii=False) uses for str


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _plain_or_fail(value: Any) -> Any:
    plain = _plain(value)
    if plain is value:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
    return plain


# Like _encode, but dates and Decimals become text on the way, as _plain makes them.
_encode_plain = json.JSONEncoder(ensure_ascii=False, default=_plain_or_fail).encode


def _column_values(obj: Audited) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {
        attr.key: _plain(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in obj.__audit_exclude__ and attr.key != "id"
    }


def _changed_values(obj: Audited) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in obj.__audit_exclude__:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old != new:
            changes[attr.key] = [_plain(old), _plain(new)]
    return changes


def _entry(session: Session, obj: Audited, action: str, changes: dict) -> dict[str, Any]:
    unit_id, party_id = obj.audit_refs()
    return {
        "at": utcnow(),
        "operator": session.info.get(OPERATOR_KEY, "系统"),
        "action": action,
        "table_name": obj.__tablename__,  # type: ignore[attr-defined]
        "record_id": getattr(obj, "id", None),
        "record_label": obj.audit_label()[:100],
        "unit_id": unit_id,
        "party_id": party_id,
        "changes": changes,
    }


# A person's phones are child rows: editing "151… → 139…" deletes one row and inserts another.
# For a person who already existed, those row changes are folded into one change of the
# person, {"phones": [[old numbers], [new numbers]]}, so the history keeps the before and the
# after in one line. A new person's phones are still recorded row by row, as bulk imports do.
PHONES_FIELD = "phones"


def _after_flush(session: Session, flush_context) -> None:
    # after_flush: primary keys are assigned and attribute history is still intact.
    rows: list[dict[str, Any]] = []
    new_parties = {id(obj) for obj in session.new if isinstance(obj, Party)}
    gone_parties = {obj.id for obj in session.deleted if isinstance(obj, Party)}
    phone_changes = _PhoneChanges()
    for obj in session.new:
        if isinstance(obj, Phone) and phone_changes.folds(obj, new_parties, gone_parties):
            phone_changes.added.add(obj.id)
            continue
        if isinstance(obj, Audited):
            values = _column_values(obj)
            rows.append(_entry(session, obj, "insert", {k: [None, v] for k, v in values.items()}))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            changes = _changed_values(obj)
            if isinstance(obj, Phone) and phone_changes.folds(obj, new_parties, gone_parties):
                phone_changes.changed[obj.id] = (_before(obj, "position"), _before(obj, "number"))
                continue
            if changes:
                rows.append(_entry(session, obj, "update", changes))
    for obj in session.dirty:
        # A phone dropped from a person's list is deleted as an orphan during the flush: it
        # is never in session.deleted, only in the collection's history.
        if isinstance(obj, Party) and obj.id not in gone_parties:
            for phone in inspect(obj).attrs["phones"].history.deleted:
                phone_changes.parties.add(obj.id)
                phone_changes.remove(phone, obj.id)
    for obj in session.deleted:
        if isinstance(obj, Phone) and phone_changes.folds(obj, new_parties, gone_parties):
            phone_changes.remove(obj)
            continue
        if isinstance(obj, Audited):
            values = _column_values(obj)
            rows.append(_entry(session, obj, "delete", {k: [v, None] for k, v in values.items()}))
    if phone_changes.parties:
        phone_changes.record(session, rows)
    if rows:
        for row in rows:
            row["changes"] = json.dumps(row["changes"], ensure_ascii=False)
        session.connection().execute(insert(AuditEntry), rows)


def _before(obj: Audited, key: str) -> Any:
    """A column's value before this flush."""
    history = inspect(obj).attrs[key].history
    if history.deleted:
        return history.deleted[0]
    return getattr(obj, key)


class _PhoneChanges:
    """The phone rows of existing people that one flush inserts, changes and deletes."""

    def __init__(self) -> None:
        self.parties: set[int] = set()
        self.added: set[int] = set()
        self.changed: dict[int, tuple[int, str]] = {}  # phone id -> (position, number) before
        self.removed: dict[int, list[tuple[int, int, str]]] = {}  # party id -> [(position, id, number) before]

    def folds(self, phone: Phone, new_parties: set[int], gone_parties: set[int]) -> bool:
        """Whether this phone row belongs to a person who existed before and still does."""
        party_id = _before(phone, "party_id")
        party = None if "party" in inspect(phone).unloaded else phone.party
        if party_id is None or party_id in gone_parties or (party is not None and id(party) in new_parties):
            return False
        self.parties.add(party_id)
        return True

    def remove(self, phone: Phone, party_id: int | None = None) -> None:
        party_id = party_id if party_id is not None else _before(phone, "party_id")
        entry = (_before(phone, "position") or 0, phone.id, _before(phone, "number"))
        removed = self.removed.setdefault(party_id, [])
        if all(known[1] != phone.id for known in removed):
            removed.append(entry)

    def record(self, session: Session, rows: list[dict[str, Any]]) -> None:
        """Add one change per person whose list of numbers differs, or fold it into the person's own."""
        connection = session.connection()
        ids = sorted(self.parties)
        after: dict[int, list[tuple[int, int, str]]] = {pid: [] for pid in ids}
        names: dict[int, str] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            # The flush has run: the table holds the after state.
            query = select(Phone.party_id, Phone.position, Phone.id, Phone.number).where(Phone.party_id.in_(part))
            for party_id, position, phone_id, number in connection.execute(query):
                after[party_id].append((position, phone_id, number))
            names.update(connection.execute(select(Party.id, Party.name).where(Party.id.in_(part))).all())
        updates = {row["record_id"]: row for row in rows if row["table_name"] == "parties" and row["action"] == "update"}
        for party_id in ids:
            now = sorted(after[party_id])
            before = list(self.removed.get(party_id, []))
            for position, phone_id, number in now:
                if phone_id not in self.added:
                    old_position, old_number = self.changed.get(phone_id, (position, number))
                    before.append((old_position, phone_id, old_number))
            old = [number for _position, _id, number in sorted(before)]
            new = [number for _position, _id, number in now]
            if old == new:
                continue
            change = {PHONES_FIELD: [old, new]}
            if party_id in updates:
                updates[party_id]["changes"].update(change)
                continue
            rows.append({
                "at": utcnow(), "operator": session.info.get(OPERATOR_KEY, "系统"), "action": "update",
                "table_name": Party.__tablename__, "record_id": party_id,
                "record_label": Party.audit_label_of({"name": names.get(party_id, "")})[:100],
                "unit_id": None, "party_id": party_id, "changes": change,
            })


def record_event(
    session: Session,
    action: str,
    table_name: str,
    record_id: int | None,
    label: str,
    *,
    unit_id: int | None = None,
    party_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record something that is not a row change, e.g. revealing a masked phone number."""
    session.add(
        AuditEntry(
            at=utcnow(),
            operator=session.info.get(OPERATOR_KEY, "系统"),
            action=action,
            table_name=table_name,
            record_id=record_id,
            record_label=label[:100],
            unit_id=unit_id,
            party_id=party_id,
            changes=json.dumps(detail or {}, ensure_ascii=False),
        )
    )


def insert_audited(session: Session, model: type[Audited], rows: list[dict[str, Any]], chunk: int = 2000) -> list[int]:
    """Insert many new rows at once and audit each one exactly as the flush hook would.

    For imports of thousands of rows, where building ORM objects would cost more than the
    import itself. ``rows`` share their keys (as ``executemany_rows`` requires). Returns
    the new primary keys in the order of ``rows``.
    """
    if not rows:
        return []
    table_name = model.__tablename__  # type: ignore[attr-defined]
    operator = session.info.get(OPERATOR_KEY, "系统")
    audited = [key for key in rows[0] if key not in model.__audit_exclude__ and key != "id"]
    changes_of = insert_changes_encoder(audited)
    label_of, refs_of = model.audit_label_of, model.audit_refs_of
    ids: list[int] = []
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        new_ids = insert_returning_ids(session, model.__table__, part)  # type: ignore[attr-defined]
        now = utcnow()
        entries = []
        for new_id, values in zip(new_ids, part, strict=True):
            with_id = {**values, "id": new_id}
            entries.append((now, operator, "insert", table_name, new_id, label_of(with_id)[:100],
                            *refs_of(with_id), changes_of(values)))
        executemany_values(session, AuditEntry.__table__, _ENTRY_KEYS, entries)
        ids.extend(new_ids)
    return ids


_ENTRY_KEYS = ("at", "operator", "action", "table_name", "record_id", "record_label", "unit_id", "party_id", "changes")


def insert_changes_encoder(keys: list[str]) -> Callable[[Mapping[str, Any]], str]:
    """A function giving the ``changes`` JSON of an inserted row, ``{key: [null, value], …}`` for ``keys``.

    The text is exactly ``json.dumps(changes, ensure_ascii=False)`` with dates as ISO
    text, as the flush hook writes it, but filled into a template: encoding tens of
    thousands of small dicts is the largest part of auditing a bulk insert.
    """
    if not keys:
        return lambda _values: "{}"
    template = "{" + ", ".join(f"{_encode(key).replace('%', '%%')}: [null, %s]" for key in keys) + "}"
    values_of = itemgetter(*keys) if len(keys) > 1 else (lambda values: (values[keys[0]],))

    def encode(values: Mapping[str, Any]) -> str:
        return template % tuple(map(_json_value, values_of(values)))

    return encode


def _json_value(value: Any) -> str:
    kind = value.__class__
    if kind is str:
        return _encode_text(value)
    if value is None:
        return "null"
    if kind is int:
        return str(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is date or kind is datetime:
        return f'"{value.isoformat()}"'  # digits, dashes, colons: nothing to escape
    return _encode_plain(value)


def install_audit_hook(session_class: type[Session] | Any) -> None:
    if not event.contains(session_class, "after_flush", _after_flush):
        event.listen(session_class, "after_flush", _after_flush)
