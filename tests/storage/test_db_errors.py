"""Busy, read-only, disk full, folder missing, damaged: each its own message; no parameters in the log."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from butler_desk.logging_setup import setup_logging
from butler_desk.services.ledger.roster_import import RosterImportService
from butler_desk.services.staff import StaffService
from butler_desk.storage.database import Database, make_engine
from butler_desk.storage.errors import explain_db_error
from tests.storage.dbfiles import roster_file, row_counts

RESTORE_ADVICE = "请从备份恢复"


@pytest.fixture
def own_log_file():
    """setup_logging installs its handler once per process; this test needs one in its own folder."""
    root = logging.getLogger()

    def drop() -> None:
        for handler in [h for h in root.handlers if getattr(h, "_butler_desk", False)]:
            root.removeHandler(handler)
            handler.close()

    drop()
    level = root.level
    yield setup_logging()
    drop()
    root.setLevel(level)


def _failure_of(action) -> BaseException:
    with pytest.raises(Exception) as info:  # noqa: PT011 - whichever the driver raises is the point
        action()
    return info.value


def test_given_another_desk_holds_a_write_transaction_when_saving_then_busy_is_explained(ctx, db_path):
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        exc = _failure_of(lambda: StaffService(ctx).add("张三", "客服管家"))  # waits busy_timeout first
    finally:
        other.rollback()
        other.close()

    problem = explain_db_error(exc, db_path)

    assert isinstance(exc, OperationalError)
    assert problem is not None and "正忙" in problem.message and "请稍后重试" in problem.message
    assert RESTORE_ADVICE not in problem.message
    StaffService(ctx).add("张三", "客服管家")  # and once the other desk is done, it saves


def test_given_a_read_only_file_when_saving_then_read_only_is_explained(ctx, db_path):
    # Tests run as root here, where chmod does not stop writes: the file is opened read-only
    # through SQLite's URI instead, which fails the way a write-protected drive does.
    StaffService(ctx).add("张三", "客服管家")
    ctx.db.dispose()
    read_only = Database(make_engine(f"sqlite:///file:{db_path}?mode=ro&uri=true"), db_path)
    try:
        exc = _failure_of(lambda: StaffService(type(ctx)(db=read_only)).add("李四", "客服管家"))
    finally:
        read_only.dispose()

    problem = explain_db_error(exc, db_path)

    assert problem is not None and "只读" in problem.message and "写入权限" in problem.message
    assert RESTORE_ADVICE not in problem.message


def test_given_a_full_disk_when_importing_then_disk_full_is_explained_and_nothing_is_written(ctx, db_path, tmp_path):
    before = row_counts(db_path)
    ctx.db.engine.dispose()

    @event.listens_for(ctx.db.engine, "connect")
    def _no_room_to_grow(dbapi_connection, _record):  # SQLite's own SQLITE_FULL, reproducibly
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + 2}")

    service = RosterImportService(ctx)
    roster = service.read(roster_file(tmp_path / "roster.xlsx", rows=400))
    exc = _failure_of(lambda: service.import_roster(roster, dry_run=False, estate_name="翠湖花园"))

    problem = explain_db_error(exc, db_path)

    assert problem is not None and "磁盘空间已满" in problem.message and "清理" in problem.message
    ctx.db.engine.dispose()
    event.remove(ctx.db.engine, "connect", _no_room_to_grow)
    assert row_counts(db_path) == before


def test_given_a_missing_folder_when_opening_then_the_folder_is_named(tmp_path):
    path = tmp_path / "U盘" / "ledger.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    exc = _failure_of(lambda: engine.connect())
    engine.dispose()

    problem = explain_db_error(exc, path)

    assert problem is not None and "不存在" in problem.message and str(path.parent) in problem.message
    assert not path.parent.exists()


def test_given_a_malformed_report_on_a_healthy_file_then_restore_is_not_advised(ctx, db_path):
    problem = explain_db_error(sqlite3.DatabaseError("database disk image is malformed"), db_path)

    assert problem is not None and RESTORE_ADVICE not in problem.message and "没有发现损坏" in problem.message


def test_given_a_failed_statement_with_an_id_number_then_the_log_holds_no_parameter(ctx, db_path, own_log_file):
    log_path = own_log_file
    id_number = "110101199003077777"
    StaffService(ctx).add("张三", "客服管家")
    try:
        with ctx.db.engine.begin() as conn:  # a duplicate key: the statement fails with the number bound
            conn.execute(text("INSERT INTO staff (id, name, role, active) VALUES (1, :name, '客服管家', 1)"),
                         {"name": id_number})
    except Exception:
        logging.getLogger("butler_desk.cli.main").exception("unexpected failure running %s", ["staff"])
    for handler in logging.getLogger().handlers:
        handler.flush()

    logged = log_path.read_text(encoding="utf-8")
    assert "IntegrityError" in logged and "INSERT INTO staff" in logged  # the failure itself is logged
    assert id_number not in logged
    if os.name != "nt":
        assert stat.S_IMODE(log_path.stat().st_mode) == 0o600


def test_given_the_log_rotates_then_every_file_stays_private(own_log_file):
    if os.name == "nt":
        pytest.skip("POSIX file modes")
    log_path = own_log_file
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_butler_desk", False))
    handler.doRollover()
    logging.getLogger("test").info("after the rollover")
    handler.flush()

    files = sorted(log_path.parent.glob("butler-desk.log*"))
    assert len(files) >= 2
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}
