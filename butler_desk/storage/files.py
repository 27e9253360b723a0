"""Several files published as one: written under temporary names beside their targets, made durable,
moved into place together, with a journal so that a kill mid-way is finished or undone at the next start."""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

PREFIX = ".butler-desk-staged-"
# Temporary files of an older kill with no journal to tell whose they are (the ``.part`` files a
# PDF render leaves): removed only when nobody has written them for this long, so a batch still
# running on another desk into a shared folder keeps its files.
STALE_AFTER_SECONDS = 3600
_PART = re.compile(r"^\..+-[a-z0-9_]{8}\.pdf\.part$")  # reporting.document.pdf_canvas's mkstemp names


@dataclass(frozen=True)
class Journal:
    """What a batch left behind: its staged → final pairs and, once recorded, its register id."""

    path: Path
    pairs: tuple[tuple[Path, Path], ...]
    record_id: int | None


def _lock(handle: IO[Any]) -> bool:
    """An exclusive lock on an open file, held until it is closed or the process dies; False if taken."""
    try:
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def abandoned(marker: Path) -> bool:
    """Whether nobody holds ``marker`` locked (its process finished or was killed)."""
    try:
        with open(marker, "a", encoding="utf-8") as handle:
            return _lock(handle)
    except OSError:
        return False


class Lease:
    """A marker file this process keeps locked while it works, so others can tell a live job from a dead one."""

    def __init__(self, marker: Path) -> None:
        self.marker = Path(marker)
        self._handle: IO[str] | None = open(self.marker, "x", encoding="utf-8")  # noqa: SIM115 (held: the lock)
        _lock(self._handle)

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        self.marker.unlink(missing_ok=True)


def fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def remove_stale(folder: Path, ours: Callable[[str], bool], older_than_seconds: float) -> None:
    """Delete the files in ``folder`` whose name ``ours`` claims and that nobody has touched for
    ``older_than_seconds``: what a killed copy left behind, never one still being written."""
    cutoff = time.time() - older_than_seconds
    for leftover in folder.iterdir():
        if not ours(leftover.name):
            continue
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
        except OSError:  # another process got there first, or it is still open on Windows
            continue


def fsync_dir(folder: Path) -> None:
    """Make renames in ``folder`` durable (POSIX; Windows has no directory handles to sync)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class StagedFiles:
    """Targets written first as hidden ``.butler-desk-staged-…`` files in the same folders.

    Use: ``path(key)`` to write each file, ``record(id)`` inside the register's transaction
    just before its commit, ``publish()`` after the commit; ``discard()`` on failure. The
    journal is locked by this process for the whole batch, which tells ``recover`` in
    another process that the batch is still running.
    """

    def __init__(self, targets: Mapping[str, Path]) -> None:
        self.token = uuid.uuid4().hex[:16]
        self.targets = {key: Path(p).absolute() for key, p in targets.items()}  # the journal outlives the cwd
        self.staged = {key: p.parent / f"{PREFIX}{self.token}-{key}{p.suffix}" for key, p in self.targets.items()}
        first = next(iter(self.targets.values()))
        first.parent.mkdir(parents=True, exist_ok=True)
        self.journal = first.parent / f"{PREFIX}{self.token}.json"
        self._handle: IO[str] | None = open(self.journal, "x+", encoding="utf-8")  # noqa: SIM115 (held open: the lock)
        _lock(self._handle)
        self._write_journal(None)

    def path(self, key: str) -> Path:
        return self.staged[key]

    def _write_journal(self, record_id: int | None) -> None:
        assert self._handle is not None
        pairs = [[str(self.staged[k]), str(self.targets[k])] for k in self.targets]
        self._handle.seek(0)
        self._handle.truncate()
        json.dump({"version": 1, "files": pairs, "record": record_id}, self._handle, ensure_ascii=False)
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def record(self, record_id: int) -> None:
        """Every staged file made durable and the register id noted: call before the register commits."""
        for path in self.staged.values():
            fsync_file(path)
        for folder in {p.parent for p in self.staged.values()}:
            fsync_dir(folder)
        self._write_journal(record_id)

    def publish(self) -> None:
        """Move every staged file to its target (replacing an older one), then drop the journal."""
        for key, target in self.targets.items():
            os.replace(self.staged[key], target)
        for folder in {p.parent for p in self.targets.values()}:
            fsync_dir(folder)
        self._close(remove_journal=True)

    def discard(self) -> None:
        """Nothing of this batch is left: staged files, their own temporaries and the journal."""
        for path in self.staged.values():
            _remove_with_temporaries(path)
        self._close(remove_journal=True)

    def keep_for_recovery(self) -> None:
        """Release the journal's lock but leave it, so the next start finishes the renames."""
        self._close(remove_journal=False)

    def _close(self, *, remove_journal: bool) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if remove_journal:
            self.journal.unlink(missing_ok=True)


def _remove_with_temporaries(staged: Path) -> None:
    staged.unlink(missing_ok=True)
    for leftover in staged.parent.glob(f".{staged.stem}-*.part"):  # a render killed before its own rename
        leftover.unlink(missing_ok=True)


def _read_journal(path: Path) -> Journal | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pairs = tuple((Path(a), Path(b)) for a, b in data["files"])
        record = data.get("record")
        return Journal(path, pairs, int(record) if record is not None else None)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # killed while the journal itself was written: nothing was recorded yet


def recover(folders: Iterable[Path], committed: Callable[[Journal], bool], *,
            part_stems: Iterable[str] = (), now: float | None = None) -> list[Path]:
    """Finish or undo the batches a kill interrupted in ``folders``; returns the files removed or moved.

    A journal nobody holds locked belongs to a dead batch: if ``committed`` says the register
    has its record, its staged files are moved into place (the batch happened); otherwise
    they are removed (it did not). Staged files with no journal and stale ``.part`` files
    of ``part_stems`` are removed once older than ``STALE_AFTER_SECONDS``.
    """
    now = time.time() if now is None else now
    touched: list[Path] = []
    folders = [Path(f) for f in dict.fromkeys(folders) if Path(f).is_dir()]
    owned: set[Path] = set()
    for folder in folders:
        for journal_path in sorted(folder.glob(f"{PREFIX}*.json")):
            try:
                handle = open(journal_path, "r+", encoding="utf-8")  # noqa: SIM115
            except OSError:
                continue
            with handle:
                if not _lock(handle):
                    owned.update(_token_files(journal_path))  # a running batch: leave its files alone
                    continue
                journal = _read_journal(journal_path)
                if journal is not None and journal.record_id is not None and committed(journal):
                    try:
                        for staged, target in journal.pairs:
                            if staged.exists():
                                os.replace(staged, target)
                                touched.append(target)
                    except OSError:  # a target still open elsewhere: keep the journal, try next time
                        owned.update(_token_files(journal_path))
                        continue
                    for target_folder in {t.parent for _, t in journal.pairs}:
                        fsync_dir(target_folder)
                elif journal is not None:
                    for staged, _ in journal.pairs:
                        if staged.exists():
                            touched.append(staged)
                        _remove_with_temporaries(staged)
            journal_path.unlink(missing_ok=True)
            touched.append(journal_path)
    stems = [s for s in part_stems if s]
    for folder in folders:
        for leftover in folder.iterdir():
            name = leftover.name
            ours = name.startswith(PREFIX) or name.startswith("." + PREFIX) or (
                _PART.match(name) is not None and any(name.startswith(f".{s}-") for s in stems))
            if not ours or leftover in owned or name.endswith(".json"):
                continue
            try:
                if now - leftover.stat().st_mtime >= STALE_AFTER_SECONDS:
                    leftover.unlink()
                    touched.append(leftover)
            except OSError:
                continue
    return touched


def _token_files(journal_path: Path) -> set[Path]:
    token = journal_path.name[len(PREFIX):-len(".json")]
    folder = journal_path.parent
    return {p for p in folder.iterdir() if token in p.name}
