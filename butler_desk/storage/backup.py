"""Backups through SQLite's online-backup API: daily copies, pre-migration copies, backup and restore."""

from __future__ import annotations

import re
import shutil
import sqlite3
import time
import uuid
from datetime import datetime
from pathlib import Path

from butler_desk.domain import clock
from butler_desk.paths import backups_dir_for

DAILY_BACKUPS_KEPT = 14
DAILY_PREFIX = "daily-"
PARTIAL_SUFFIX = ".partial"
# A copy still being written is touched continuously; one this old was left by a process
# that died mid-copy.
STALE_PARTIAL_SECONDS = 6 * 3600


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy of a live database (WAL included), written atomically.

    The copy is written under a name of its own (two desks, or two threads, may back up
    the same file at once) and renamed over ``target`` only when complete, so ``target``
    is never a half-written file.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_partials(target)
    partial = target.with_name(f"{target.name}.{uuid.uuid4().hex[:12]}{PARTIAL_SUFFIX}")
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)  # one step: a single read snapshot, so writers never restart it
            finally:
                dst.close()
        finally:
            src.close()
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        Path(f"{partial}-journal").unlink(missing_ok=True)
        raise
    return target


def _remove_stale_partials(target: Path) -> None:
    cutoff = time.time() - STALE_PARTIAL_SECONDS
    for leftover in target.parent.iterdir():
        if not (leftover.name.startswith(target.name) and leftover.name.endswith(PARTIAL_SUFFIX)):
            continue
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
        except OSError:  # another process got there first, or it is still open on Windows
            continue


def backup_before_migration(path: Path, from_revision: str) -> Path:
    stamp = clock.stamp("%Y%m%d-%H%M%S")
    return copy_database(path, backups_dir_for(path) / f"{path.stem}-before-upgrade-{from_revision}-{stamp}.sqlite3")


def daily_backup(path: Path, today: datetime | None = None) -> Path | None:
    """Once a day, copy the database; keep the newest DAILY_BACKUPS_KEPT copies."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    folder = backups_dir_for(path)
    day = (today or clock.now()).strftime("%Y-%m-%d")
    target = folder / f"{DAILY_PREFIX}{path.stem}-{day}.sqlite3"
    made = None
    if not target.exists():
        made = copy_database(path, target)
    # Exactly this database's copies: "daily-ledger-*" would also match "daily-ledger-old-…".
    own = re.compile(re.escape(f"{DAILY_PREFIX}{path.stem}-") + r"\d{4}-\d{2}-\d{2}\.sqlite3")
    daily = sorted(p for p in folder.iterdir() if own.fullmatch(p.name))
    for old in daily[:-DAILY_BACKUPS_KEPT]:
        old.unlink(missing_ok=True)
    return made


def replace_database(current: Path, replacement: Path) -> Path:
    """Put ``replacement`` in place of ``current``, keeping the current file as a backup first.

    The caller has already checked that ``replacement`` is a healthy Butler Desk database.
    Returns the path of the safety copy of the old file.
    """
    stamp = clock.stamp("%Y%m%d-%H%M%S")
    safety = backups_dir_for(current) / f"{current.stem}-before-restore-{stamp}.sqlite3"
    if current.exists() and current.stat().st_size > 0:
        copy_database(current, safety)
    staged = current.with_name(current.name + ".restoring")
    shutil.copyfile(replacement, staged)
    for suffix in ("-wal", "-shm"):
        Path(str(current) + suffix).unlink(missing_ok=True)
    staged.replace(current)
    return safety
