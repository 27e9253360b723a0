"""Who has a database open: a shared lock on a sidecar file, held for as long as a desk uses it.

Every process that opens a database file holds a *shared* lock on ``NAME.sqlite3.lock``
beside it until it closes the database (or dies: the operating system drops the lock).
Restore takes the same lock *exclusively* and without waiting, so it knows for certain that
no 管家台 window or command is using the file before it puts another file in its place.

POSIX uses ``flock`` (per open file, so two opens in one process conflict as two processes
would: restoring from inside the app has to close its own database first); Windows uses
``LockFileEx`` on the first byte. The lock file itself is never deleted: deleting it would
let a late opener lock a fresh inode that restore is not looking at.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

LOCK_SUFFIX = ".lock"


class LockBusy(Exception):
    """The lock is held the other way by another open of the file."""


def lock_path_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + LOCK_SUFFIX)


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import ctypes
    import msvcrt
    from ctypes import wintypes

    _LOCKFILE_FAIL_IMMEDIATELY = 0x01
    _LOCKFILE_EXCLUSIVE_LOCK = 0x02

    class _Overlapped(ctypes.Structure):
        _fields_ = [("Internal", ctypes.c_void_p), ("InternalHigh", ctypes.c_void_p),
                    ("Offset", wintypes.DWORD), ("OffsetHigh", wintypes.DWORD), ("hEvent", wintypes.HANDLE)]

    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _kernel32.LockFileEx.argtypes = [wintypes.HANDLE, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD,
                                     wintypes.DWORD, ctypes.POINTER(_Overlapped)]
    _kernel32.LockFileEx.restype = wintypes.BOOL

    def _try_lock(fd: int, exclusive: bool) -> bool:
        flags = _LOCKFILE_FAIL_IMMEDIATELY | (_LOCKFILE_EXCLUSIVE_LOCK if exclusive else 0)
        handle = msvcrt.get_osfhandle(fd)
        return bool(_kernel32.LockFileEx(handle, flags, 0, 1, 0, ctypes.byref(_Overlapped())))
else:
    import fcntl

    def _try_lock(fd: int, exclusive: bool) -> bool:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


class DeskLock:
    """A held lock on a database's sidecar file; ``release()`` (or process exit) frees it."""

    def __init__(self, fd: int, path: Path) -> None:
        self._fd: int | None = fd
        self.path = path

    @classmethod
    def acquire(cls, db_path: Path, *, exclusive: bool, wait_seconds: float = 0.0) -> DeskLock | None:
        """Lock ``db_path``'s sidecar file; raise LockBusy if it stays held the other way.

        Returns None when the lock file cannot be created (a read-only folder): such a
        database cannot be written or restored into anyway, and SQLite says so itself.
        """
        path = lock_path_for(db_path)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return None
        deadline = time.monotonic() + wait_seconds
        while True:
            if _try_lock(fd, exclusive):
                return cls(fd, path)
            if time.monotonic() >= deadline:
                os.close(fd)
                raise LockBusy(str(path))
            time.sleep(0.05)

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the descriptor drops the lock on every platform

    def __enter__(self) -> DeskLock:
        return self

    def __exit__(self, *_exc) -> None:
        self.release()

    def __del__(self) -> None:
        self.release()
