"""The services of one open database and one operator, built once at start-up and shared by GUI and CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from butler_desk.storage.database import Database


@dataclass
class AppContext:
    """What every service needs: the database, who is working, and where files go."""

    db: Database
    operator: str = "系统"
    data_dir: Path | None = field(default=None)

    @property
    def db_path(self) -> Path | None:
        return self.db.path
