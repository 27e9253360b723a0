"""What a database failure means for the user: busy, read-only, disk full, folder missing, in use, damaged.

One mapping, used by the command line and the GUI alike, from the exceptions SQLite and the
operating system raise to a Chinese message that says what to do. "Restore from a backup" is
advised only when the page check confirms the file really is damaged: a locked or read-only
file restored over would lose data instead of saving it.
"""

from __future__ import annotations

from pathlib import Path

from butler_desk.storage.filecheck import check_sqlite_file
from butler_desk.storage.problems import (  # noqa: F401 - re-exported: callers import them from here
    IN_USE_MESSAGE,
    DatabaseProblem,
    _name,
    _sqlite_error,
    busy,
    disk_full,
    explain,
    folder_missing,
    io_error,
    read_only,
)


def explain_db_error(exc: BaseException, path: Path | None = None) -> DatabaseProblem | None:
    """A DatabaseProblem saying what went wrong and what to do, or None if ``exc`` is not one we know.

    ``path`` is the database file, when known: it names the file in the message and lets a
    "malformed" report be confirmed by the page check before the user is told to restore.
    """
    return explain(exc, path, _damaged_or_unreadable)


def _damaged_or_unreadable(path: Path | None, detail: str) -> DatabaseProblem:
    if path is not None:
        # the page check is the judge
        try:
            verdict = check_sqlite_file(path)
        except OSError:
            verdict = None
        if verdict is not None and not verdict.ok:
            return DatabaseProblem(verdict.message)
    return DatabaseProblem(f"读取数据库文件{_name(path)}时出错（{detail}），但文件检查没有发现损坏。"
                           "本次操作没有保存；请关闭程序后重试。")
