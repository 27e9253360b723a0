"""The PySide6 6.12.0 / Python 3.11 reference-count work-around."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox

import butler_desk.ui  # noqa: F401 - importing the package applies the fix
from butler_desk.ui.pyside_fixes import needs_singleton_fix


class _Emitter(QObject):
    ping = Signal()


def test_only_the_affected_pyside_on_python_before_3_12_needs_the_fix():
    assert not needs_singleton_fix("6.11.3")
    assert needs_singleton_fix("6.12.0") == (sys.version_info < (3, 12) and not hasattr(sys, "gettotalrefcount"))


def test_many_emits_and_none_results_leave_the_singletons_alive(qapp):
    emitter = _Emitter()
    combo = QComboBox()
    combo.addItem("全部", None)
    before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(20000):
        emitter.ping.emit()
        combo.currentData()
    after = sys.getrefcount(True), sys.getrefcount(None)
    if needs_singleton_fix():
        # The defect still takes its 20,000 references each, but from a count so high
        # that it can never reach zero and abort the interpreter.
        assert min(after) > 1 << 39
    else:
        assert after[0] > before[0] - 100 and after[1] > before[1] - 100
