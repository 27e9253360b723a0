"""Opening, backing up and restoring the database, as the GUI and CLI both need it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from butler_desk.domain.errors import BadInput
from butler_desk.services.context import AppContext
from butler_desk.storage import backup
from butler_desk.storage.database import (
    DatabaseProblem,
    check_sqlite_file,
    head_revision,
    open_database,
)
from butler_desk.storage.errors import explain_db_error
from butler_desk.storage.restore import restore_database


def open_context(db_path: Path, operator: str = "系统") -> AppContext:
    """Open (create, migrate) the database and wrap it for the services.

    The page scan and the daily backup continue in the background: ``ctx.db.health()``
    tells when the scan is done, writes wait for it, and ``ctx.db.dispose()`` waits for both.
    """
    return AppContext(db=open_database(Path(db_path)), operator=operator)


def file_problem(ctx: AppContext) -> str | None:
    """The Chinese message if the background check found the file damaged; "" while it is still
    running; None when the file is healthy. (Writes are refused until it has passed.)"""
    check = ctx.db.health()
    if check is None:
        return ""
    return None if check.ok else check.message


def backup_problem(ctx: AppContext) -> str | None:
    """Why today's automatic backup failed, if it did."""
    return ctx.db.backup_problem()


SQLITE_ONLY_MESSAGE = ("备份和恢复只适用于本机的数据库文件（.sqlite3）。PostgreSQL 服务器上的数据库"
                       "请用服务器自己的备份工具（pg_dump / pg_restore），或请管理员处理。")


def refuse_url(db: str | Path) -> None:
    """Backup, restore and the page check work on SQLite files only; a server URL is refused."""
    if "://" in str(db) or str(db).startswith(("postgresql", "postgres:")):
        raise DatabaseProblem(SQLITE_ONLY_MESSAGE)


def backup_to(db_path: Path, out: Path) -> Path:
    refuse_url(db_path)
    db_path, out = Path(db_path), Path(out)
    if not db_path.exists():
        raise BadInput(f"数据库文件 {db_path} 不存在，无法备份")
    check = check_sqlite_file(db_path)
    if not check.ok:
        raise DatabaseProblem(check.message)
    if out.exists() and out.is_dir():
        out = out / f"{db_path.stem}-backup.sqlite3"
    if out.resolve() == db_path.resolve():
        raise BadInput("备份文件不能与数据库文件相同，请换一个文件名")
    try:
        return backup.copy_database(db_path, out)
    except (OSError, sqlite3.Error) as exc:
        # A full or write-protected disk here is the backup's, not the database's: name it.
        problem = explain_db_error(exc, out)
        if problem is not None:
            raise problem from exc
        raise


def restore_from(db_path: Path, source: Path) -> Path | None:
    """Replace the database with a verified copy of ``source``; returns the safety copy's path
    (None if there was no database there yet).

    Refuses a file that is not a Butler Desk database, fails ``PRAGMA integrity_check`` or
    comes from a newer version of the program, and refuses while any 管家台 process (this
    one included: close its database first) has the database open. The source is read
    through SQLite's backup API, so data still in its ``-wal`` is restored too.
    """
    refuse_url(db_path)
    refuse_url(source)
    db_path, source = Path(db_path), Path(source)
    if not source.exists():
        raise BadInput(f"找不到备份文件 {source}")
    if source.stat().st_size == 0:
        raise DatabaseProblem(f"文件“{source.name}”是空文件，不是 Butler Desk 数据库，未恢复。")
    if source.resolve() == db_path.resolve():
        raise BadInput("所选文件就是当前数据库，无需恢复")
    if not db_path.parent.exists():
        raise BadInput(f"数据库所在的文件夹 {db_path.parent} 不存在，未恢复。请检查 --db 路径。")
    return restore_database(db_path, source)


def restore_into_open(ctx: AppContext, source: Path) -> Path:
    """Restore over the database ``ctx`` has open (the GUI's 从备份恢复…): this process closes
    its own hold on the file first, or restore would find the file in use by itself. The
    window must be reopened afterwards: what it shows is the old file's."""
    if ctx.db_path is None:
        raise DatabaseProblem(SQLITE_ONLY_MESSAGE)
    with ctx.db.closed_for_restore():
        return restore_from(ctx.db_path, source)


__all__ = ["backup_to", "explain_db_error", "head_revision", "open_context", "restore_from", "restore_into_open"]
