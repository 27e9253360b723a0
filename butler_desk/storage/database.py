"""Opening the database: engine and pragmas, identity and integrity checks, migrations, units of work."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from butler_desk.domain.errors import BadInput
from butler_desk.paths import migrations_dir
from butler_desk.storage import backup
from butler_desk.storage.audit import OPERATOR_KEY, install_audit_hook
from butler_desk.storage.models import APPLICATION_ID, AppMeta

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

# The newest migration in storage/migrations/versions. Kept here so that a normal start
# (schema already current) never imports Alembic, which costs most of a second; a test
# checks it against Alembic's own idea of the head.
SCHEMA_HEAD = "0004"

SQLITE_HEADER = b"SQLite format 3\x00"


class DatabaseProblem(BadInput):
    """The database file cannot be used; the message tells the user what to do."""


@dataclass(frozen=True)
class FileCheck:
    ok: bool
    message: str = ""


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def check_sqlite_file(path: Path, *, full: bool = False) -> FileCheck:
    """Is ``path`` a healthy Butler Desk database? Read-only; never changes the file.

    ``full`` runs ``integrity_check`` (restore); otherwise the faster ``quick_check`` (start-up).
    An empty (zero-byte) file counts as a new database.
    """
    if not path.exists() or path.stat().st_size == 0:
        return FileCheck(True)
    with path.open("rb") as fh:
        header = fh.read(16)
    if header != SQLITE_HEADER:
        return FileCheck(False, f"文件“{path.name}”不是 Butler Desk 数据库（也不是 SQLite 文件）。请检查所选文件。")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            pragma = "integrity_check" if full else "quick_check"
            result = con.execute(f"PRAGMA {pragma}").fetchall()
            if not result or result[0][0] != "ok":
                return FileCheck(False, f"数据库文件“{path.name}”已损坏（{result[0][0] if result else '无结果'}）。"
                                 "请从备份恢复：butler-desk restore 备份文件。原文件未被改动。")
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
        return FileCheck(False, f"无法读取数据库文件“{path.name}”：{exc}。文件可能已损坏，请从备份恢复。原文件未被改动。")
    return FileCheck(True)


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
    """An open database: the engine and a session factory for units of work."""

    def __init__(self, engine: Engine, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        install_audit_hook(self._sessions)

    @contextmanager
    def unit_of_work(self, operator: str = "系统") -> Iterator[Session]:
        """One transaction: commits on success, rolls back everything on any error."""
        with self._sessions.begin() as session:
            session.info[OPERATOR_KEY] = operator
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def migrate(engine: Engine) -> None:
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
        existing = conn.execute(select(AppMeta.value).where(AppMeta.key == "application")).scalar()
        if existing is None:
            conn.execute(text("INSERT INTO app_meta (key, value) VALUES ('application', :v)"), {"v": APPLICATION_ID})


def open_database(path: Path, *, keep_daily_backup: bool = True) -> Database:
    """Open (creating or migrating as needed) the SQLite database at ``path``.

    A file that is not ours or is corrupt raises DatabaseProblem and is never written to.
    Before a migration the file is copied to a dated backup; a daily backup is kept too.
    """
    path = Path(path)
    check = check_sqlite_file(path)
    if not check.ok:
        raise DatabaseProblem(check.message)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    try:
        current = current_revision(engine)
        head = SCHEMA_HEAD
        if current is not None and current != head:
            saved = backup.backup_before_migration(path, current)
            log.info("migrating %s from %s to %s; backup at %s", path, current, head, saved)
        if current != head:
            migrate(engine)
        if keep_daily_backup:
            backup.daily_backup(path)
    except DatabaseProblem:
        engine.dispose()
        raise
    except Exception as exc:  # a failed migration must not leave a half-open engine
        engine.dispose()
        log.exception("could not open database %s", path)
        raise DatabaseProblem(f"无法打开数据库“{path.name}”：{exc}。数据库未被改动，请联系管理员或从备份恢复。") from exc
    return Database(engine, path)


def open_url(url: str) -> Database:
    """Open a database by SQLAlchemy URL (PostgreSQL for multi-desk offices, tests)."""
    engine = make_engine(url)
    migrate(engine)
    return Database(engine)
