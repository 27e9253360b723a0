"""The audit trail: one session hook records every insert, update and delete of audited rows."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from butler_desk.storage.bulk import executemany_values, insert_returning_ids
from butler_desk.storage.models import Audited, AuditEntry
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
        "changes": json.dumps(changes, ensure_ascii=False),
    }


def _after_flush(session: Session, flush_context) -> None:
    # after_flush: primary keys are assigned and attribute history is still intact.
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if isinstance(obj, Audited):
            values = _column_values(obj)
            rows.append(_entry(session, obj, "insert", {k: [None, v] for k, v in values.items()}))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            changes = _changed_values(obj)
            if changes:
                rows.append(_entry(session, obj, "update", changes))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            values = _column_values(obj)
            rows.append(_entry(session, obj, "delete", {k: [v, None] for k, v in values.items()}))
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


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
