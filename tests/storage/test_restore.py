"""Restore that cannot lose data: WAL-only sources, files in use, verification before the swap, checkpoints on close."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from butler_desk.services.maintenance import open_context, restore_from, restore_into_open
from butler_desk.services.staff import StaffService
from butler_desk.storage.database import DatabaseProblem, open_database
from butler_desk.storage.errors import IN_USE_MESSAGE
from tests.storage.dbfiles import (
    DESK_HOLDING_THE_FILE,
    IMPORT_WITHOUT_CLOSING,
    database_with_staff,
    main_file_tables,
    python,
    roster_file,
    row_counts,
)


def _staff_names(path: Path) -> list[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT name FROM staff ORDER BY id")]
    finally:
        con.close()


def test_given_a_source_whose_data_sits_in_its_wal_when_restored_then_everything_is_restored(tmp_path):
    # GIVEN the reproduction: an import into src.sqlite3 by a process that ended
    # without a checkpoint, so the main file is an empty shell and the rows are in src-wal
    src, cur = tmp_path / "src.sqlite3", database_with_staff(tmp_path / "cur.sqlite3", "旧员工")
    proc = python(IMPORT_WITHOUT_CLOSING, str(roster_file(tmp_path / "big.xlsx", rows=300)), str(src))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert Path(f"{src}-wal").stat().st_size > 0
    assert "units" not in main_file_tables(src)  # copying only the .sqlite3 would lose it all
    expected = row_counts(src)
    assert expected["units"] == 300

    # WHEN it is restored over cur.sqlite3
    safety = restore_from(cur, src)

    # THEN cur holds every row, alone (no -wal needed), and the old cur is kept
    assert row_counts(cur) == expected
    assert {"units", "parties", "app_meta"} <= main_file_tables(cur)
    assert _staff_names(safety) == ["旧员工"]
    assert not list(tmp_path.glob("*.restoring"))
    db = open_database(cur, keep_daily_backup=False)
    assert db.wait_checked().ok
    db.dispose()


def test_given_another_process_has_the_database_open_when_restoring_then_it_is_refused_and_its_saves_survive(tmp_path):
    cur = database_with_staff(tmp_path / "cur.sqlite3", "旧员工")
    backup = database_with_staff(tmp_path / "backup.sqlite3", "备份里的人")
    desk = python(DESK_HOLDING_THE_FILE, str(cur))
    try:
        assert desk.stdout.readline().strip() == "open"

        with pytest.raises(DatabaseProblem) as info:
            restore_from(cur, backup)

        assert IN_USE_MESSAGE in info.value.message and "未恢复" in info.value.message
        out, err = desk.communicate("\n", timeout=60)  # the desk goes on saving, then closes
        assert desk.returncode == 0, err
    finally:
        if desk.poll() is None:
            desk.kill()
    assert _staff_names(cur) == ["旧员工", "第一位", "第二位"]
    assert not list(tmp_path.glob("*.restoring"))


def test_given_this_process_has_the_database_open_when_restoring_then_it_is_refused_until_closed(tmp_path):
    cur = database_with_staff(tmp_path / "cur.sqlite3", "旧员工")
    backup = database_with_staff(tmp_path / "backup.sqlite3", "备份里的人")
    ctx = open_context(cur)
    try:
        with pytest.raises(DatabaseProblem, match="正在使用"):
            restore_from(cur, backup)

        safety = restore_into_open(ctx, backup)  # what the GUI's 从备份恢复… does

        assert _staff_names(cur) == ["备份里的人"]
        assert _staff_names(safety) == ["旧员工"]
        # the window's handle holds the file again: a second restore is refused
        with pytest.raises(DatabaseProblem, match="正在使用"):
            restore_from(cur, backup)
    finally:
        ctx.db.dispose()


def test_given_a_non_butler_program_has_the_file_open_when_restoring_then_it_is_refused(tmp_path):
    cur = database_with_staff(tmp_path / "cur.sqlite3", "旧员工")
    backup = database_with_staff(tmp_path / "backup.sqlite3", "备份里的人")
    other = sqlite3.connect(cur)  # e.g. a DB browser: it holds no desk lock
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("SELECT count(*) FROM staff").fetchone()
    try:
        with pytest.raises(DatabaseProblem, match="正在使用"):
            restore_from(cur, backup)
    finally:
        other.close()
    assert _staff_names(cur) == ["旧员工"]


def test_given_a_source_that_fails_verification_then_the_target_is_untouched_and_nothing_is_left(tmp_path):
    cur = database_with_staff(tmp_path / "cur.sqlite3", "旧员工")
    foreign = tmp_path / "foreign.sqlite3"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE app_meta (key TEXT, value TEXT)")
    con.execute("INSERT INTO app_meta VALUES ('application', 'someone-else')")
    con.commit()
    con.close()
    before = cur.read_bytes()

    with pytest.raises(DatabaseProblem, match="不是 Butler Desk"):
        restore_from(cur, foreign)

    assert cur.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if "restoring" in p.name) == []
    assert not (tmp_path / "backups").exists() or not list((tmp_path / "backups").glob("*before-restore*"))


def test_given_a_closed_database_then_its_main_file_alone_is_complete(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    ctx = open_context(path)
    StaffService(ctx).add("张三", "客服管家")
    assert Path(f"{path}-wal").exists() and Path(f"{path}-wal").stat().st_size > 0

    ctx.db.dispose()

    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    assert {"staff", "units", "app_meta"} <= main_file_tables(path)


def test_given_a_wal_only_source_on_a_write_protected_stick_when_restored_then_everything_is_restored(tmp_path):
    import shutil
    import subprocess

    stick = tmp_path / "U盘"
    stick.mkdir()
    src = stick / "src.sqlite3"
    cur = database_with_staff(tmp_path / "cur.sqlite3", "旧员工")
    proc = python(IMPORT_WITHOUT_CLOSING, str(roster_file(tmp_path / "roster.xlsx", rows=60)), str(src))
    assert proc.communicate(timeout=120) and proc.returncode == 0
    for extra in stick.iterdir():  # as copied onto the stick: the file and its -wal only
        if extra.name not in ("src.sqlite3", "src.sqlite3-wal"):
            shutil.rmtree(extra) if extra.is_dir() else extra.unlink()
    expected = row_counts(src)
    Path(f"{src}-shm").unlink(missing_ok=True)
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(stick)]).returncode != 0:
        pytest.skip("chattr +i is not available here (needs root and a file system that supports it)")
    try:
        restore_from(cur, src)
    finally:
        subprocess.run(["chattr", "-i", str(stick)], check=True)

    assert row_counts(cur) == expected and expected["units"] == 60
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
