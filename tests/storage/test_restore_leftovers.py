"""Restore into a new place keeps no imaginary safety copy; a killed restore's staged copy does not stay for ever."""

from __future__ import annotations

import os
import time

from butler_desk.cli.main import EXIT_OK, run
from butler_desk.services.maintenance import open_context, restore_from
from butler_desk.services.staff import StaffService
from butler_desk.storage.restore import STALE_STAGING_SECONDS, STAGING_SUFFIX


def _office(path, name="旧员工"):
    ctx = open_context(path, "测试")
    StaffService(ctx).add(name, "客服管家")
    ctx.db.dispose()
    return path


def test_given_no_database_yet_when_restoring_with_create_then_no_safety_copy_is_claimed(tmp_path, capsys):
    source = _office(tmp_path / "backup.sqlite3")
    target = tmp_path / "office" / "new.sqlite3"
    target.parent.mkdir()

    assert run(["restore", str(source), "--db", str(target), "--create"]) == EXIT_OK

    out = capsys.readouterr().out
    assert "无需另存" in out and "另存为" not in out
    assert not list(target.parent.glob("backups/*before-restore*"))
    ctx = open_context(target, "测试")
    try:
        assert [m.name for m in StaffService(ctx).list()] == ["旧员工"]
    finally:
        ctx.db.dispose()


def test_given_staged_copies_left_by_killed_restores_then_the_next_restore_removes_only_the_stale_ones(tmp_path):
    source = _office(tmp_path / "backup.sqlite3", "备份里的人")
    target = _office(tmp_path / "office.sqlite3")
    stale = tmp_path / f"office.sqlite3.0123456789ab{STAGING_SUFFIX}"
    stale_journal = tmp_path / f"office.sqlite3.0123456789ab{STAGING_SUFFIX}-journal"
    stale_wal = tmp_path / f"office.sqlite3.0123456789ab{STAGING_SUFFIX}-wal"
    stale_shm = tmp_path / f"office.sqlite3.0123456789ab{STAGING_SUFFIX}-shm"
    fresh = tmp_path / f"office.sqlite3.ba9876543210{STAGING_SUFFIX}"  # maybe another restore, still writing
    other = tmp_path / f"other.sqlite3.0123456789ab{STAGING_SUFFIX}"  # another database's: not ours to touch
    long_ago = time.time() - STALE_STAGING_SECONDS - 60
    for leftover in (stale, stale_journal, stale_wal, stale_shm, fresh, other):
        leftover.write_bytes(b"x" * 4096)
    for leftover in (stale, stale_journal, stale_wal, stale_shm, other):
        os.utime(leftover, (long_ago, long_ago))

    safety = restore_from(target, source)

    assert safety is not None and safety.exists()
    assert not any(p.exists() for p in (stale, stale_journal, stale_wal, stale_shm))
    assert fresh.exists() and other.exists()
