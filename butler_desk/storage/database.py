"""Opening the database: engine and pragmas, identity and integrity checks, migrations, units of work."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from butler_desk.paths import migrations_dir
from butler_desk.storage import backup
from butler_desk.storage.desk_lock import DeskLock, LockBusy
from butler_desk.storage.errors import DatabaseProblem, explain_db_error
from butler_desk.storage.filecheck import (  # noqa: F401 - re-exported: callers import them from here
    SQLITE_HEADER,
    FileCheck,
    _has_unfinished_wal,
    check_sqlite_file,
)
from butler_desk.storage.audit import OPERATOR_KEY, install_audit_hook
from butler_desk.storage.models import APPLICATION_ID, AppMeta

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

# The newest migration in storage/migrations/versions. Kept here so that a normal start
# (schema already current) never imports Alembic, which costs most of a second; a test
# checks it against Alembic's own idea of the head.
SCHEMA_HEAD = "0006"


# Test hook for the kill harness (tests/storage/test_kill_migration.py): SIGKILL this process
# right after the N-th SQL statement of a schema creation or upgrade.
KILL_AFTER_STATEMENT_VAR = "BUTLER_DESK_TEST_KILL_AFTER_STATEMENT"
# How long an opener waits for a restore in progress to finish before giving up.
OPEN_WAIT_SECONDS = 10.0

# Every Database not yet disposed, weakly: the CLI closes what a command opened.
_open_databases: list[weakref.ref[Database]] = []


def _close_file(engine: Engine, path: Path | None, held: list[DeskLock]) -> None:
    """Fold the -wal into the file, close the connections, let go of the desk lock.

    Run by ``Database.dispose``, or by the garbage collector / interpreter exit for a
    Database nobody disposed (so even then the main file is left complete).
    """
    if engine.dialect.name == "sqlite":
        try:
            with engine.connect() as conn:
                # Briefly: if another desk is writing, its own close checkpoints later; a
                # window must not hang on exit for the whole busy timeout.
                conn.exec_driver_sql("PRAGMA busy_timeout=200")
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception:  # noqa: BLE001 - another desk reading: its own close checkpoints later
            log.warning("could not checkpoint %s on close", path, exc_info=True)
    engine.dispose()
    while held:
        held.pop().release()


def newer_program_message(path_name: str, revision: str) -> str:
    return (f"这个数据库由更新版本的管家台创建（文件 {path_name}，数据库版本 {revision}），"
            "本程序无法打开。请先升级程序再打开；数据库没有被改动。")


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    # hide_parameters: a failed statement's parameters (names, ID numbers) never reach an
    # exception message, and so never the log file.
    engine = create_engine(url, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def _make_migration_engine(url: str) -> Engine:
    """An engine whose transactions really include DDL, begun with the write lock taken.

    Python's sqlite3 module opens a transaction only before INSERT/UPDATE/DELETE, so CREATE
    and ALTER would each commit on their own and a kill halfway through an upgrade would
    leave a third schema. SQLAlchemy's documented pysqlite recipe: the driver's own
    transaction handling off, BEGIN emitted by us. IMMEDIATE takes the write lock at once,
    so a second desk starting the same upgrade waits, then finds it done.
    """
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _driver_autocommit(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None
            # SQLite's procedure for rebuilding a table (what batch ALTERs do): foreign keys
            # off, so DROP TABLE does not cascade or fail on the rows that point at it;
            # migrate() checks them all with foreign_key_check before committing.
            dbapi_connection.execute("PRAGMA foreign_keys=OFF")

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    kill_after = int(os.environ.get(KILL_AFTER_STATEMENT_VAR, "0") or 0)
    if kill_after > 0:
        executed = [0]

        @event.listens_for(engine, "after_cursor_execute")
        def _kill_for_test(*_args) -> None:
            executed[0] += 1
            if executed[0] >= kill_after:
                os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
    return engine


class _StartupCheck:
    """``PRAGMA quick_check`` and then the daily backup, on a worker thread.

    Start-up needs only the cheap identity checks; the page scan costs seconds on a large
    office database, so it runs here while the first screen paints (sqlite3 releases the
    GIL while it scans, on its own read-only connection). Writes wait for its verdict.
    """

    def __init__(self, path: Path, *, verdict: FileCheck | None, daily_backup: bool) -> None:
        self.path = path
        self._verdict = verdict
        self._daily_backup = daily_backup
        self._checked = threading.Event()
        self.backup_problem: str | None = None
        if verdict is not None:
            self._checked.set()
        self._thread: threading.Thread | None = None
        if verdict is None or (daily_backup and verdict.ok):
            # Not a daemon: the interpreter waits for it, so even a caller that forgets
            # dispose() never exits halfway through a backup.
            self._thread = threading.Thread(target=self._run, name=f"butler-desk-check:{path.name}")
            self._thread.start()

    def verdict(self) -> FileCheck | None:
        return self._verdict if self._checked.is_set() else None

    def wait(self, timeout: float | None = None) -> FileCheck | None:
        self._checked.wait(timeout)
        return self.verdict()

    def join(self) -> None:
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()

    def _run(self) -> None:
        try:
            if self._verdict is None:
                self._verdict = self._scan()
                self._checked.set()
            if self._daily_backup and self._verdict.ok:
                self._backup()
        finally:
            if not self._checked.is_set():  # only on an unexpected BaseException: writes must not hang
                self._verdict = FileCheck(False, f"无法检查数据库文件“{self.path.name}”，为保护数据暂不允许修改。"
                                          "请重新启动程序；如仍出现，请从备份恢复。")
                self._checked.set()

    def _scan(self) -> FileCheck:
        started = time.perf_counter()
        try:
            verdict = check_sqlite_file(self.path)
        except OSError as exc:
            log.exception("could not check %s", self.path)
            verdict = FileCheck(False, f"无法读取数据库文件“{self.path.name}”：{exc}。文件可能已损坏，请从备份恢复。原文件未被改动。")
        elapsed = (time.perf_counter() - started) * 1000
        if verdict.ok:
            log.info("quick_check of %s passed in %.0f ms", self.path, elapsed)
        else:
            log.error("quick_check of %s failed in %.0f ms: %s", self.path, elapsed, verdict.message)
        return verdict

    def _backup(self) -> None:
        try:
            made = backup.daily_backup(self.path)
        except Exception as exc:  # the database itself is fine; the user is told
            log.exception("daily backup of %s failed", self.path)
            self.backup_problem = (f"今天的自动备份没有完成：{exc}。数据库本身没有受影响；"
                                   "请检查备份文件夹所在磁盘的空间和权限，或用“备份”命令手动备份。")
        else:
            if made is not None:
                log.info("daily backup of %s written to %s", self.path, made)


def _alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """Alembic's head, read from the migration scripts (slow: imports Alembic)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head() or ""


def known_revisions() -> set[str]:
    """Every schema revision this program knows (a backup from a newer program has another)."""
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


class Database:
    """An open database: the engine and a session factory for units of work.

    Opened from a file, it may still be scanning the file in the background (see
    ``open_database``): reads go ahead at once; every write first waits for the scan and is
    refused with ``DatabaseProblem`` if the file turned out to be damaged.
    """

    def __init__(self, engine: Engine, path: Path | None = None, *, startup: _StartupCheck | None = None,
                 lock: DeskLock | None = None) -> None:
        self.engine = engine
        self.path = path
        self._startup = startup
        self._held: list[DeskLock] = [lock] if lock is not None else []
        self._track()
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        install_audit_hook(self._sessions)
        # unit_of_work checks first; these catch a write slipped into a reading() session.
        event.listen(self._sessions, "before_flush", self._before_flush)
        event.listen(self._sessions, "do_orm_execute", self._before_execute)

    def health(self) -> FileCheck | None:
        """The verdict of the start-up check of the file; None while it is still running."""
        return FileCheck(True) if self._startup is None else self._startup.verdict()

    def wait_checked(self, timeout: float | None = None) -> FileCheck | None:
        """Wait up to ``timeout`` seconds (None: as long as it takes) for ``health()``."""
        return FileCheck(True) if self._startup is None else self._startup.wait(timeout)

    def backup_problem(self) -> str | None:
        """Why today's automatic backup failed (Chinese, for the user), or None."""
        return None if self._startup is None else self._startup.backup_problem

    def ensure_writable(self) -> None:
        """Wait for the start-up check; raise DatabaseProblem if the file is damaged."""
        verdict = self.wait_checked()
        if verdict is not None and not verdict.ok:
            raise DatabaseProblem(verdict.message)

    @contextmanager
    def unit_of_work(self, operator: str = "系统") -> Iterator[Session]:
        """One transaction: commits on success, rolls back everything on any error."""
        self.ensure_writable()
        with self._sessions.begin() as session:
            session.info[OPERATOR_KEY] = operator
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def dispose(self) -> None:
        """Close the engine, after the background check and daily backup have finished.

        On SQLite the write-ahead log is folded into the file first, so the main file alone
        is complete (copied to a USB stick, or used as a restore source). Then the desk lock
        is released: restore may replace the file only after this.
        """
        if self._startup is not None:
            self._startup.join()
        if self._closer.alive:
            self._closer()
        else:
            self.engine.dispose()  # used again after an earlier dispose
        _open_databases[:] = [ref for ref in _open_databases if ref() not in (self, None)]

    def _track(self) -> None:
        self._closer = weakref.finalize(self, _close_file, self.engine, self.path, self._held)
        _open_databases.append(weakref.ref(self))

    @contextmanager
    def closed_for_restore(self) -> Iterator[None]:
        """Let go of the file (checkpoint, connections, desk lock) so a restore can replace it.

        Restore refuses while any open holds the desk lock, this process's own included;
        afterwards the lock is taken again (on whichever file is then in place).
        """
        self.dispose()
        try:
            yield
        finally:
            if self.path is not None:
                lock = DeskLock.acquire(self.path, exclusive=False, wait_seconds=OPEN_WAIT_SECONDS)
                if lock is not None:
                    self._held.append(lock)
            self._track()

    def _before_flush(self, _session: Session, _context, _instances) -> None:
        self.ensure_writable()

    def _before_execute(self, state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            self.ensure_writable()


def open_databases() -> list[Database]:
    """The databases this process has open and not yet disposed (oldest first)."""
    return [db for db in (ref() for ref in _open_databases) if db is not None]


def dispose_all_but(kept: list[Database]) -> None:
    """Dispose every open database not in ``kept`` (those a CLI command opened), newest first."""
    for db in open_databases()[::-1]:
        if not any(db is other for other in kept):
            db.dispose()


# Any constant: the key of the PostgreSQL advisory lock two desks take to upgrade one schema.
_PG_MIGRATION_LOCK = 0x42_75_74_6C  # "Butl"


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to head in ONE transaction, under a lock.

    A kill at any point leaves the old revision or the new one: every migration step, the
    creation of every table and the application mark commit together or not at all.
    """
    from alembic import command

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        command.upgrade(_alembic_config(conn), "head")
        if conn.dialect.name == "sqlite":
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise DatabaseProblem(f"升级数据库时发现 {len(broken)} 处引用不一致（如表 {broken[0][0]}），"
                                      "升级已撤销，数据库保持原样。请把日志文件发给管理员。")
        existing = conn.execute(select(AppMeta.value).where(AppMeta.key == "application")).scalar()
        if existing is None:
            conn.execute(text("INSERT INTO app_meta (key, value) VALUES ('application', :v)"), {"v": APPLICATION_ID})


def _migrate_file(path: Path) -> None:
    engine = _make_migration_engine(f"sqlite:///{path}")
    try:
        migrate(engine)
    finally:
        engine.dispose()


def open_database(path: Path, *, keep_daily_backup: bool = True) -> Database:
    """Open (creating or migrating as needed) the SQLite database at ``path``.

    A file that is not ours or is corrupt raises DatabaseProblem and is never written to.
    Only the cheap identity checks run before this returns; the page scan (``quick_check``)
    and then the daily backup run in the background, and writes wait for the scan (see
    ``Database.health``). A file that needs a migration, or that has a write-ahead log left
    over, is scanned here first, and copied to a dated backup before a migration.
    """
    path = Path(path)
    check = check_sqlite_file(path, pages=False)
    if not check.ok:
        raise DatabaseProblem(check.message)
    verdict: FileCheck | None = None
    if _has_unfinished_wal(path):
        verdict = _require_healthy(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        lock = DeskLock.acquire(path, exclusive=False, wait_seconds=OPEN_WAIT_SECONDS)
    except LockBusy:
        raise DatabaseProblem(f"数据库“{path.name}”正在从备份恢复，请等恢复完成后再打开。") from None
    engine = make_engine(f"sqlite:///{path}")
    try:
        try:
            current = current_revision(engine)
        except DBAPIError:
            _require_healthy(path)  # a damaged page under alembic_version: say so as the scan does
            raise
        head = SCHEMA_HEAD
        if current != head:
            if current is not None and current not in known_revisions():
                # Before any copy: a newer program's file is neither ours to back up nor to touch.
                raise DatabaseProblem(newer_program_message(path.name, current))
            if verdict is None:  # a migration writes, so the whole file is checked first
                verdict = _require_healthy(path)
            if current is not None:
                saved = backup.backup_before_migration(path, current)
                log.info("migrating %s from %s to %s; backup at %s", path, current, head, saved)
            _migrate_file(path)
    except DatabaseProblem:
        engine.dispose()
        if lock is not None:
            lock.release()
        raise
    except Exception as exc:  # a failed migration must not leave a half-open engine
        engine.dispose()
        if lock is not None:
            lock.release()
        log.exception("could not open database %s", path)
        known = explain_db_error(exc, path)
        if known is not None:
            raise known from exc
        raise DatabaseProblem(f"无法打开数据库“{path.name}”：{exc}。数据库未被改动（升级在一个事务中进行，"
                              "要么完成要么不做）；请把日志文件发给管理员。") from exc
    return Database(engine, path, startup=_StartupCheck(path, verdict=verdict, daily_backup=keep_daily_backup),
                    lock=lock)


def _require_healthy(path: Path) -> FileCheck:
    check = check_sqlite_file(path)
    if not check.ok:
        raise DatabaseProblem(check.message)
    return check


def open_url(url: str) -> Database:
    """Open a database by SQLAlchemy URL (PostgreSQL for multi-desk offices, tests)."""
    engine = make_engine(url)
    migrate(engine)
    return Database(engine)
