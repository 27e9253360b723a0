"""The database failures' messages and the mapping from SQLite/OS exceptions to them; "damaged" is the caller's.

The lowest piece of storage's error handling: the file check (filecheck.py) uses it to name
a locked or read-only file, and errors.py adds the page check as the judge of "damaged".
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable
from pathlib import Path

from butler_desk.domain.errors import BadInput


class DatabaseProblem(BadInput):
    """The database file cannot be used; the message tells the user what to do."""


IN_USE_MESSAGE = "管家台正在使用这个数据库，请先关闭所有管家台窗口（和正在运行的命令）后再试。"


def _name(path: Path | None) -> str:
    return f"“{path.name}”" if path is not None else ""


def busy(path: Path | None) -> DatabaseProblem:
    return DatabaseProblem(f"数据库{_name(path)}正忙：另一个管家台窗口或命令正在保存，等待几秒后仍未完成。"
                           "本次操作没有保存；请稍后重试，如一直如此，请关闭其他管家台窗口后再试。")


def read_only(path: Path | None) -> DatabaseProblem:
    return DatabaseProblem(f"数据库文件{_name(path)}或它所在的文件夹是只读的，无法保存。本次操作没有保存；"
                           "请检查文件和文件夹的写入权限（U 盘是否写保护），或把数据库复制到可写的文件夹后再打开。")


def disk_full(path: Path | None) -> DatabaseProblem:
    where = f"（{path.parent}）" if path is not None else ""
    return DatabaseProblem(f"磁盘空间已满{where}，本次操作没有保存，数据库保持原样。请清理磁盘空间后重试。")


def folder_missing(path: Path) -> DatabaseProblem:
    return DatabaseProblem(f"数据库所在的文件夹 {path.parent} 不存在（U 盘或网络盘是否已断开？）。"
                           "请接上该磁盘或检查路径后重试。")


def io_error(path: Path | None) -> DatabaseProblem:
    return DatabaseProblem(f"读写数据库文件{_name(path)}时磁盘出错，本次操作没有保存。"
                           "请检查磁盘（U 盘、网络盘）是否连接正常后重试。")


def _sqlite_error(exc: BaseException) -> sqlite3.Error | None:
    """The sqlite3 error behind ``exc`` (SQLAlchemy wraps it as ``.orig``), if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.Error):
            return current
        orig = getattr(current, "orig", None)
        if isinstance(orig, sqlite3.Error):
            return orig
        current = current.__cause__ or current.__context__
    return None


def explain(exc: BaseException, path: Path | None,
            damaged: Callable[[Path | None, str], DatabaseProblem]) -> DatabaseProblem | None:
    """A DatabaseProblem saying what went wrong and what to do, or None if ``exc`` is not one we know.

    ``damaged(path, detail)`` words a "malformed"/"not a database" report: errors.py lets the page
    check confirm it before the user is told to restore.
    """
    if isinstance(exc, DatabaseProblem):
        return exc
    if isinstance(exc, OSError) and not isinstance(exc, sqlite3.Error):
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            return disk_full(path)
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM) and path is not None:
            return read_only(path)
        return None
    error = _sqlite_error(exc)
    if error is None:
        return None
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        code &= 0xFF  # the primary code: SQLITE_BUSY_SNAPSHOT is a kind of SQLITE_BUSY
    text = str(error).lower()
    if code == sqlite3.SQLITE_FULL or "database or disk is full" in text:
        return disk_full(path)
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "database is locked" in text or "is locked" in text:
        return busy(path)
    if code == sqlite3.SQLITE_READONLY or "readonly database" in text or "read-only" in text:
        return read_only(path)
    if code == sqlite3.SQLITE_CANTOPEN or "unable to open database file" in text:
        if path is not None and not path.parent.exists():
            return folder_missing(path)
        return read_only(path) if path is not None else None
    if code == sqlite3.SQLITE_IOERR or "disk i/o error" in text:
        return io_error(path)
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or "malformed" in text or "not a database" in text:
        return damaged(path, str(error))
    return None
