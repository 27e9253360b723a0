"""Backups through SQLite's online-backup API: daily copies, pre-migration copies, backup and restore."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from butler_desk.paths import backups_dir_for

DAILY_BACKUPS_KEPT = 14
DAILY_PREFIX = "daily-"


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy of a live database (WAL included), written atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    partial.replace(target)
    return target


def backup_before_migration(path: Path, from_revision: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return copy_database(path, backups_dir_for(path) / f"{path.stem}-before-upgrade-{from_revision}-{stamp}.sqlite3")


def daily_backup(path: Path, today: datetime | None = None) -> Path | None:
    """Once a day, copy the database; keep the newest DAILY_BACKUPS_KEPT copies."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    folder = backups_dir_for(path)
    day = (today or datetime.now()).strftime("%Y-%m-%d")
    target = folder / f"{DAILY_PREFIX}{path.stem}-{day}.sqlite3"
    made = None
    if not target.exists():
        made = copy_database(path, target)
    daily = sorted(folder.glob(f"{DAILY_PREFIX}{path.stem}-*.sqlite3"))
    for old in daily[:-DAILY_BACKUPS_KEPT]:
        old.unlink(missing_ok=True)
    return made


def replace_database(current: Path, replacement: Path) -> Path:
    """Put ``replacement`` in place of ``current``, keeping the current file as a backup first.

    The caller has already checked that ``replacement`` is a healthy Butler Desk database.
    Returns the path of the safety copy of the old file.
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    safety = backups_dir_for(current) / f"{current.stem}-before-restore-{stamp}.sqlite3"
    if current.exists() and current.stat().st_size > 0:
        copy_database(current, safety)
    staged = current.with_name(current.name + ".restoring")
    shutil.copyfile(replacement, staged)
    for suffix in ("-wal", "-shm"):
        Path(str(current) + suffix).unlink(missing_ok=True)
    staged.replace(current)
    return safety
