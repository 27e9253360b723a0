"""Fast multi-row inserts for imports and generated data, with the columns' own type handling."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Integer, Table, func, select, text
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
    # In the table's column order, which is the order of the compiled INSERT: no reordering.
    columns = {key: i for i, key in enumerate(table.c.keys())}
    keys = tuple(sorted(rows[0], key=lambda key: columns.get(key, len(columns))))
    executemany_values(session, table, keys, map(itemgetter(*keys), rows) if len(keys) > 1
                       else ((row[keys[0]],) for row in rows))


def executemany_values(session: Session, table: Table, keys: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """INSERT ``rows`` (tuples of Python values in the order of ``keys``) with one DBAPI executemany.

    The tuple form of ``executemany_rows`` for callers that build many rows themselves
    (the audit trail of a bulk insert): no dict per row. Values go through the same bind
    processors and the omitted columns get their defaults, evaluated once.
    """
    connection = session.connection()
    dialect = connection.dialect
    keys = list(keys)
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
    processors = {key: table.c[key].type.bind_processor(dialect) for key in all_keys}
    tail = tuple(
        processors[key](value) if processors[key] is not None and value is not None else value
        for key, value in defaults.items()
    )
    # Only columns whose type converts values (dates, booleans) are touched one by one;
    # a batch repeats their values (one timestamp for every audit row), so each remembers
    # its last conversion.
    converted = [(i, processors[key]) for i, key in enumerate(keys) if processors[key] is not None]
    position = {key: i for i, key in enumerate(all_keys)}
    permutation = [position[key] for key in order]
    reorder = None if permutation == list(range(len(all_keys))) else itemgetter(*permutation)
    params: list[Any] = []
    append = params.append
    if converted:
        last_in: list[Any] = [_MISSING] * len(converted)
        last_out: list[Any] = [None] * len(converted)
        for row in rows:
            values = list(row)
            for n, (i, proc) in enumerate(converted):
                value = values[i]
                if value is None:
                    continue
                last = last_in[n]
                if value is last or (value.__class__ is last.__class__ and value == last):
                    values[i] = last_out[n]
                else:
                    last_in[n], last_out[n] = value, proc(value)
                    values[i] = last_out[n]
            append(tuple(values) + tail)
    elif tail:
        for row in rows:
            append(tuple(row) + tail)
    else:
        params = [tuple(row) for row in rows]
    if not params:
        return
    if reorder is not None:
        params = [reorder(values) for values in params]
    if not compiled.positional:
        params = [dict(zip(order, values, strict=True)) for values in params]
    connection.exec_driver_sql(compiled.string, params)
    if dialect.name == "postgresql":
        _catch_up_sequence(session, table, keys)


def _catch_up_sequence(session: Session, table: Table, keys: Sequence[str]) -> None:
    """After rows were inserted with explicit ids, move the id sequence past them.

    SQLite gives the next row max(id)+1 by itself; PostgreSQL draws from a sequence that
    explicit ids never advance, so without this the next ordinary insert after the demo
    estate (or any bulk insert with ids) would collide with id 1.
    """
    primary = list(table.primary_key.columns)
    if len(primary) != 1 or primary[0].key not in keys or not isinstance(primary[0].type, Integer):
        return
    connection = session.connection()
    sequence = connection.execute(text("SELECT pg_get_serial_sequence(:table, :column)"),
                                  {"table": table.fullname, "column": primary[0].name}).scalar()
    if sequence is None:  # an id column without a sequence: nothing to catch up
        return
    newest = connection.execute(select(func.max(primary[0]))).scalar()
    # The name comes from the server, already quoted. Never moved backwards: ids it handed out
    # to rows since deleted stay used, as the audit trail still names them.
    last, called = connection.execute(text(f"SELECT last_value, is_called FROM {sequence}")).one()
    if newest is not None and (newest > last or (newest == last and not called)):
        connection.execute(text("SELECT setval(CAST(:sequence AS regclass), :value)"),
                           {"sequence": sequence, "value": newest})


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
    newest = select(func.coalesce(func.max(table.c.id), 0))
    before = session.execute(newest).scalar_one()
    executemany_rows(session, table, rows)
    after = session.execute(newest).scalar_one()
    # Each row took the then-largest id + 1, so the new ids are exactly before+1 .. after.
    if after - before != len(rows):  # pragma: no cover - would mean another writer, which the lock forbids
        raise RuntimeError(f"bulk insert into {table.name}: expected {len(rows)} new ids, found {after - before}")
    return list(range(before + 1, after + 1))
