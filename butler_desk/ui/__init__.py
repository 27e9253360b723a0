"""The only package that imports PySide6: main window, tabs, table models, dialogs, workers."""

from __future__ import annotations

from butler_desk.ui.pyside_fixes import keep_singletons_alive

# Before any widget exists: see pyside_fixes for the PySide6 6.12.0 / Python 3.11 defect.
keep_singletons_alive()
