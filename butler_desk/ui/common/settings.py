"""Per-PC preferences kept in QSettings: the remembered operator, window layout, last folders.

Every key lives in ``DEFAULTS`` and nowhere else (no module adds keys when it is imported), so
a maintainer sees the whole set in one place; reading goes through ``value()`` so a missing or
mistyped value falls back to its default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION_NAME = "ButlerDesk"
APPLICATION_NAME = "管家台"

OPERATOR = "operator/name"
MAIN_GEOMETRY = "main_window/geometry"
MAIN_STATE = "main_window/state"
MAIN_TAB = "main_window/current_tab"
LEDGER_HEADER = "ledger/header_state"
UNIT_DIALOG_GEOMETRY = "unit_dialog/geometry"
PARTY_DIALOG_GEOMETRY = "party_dialog/geometry"
IMPORT_DIALOG_GEOMETRY = "import_dialog/geometry"
LAST_IMPORT_DIR = "folders/import"
LAST_EXPORT_DIR = "folders/export"
NOTICE_DIALOG_GEOMETRY = "notice_dialog/geometry"
PDF_PREVIEW_GEOMETRY = "pdf_preview/geometry"
PRINT_SETTINGS_GEOMETRY = "print_settings/geometry"
FORMS_DIALOG_GEOMETRY = "forms_dialog/geometry"
LAST_PRINTER = "printing/last_printer"
LAST_NOTICE_DIR = "folders/notices"
LAST_PDF_DIR = "folders/pdf"
INTAKE_GEOMETRY = "requests/intake_dialog_geometry"
STEP_DIALOG_GEOMETRY = "requests/step_dialog_geometry"
REQUESTS_HEADER = "requests/header_state"
REQUESTS_SPLITTER = "requests/splitter_state"
SETTINGS_DIALOG_GEOMETRY = "requests/settings_dialog_geometry"

DEFAULTS: dict[str, Any] = {
    OPERATOR: "",
    MAIN_GEOMETRY: QByteArray(),
    MAIN_STATE: QByteArray(),
    MAIN_TAB: 0,
    LEDGER_HEADER: QByteArray(),
    UNIT_DIALOG_GEOMETRY: QByteArray(),
    PARTY_DIALOG_GEOMETRY: QByteArray(),
    IMPORT_DIALOG_GEOMETRY: QByteArray(),
    LAST_IMPORT_DIR: "",
    LAST_EXPORT_DIR: "",
    NOTICE_DIALOG_GEOMETRY: QByteArray(),
    PDF_PREVIEW_GEOMETRY: QByteArray(),
    PRINT_SETTINGS_GEOMETRY: QByteArray(),
    FORMS_DIALOG_GEOMETRY: QByteArray(),
    LAST_PRINTER: "",
    LAST_NOTICE_DIR: "",
    LAST_PDF_DIR: "",
    INTAKE_GEOMETRY: QByteArray(),
    STEP_DIALOG_GEOMETRY: QByteArray(),
    REQUESTS_HEADER: QByteArray(),
    REQUESTS_SPLITTER: QByteArray(),
    SETTINGS_DIALOG_GEOMETRY: QByteArray(),
}


def settings() -> QSettings:
    """The application's settings object (organisation/application names set in app.py)."""
    return QSettings()


def value(key: str, store: QSettings | None = None) -> Any:
    """The stored value coerced to the default's type, or the default itself."""
    default = DEFAULTS[key]
    raw = (store or settings()).value(key, default)
    if raw is None:
        return default
    if isinstance(default, QByteArray):
        return raw if isinstance(raw, QByteArray) else default
    if isinstance(default, bool):
        return raw in (True, "true", "1", 1)
    if isinstance(default, int):
        try:
            return int(raw)
        except (TypeError, ValueError):
            return default
    return str(raw)


def set_value(key: str, new_value: Any, store: QSettings | None = None) -> None:
    if key not in DEFAULTS:
        raise KeyError(key)
    (store or settings()).setValue(key, new_value)


def folder(key: str, fallback: Path | None = None) -> str:
    """A remembered folder that still exists, else ``fallback`` (or the home folder)."""
    remembered = value(key)
    if remembered and Path(remembered).is_dir():
        return remembered
    return str(fallback or Path.home())


def remember_folder(key: str, chosen_file: str | Path) -> None:
    set_value(key, str(Path(chosen_file).parent))
