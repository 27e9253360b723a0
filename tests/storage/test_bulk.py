"""Bulk inserts: the same stored values as ordinary ORM inserts, ids in order, audit rows for each."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import delete

from butler_desk.storage.audit import insert_audited
from butler_desk.storage.bulk import executemany_rows, executemany_values, insert_returning_ids
from butler_desk.storage.models import AuditEntry, Occupancy, Party, Staff


def test_bulk_rows_read_back_like_orm_rows(ctx):
    with ctx.db.unit_of_work() as session:
        executemany_rows(session, Staff.__table__, [{"name": "甲", "role": "前台", "active": True},
                                                    {"name": "乙", "role": "前台", "active": False}])
        session.add(Staff(name="丙", role="前台", active=False))
    with ctx.db.reading() as session:
        assert [(s.name, s.active) for s in session.query(Staff).order_by(Staff.id)] == [
            ("甲", True), ("乙", False), ("丙", False)]


def test_insert_audited_returns_ids_in_order_and_audits_each_row(ctx):
    rows = [{"name": f"业主{i}", "search_keys": "", "notes": "", "mailing_address": "", "postcode": "",
             "key_client": i == 2, "id_number": None, "id_type": None} for i in range(5)]
    from butler_desk.services.ledger.service import LedgerService
    from butler_desk.services.ledger.views import UnitInput

    unit_id = LedgerService(ctx).save_unit(UnitInput(room_code="3-2-1201"))
    with ctx.db.unit_of_work("王建国") as session:
        first_audit = session.query(AuditEntry).count()
        ids = insert_audited(session, Party, rows)
        occ_ids = insert_audited(session, Occupancy, [
            {"unit_id": unit_id, "party_id": ids[0], "role": "owner", "start_date": date(2024, 3, 1),
             "moved_in": date(2024, 3, 1), "end_date": None}])
    with ctx.db.reading() as session:
        parties = {p.id: p for p in session.query(Party)}
        assert [parties[i].name for i in ids] == [f"业主{i}" for i in range(5)]
        assert parties[ids[2]].key_client is True
        assert parties[ids[0]].created_at.tzinfo is UTC
        assert abs((parties[ids[0]].created_at - datetime.now(UTC)).total_seconds()) < 60
        occ = session.get(Occupancy, occ_ids[0])
        assert occ.start_date == date(2024, 3, 1)
        entries = session.query(AuditEntry).order_by(AuditEntry.id).all()[first_audit:]
        assert [e.record_id for e in entries] == ids + occ_ids
        assert {e.operator for e in entries} == {"王建国"}
        assert entries[0].party_id == ids[0] and entries[0].record_label == "业主0"
        assert json.loads(entries[-1].changes)["start_date"] == [None, "2024-03-01"]
        assert (entries[-1].unit_id, entries[-1].party_id) == (unit_id, ids[0])


def test_tuple_rows_in_any_key_order_get_defaults_and_conversions_like_orm_rows(ctx):
    keys = ("key_client", "name", "search_keys", "notes", "mailing_address", "postcode", "id_number", "id_type")
    rows = ((i == 1, f"业主{i}", "", "", "", "", None, None) for i in range(3))  # any iterable of tuples
    with ctx.db.unit_of_work() as session:
        executemany_values(session, Party.__table__, keys, rows)
        session.add(Party(name="业主3", search_keys="", notes="", mailing_address="", postcode="", key_client=True))
    with ctx.db.reading() as session:
        parties = session.query(Party).order_by(Party.id).all()
        assert [(p.name, p.key_client) for p in parties] == [("业主0", False), ("业主1", True), ("业主2", False),
                                                            ("业主3", True)]
        bulk, orm = parties[0], parties[3]
        assert bulk.created_at.tzinfo is UTC and abs(bulk.created_at - orm.created_at).total_seconds() < 60
        assert bulk.updated_at is not None


def test_insert_returning_ids_continues_after_the_newest_row(ctx):
    rows = [{"name": f"员工{i}", "role": "客服管家", "active": True} for i in range(4)]
    with ctx.db.unit_of_work() as session:
        first = insert_returning_ids(session, Staff.__table__, rows[:2])
        session.execute(delete(Staff).where(Staff.id == first[0]))  # a gap below the newest row stays a gap
        second = insert_returning_ids(session, Staff.__table__, rows[2:])
    assert second == [first[-1] + 1, first[-1] + 2]
    with ctx.db.reading() as session:
        assert [s.name for s in session.query(Staff).order_by(Staff.id)] == ["员工1", "员工2", "员工3"]
        assert [s.id for s in session.query(Staff).order_by(Staff.id)][1:] == second
