"""Importing the storage package is enough for the ORM to describe the whole schema."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import inspect

from butler_desk.storage.database import open_database


def test_importing_the_base_models_alone_describes_every_table_the_migrations_create(db_path):
    # GIVEN a fresh interpreter that imports only the ledger's model module (as the ledger tab does)
    code = ("import butler_desk.storage.models as m\n"
            "print('\\n'.join(sorted(m.Base.metadata.tables)))")
    described = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    # WHEN a new database is migrated to the newest revision
    db = open_database(db_path, keep_daily_backup=False)
    with db.engine.connect() as conn:
        created = set(inspect(conn).get_table_names()) - {"alembic_version"}
    db.dispose()
    # THEN the models know every table, the request and document registers included
    assert {"requests", "request_steps", "documents", "document_deliveries"} <= set(described)
    assert {"vacancy_periods", "vacancy_inspections", "vacancy_inspection_items"} <= set(described)
    assert set(described) == created
