"""Backup copies: written under a name of their own and renamed when complete; daily rotation per database."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from butler_desk.storage import backup
from butler_desk.storage.database import check_sqlite_file, open_database
from butler_desk.storage.models import Estate


def _database_with_estates(path: Path, count: int = 200) -> Path:
    db = open_database(path, keep_daily_backup=False)
    with db.unit_of_work("测试") as session:
        session.add_all(Estate(name=f"小区{i}", address="滨江大道" * 20) for i in range(count))
    db.dispose()
    return path


def _estate_count(path: Path) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("SELECT count(*) FROM estates").fetchone()[0]
    finally:
        con.close()


def test_given_a_live_database_when_copied_then_the_target_is_complete_and_no_partial_file_remains(tmp_path):
    source = _database_with_estates(tmp_path / "ledger.sqlite3")
    target = tmp_path / "out" / "copy.sqlite3"

    made = backup.copy_database(source, target)

    assert made == target
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.sqlite3"]
    assert check_sqlite_file(target, full=True).ok
    assert _estate_count(target) == 200


def test_given_a_copy_that_fails_when_the_target_exists_then_the_target_is_untouched_and_nothing_is_left(tmp_path):
    target = tmp_path / "copy.sqlite3"
    target.write_bytes(b"yesterday's good copy")

    with pytest.raises(sqlite3.Error):
        backup.copy_database(tmp_path / "missing.sqlite3", target)

    assert target.read_bytes() == b"yesterday's good copy"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.sqlite3"]


def test_given_two_desks_backing_up_the_same_day_at_once_then_both_finish_and_the_copy_is_whole(tmp_path):
    source = _database_with_estates(tmp_path / "ledger.sqlite3", count=2000)
    target = tmp_path / "backups" / "daily-ledger-2026-10-01.sqlite3"
    failures: list[BaseException] = []

    def copy() -> None:
        try:
            backup.copy_database(source, target)
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            failures.append(exc)

    threads = [threading.Thread(target=copy) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert check_sqlite_file(target, full=True).ok
    assert _estate_count(target) == 2000
    assert not list(target.parent.glob("*.partial*"))


def test_given_a_partial_copy_left_by_a_dead_process_when_backing_up_then_only_the_stale_one_is_removed(tmp_path):
    source = _database_with_estates(tmp_path / "ledger.sqlite3")
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder / "daily-ledger-2026-10-02.sqlite3"
    stale = folder / f"{target.name}.0123456789ab{backup.PARTIAL_SUFFIX}"
    stale.write_bytes(b"half a copy")
    old = time.time() - backup.STALE_PARTIAL_SECONDS - 60
    os.utime(stale, (old, old))
    in_progress = folder / f"{target.name}.ba9876543210{backup.PARTIAL_SUFFIX}"
    in_progress.write_bytes(b"another desk is writing this right now")

    backup.copy_database(source, target)

    assert not stale.exists()
    assert in_progress.exists()
    assert check_sqlite_file(target, full=True).ok


def test_given_databases_whose_names_share_a_prefix_when_rotating_then_each_keeps_its_own_copies(tmp_path):
    ledger = _database_with_estates(tmp_path / "ledger.sqlite3", count=1)
    other = _database_with_estates(tmp_path / "ledger-old.sqlite3", count=1)
    for day in range(1, 4):
        backup.daily_backup(other, datetime(2026, 9, day))

    for day in range(1, 20):
        backup.daily_backup(ledger, datetime(2026, 10, day))

    folder = tmp_path / "backups"
    assert len(list(folder.glob("daily-ledger-old-*.sqlite3"))) == 3
    own = sorted(p.name for p in folder.glob("daily-ledger-2026-*.sqlite3"))
    assert len(own) == backup.DAILY_BACKUPS_KEPT
    assert own[0] == "daily-ledger-2026-10-06.sqlite3" and own[-1] == "daily-ledger-2026-10-19.sqlite3"
