"""The reporting package's public surface and its import boundary (no Qt, no database)."""

from __future__ import annotations

import subprocess
import sys

import butler_desk.reporting as reporting


def test_importing_reporting_pulls_in_neither_qt_nor_sqlalchemy():
    code = ("import sys, butler_desk.reporting; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert done.stdout.strip() == "[]"


def test_public_api_names_resolve():
    for name in reporting.__all__:
        assert getattr(reporting, name) is not None, name
