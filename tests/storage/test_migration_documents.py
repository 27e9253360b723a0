"""Migration 0003 (the document register): creates what the models describe, and goes back down cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from butler_desk.storage.database import open_database
from butler_desk.storage.models import Base
from tests.storage.dbfiles import alembic_config



def test_a_new_database_has_the_register_tables_and_matches_the_models(db_path):
    db = open_database(db_path)
    with db.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert {"documents", "document_deliveries"} <= tables
        indexes = {i["name"] for i in inspect(conn).get_indexes("document_deliveries")}
        assert {"ix_document_deliveries_open", "ix_document_deliveries_document_seq",
                "ix_document_deliveries_unit_id", "ix_document_deliveries_party_id"} <= indexes
        diff = compare_metadata(MigrationContext.configure(conn, opts={"render_as_batch": True}), Base.metadata)
    db.dispose()
    assert [d for d in diff if "document" in repr(d)] == []  # other areas' tables have their own tests


def test_0003_goes_down_to_0002_and_up_again_keeping_the_ledger(db_path):
    open_database(db_path, keep_daily_backup=False).dispose()
    url = f"sqlite:///{db_path}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO estates (name, company_name, service_center, address, postcode, phone) "
                          "VALUES ('翠湖花园', '', '物业服务中心', '', '', '')"))
    command.downgrade(alembic_config(url), "0002")
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert "documents" not in tables and "document_deliveries" not in tables
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
    command.upgrade(alembic_config(url), "head")
    with engine.connect() as conn:
        assert "document_deliveries" in set(inspect(conn).get_table_names())
        assert conn.execute(text("SELECT name FROM estates")).scalar() == "翠湖花园"
    engine.dispose()
