"""Restoring a database from a backup file without ever losing the data of either.

The order is what makes it safe: the source is read through SQLite's backup API (so data
still in its ``-wal`` comes along), into a file beside the target; that file is verified
(integrity, our application mark, a schema revision we know, the same row counts as the
source); only then, holding the desk lock exclusively (no 管家台 process has the target
open), is the current file copied to a safety backup, its log folded in by SQLite itself,
and the new file renamed into place. A kill at any point leaves the old file or the new.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
import uuid
from pathlib import Path

from butler_desk.domain import clock
from butler_desk.paths import backups_dir_for
from butler_desk.storage import backup
from butler_desk.storage.database import check_sqlite_file, known_revisions, newer_program_message
from butler_desk.storage.desk_lock import DeskLock, LockBusy
from butler_desk.storage.errors import IN_USE_MESSAGE, DatabaseProblem
from butler_desk.storage.files import fsync_dir, remove_stale
from butler_desk.storage.models import APPLICATION_ID

log = logging.getLogger(__name__)

STAGING_SUFFIX = ".restoring"
# A staged copy is written in one go and renamed at once; one this old was left by a restore
# that was killed (it can be as big as the whole database, so it is not left for ever).
STALE_STAGING_SECONDS = 3600
NOT_RESTORED = "（未恢复，当前数据库保持不变）"


def _row_counts(con: sqlite3.Connection) -> dict[str, int]:
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}


def _stage_copy(source: Path, staged: Path) -> dict[str, int]:
    """Copy ``source`` into ``staged`` through the backup API; return the source's row counts."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        # Counted and copied inside one read transaction: the same snapshot both times.
        src.execute("BEGIN")
        counts = _row_counts(src)
        dst = sqlite3.connect(staged)
        try:
            src.backup(dst)
            # WAL already, as the app keeps it: the first open after the restore has no
            # journal-mode switch to make (a kill during that switch leaves a hot journal).
            # Closing the only connection folds the -wal in and removes it.
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
        src.rollback()
    finally:
        src.close()
    return counts


def _needs_a_writable_folder(source: Path, exc: sqlite3.Error) -> bool:
    """A WAL file whose log holds data, in a folder nobody can write (a write-protected USB
    stick): SQLite cannot make the -shm it needs to read the log there."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    return code == sqlite3.SQLITE_CANTOPEN and not os.access(source.parent, os.W_OK)


def _stage_from_local_copy(source: Path, staged: Path) -> dict[str, int]:
    """Copy the file and its -wal beside the target, and read them there (then remove the copy)."""
    folder = Path(tempfile.mkdtemp(prefix=f".{staged.name}-source-", dir=staged.parent))
    try:
        local = folder / source.name
        shutil.copyfile(source, local)
        wal = Path(f"{source}-wal")
        if wal.exists():
            shutil.copyfile(wal, Path(f"{local}-wal"))
        return _stage_copy(local, staged)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _verify_staged(staged: Path, source_name: str, source_counts: dict[str, int]) -> None:
    check = check_sqlite_file(staged, full=True)
    if not check.ok:
        raise DatabaseProblem(check.message.replace(staged.name, source_name) + NOT_RESTORED)
    con = sqlite3.connect(f"file:{staged}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "app_meta" not in tables:
            raise DatabaseProblem(f"文件“{source_name}”不是 Butler Desk 数据库{NOT_RESTORED}")
        mark = con.execute("SELECT value FROM app_meta WHERE key='application'").fetchone()
        if not mark or mark[0] != APPLICATION_ID:
            raise DatabaseProblem(f"文件“{source_name}”不是 Butler Desk 数据库{NOT_RESTORED}")
        revision = con.execute("SELECT version_num FROM alembic_version").fetchone() if "alembic_version" in tables else None
        if revision is None:
            raise DatabaseProblem(f"文件“{source_name}”缺少版本信息，不是完整的 Butler Desk 数据库{NOT_RESTORED}")
        if revision[0] not in known_revisions():
            raise DatabaseProblem(newer_program_message(source_name, revision[0]).replace(
                "本程序无法打开。请先升级程序再打开；数据库没有被改动。", "请先升级程序再恢复。") + NOT_RESTORED)
        copied = _row_counts(con)
    finally:
        con.close()
    if copied != source_counts:
        differing = sorted(k for k in set(copied) | set(source_counts) if copied.get(k) != source_counts.get(k))
        raise DatabaseProblem(f"从“{source_name}”复制出的数据与原文件行数不一致（{'、'.join(differing)}），"
                              f"可能是文件正在被修改{NOT_RESTORED}")


def _fold_in_and_close_log(target: Path) -> None:
    """Let SQLite itself fold the target's -wal into the file and remove it.

    Switching to rollback-journal mode needs the file to ourselves: if any other program
    (even one that is not 管家台) has it open, SQLite refuses and so do we. A -wal is never
    deleted by hand: it may hold the only copy of the last saves.
    """
    if not target.exists():
        return
    con = sqlite3.connect(target, timeout=0)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        mode = con.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise DatabaseProblem(IN_USE_MESSAGE + NOT_RESTORED) from exc
    finally:
        con.close()
    if mode.lower() != "delete" or Path(f"{target}-wal").exists():
        raise DatabaseProblem(IN_USE_MESSAGE + NOT_RESTORED)


_STAGING_ENDINGS = tuple(STAGING_SUFFIX + end for end in ("", "-journal", "-wal", "-shm"))


def _remove_stale_staging(target: Path) -> None:
    prefix = f"{target.name}."
    # The staged copy is in WAL mode: a kill can leave its -wal and -shm beside it too.
    remove_stale(target.parent, lambda name: name.startswith(prefix) and name.endswith(_STAGING_ENDINGS),
                 STALE_STAGING_SECONDS)


def restore_database(target: Path, source: Path) -> Path | None:
    """Put a verified copy of ``source`` in place of ``target``; return the safety copy's path
    (None when there was no database at ``target`` to keep).

    Raises DatabaseProblem (nothing changed) if the source is not a healthy Butler Desk
    database this program can open, or if the target is in use.
    """
    target, source = Path(target), Path(source)
    if target.parent.exists():
        _remove_stale_staging(target)
    staged = target.with_name(f"{target.name}.{uuid.uuid4().hex[:12]}{STAGING_SUFFIX}")
    try:
        try:
            try:
                counts = _stage_copy(source, staged)
            except sqlite3.OperationalError as exc:
                if not _needs_a_writable_folder(source, exc):
                    raise
                counts = _stage_from_local_copy(source, staged)
        except sqlite3.DatabaseError as exc:
            verdict = check_sqlite_file(source, full=True)
            message = verdict.message if not verdict.ok else f"无法读取备份文件“{source.name}”：{exc}。"
            raise DatabaseProblem(message + NOT_RESTORED) from exc
        _verify_staged(staged, source.name, counts)
        try:
            lock = DeskLock.acquire(target, exclusive=True)
        except LockBusy:
            raise DatabaseProblem(IN_USE_MESSAGE + NOT_RESTORED) from None
        try:
            stamp = clock.stamp("%Y%m%d-%H%M%S")
            safety: Path | None = None
            if target.exists() and target.stat().st_size > 0:
                safety = backups_dir_for(target) / f"{target.stem}-before-restore-{stamp}.sqlite3"
                backup.copy_database(target, safety)
            _fold_in_and_close_log(target)
            os.replace(staged, target)
            fsync_dir(target.parent)
        finally:
            if lock is not None:
                lock.release()
    finally:
        staged.unlink(missing_ok=True)
        # The staged name's side files: left by the read-only checks, empty, used by no one
        # once the file has been renamed (or given up).
        for suffix in ("-journal", "-wal", "-shm"):
            Path(f"{staged}{suffix}").unlink(missing_ok=True)
    log.info("restored %s from %s; previous file kept at %s", target, source, safety)
    return safety
