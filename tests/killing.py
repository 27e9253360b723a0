"""The kill harness: run a butler-desk command in a subprocess, SIGKILL it at a chosen moment, judge what it left.

The command runs as ``python -m butler_desk`` (killing ``uv run`` would only kill uv), with
its data folder, temp folder and database inside a folder of the test's own. The judges
check that a database still passes ``integrity_check`` and opens, and each scenario checks
that its result is the old state or the new one, never a third. ``BUTLER_DESK_KILL_RUNS=N``
turns the few spread-out kills of CI into N kills per scenario at random moments.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KILL_RUNS_VARIABLE = "BUTLER_DESK_KILL_RUNS"
CI_FRACTIONS = (0.2, 0.45, 0.7)  # of a full run's duration: early, midway, late (later runs are faster)
LARGE_RUN_SEED = 20261205


@dataclass(frozen=True)
class Run:
    """One subprocess: killed or finished (with its exit code), after how long, what it said."""

    killed: bool
    returncode: int
    seconds: float
    stderr: str


def cli(args: list[str], *, home: Path, kill_after: float | None = None, timeout: float = 300) -> Run:
    """Run ``butler-desk ARGS`` in ``home``; SIGKILL it after ``kill_after`` seconds if still running."""
    data, tmp = home / "data", home / "tmp"
    data.mkdir(parents=True, exist_ok=True)
    tmp.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "BUTLER_DESK_DATA_DIR": str(data), "TMPDIR": str(tmp), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("BUTLER_DESK_DB", None)
    # This checkout's package, whatever the interpreter's site-packages would find first.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))
    err_path = home / f"stderr-{time.monotonic_ns()}.txt"
    started = time.monotonic()
    with open(err_path, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "butler_desk", *args], cwd=home, env=env,
                                stdout=subprocess.DEVNULL, stderr=err)
        killed = False
        try:
            proc.wait(timeout=timeout if kill_after is None else kill_after)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            killed = kill_after is not None
            if not killed:
                raise AssertionError(f"butler-desk {' '.join(args)} did not finish in {timeout} s") from None
    seconds = time.monotonic() - started
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    err_path.unlink()
    return Run(killed, proc.returncode, seconds, stderr)


def kill_delays(full_run_seconds: float, name: str) -> list[float]:
    """When to kill: CI's spread-out fractions of a full run, or N random moments with the flag set."""
    runs = int(os.environ.get(KILL_RUNS_VARIABLE, "0") or 0)
    if runs <= 0:
        return [full_run_seconds * f for f in CI_FRACTIONS]
    rng = random.Random(f"{LARGE_RUN_SEED}-{name}")
    return [full_run_seconds * rng.uniform(0.05, 1.0) for _ in range(runs)]


def large_run() -> bool:
    return int(os.environ.get(KILL_RUNS_VARIABLE, "0") or 0) > 0


def database_problem(path: Path) -> str | None:
    """Why the file at ``path`` is not a healthy Butler Desk database, or None."""
    try:
        con = sqlite3.connect(path)
        try:
            verdict = con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error as exc:
        return f"sqlite3: {exc}"
    if verdict != "ok":
        return f"integrity_check: {verdict}"
    from butler_desk.storage.database import open_database

    try:
        open_database(path, keep_daily_backup=False).dispose()
    except Exception as exc:  # noqa: BLE001 (whatever stops the app opening it is the finding)
        return f"open_database: {exc}"
    return None


def count(path: Path, table: str) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 (our own table names)
    finally:
        con.close()


def hidden_files(folder: Path) -> list[Path]:
    """Temporaries a command left (their names start with a dot), sorted."""
    return sorted(p for p in folder.iterdir() if p.name.startswith(".")) if folder.is_dir() else []


@dataclass
class Tally:
    """The figures of one scenario: kills, corrupt databases, half-writes, leftovers."""

    scenario: str
    kills: int = 0
    finished: int = 0
    corrupt: int = 0
    half_writes: int = 0
    leftovers: int = 0  # temporary files still there after the next start's clean-up
    notes: list[str] = field(default_factory=list)
    other: dict[str, int] = field(default_factory=dict)  # scenario-specific figures, e.g. what recovery did

    def bump(self, what: str) -> None:
        self.other[what] = self.other.get(what, 0) + 1

    def note(self, delay: float, what: str) -> None:
        self.notes.append(f"{self.scenario} killed at {delay:.2f}s: {what}")

    def line(self) -> str:
        return (f"{self.scenario}: {self.kills} kills ({self.finished} finished first), {self.corrupt} corrupt, "
                f"{self.half_writes} half-writes, {self.leftovers} leftovers"
                + "".join(f", {v} {k}" for k, v in sorted(self.other.items())))


def runs_in(base: Path, delays: list[float]) -> Iterator[tuple[float, Path]]:
    """A fresh folder per kill."""
    for i, delay in enumerate(delays):
        home = base / f"kill-{i:03d}"
        home.mkdir(parents=True)
        yield delay, home


def report(tally: Tally) -> None:
    """Print the figures (seen with ``pytest -s``) and append them to $BUTLER_DESK_KILL_REPORT if set."""
    text = "\n".join([tally.line(), *tally.notes])
    print(text)
    target = os.environ.get("BUTLER_DESK_KILL_REPORT")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(text + "\n")
