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
    known_revisions,
    open_database,
)


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


def backup_to(db_path: Path, out: Path) -> Path:
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
    return backup.copy_database(db_path, out)


def restore_from(db_path: Path, source: Path) -> Path:
    """Replace the database with ``source`` after a full check; returns the safety copy's path.

    Refuses a file that is not a Butler Desk database or fails ``PRAGMA integrity_check``,
    and a backup made by a newer version of the program.
    """
    db_path, source = Path(db_path), Path(source)
    if not source.exists():
        raise BadInput(f"找不到备份文件 {source}")
    if source.stat().st_size == 0:
        raise DatabaseProblem(f"文件“{source.name}”是空文件，不是 Butler Desk 数据库，未恢复。")
    check = check_sqlite_file(source, full=True)
    if not check.ok:
        raise DatabaseProblem(check.message + "（未恢复，当前数据库保持不变）")
    con = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "app_meta" not in tables:
            raise DatabaseProblem(f"文件“{source.name}”不是 Butler Desk 数据库，未恢复。")
        revision = con.execute("SELECT version_num FROM alembic_version").fetchone() if "alembic_version" in tables else None
    finally:
        con.close()
    if revision is None:
        raise DatabaseProblem(f"文件“{source.name}”缺少版本信息，不是完整的 Butler Desk 数据库，未恢复。")
    if revision[0] not in known_revisions():
        raise DatabaseProblem(f"备份“{source.name}”由更新版本的管家台生成（版本 {revision[0]}），请先升级程序再恢复。")
    if source.resolve() == db_path.resolve():
        raise BadInput("所选文件就是当前数据库，无需恢复")
    return backup.replace_database(db_path, source)


__all__ = ["backup_to", "head_revision", "open_context", "restore_from"]
