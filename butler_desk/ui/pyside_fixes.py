"""Work-arounds for measured PySide6 defects, applied once when the ui package is imported.

PySide6 6.12.0 on CPython 3.11 hands out ``None`` (a C++ null pointer or an empty
QVariant, e.g. ``QComboBox.currentData()``, ``QWidget.parentWidget()``) and the
``True`` returned by ``Signal.emit()`` without taking a reference, so every such call
lowers the singleton's reference count by one. Measured here: 300 calls, -300; the
interpreter then aborts ("none_dealloc" / "bool_dealloc"), at exit or, in a long
session, while the butler is working. PySide6 6.11.3 does not do this, and from
Python 3.12 these singletons are immortal (PEP 683), so the defect is harmless there.

The fix makes the three singletons effectively immortal on the affected combination by
raising their reference counts far beyond reach; they are never freed anyway.
"""

from __future__ import annotations

import ctypes
import sys

import PySide6

AFFECTED_VERSIONS = frozenset({"6.12.0"})
_HEADROOM = 1 << 40  # about 10^12 lost references before anything can go wrong


def needs_singleton_fix(pyside_version: str = PySide6.__version__) -> bool:
    # A debug build (Py_TRACE_REFS) has extra fields before ob_refcnt; leave it alone.
    debug_build = hasattr(sys, "gettotalrefcount")
    return pyside_version in AFFECTED_VERSIONS and sys.version_info < (3, 12) and not debug_build


def keep_singletons_alive() -> bool:
    """Apply the fix when needed; True when it was applied."""
    if not needs_singleton_fix():
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every object in a release build of CPython.
        ctypes.c_ssize_t.from_address(id(singleton)).value += _HEADROOM
    return True
