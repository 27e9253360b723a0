"""What every command module shares: exit codes, the usage error, the database and the operator of a command.

Kept apart from cli.py (which builds the parser from the command modules) so that the command
modules never import cli.py back.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_BAD_DATA = 0, 1, 2, 3


class UsageError(Exception):
    """A command used wrongly; exits 2 with the Chinese message."""


def resolve_db(args: argparse.Namespace, *, must_exist: bool = True) -> Path:
    """The database the command works on. An explicitly named file (``--db`` or BUTLER_DESK_DB)
    must exist unless ``--create`` is given: a typo must not become a new, empty database.
    The default file in the user-data folder is created at first start as before."""
    from butler_desk.paths import DB_ENV_VAR, demo_db_path, resolve_db_path
    from butler_desk.storage.errors import DatabaseProblem

    if getattr(args, "demo", False) and not args.db:
        return demo_db_path()
    named = args.db or os.environ.get(DB_ENV_VAR)
    if named and "://" in named:
        from butler_desk.services.maintenance import SQLITE_ONLY_MESSAGE

        if args.command in ("backup", "restore"):
            raise DatabaseProblem(SQLITE_ONLY_MESSAGE)
        raise DatabaseProblem(f"--db 需要本机数据库文件的路径，不能是服务器地址（{named.split('://')[0]}://…）。")
    path = resolve_db_path(args.db)
    if named and must_exist and not getattr(args, "create", False) and not path.exists():
        source = "--db" if args.db else f"环境变量 {DB_ENV_VAR}"
        hint = "" if path.parent.exists() else f"（文件夹 {path.parent} 也不存在）"
        raise DatabaseProblem(f"找不到数据库文件 {path}{hint}（由 {source} 指定）。请检查路径是否写错；"
                              "如果要在这里新建数据库，请加 --create，例如：butler-desk import roster 名册.xlsx "
                              f"--db {path} --create")
    return path


def operator_of(args: argparse.Namespace) -> str:
    """--operator, else BUTLER_DESK_OPERATOR, else the operator the desk app remembers on this PC."""
    return args.operator or os.environ.get("BUTLER_DESK_OPERATOR") or remembered_operator() or "命令行"


def remembered_operator() -> str:
    """The name the GUI keeps in QSettings ("operator/name"), so a sign-off sheet printed from the command
    line names the butler, not "命令行"; "" when none is remembered or Qt is unavailable."""
    try:
        from PySide6.QtCore import QSettings

        from butler_desk.ui.common.settings import OPERATOR, ORGANIZATION_NAME
    except ImportError:
        return ""
    # The names ui.app.configure_application gives the QApplication, which QSettings() uses in the GUI.
    return str(QSettings(ORGANIZATION_NAME, "butler-desk").value(OPERATOR, "") or "").strip()


def services_of(args: argparse.Namespace):
    """The one ``Services`` of this command: the database opened (checked, migrated) on first
    need and every area's service taken from it; a command never builds a service itself.

    Opened lazily, not before the handler runs, so that a usage error is reported before the
    database is touched (and `backup`/`restore`, which must not hold the file, never open it)."""
    services = getattr(args, "_services", None)
    if services is None:
        from butler_desk.services import Services
        from butler_desk.services.maintenance import open_context

        services = Services(open_context(resolve_db(args), operator_of(args)))
        args._services = services
    return services
