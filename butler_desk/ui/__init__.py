"""The only package that imports PySide6: main window, tabs, table models, dialogs, workers."""

from __future__ import annotations
