"""The data layer on a PostgreSQL server (only with BUTLER_DESK_PG_URL set): migrations, types, bulk ids, numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import create_engine, delete, inspect, select, text

from butler_desk.domain.workdays import CHINA_TZ
from butler_desk.services.context import AppContext
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.ledger.views import UnitInput
from butler_desk.services.requests.views import IntakeInput
from butler_desk.services.requests.service import RequestService
from butler_desk.storage import repositories as repo
from butler_desk.storage import repositories_requests as rq
from butler_desk.storage.audit import insert_audited
from butler_desk.storage.bulk import executemany_rows, insert_returning_ids
from butler_desk.storage.database import SCHEMA_HEAD, _alembic_config, current_revision, open_url
from butler_desk.storage.models import APPLICATION_ID, AppMeta, AuditEntry, Base, Cluster, Estate, Party, Staff
from butler_desk.storage.models_requests import NumberCounter, Request
from butler_desk.storage import models_documents  # noqa: F401 - its tables join Base.metadata
from tests.pgserver import pg_ctx, pg_db, pg_schema_url  # noqa: F401 - fixtures
from tests.desks import intake_at_once


def pg_db_ctx(db) -> AppContext:
    return AppContext(db=db, operator="李晓红")


def _party_row(name: str, key_client: bool = False) -> dict:
    return {"name": name, "search_keys": "", "notes": "", "mailing_address": "", "postcode": "",
            "key_client": key_client, "id_number": None, "id_type": None}


def test_open_url_migrates_a_new_schema_to_head_and_marks_it_as_ours(pg_db):
    assert pg_db.engine.dialect.name == "postgresql"
    assert current_revision(pg_db.engine) == SCHEMA_HEAD
    with pg_db.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with pg_db.reading() as session:
        assert session.scalars(select(AppMeta.value).where(AppMeta.key == "application")).all() == [APPLICATION_ID]


def test_opening_the_same_server_again_is_a_no_op(pg_schema_url, pg_db):
    again = open_url(pg_schema_url)
    try:
        assert current_revision(again.engine) == SCHEMA_HEAD
        with again.reading() as session:
            assert session.scalar(select(AppMeta.value).where(AppMeta.key == "application")) == APPLICATION_ID
            assert len(session.scalars(select(AppMeta.key).where(AppMeta.key == "application")).all()) == 1
    finally:
        again.dispose()


def test_every_migration_goes_down_to_nothing_and_up_again(pg_schema_url):
    engine = create_engine(pg_schema_url)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
        with engine.begin() as conn:
            command.downgrade(_alembic_config(conn), "base")
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
        assert current_revision(engine) == SCHEMA_HEAD
    finally:
        engine.dispose()


def test_times_are_stored_as_timestamptz_and_come_back_aware_in_utc(pg_db):
    received = datetime(2026, 11, 16, 9, 30, tzinfo=CHINA_TZ)
    rid = RequestService(pg_db_ctx(pg_db), clock=lambda: received.astimezone(UTC)).intake(
        IntakeInput(None, None, "3栋大堂", "报修", "电话", "灯不亮"))
    with pg_db.reading() as session:
        stored = session.get(Request, rid).received_at
    assert stored.tzinfo is UTC and stored == received and stored.hour == 1
    with pg_db.engine.connect() as conn:
        kind = conn.execute(text("SELECT data_type FROM information_schema.columns "
                                 "WHERE table_schema = current_schema() AND table_name = 'requests' "
                                 "AND column_name = 'received_at'")).scalar()
    assert kind == "timestamp with time zone"


def test_bulk_rows_keep_booleans_and_dates_like_orm_rows(pg_db):
    with pg_db.unit_of_work() as session:
        executemany_rows(session, Staff.__table__, [{"name": "甲", "role": "前台", "active": True},
                                                    {"name": "乙", "role": "前台", "active": False}])
        session.add(Staff(name="丙", role="前台", active=False))
    with pg_db.reading() as session:
        assert [(s.name, s.active) for s in session.scalars(select(Staff).order_by(Staff.id))] == [
            ("甲", True), ("乙", False), ("丙", False)]


def test_insert_returning_ids_gives_ids_in_row_order_and_audits_each_row(pg_db):
    with pg_db.unit_of_work("王建国") as session:
        first = insert_returning_ids(session, Staff.__table__,
                                     [{"name": f"员工{i}", "role": "客服管家", "active": True} for i in range(3)])
        session.execute(delete(Staff).where(Staff.id == first[0]))
        party_ids = insert_audited(session, Party, [_party_row(f"业主{i}", key_client=i == 1) for i in range(2500)])
    assert first == sorted(first) and len(set(first)) == 3
    with pg_db.reading() as session:
        names = dict(session.execute(select(Party.id, Party.name)).all())
        assert [names[i] for i in party_ids] == [f"业主{i}" for i in range(2500)]  # two chunks, still in order
        assert session.get(Party, party_ids[1]).key_client is True
        audited = session.scalars(select(AuditEntry.record_id).where(AuditEntry.table_name == "parties")
                                  .order_by(AuditEntry.id)).all()
        assert audited == party_ids
        assert {e.operator for e in session.scalars(select(AuditEntry))} == {"王建国"}
        assert [s.name for s in session.scalars(select(Staff).order_by(Staff.id))] == ["员工1", "员工2"]


def test_rows_bulk_inserted_with_their_own_ids_do_not_block_the_next_ordinary_insert(pg_ctx):
    # The demo estate writes ids itself; PostgreSQL's sequence must then continue after them.
    with pg_ctx.db.unit_of_work() as session:
        repo.bulk_insert(session, Estate, [dict(id=1, name="翠湖花园", company_name="", service_center="物业服务中心",
                                                address="", postcode="", phone="")])
        repo.bulk_insert(session, Cluster, [dict(id=i, estate_id=1, name=f"{i}组团", butler="", sort_order=i)
                                            for i in (1, 2, 7)])
    unit_id = LedgerService(pg_ctx).save_unit(UnitInput(room_code="3-2-1201", cluster="新组团"))
    with pg_ctx.db.reading() as session:
        assert session.scalar(select(Cluster.id).where(Cluster.name == "新组团")) == 8
        assert unit_id == 1
    with pg_ctx.db.unit_of_work() as session:  # lower explicit ids never move the sequence back
        session.execute(delete(Cluster).where(Cluster.id == 7))
        repo.bulk_insert(session, Cluster, [dict(id=3, estate_id=1, name="3组团", butler="", sort_order=3)])
        session.add(Cluster(estate_id=1, name="九组团", butler="", sort_order=9))
    with pg_ctx.db.reading() as session:
        assert session.scalar(select(Cluster.id).where(Cluster.name == "九组团")) == 9


def test_the_number_counter_upsert_counts_per_kind_and_year(pg_db):
    with pg_db.unit_of_work() as session:
        assert [rq.next_sequence(session, "repair", 2026) for _ in range(3)] == [1, 2, 3]
        assert rq.next_sequence(session, "repair", 2027) == 1
        assert rq.next_sequence(session, "complaint", 2026) == 1
    with pg_db.reading() as session:
        rows = session.execute(select(NumberCounter.kind, NumberCounter.year, NumberCounter.last)
                               .order_by(NumberCounter.kind, NumberCounter.year)).all()
    assert [tuple(r) for r in rows] == [("complaint", 2026, 1), ("repair", 2026, 3), ("repair", 2027, 1)]


def test_two_desks_adding_at_the_same_moment_never_get_the_same_number(pg_schema_url, pg_db):
    LedgerService(pg_db_ctx(pg_db)).save_unit(UnitInput(room_code="3-2-1201"))
    desks = [AppContext(db=open_url(pg_schema_url), operator=name) for name in ("前台", "管家")]
    assert intake_at_once(desks, each=25) == []
    with pg_db.reading() as session:
        numbers = session.scalars(select(Request.number).order_by(Request.number)).all()
        assert session.scalar(select(NumberCounter.last).where(NumberCounter.kind == "repair")) == 50
    assert [int(n.split("-")[2]) for n in numbers] == list(range(1, 51))  # no gaps, no repeats


def test_claiming_a_request_bumps_its_version(pg_db):
    rid = RequestService(pg_db_ctx(pg_db)).intake(IntakeInput(None, None, "中心花园", "咨询", "来访", "停车月卡怎么办理"))
    with pg_db.unit_of_work() as session:
        assert rq.claim_request(session, rid)
        assert not rq.claim_request(session, rid + 1)
    with pg_db.reading() as session:
        assert session.scalar(select(Request.version).where(Request.id == rid)) == 1
        assert session.scalar(select(Request.received_at).where(Request.id == rid)).date() <= date.today()
