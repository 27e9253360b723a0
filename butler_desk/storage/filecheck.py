"""Is a file a healthy Butler Desk database? Read-only checks of the header, identity and pages."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from butler_desk.storage import backup
from butler_desk.storage.problems import DatabaseProblem, explain
from butler_desk.storage.models import APPLICATION_ID

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class FileCheck:
    ok: bool
    message: str = ""


def check_sqlite_file(path: Path, *, full: bool = False, pages: bool = True) -> FileCheck:
    """Is ``path`` a healthy Butler Desk database? Read-only; never changes the file.

    ``full`` runs ``integrity_check`` (restore); otherwise the faster ``quick_check``.
    ``pages=False`` skips that scan and checks only what is cheap: the header, that SQLite
    can open the file and read its schema, and the application id (what start-up waits for;
    the scan follows in the background). An empty (zero-byte) file counts as a new database.
    """
    if not path.exists() or path.stat().st_size == 0:
        return FileCheck(True)
    with path.open("rb") as fh:
        header = fh.read(16)
    if header != SQLITE_HEADER:
        return FileCheck(False, f"文件“{path.name}”不是 Butler Desk 数据库（也不是 SQLite 文件）。请检查所选文件。")
    _roll_back_hot_journal(path)
    try:
        con = sqlite3.connect(backup.read_only_uri(path), uri=True)
        try:
            if pages:
                pragma = "integrity_check" if full else "quick_check"
                try:
                    result = con.execute(f"PRAGMA {pragma}").fetchall()
                except sqlite3.DatabaseError as exc:
                    # Depending on where the damage lies SQLite lists it or gives up
                    # ("malformed"): damage. Locked, unable to open… are not, and say so.
                    return _unreadable(path, exc)
                if not result or result[0][0] != "ok":
                    return _damaged(path, result[0][0] if result else "无结果")
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:
                return FileCheck(True)
            if "app_meta" not in tables:
                return FileCheck(False, f"文件“{path.name}”是 SQLite 数据库，但不是 Butler Desk 的数据库。请选择正确的文件。")
            row = con.execute("SELECT value FROM app_meta WHERE key='application'").fetchone()
            if not row or row[0] != APPLICATION_ID:
                return FileCheck(False, f"文件“{path.name}”不是 Butler Desk 的数据库。请选择正确的文件。")
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return _unreadable(path, exc)
    return FileCheck(True)


def _roll_back_hot_journal(path: Path) -> None:
    """Finish what a killed writer left: a non-empty rollback journal beside ``path``.

    A process killed in the middle of a rollback-journal write (the one-time switch of a
    restored or copied-in file to WAL, restore's own switch back) leaves a "hot" journal.
    A read-only connection cannot roll it back (SQLITE_READONLY_ROLLBACK), so the checks
    would fail for ever although the file is fine. A read-write open rolls it back to the
    last committed state, exactly as SQLite does for any writer; nothing else is written.
    """
    journal = Path(f"{path}-journal")
    try:
        if journal.stat().st_size == 0:
            return
    except OSError:
        return
    try:
        con = sqlite3.connect(path, timeout=5)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
    except sqlite3.Error:  # read-only folder, busy: the read-only check below says which
        log.warning("could not roll back the journal beside %s", path, exc_info=True)


def _unreadable(path: Path, exc: sqlite3.DatabaseError) -> FileCheck:
    """Damage only when SQLite says so; locked, busy, read-only… are named for what they are."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or "malformed" in str(exc):
        return _damaged(path, str(exc))
    if code != sqlite3.SQLITE_READONLY:  # READONLY here is a journal we could not roll back: not "read-only file"
        # damage was ruled out above: a "not a database" text alone is reported as damage too
        problem = explain(exc, path, lambda p, detail: DatabaseProblem(_damaged(path, detail).message))
        if problem is not None:
            return FileCheck(False, problem.message)
    return FileCheck(False, f"无法读取数据库文件“{path.name}”：{exc}。原文件未被改动。"
                     "请关闭所有管家台窗口后重试；如仍出现，请把日志文件发给管理员。")


def _damaged(path: Path, detail: str) -> FileCheck:
    # The scan may list hundreds of lines; the first finding is enough for the message.
    lines = [line for line in detail.splitlines() if line.strip() and not line.startswith("***")]
    first = lines[0] if lines else detail
    if len(first) > 120:
        first = first[:119] + "…"
    more = "等" if len(lines) > 1 else ""
    return FileCheck(False, f"数据库文件“{path.name}”已损坏（{first}{more}）。"
                     "请从备份恢复：butler-desk restore 备份文件。原文件未被改动。")


def _has_unfinished_wal(path: Path) -> bool:
    """Does a write-ahead log with content sit beside ``path``?

    After a clean close SQLite removes it (or leaves it empty); content means the last
    session crashed or another desk has the file open. Opening read-write would later fold
    that log into the file, so such a file is checked before it is opened.
    """
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False
