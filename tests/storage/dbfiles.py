"""Real database files for the safety tests: a roster workbook, row counts, subprocess helpers."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook

HEADERS = ["组团", "房号", "建筑面积", "物业费单价", "房屋状态", "业主姓名", "身份", "联系电话", "入住日期", "重点客户"]
SURNAMES = "张王李赵陈刘杨黄周吴"


def roster_file(path: Path, rows: int = 120) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "业户资料"
    ws.append(["翠湖花园业户资料"])
    ws.append(HEADERS)
    for i in range(rows):
        building, floor, room = 1 + i // 40, 1 + (i // 4) % 10, 1 + i % 4
        ws.append(["一组团", f"{building}-1-{floor}{room:02d}", 89.5, 2.8, "已入住",
                   f"{SURNAMES[i % 10]}{'明华'[i % 2]}{i}", "业主", f"138{i:08d}", None, None])
    wb.save(path)
    return path


def database_with_staff(path: Path, *names: str) -> Path:
    """A new Butler Desk database at ``path`` holding these staff members (客服管家), closed again."""
    from butler_desk.services.maintenance import open_context
    from butler_desk.services.staff import StaffService

    ctx = open_context(path)
    for name in names:
        StaffService(ctx).add(name, "客服管家")
    ctx.db.dispose()
    return path


def row_counts(path: Path) -> dict[str, int]:
    """Rows per table, read through the -wal like any reader (read-only)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def main_file_tables(path: Path) -> set[str]:
    """The tables the main file holds on its own, as someone who copies only it would see."""
    alone = path.with_name("alone-" + path.name)
    alone.write_bytes(path.read_bytes())
    try:
        con = sqlite3.connect(alone)
        try:
            return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            con.close()
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{alone}{suffix}").unlink(missing_ok=True)


def python(code: str, *args: str, **kwargs) -> subprocess.Popen:
    """Run ``code`` in a fresh interpreter (not ``uv run``, so a kill reaches the program itself)."""
    env = {**os.environ, **kwargs.pop("env", {})}
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


# What `butler-desk import roster F --db D --create` did before commands closed their database:
# the handler runs, and the process ends without a checkpoint, leaving the data in D-wal.
IMPORT_WITHOUT_CLOSING = """
import os, sys
from butler_desk.cli.main import build_parser
args = build_parser().parse_args(["import", "roster", sys.argv[1], "--db", sys.argv[2], "--create"])
args.handler(args)
sys.stdout.flush()
os._exit(0)
"""

# Another desk: opens the database, saves one staff member, then waits for a line on stdin
# before saving another and closing.
DESK_HOLDING_THE_FILE = """
import sys
from butler_desk.services.maintenance import open_context
from butler_desk.services.staff import StaffService
ctx = open_context(sys.argv[1], operator="前台")
StaffService(ctx).add("第一位", "客服管家")
print("open", flush=True)
sys.stdin.readline()
StaffService(ctx).add("第二位", "客服管家")
ctx.db.dispose()
print("closed", flush=True)
"""


def alembic_config(url: str):
    """An Alembic config on our migrations for ``url``: what the migration tests step up and down with."""
    from alembic.config import Config

    from butler_desk.paths import migrations_dir

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg
