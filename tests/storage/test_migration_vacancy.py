"""Migration 0005 (vacant-unit checks): creates what the models describe, and goes back down cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from butler_desk.storage.database import open_database
from butler_desk.storage.models import Base
from tests.storage.dbfiles import alembic_config

TABLES = {"vacancy_periods", "vacancy_inspections", "vacancy_inspection_items"}



def test_a_new_database_has_the_vacancy_tables_and_matches_the_models(db_path):
    db = open_database(db_path)
    with db.engine.connect() as conn:
        assert TABLES <= set(inspect(conn).get_table_names())
        indexes = {i["name"] for i in inspect(conn).get_indexes("vacancy_inspections")}
        assert {"ix_vacancy_inspections_month_unit", "ix_vacancy_inspections_unit_at"} <= indexes
        diff = compare_metadata(MigrationContext.configure(conn, opts={"render_as_batch": True}), Base.metadata)
    db.dispose()
    assert [d for d in diff if "vacancy" in repr(d)] == []


def test_0005_goes_down_to_0004_and_up_again_keeping_the_ledger(db_path):
    open_database(db_path, keep_daily_backup=False).dispose()
    url = f"sqlite:///{db_path}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO estates (name, company_name, service_center, address, postcode, phone) "
                          "VALUES ('翠湖花园', '', '物业服务中心', '', '', '')"))
    command.downgrade(alembic_config(url), "0004")
    with engine.connect() as conn:
        assert not TABLES & set(inspect(conn).get_table_names())
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004"
    command.upgrade(alembic_config(url), "head")
    with engine.connect() as conn:
        assert TABLES <= set(inspect(conn).get_table_names())
        assert conn.execute(text("SELECT name FROM estates")).scalar() == "翠湖花园"
    engine.dispose()
