"""Where things live: platformdirs folders, the database path, bundled resources and forms.

Works both from a source checkout and from a PyInstaller build (``sys._MEIPASS``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "butler-desk"
DB_ENV_VAR = "BUTLER_DESK_DB"
DATA_DIR_ENV_VAR = "BUTLER_DESK_DATA_DIR"  # tests and portable installs move the whole data folder

_dirs = PlatformDirs(APP_NAME, appauthor=False)


def _bundle_root() -> Path:
    """The folder holding resources/ and forms/: the PyInstaller bundle or the repository."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """A file under resources/ (icons, fonts, style sheet)."""
    return _bundle_root().joinpath("resources", *parts)


def forms_dir() -> Path:
    """The folder of declarative form definitions (forms/*.toml)."""
    return _bundle_root() / "forms"


def migrations_dir() -> Path:
    """Alembic's script folder, shipped inside the package."""
    return Path(__file__).resolve().parent / "storage" / "migrations"


def data_dir() -> Path:
    """The per-user data folder (database, backups, attachments, logs)."""
    override = os.environ.get(DATA_DIR_ENV_VAR)
    path = Path(override) if override else Path(_dirs.user_data_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / "butler-desk.sqlite3"


def demo_db_path() -> Path:
    return data_dir() / "demo.sqlite3"


def resolve_db_path(cli_value: str | None) -> Path:
    """``--db`` wins, then ``BUTLER_DESK_DB``, then the default file in the data folder."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env_value = os.environ.get(DB_ENV_VAR)
    if env_value:
        return Path(env_value).expanduser().resolve()
    return default_db_path()


def backups_dir_for(db_path: Path) -> Path:
    """Backups sit beside the database they protect, so a moved database keeps its history."""
    path = db_path.parent / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def attachments_dir_for(db_path: Path) -> Path:
    path = db_path.parent / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV_VAR)
    path = Path(override) / "logs" if override else Path(_dirs.user_log_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_path() -> Path:
    """Per-PC preferences (the remembered operator, window layout live in QSettings; this is for CLI)."""
    return data_dir() / "settings.json"
