"""Fast multi-row inserts for imports and generated data, with the columns' own type handling."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

_MISSING = object()


def executemany_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT ``rows`` (dicts with the same keys) with one DBAPI executemany.

    SQLAlchemy's own executemany handles each row's parameters in Python, which is most of
    the cost of a 20,000-row import; here each column's bind processor (the public
    ``TypeEngine.bind_processor``, so UTCDateTime, Date and Boolean behave exactly as in
    any other insert) is applied in a tight loop and the driver gets plain tuples. Column
    defaults the rows leave out are evaluated once for the batch.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    keys = list(rows[0])
    defaults: dict[str, Any] = {}
    for column in table.columns:
        if column.key in keys or column.default is None or column.primary_key:
            continue
        default = column.default
        if default.is_scalar:
            defaults[column.key] = default.arg
        elif default.is_callable:
            defaults[column.key] = default.arg(None)  # SQLAlchemy wraps zero-argument callables
    all_keys = keys + list(defaults)
    compiled = table.insert().compile(dialect=dialect, column_keys=all_keys)
    order = list(compiled.positiontup) if compiled.positional else all_keys
    processors = [table.c[key].type.bind_processor(dialect) for key in order]
    fixed = [
        _MISSING if key not in defaults else (proc(defaults[key]) if proc and defaults[key] is not None else defaults[key])
        for key, proc in zip(order, processors, strict=True)
    ]
    # A batch repeats values (one timestamp for every audit row): remember the last one per column.
    last_in: list[Any] = [_MISSING] * len(order)
    last_out: list[Any] = [None] * len(order)
    params: list[Any] = []
    for row in rows:
        values = []
        for i, key in enumerate(order):
            if fixed[i] is not _MISSING:
                values.append(fixed[i])
                continue
            value = row[key]
            proc = processors[i]
            if proc is None or value is None:
                values.append(value)
            elif value is last_in[i]:
                values.append(last_out[i])
            else:
                last_in[i], last_out[i] = value, proc(value)
                values.append(last_out[i])
        params.append(tuple(values) if compiled.positional else dict(zip(order, values, strict=True)))
    connection.exec_driver_sql(compiled.string, params)


def insert_returning_ids(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` and return their new ids in order.

    SQLite cannot promise the order of a multi-row RETURNING, so SQLAlchemy would send
    one INSERT per row; instead, while this transaction holds SQLite's write lock, rows
    inserted without an id take max(id)+1, +2, … and one executemany does it. Other
    databases get an ordered RETURNING, which they batch.
    """
    if session.get_bind().dialect.name != "sqlite":
        statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        return list(session.execute(statement, list(rows)).scalars())
    before = session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    executemany_rows(session, table, rows)
    ids = list(session.execute(select(table.c.id).where(table.c.id > before).order_by(table.c.id)).scalars())
    if len(ids) != len(rows):  # pragma: no cover - would mean another writer, which the lock forbids
        raise RuntimeError(f"bulk insert into {table.name}: expected {len(rows)} new ids, found {len(ids)}")
    return ids
