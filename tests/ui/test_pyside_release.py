"""The installed PySide6 keeps its references to None/True/False (6.12.0 on Python 3.11 did not).

PySide6 6.12.0 handed out ``None`` (a null pointer, an empty QVariant) and the ``True`` of
``Signal.emit()`` without taking a reference: 300 calls lowered the count by 300, and once it
reached zero the interpreter aborted ("none_dealloc" / "bool_dealloc"). pyproject.toml keeps
that release out; this test fails if a lock ever brings it (or a release like it) back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

CALLS = 300


class _Emitter(QObject):
    ping = Signal()


def _lost(call, singleton) -> int:
    before = sys.getrefcount(singleton)
    for _ in range(CALLS):
        call()
    return before - sys.getrefcount(singleton)


def test_emitting_a_signal_keeps_the_reference_to_true(qapp):
    emitter = _Emitter()
    assert _lost(emitter.ping.emit, True) < CALLS // 10


def test_none_results_keep_their_reference_to_none(qapp):
    combo = QComboBox()
    combo.addItem("全部", None)
    orphan = QWidget()
    for call in (combo.currentData, orphan.parentWidget, QApplication.activeModalWidget):
        assert _lost(call, None) < CALLS // 10, call
