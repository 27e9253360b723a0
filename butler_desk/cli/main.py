"""The command line: ``butler-desk`` opens the GUI; subcommands run the same services without it.

Exit codes: 0 success, 2 usage error, 3 bad data (a Chinese message on stderr, no traceback),
1 an unexpected failure (details in the log file).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from pathlib import Path
from typing import Callable, NoReturn

from butler_desk import __version__
from butler_desk.cli.common import (  # noqa: F401 - re-exported: the CLI's public names
    EXIT_BAD_DATA,
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    operator_of,
    remembered_operator,
    resolve_db,
)

log = logging.getLogger(__name__)

_ARGPARSE_MESSAGES = [
    (r"the following arguments are required: (.+)", r"缺少必填参数：\1"),
    (r"unrecognized arguments: (.+)", r"无法识别的参数：\1"),
    (r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)", r"参数 \1 的取值 \2 无效，可选：\3"),
    (r"argument (\S+): expected one argument", r"参数 \1 后面需要一个值"),
    (r"argument (\S+): invalid (\w+) value: (.+)", r"参数 \1 的值 \3 无效"),
    (r"argument (\S+): not allowed with argument (.+)", r"参数 \1 不能与 \2 同时使用"),
]


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with Chinese error messages and exit code 2 for usage errors."""

    def error(self, message: str) -> NoReturn:
        for pattern, replacement in _ARGPARSE_MESSAGES:
            if re.search(pattern, message):
                message = re.sub(pattern, replacement, message)
                break
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: 错误：{message}\n")


def build_parser() -> ChineseArgumentParser:
    parser = ChineseArgumentParser(
        prog="butler-desk",
        description="管家台 Butler Desk：物业客服管家的桌面工具。不带子命令时打开图形界面。",
    )
    parser.add_argument("--version", action="version", version=f"butler-desk {__version__}")
    parser.add_argument("--db", help="数据库文件路径（默认在用户数据目录；也可用环境变量 BUTLER_DESK_DB）")
    parser.add_argument("--demo", action="store_true", help="打开演示小区（首次使用时自动生成）")
    parser.add_argument("--create", action="store_true",
                        help="--db 指定的数据库文件不存在时新建它（否则拒绝，以免写错路径时建出空数据库）")
    parser.add_argument("--operator", help="操作人姓名（记入变更记录、印在签收单上），默认为本机界面中选定的操作人")
    parser.add_argument("--verbose", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseArgumentParser)

    from butler_desk.cli import ledger as cli_ledger

    cli_ledger.register(sub)
    for module_name in ("butler_desk.cli.printing", "butler_desk.cli.requests", "butler_desk.cli.arrears"):
        try:
            module = __import__(module_name, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(sub)
    return parser


def run(argv: list[str]) -> int:
    """The whole program for ``argv`` (the start-up sequence lives in ``butler_desk.__main__``)."""
    from butler_desk.__main__ import main

    return main(argv)


def guarded(args: argparse.Namespace, argv: list[str], log_path: Path,
            start: Callable[[argparse.Namespace], int]) -> int:
    """Run ``start(args)`` with every failure turned into its exit code and a Chinese message,
    and every database it opened closed (checkpointed) before returning."""
    from butler_desk.storage.database import dispose_all_but, open_databases
    from butler_desk.storage.errors import explain_db_error

    already_open = open_databases()
    try:
        return _run(args, argv, log_path, explain_db_error, start)
    finally:
        # Every command's databases closed (checkpointed) before exit: the main file alone
        # is then complete, whoever copies it.
        dispose_all_but(already_open)


def _run(args: argparse.Namespace, argv: list[str], log_path: Path, explain_db_error,
         start: Callable[[argparse.Namespace], int]) -> int:
    from butler_desk.domain.errors import BadInput

    try:
        return int(start(args) or EXIT_OK)
    except UsageError as exc:
        print(f"butler-desk: 错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    except BadInput as exc:
        print(f"butler-desk: {exc.message}", file=sys.stderr)
        return EXIT_BAD_DATA
    except KeyboardInterrupt:
        print("butler-desk: 已取消，未写入任何数据。", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as exc:
        log.exception("file error")
        problem = explain_db_error(exc, _db_of(args))
        if problem is not None:
            print(f"butler-desk: {problem.message}", file=sys.stderr)
            return EXIT_BAD_DATA
        print(f"butler-desk: 无法读写文件：{exc.filename or ''}（{exc.strerror or exc}）。请检查路径和权限。", file=sys.stderr)
        return EXIT_BAD_DATA
    except Exception as exc:
        problem = explain_db_error(exc, _db_of(args))
        if problem is not None:  # busy, read-only, disk full, damaged: the user can act on it
            log.warning("database problem running %s: %s", argv[:1], exc)
            print(f"butler-desk: {problem.message}", file=sys.stderr)
            return EXIT_BAD_DATA
        log.exception("unexpected failure running %s", argv[:1])  # the rest may hold phones, names
        print(f"butler-desk: 程序内部错误，操作未完成。详情见日志：{log_path}", file=sys.stderr)
        return EXIT_FAILURE


def _db_of(args: argparse.Namespace) -> Path | None:
    """The database file a failed command was using, for the error message (None if unknown)."""
    try:
        return resolve_db(args, must_exist=False)
    except Exception:  # noqa: BLE001 - only naming the file in a message
        return None
