"""The database file: creation, pragmas, identity and integrity checks, migrations, backups, restore."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from sqlalchemy import text

from butler_desk.services.maintenance import backup_to, open_context, restore_from
from butler_desk.storage import backup
from butler_desk.storage.database import DatabaseProblem, check_sqlite_file, head_revision, open_database
from butler_desk.storage.models import Estate


def test_new_database_is_migrated_marked_and_uses_wal(db_path):
    db = open_database(db_path)
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        assert conn.execute(text("SELECT value FROM app_meta WHERE key='application'")).scalar() == "butler-desk"
    db.dispose()


def test_foreign_keys_are_enforced(ctx):
    from butler_desk.storage.models import Building

    with pytest.raises(Exception):
        with ctx.db.unit_of_work() as session:
            session.add(Building(cluster_id=999, code="9"))


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"this is a spreadsheet, honestly" * 100)
    before = path.read_bytes()
    with pytest.raises(DatabaseProblem) as info:
        open_database(path)
    assert "不是 Butler Desk 数据库" in info.value.message
    assert path.read_bytes() == before


def test_a_foreign_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseProblem) as info:
        open_database(path)
    assert "不是 Butler Desk 的数据库" in info.value.message
    assert path.read_bytes() == before


def test_a_corrupt_database_is_refused_and_never_overwritten(ctx, db_path):
    with ctx.db.unit_of_work() as session:
        session.add(Estate(name="翠湖花园"))
    ctx.db.dispose()
    data = bytearray(db_path.read_bytes())
    # Scribble over the second page (the first table's b-tree), keep the header valid.
    data[4096 + 8 : 4096 + 400] = b"\xff" * 392
    db_path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    damaged = db_path.read_bytes()
    with pytest.raises(DatabaseProblem) as info:
        open_database(db_path)
    assert "损坏" in info.value.message or "无法读取" in info.value.message
    assert db_path.read_bytes() == damaged


def test_daily_backup_is_made_once_a_day_and_only_fourteen_are_kept(db_path):
    open_database(db_path).dispose()
    folder = db_path.parent / "backups"
    assert len(list(folder.glob("daily-*.sqlite3"))) == 1
    for day in range(1, 20):
        backup.daily_backup(db_path, datetime(2026, 10, day))
    kept = sorted(folder.glob("daily-*.sqlite3"))
    assert len(kept) == backup.DAILY_BACKUPS_KEPT
    assert check_sqlite_file(kept[-1], full=True).ok


def test_migration_from_the_first_revision_copies_the_file_first_and_keeps_data(db_path):
    from alembic import command

    from butler_desk.storage.database import _alembic_config, make_engine

    if head_revision() == "0001":
        pytest.skip("only one schema revision so far")
    engine = make_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
        conn.execute(text("INSERT INTO app_meta (key, value) VALUES ('application', 'butler-desk')"))
        conn.execute(text("INSERT INTO estates (name, company_name, service_center, address, postcode, phone) "
                          "VALUES ('翠湖花园', '', '', '', '', '')"))
    engine.dispose()

    db = open_database(db_path)

    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        assert conn.execute(text("SELECT name FROM estates")).scalar() == "翠湖花园"
    db.dispose()
    copies = list((db_path.parent / "backups").glob("*before-upgrade-0001-*.sqlite3"))
    assert len(copies) == 1
    con = sqlite3.connect(copies[0])
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    con.close()


def test_backup_and_restore_round_trip_keeps_the_current_file(ctx, db_path, tmp_path):
    with ctx.db.unit_of_work() as session:
        session.add(Estate(name="翠湖花园"))
    out = backup_to(db_path, tmp_path / "copy.sqlite3")
    with ctx.db.unit_of_work() as session:
        session.add(Estate(name="后来加的"))
    ctx.db.dispose()

    safety = restore_from(db_path, out)

    assert safety.exists()
    restored = open_context(db_path)
    with restored.db.reading() as session:
        assert [e.name for e in session.query(Estate)] == ["翠湖花园"]
    restored.db.dispose()
    kept = open_context(safety)
    with kept.db.reading() as session:
        assert sorted(e.name for e in session.query(Estate)) == ["后来加的", "翠湖花园"]
    kept.db.dispose()


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not a database", None])
def test_restore_refuses_what_is_not_a_healthy_butler_desk_database(ctx, db_path, tmp_path, content):
    bad = tmp_path / "bad.sqlite3"
    if content is None:
        con = sqlite3.connect(bad)
        con.execute("CREATE TABLE t (x)")
        con.commit()
        con.close()
    else:
        bad.write_bytes(content)
    ctx.db.dispose()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseProblem) as info:
        restore_from(db_path, bad)
    assert "未恢复" in info.value.message or "不是" in info.value.message
    assert db_path.read_bytes() == before


def test_restore_refuses_a_backup_from_a_newer_program(ctx, db_path, tmp_path):
    newer = tmp_path / "newer.sqlite3"
    backup_to(db_path, newer)
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(DatabaseProblem) as info:
        restore_from(db_path, newer)
    assert "更新版本" in info.value.message


def test_the_schema_head_constant_matches_the_migration_scripts():
    from butler_desk.storage.database import SCHEMA_HEAD

    assert SCHEMA_HEAD == head_revision()
