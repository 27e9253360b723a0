"""Backups through SQLite's online-backup API: daily copies, pre-migration copies, backup and restore."""

from __future__ import annotations

import os
import re
import sqlite3
import uuid
from datetime import datetime
from pathlib import Path

from butler_desk.domain import clock
from butler_desk.paths import backups_dir_for
from butler_desk.storage.files import remove_stale

DAILY_BACKUPS_KEPT = 14
DAILY_PREFIX = "daily-"
PARTIAL_SUFFIX = ".partial"
# A copy still being written is touched continuously; one this old was left by a process
# that died mid-copy.
STALE_PARTIAL_SECONDS = 6 * 3600


def read_only_uri(path: Path) -> str:
    """A URI that opens ``path`` for reading without writing anything beside it.

    A WAL-mode file needs a ``-shm`` beside it; in a folder nobody can write (a
    write-protected USB stick, a read-only share) SQLite cannot make one and says "unable
    to open". If no ``-shm`` exists and no ``-wal`` holds data, the main file is the whole
    database and nobody can be changing it there, so ``immutable=1`` reads it truthfully.
    """
    uri = f"file:{path}?mode=ro"
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    if not os.access(path.parent, os.W_OK) and not shm.exists():
        try:
            wal_has_data = wal.stat().st_size > 0
        except OSError:
            wal_has_data = False
        if not wal_has_data:
            uri += "&immutable=1"
    return uri


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
        src = sqlite3.connect(read_only_uri(source), uri=True)
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
    remove_stale(target.parent, lambda name: name.startswith(target.name) and name.endswith(PARTIAL_SUFFIX),
                 STALE_PARTIAL_SECONDS)


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
