"""Opening a database: cheap checks at once, the page scan and daily backup in the background, writes gated."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from butler_desk.storage.database import (
    DatabaseProblem,
    FileCheck,
    _alembic_config,
    check_sqlite_file,
    make_engine,
    open_database,
)
from butler_desk.storage.models import AppMeta, Estate

ROWS = 1000


def _fill(path: Path) -> None:
    """A real database of a few hundred pages: estates and their audit rows."""
    db = open_database(path, keep_daily_backup=False)
    with db.unit_of_work("测试") as session:
        session.add_all(
            Estate(name=f"翠湖花园{i}期", address=f"滨江大道{i}号" + "东区南门附近" * 12) for i in range(ROWS)
        )
    db.dispose()


def _page_roots(path: Path, names: tuple[str, ...]) -> set[int]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        marks = ",".join("?" * len(names))
        rows = con.execute(f"SELECT rootpage FROM sqlite_master WHERE tbl_name IN ({marks})", names).fetchall()
        return {row[0] for row in rows}
    finally:
        con.close()


def _middle_audit_page(path: Path) -> int | None:
    """The middle leaf page of audit_log, which opening the window never reads.

    Half the file's page count landed on an estates page once the arrears tables were added
    (the schema grew), and the window reads every estate at start: the damage must stay where
    only the background page scan can find it."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        leaves = [row[0] for row in con.execute(
            "SELECT pageno FROM dbstat WHERE name = 'audit_log' AND pagetype = 'leaf' ORDER BY pageno")]
    except sqlite3.OperationalError:  # SQLite built without dbstat
        return None
    finally:
        con.close()
    return leaves[len(leaves) // 2] if leaves else None


def _damage_a_middle_page(path: Path, *, keep_page_header: bool = False) -> bytes:
    """Scribble over a data page in the middle of the file; header and schema stay readable.

    Either the whole page, or all but its 8-byte b-tree header (so the page still looks
    like a b-tree leaf and only its cells are wrong). Returns the damaged bytes, after
    asserting the damage is of the kind meant: the cheap checks pass, only the scan fails.
    """
    for suffix in ("-wal", "-shm"):
        leftover = path.with_name(path.name + suffix)
        assert not leftover.exists() or leftover.stat().st_size == 0
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    pages = len(data) // page_size
    assert pages > 100, "the file is too small for a page in the middle to hold row data"
    victim = _middle_audit_page(path) or pages // 2  # 1-based page number
    assert victim not in _page_roots(path, ("app_meta", "alembic_version"))
    start = (victim - 1) * page_size + (8 if keep_page_header else 0)
    data[start : victim * page_size] = b"\xff" * (victim * page_size - start)
    path.write_bytes(bytes(data))
    assert check_sqlite_file(path, pages=False).ok
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert len(con.execute("SELECT name FROM sqlite_master").fetchall()) > 20
        try:
            scan = con.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError:
            scan = []  # SQLite gave up part-way: as damaged as a listed finding
        assert scan != [("ok",)]
    finally:
        con.close()
    return bytes(data)


def _daily_backups(path: Path) -> list[Path]:
    folder = path.parent / "backups"
    return sorted(folder.glob("daily-*.sqlite3")) if folder.is_dir() else []


def _check_threads(path: Path) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == f"butler-desk-check:{path.name}" and t.is_alive()]


@pytest.mark.parametrize("keep_page_header", [False, True], ids=["whole-page", "cells-only"])
def test_given_a_data_page_damaged_in_the_middle_when_opened_then_reads_work_and_the_first_write_is_refused(
    tmp_path, keep_page_header
):
    path = tmp_path / "damaged-middle.sqlite3"
    _fill(path)
    damaged = _damage_a_middle_page(path, keep_page_header=keep_page_header)

    db = open_database(path)
    try:
        with db.reading() as session:
            assert session.scalar(select(AppMeta.value).where(AppMeta.key == "application")) == "butler-desk"
        # The very first write: it waits for the background scan, then refuses.
        with pytest.raises(DatabaseProblem) as info, db.unit_of_work("测试") as session:
            session.add(Estate(name="不该写进去"))
        verdict = db.health()
        assert verdict is not None and not verdict.ok
        assert info.value.message == verdict.message
        # The message opening gave when it scanned first; SQLite's finding in the brackets
        # varies with the state of its cache ("malformed" or the first damaged cell).
        assert info.value.message.startswith("数据库文件“damaged-middle.sqlite3”已损坏（")
        assert info.value.message.endswith("）。请从备份恢复：butler-desk restore 备份文件。原文件未被改动。")
        # A write slipped into a reading session is refused too.
        with pytest.raises(DatabaseProblem), db.reading() as session:
            session.add(Estate(name="也不该写进去"))
            session.flush()
        with pytest.raises(DatabaseProblem), db.reading() as session:
            session.execute(AppMeta.__table__.delete())
    finally:
        db.dispose()

    assert path.read_bytes() == damaged
    assert _daily_backups(path) == []  # a copy of a damaged file would only push out good ones


def test_given_a_healthy_file_when_opened_then_the_scan_passes_in_the_background_and_the_first_write_proceeds(tmp_path):
    path = tmp_path / "healthy.sqlite3"
    _fill(path)
    assert _daily_backups(path) == []

    db = open_database(path)
    with db.unit_of_work("测试") as session:
        session.add(Estate(name="新小区"))
    assert db.wait_checked(timeout=60) == FileCheck(True)
    assert db.health() == FileCheck(True)
    db.dispose()

    backups = _daily_backups(path)
    assert len(backups) == 1
    assert check_sqlite_file(backups[0], full=True).ok
    assert not list((path.parent / "backups").glob("*.partial"))
    reopened = open_database(path, keep_daily_backup=False)
    with reopened.reading() as session:
        assert session.scalar(select(Estate.id).where(Estate.name == "新小区")) is not None
    reopened.dispose()


def test_given_a_background_check_when_disposed_then_its_thread_has_finished(tmp_path):
    path = tmp_path / "dispose-joins.sqlite3"
    _fill(path)

    db = open_database(path)
    db.dispose()

    assert _check_threads(path) == []
    assert db.health() == FileCheck(True)
    assert len(_daily_backups(path)) == 1


def _database_at_first_revision(path: Path) -> None:
    from alembic import command

    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
        conn.execute(text("INSERT INTO app_meta (key, value) VALUES ('application', 'butler-desk')"))
        conn.execute(
            text("INSERT INTO estates (name, company_name, service_center, address, postcode, phone) "
                 "VALUES (:name, '', '', :address, '', '')"),
            [{"name": f"翠湖花园{i}期", "address": "滨江大道东区南门附近" * 20} for i in range(ROWS)],
        )
    engine.dispose()


def test_given_a_damaged_file_that_needs_a_migration_when_opened_then_it_is_refused_at_once_and_not_copied(tmp_path):
    path = tmp_path / "old-and-damaged.sqlite3"
    _database_at_first_revision(path)
    damaged = _damage_a_middle_page(path)

    with pytest.raises(DatabaseProblem) as info:
        open_database(path)

    assert "已损坏" in info.value.message
    assert path.read_bytes() == damaged
    assert not list(tmp_path.glob("backups/*before-upgrade*"))


def test_given_a_healthy_file_that_needs_a_migration_when_opened_then_it_was_checked_before_returning(tmp_path):
    path = tmp_path / "old.sqlite3"
    _database_at_first_revision(path)

    db = open_database(path, keep_daily_backup=False)
    try:
        assert db.health() == FileCheck(True)  # no waiting: the scan ran before the migration
        assert _check_threads(path) == []  # nothing left to do in the background
        with db.reading() as session:
            assert session.scalar(select(Estate.name).where(Estate.id == 1)) == "翠湖花园0期"
    finally:
        db.dispose()


def test_given_a_damaged_file_with_a_leftover_write_ahead_log_when_opened_then_it_is_refused_at_once(tmp_path):
    path = tmp_path / "crashed.sqlite3"
    _fill(path)
    _damage_a_middle_page(path)
    # Another connection keeps the file open with committed changes still in its log,
    # as after a crash: opening read-write would fold that log into the damaged file.
    other = sqlite3.connect(path)
    try:
        other.execute("PRAGMA journal_mode=WAL")
        other.execute("INSERT INTO app_meta (key, value) VALUES ('note', '崩溃前最后一笔')")
        other.commit()
        assert path.with_name(path.name + "-wal").stat().st_size > 0
        before = path.read_bytes()

        with pytest.raises(DatabaseProblem) as info:
            open_database(path)

        assert "已损坏" in info.value.message
        assert path.read_bytes() == before
    finally:
        other.close()


def test_given_a_backup_folder_that_cannot_be_made_when_opened_then_the_failure_is_reported_and_writes_go_on(tmp_path):
    path = tmp_path / "no-backups.sqlite3"
    _fill(path)
    (tmp_path / "backups").write_text("这里本该是备份文件夹")

    db = open_database(path)
    try:
        assert db.wait_checked(timeout=60) == FileCheck(True)
        with db.unit_of_work("测试") as session:
            session.add(Estate(name="照常保存"))
    finally:
        db.dispose()

    problem = db.backup_problem()
    assert problem is not None and problem.startswith("今天的自动备份没有完成")
    assert (tmp_path / "backups").read_text() == "这里本该是备份文件夹"


def test_given_a_new_file_when_opened_then_it_is_created_and_writable_at_once(tmp_path):
    path = tmp_path / "new.sqlite3"

    db = open_database(path)
    try:
        assert db.health() == FileCheck(True)
        with db.unit_of_work("测试") as session:
            session.add(Estate(name="第一个小区"))
    finally:
        db.dispose()

    assert len(_daily_backups(path)) == 1
