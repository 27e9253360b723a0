"""Logging to a rotating file in the log folder; the user sees Chinese messages, the log keeps details.

The log is private to the user (0600 on POSIX, set when each file is created, rotated ones
included): even with SQL parameters hidden (storage.database), messages may name residents.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from butler_desk.paths import log_dir

PRIVATE_FILE_MODE = 0o600


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A RotatingFileHandler whose files are created readable by their owner only."""

    def _open(self):  # noqa: ANN202 - the stdlib's signature
        # Created with the mode at once (no window in which another user could open it).
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)  # noqa: SIM115


def _make_private(path: Path) -> None:
    """Older logs (from before this rule) are tightened too."""
    if os.name == "nt":
        return  # the user's profile folder is private already; chmod only toggles read-only there
    for old in path.parent.glob(path.name + "*"):
        try:
            os.chmod(old, PRIVATE_FILE_MODE)
        except OSError:
            continue


def setup_logging(verbose: bool = False) -> Path:
    path = log_dir() / "butler-desk.log"
    root = logging.getLogger()
    if any(getattr(h, "_butler_desk", False) for h in root.handlers):
        return path
    _make_private(path)
    handler = PrivateRotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._butler_desk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return path
