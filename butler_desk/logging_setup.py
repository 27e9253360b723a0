"""Logging to a rotating file in the log folder; the user sees Chinese messages, the log keeps details."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from butler_desk.paths import log_dir


def setup_logging(verbose: bool = False) -> Path:
    path = log_dir() / "butler-desk.log"
    root = logging.getLogger()
    if any(getattr(h, "_butler_desk", False) for h in root.handlers):
        return path
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._butler_desk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return path
