"""Migration 0006 (the arrears register): creates what the models describe, keeps receipts unique, goes down cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

import pytest

from butler_desk.storage.database import open_database
from butler_desk.storage.models import Base
from tests.storage.dbfiles import alembic_config

ARREARS_TABLES = {"arrears_bills", "arrears_payments", "arrears_allocations", "arrears_adjustments",
                  "arrears_attempts"}



def test_a_new_database_has_the_arrears_tables_and_matches_the_models(db_path):
    db = open_database(db_path, keep_daily_backup=False)
    with db.engine.connect() as conn:
        assert ARREARS_TABLES <= set(inspect(conn).get_table_names())
        diff = compare_metadata(MigrationContext.configure(conn, opts={"render_as_batch": True}), Base.metadata)
    db.dispose()
    assert [d for d in diff if "arrears" in repr(d)] == []


def test_a_receipt_number_and_a_units_month_of_one_item_exist_once(db_path):
    open_database(db_path, keep_daily_backup=False).dispose()
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO arrears_payments (id, unit_id, paid_on, amount_fen, receipt_no, source, "
                          "source_ref, operator, note, created_at) VALUES (1, 1, '2026-10-01', 100, 'R1', 'manual', "
                          "'', '', '', '2026-10-01 00:00:00')"))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("INSERT INTO arrears_payments (id, unit_id, paid_on, amount_fen, receipt_no, source, "
                          "source_ref, operator, note, created_at) VALUES (2, 1, '2026-10-02', 100, 'R1', 'manual', "
                          "'', '', '', '2026-10-01 00:00:00')"))
    engine.dispose()


def test_0006_goes_down_to_0004_and_up_again_keeping_the_ledger(db_path):
    open_database(db_path, keep_daily_backup=False).dispose()
    url = f"sqlite:///{db_path}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO estates (name, company_name, service_center, address, postcode, phone) "
                          "VALUES ('翠湖花园', '', '物业服务中心', '', '', '')"))
    command.downgrade(alembic_config(url), "0004")
    with engine.connect() as conn:
        assert not ARREARS_TABLES & set(inspect(conn).get_table_names())
    command.upgrade(alembic_config(url), "head")
    with engine.connect() as conn:
        assert ARREARS_TABLES <= set(inspect(conn).get_table_names())
        assert conn.execute(text("SELECT name FROM estates")).scalar() == "翠湖花园"
    engine.dispose()
