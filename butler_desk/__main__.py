"""Start-up in one readable sequence: arguments → paths and logging → database → Services → a CLI command or the window.

Each step is a function in the module that owns it; this file only says in which order they
run. Heavy modules (SQLAlchemy, PySide6, the areas) are imported inside the steps that need
them, so ``python -m butler_desk --version`` answers before any of them is loaded.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv

    # 1. Arguments. --version and usage errors (exit 2, Chinese message) end here.
    from butler_desk.cli.main import build_parser

    args = build_parser().parse_args(argv)

    # 2. Paths and logging: the log file lives in the user-data folder (butler_desk.paths).
    from butler_desk.logging_setup import setup_logging

    log_path = setup_logging(getattr(args, "verbose", False))

    # 3–5. Database → Services → the command or the window. Failures become exit codes and a
    # Chinese sentence (cli.main.guarded); every database the command opened is closed
    # (checkpointed) before the process ends.
    from butler_desk.cli.main import guarded

    return guarded(args, argv, log_path, start)


def start(args: argparse.Namespace) -> int:
    """Open the database, build the one ``Services``, and hand it to a command or the window."""
    if args.command is not None:
        # A command opens the database (open, check, migrate: maintenance.open_context) and
        # builds its Services through cli.common.services_of when it first needs data, after
        # its own usage checks; backup/restore work on the closed file and never open it.
        return int(args.handler(args) or 0)
    return start_gui(args)


def start_gui(args: argparse.Namespace) -> int:
    from butler_desk.cli.common import resolve_db

    db_path = resolve_db(args, must_exist=False)  # the window asks before creating a named file
    if args.demo and not db_path.exists():
        from butler_desk.services.demo.estate import build_demo_estate

        print(f"正在生成演示小区：{db_path}", file=sys.stderr)
        build_demo_estate(db_path)
    # Import the data layer before Qt: once PySide6 is imported, its import hook wraps every
    # later import, and SQLAlchemy's several hundred modules then load ~150 ms slower.
    # (The request and document services come after the ledger's first paint, with their tabs.)
    import butler_desk.services.ledger.service  # noqa: F401
    import butler_desk.services.maintenance  # noqa: F401
    from butler_desk.ui.app import run_gui  # QApplication → database → Services → MainWindow

    from butler_desk.paths import DB_ENV_VAR

    named = bool(args.db or os.environ.get(DB_ENV_VAR)) and not args.create
    return run_gui(Path(db_path), demo=args.demo, operator=args.operator, ask_before_creating=named)


if __name__ == "__main__":
    sys.exit(main())
