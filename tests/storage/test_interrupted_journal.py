"""A file left with a hot rollback journal, or locked, is not "damaged": it opens, or the message says why not."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from butler_desk.services.maintenance import open_context
from butler_desk.services.staff import StaffService
from butler_desk.storage.database import check_sqlite_file, open_database

# A writer in rollback-journal mode killed before COMMIT, its changed pages already in the
# file: what a kill during the first open of a restored file (the switch to WAL) leaves.
KILLED_WRITER = """
import os, sys, sqlite3
con = sqlite3.connect(sys.argv[1])
con.execute("PRAGMA journal_mode=DELETE")
con.execute("PRAGMA cache_size=2")  # spill the changed pages into the file before COMMIT
con.execute("BEGIN")
con.execute("UPDATE staff SET name = name || hex(randomblob(400))")
os._exit(0)
"""


def _office(path: Path, people: int = 40) -> None:
    ctx = open_context(path, "测试")
    staff = StaffService(ctx)
    for i in range(people):
        staff.add(f"员工{i}", "客服管家")
    ctx.db.dispose()


def test_given_a_hot_journal_left_by_a_killed_writer_when_opened_then_it_is_rolled_back_and_opens(tmp_path):
    path = tmp_path / "office.sqlite3"
    _office(path)
    subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path)], check=True)
    journal = Path(f"{path}-journal")
    assert journal.stat().st_size > 0
    ro = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:  # the situation: a read-only look cannot get past the journal
        ro.execute("SELECT count(*) FROM sqlite_master").fetchone()
        raised = None
    except sqlite3.OperationalError as exc:
        raised = exc
    finally:
        ro.close()
    assert raised is not None and raised.sqlite_errorname == "SQLITE_READONLY_ROLLBACK"

    assert check_sqlite_file(path).ok
    db = open_database(path, keep_daily_backup=False)
    try:
        assert db.wait_checked().ok
        with db.engine.connect() as conn:
            names = [r[0] for r in conn.exec_driver_sql("SELECT name FROM staff ORDER BY id")]
    finally:
        db.dispose()
    assert names == [f"员工{i}" for i in range(40)]  # the uncommitted update is gone, nothing else


def test_given_a_rollback_journal_file_locked_by_another_program_then_it_is_called_busy_not_damaged(tmp_path):
    path = tmp_path / "office.sqlite3"
    _office(path, people=1)
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=DELETE")  # as restore leaves a file until its first open
        con.execute("BEGIN EXCLUSIVE")
        verdict = check_sqlite_file(path, pages=False)
    finally:
        con.rollback()
        con.close()
    assert not verdict.ok
    assert "正忙" in verdict.message and "损坏" not in verdict.message and "从备份恢复" not in verdict.message
