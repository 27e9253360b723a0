"""A kill at any point of a schema creation or an upgrade leaves the old revision or the new one, never a third.

A subprocess opens the database (``open_database``: create or upgrade) and is SIGKILLed
after the N-th SQL statement of the migration (``BUTLER_DESK_TEST_KILL_AFTER_STATEMENT``)
or after a random delay. The file is then inspected read-only: it must be exactly the old
schema with its rows, or exactly the new complete one; and the app must open it.
CI runs a handful of points; ``BUTLER_DESK_KILL_RUNS=N`` kills at every statement and at N
random moments, and prints the figures.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import event

from butler_desk.storage import database
from butler_desk.storage.database import KILL_AFTER_STATEMENT_VAR, SCHEMA_HEAD, open_database
from tests.storage.dbfiles import roster_file

OLD_REVISION = "0003"
EXTRA_RUNS = int(os.environ.get("BUTLER_DESK_KILL_RUNS", "0") or 0)

pytestmark = [pytest.mark.skipif(os.name == "nt", reason="SIGKILL"),
              pytest.mark.timeout(0 if EXTRA_RUNS else 120)]  # the large run takes minutes
OPEN = """
import sys
from pathlib import Path
from butler_desk.storage.database import open_database
db = open_database(Path(sys.argv[1]), keep_daily_backup=False)
db.dispose()
print("done", flush=True)
"""


@dataclass(frozen=True)
class Snapshot:
    revision: str | None
    schema: tuple[tuple[str, str], ...]
    rows: tuple[tuple[str, int], ...]


def snapshot(path: Path) -> Snapshot:
    if not path.exists() or path.stat().st_size == 0:
        return Snapshot(None, (), ())
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        schema = tuple(sorted((r[0], r[1] or "") for r in con.execute(
            "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")))
        tables = [name for name, _ in schema if con.execute(
            "SELECT type FROM sqlite_master WHERE name=?", (name,)).fetchone()[0] == "table"]
        rows = tuple((t, con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables)
        revision = None
        if "alembic_version" in tables:
            found = con.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = found[0] if found else None
        return Snapshot(revision, schema, rows)
    finally:
        con.close()


@dataclass
class Tally:
    kills: int = 0
    finished: int = 0
    old: int = 0
    new: int = 0
    third: list[str] = field(default_factory=list)
    corrupt: list[str] = field(default_factory=list)
    unopenable: list[str] = field(default_factory=list)

    def line(self, what: str) -> str:
        return (f"{what}: {self.kills} kills, {self.finished} finished first, old {self.old}, new {self.new}, "
                f"third states {len(self.third)}, corrupt {len(self.corrupt)}, app refused {len(self.unopenable)}")


def _statement_count(template: Path, tmp_path: Path) -> int:
    """How many SQL statements the migration of ``template`` runs (counted in this process)."""
    trial = tmp_path / "count.sqlite3"
    _copy(template, trial)
    engine = database._make_migration_engine(f"sqlite:///{trial}")
    executed = [0]
    event.listen(engine, "after_cursor_execute", lambda *_a: executed.__setitem__(0, executed[0] + 1))
    database.migrate(engine)
    engine.dispose()
    return executed[0]


def _copy(template: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    if template.exists():
        shutil.copyfile(template, target)
    elif target.exists():
        target.unlink()


def _run_and_kill(path: Path, *, after_statement: int | None, delay: float | None) -> bool:
    """Open ``path`` in a subprocess, killed at the chosen point; True if it was killed."""
    env = {**os.environ}
    if after_statement is not None:
        env[KILL_AFTER_STATEMENT_VAR] = str(after_statement)
    proc = subprocess.Popen([sys.executable, "-c", OPEN, str(path)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if delay is not None:
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    if proc.returncode == -signal.SIGKILL:
        return True
    assert proc.returncode == 0 and "done" in out, err
    return False


def _judge(path: Path, old: Snapshot, new: Snapshot, label: str, tally: Tally) -> None:
    con = None
    if path.exists() and path.stat().st_size > 0:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        verdict = con.execute("PRAGMA integrity_check").fetchone()[0]
        con.close()
        if verdict != "ok":
            tally.corrupt.append(f"{label}: {verdict}")
            return
    now = snapshot(path)
    if now == old:
        tally.old += 1
    elif now == new:
        tally.new += 1
    else:
        tally.third.append(f"{label}: revision {now.revision}, {len(now.schema)} schema objects")
        return
    try:
        db = open_database(path, keep_daily_backup=False)
    except Exception as exc:  # noqa: BLE001 - counted and reported
        tally.unopenable.append(f"{label}: {exc}")
        return
    try:
        assert db.wait_checked().ok
    finally:
        db.dispose()
    if snapshot(path) != new:
        tally.third.append(f"{label}: not at head after the app opened it")


def _exercise(template: Path, tmp_path: Path, what: str, random_runs: int) -> Tally:
    old = snapshot(template)
    finished = tmp_path / "finished.sqlite3"
    _copy(template, finished)
    db = open_database(finished, keep_daily_backup=False)
    db.dispose()
    new = snapshot(finished)
    assert new.revision == SCHEMA_HEAD and new != old

    total = _statement_count(template, tmp_path)
    if EXTRA_RUNS:
        points = list(range(1, total + 1))
    else:  # the first and last statements and a few between
        points = sorted({1, total // 2, total - 1, total})
    rng = random.Random(20261205)
    tally = Tally()
    victim = tmp_path / "victim.sqlite3"
    runs = [(n, None) for n in points] + [(None, rng.uniform(0.2, 2.5)) for _ in range(random_runs)]
    for after, delay in runs:
        _copy(template, victim)
        for leftover in (victim.parent / "backups").glob("*") if (victim.parent / "backups").exists() else []:
            leftover.unlink()
        label = f"{what} killed after statement {after}" if after else f"{what} killed after {delay:.2f}s"
        if _run_and_kill(victim, after_statement=after, delay=delay):
            tally.kills += 1
        else:
            tally.finished += 1
        _judge(victim, old, new, label, tally)
    print(tally.line(f"{what} ({total} statements)"))
    return tally


def _assert_clean(tally: Tally) -> None:
    assert tally.third == [] and tally.corrupt == [] and tally.unopenable == [], tally


def test_a_fresh_creation_killed_at_any_point_leaves_an_empty_file_or_the_whole_schema(tmp_path):
    template = tmp_path / "absent.sqlite3"  # no file: the app creates it

    tally = _exercise(template, tmp_path, "creation", random_runs=max(EXTRA_RUNS, 1))

    _assert_clean(tally)
    assert tally.kills >= 4


def test_an_upgrade_killed_at_any_point_leaves_the_old_revision_or_the_new(tmp_path):
    from alembic import command

    from butler_desk.services.maintenance import open_context
    from butler_desk.services.ledger.roster_import import RosterImportService

    template = tmp_path / "old.sqlite3"
    ctx = open_context(template)
    service = RosterImportService(ctx)
    service.import_roster(service.read(roster_file(tmp_path / "roster.xlsx", rows=200)),
                          dry_run=False, estate_name="翠湖花园")
    ctx.db.dispose()
    engine = database._make_migration_engine(f"sqlite:///{template}")
    with engine.begin() as conn:  # back to an older schema, rows kept: what an old office has
        command.downgrade(database._alembic_config(conn), OLD_REVISION)
    engine.dispose()
    assert snapshot(template).revision == OLD_REVISION

    tally = _exercise(template, tmp_path, "upgrade", random_runs=max(EXTRA_RUNS, 1))

    _assert_clean(tally)
    assert tally.kills >= 4


def test_three_desks_creating_the_same_database_at_once_all_open_it(tmp_path):
    path = tmp_path / "shared.sqlite3"
    procs = [subprocess.Popen([sys.executable, "-c", OPEN, str(path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [p.communicate(timeout=120) for p in procs]

    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in results]
    assert snapshot(path).revision == SCHEMA_HEAD
