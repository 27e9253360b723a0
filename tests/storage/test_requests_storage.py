"""Request storage: the 0002 migration over a ledger with data, number counters under two desks, row claims."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command
from sqlalchemy import inspect, text

from butler_desk.services.maintenance import open_context
from butler_desk.services.requests.views import IntakeInput
from butler_desk.services.requests.service import RequestService
from butler_desk.storage import repositories_requests as rq
from butler_desk.storage.database import _alembic_config, make_engine, open_database
from tests.desks import intake_at_once

REQUEST_TABLES = {"requests", "request_steps", "request_attachments", "number_counters"}


def _ledger_at_0001(path) -> None:
    """A database as the first release left it: schema 0001 and a unit with its owner."""
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
        conn.execute(text("INSERT INTO app_meta (key, value) VALUES ('application', 'butler-desk')"))
        conn.execute(text("INSERT INTO estates (id, name, company_name, service_center, address, postcode, phone) "
                          "VALUES (1, '翠湖花园', '', '物业服务中心', '', '', '')"))
        conn.execute(text("INSERT INTO clusters (id, estate_id, name, butler, sort_order) VALUES (1, 1, '一组团', '', 0)"))
        conn.execute(text("INSERT INTO buildings (id, cluster_id, code, sort_order) VALUES (1, 1, '3', 0)"))
        conn.execute(text(
            "INSERT INTO units (id, building_id, entrance, room, code, status, notes, created_at, updated_at) "
            "VALUES (1, 1, '2', '1201', '3-2-1201', 'occupied', '', '2024-01-01 00:00:00', '2024-01-01 00:00:00')"))
        conn.execute(text(
            "INSERT INTO parties (id, name, mailing_address, postcode, key_client, notes, search_keys, created_at, "
            "updated_at) VALUES (1, '张三', '', '', 0, '', 'zhangsan zs', '2024-01-01 00:00:00', '2024-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO occupancies (id, unit_id, party_id, role) VALUES (1, 1, 1, 'owner')"))
    engine.dispose()


def test_upgrading_a_0001_ledger_adds_the_request_tables_and_keeps_the_data(db_path):
    _ledger_at_0001(db_path)
    engine = make_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0002")
        assert REQUEST_TABLES <= set(inspect(conn).get_table_names())
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
        assert conn.execute(text("SELECT code FROM units")).scalar() == "3-2-1201"
        indexes = {ix["name"] for ix in inspect(conn).get_indexes("requests")}
        assert {"ix_requests_state_due", "ix_requests_kind_received", "ix_requests_received_at"} <= indexes
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0001")
        assert not REQUEST_TABLES & set(inspect(conn).get_table_names())
        assert conn.execute(text("SELECT name FROM parties")).scalar() == "张三"
    engine.dispose()


def test_opening_an_old_database_migrates_it_backs_it_up_and_requests_can_be_added(db_path):
    _ledger_at_0001(db_path)

    ctx = open_context(db_path, "李晓红")
    rid = RequestService(ctx).intake(IntakeInput(1, 1, "", "投诉", "电话", "楼上漏水"))

    assert RequestService(ctx).detail(rid).party_name == "张三"
    assert list((db_path.parent / "backups").glob("*before-upgrade-0001-*.sqlite3"))
    ctx.db.dispose()


def test_numbers_are_drawn_in_order_per_kind_and_year(ctx):
    with ctx.db.unit_of_work() as session:
        drawn = [rq.next_sequence(session, "complaint", 2026) for _ in range(3)]
        drawn += [rq.next_sequence(session, "repair", 2026), rq.next_sequence(session, "complaint", 2027)]
    assert drawn == [1, 2, 3, 1, 1]


def test_a_number_drawn_in_a_transaction_that_fails_is_not_used_up(ctx):
    with pytest.raises(RuntimeError), ctx.db.unit_of_work() as session:
        rq.next_sequence(session, "complaint", 2026)
        raise RuntimeError("the rest of the intake failed")
    with ctx.db.unit_of_work() as session:
        assert rq.next_sequence(session, "complaint", 2026) == 1


def test_two_desks_adding_at_the_same_moment_never_get_the_same_number(db_path):
    open_database(db_path).dispose()
    con = sqlite3.connect(db_path)
    con.execute("INSERT INTO estates (id, name, company_name, service_center, address, postcode, phone) "
                "VALUES (1, '翠湖花园', '', '', '', '', '')")
    con.commit()
    con.close()
    desks = [open_context(db_path, name) for name in ("前台", "管家")]
    assert intake_at_once(desks, each=25) == []
    con = sqlite3.connect(db_path)
    numbers = [row[0] for row in con.execute("SELECT number FROM requests ORDER BY number")]
    assert len(numbers) == len(set(numbers)) == 50
    assert [int(n.split("-")[2]) for n in numbers] == list(range(1, 51))  # no gaps, no repeats
    assert con.execute("SELECT sum(last) FROM number_counters WHERE kind = 'repair'").fetchone()[0] == 50
    con.close()


def test_claiming_a_request_bumps_its_version_and_reports_a_missing_one(ctx):
    rid = RequestService(ctx).intake(IntakeInput(None, None, "中心花园", "咨询", "来访", "停车月卡怎么办理"))
    with ctx.db.unit_of_work() as session:
        assert rq.claim_request(session, rid)
        assert not rq.claim_request(session, rid + 1)
    with ctx.db.engine.connect() as conn:
        assert conn.execute(text("SELECT version FROM requests")).scalar() == 1


def test_inserting_a_request_is_audited_under_its_number(ctx):
    service = RequestService(ctx)
    rid = service.intake(IntakeInput(None, None, "中心花园", "咨询", "来访", "停车月卡怎么办理"))
    with ctx.db.engine.connect() as conn:
        operator, label, record_id = conn.execute(text(
            "SELECT operator, record_label, record_id FROM audit_log WHERE table_name = 'requests' AND action = 'insert'"
        )).one()
    assert (operator, label, record_id) == ("李晓红", service.detail(rid).number, rid)
    assert label.startswith("ZX-")
