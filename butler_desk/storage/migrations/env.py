"""Alembic environment: runs on the connection the app hands over (or a URL for developers)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from butler_desk.storage.models import Base
from butler_desk.storage import models_requests  # noqa: F401
from butler_desk.storage import models_documents  # noqa: F401
from butler_desk.storage import models_vacancy  # noqa: F401
from butler_desk.storage import models_arrears  # noqa: F401

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch ALTERs
        # All steps in the caller's one transaction (database.migrate): a kill leaves the old
        # revision or the new, never a schema halfway between.
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    with create_engine(url).connect() as conn:
        _run(conn)
        conn.commit()
