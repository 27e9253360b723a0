"""Shared fixtures: Qt offscreen by default, a private data folder, a real SQLite database."""

from __future__ import annotations

import os

# Before anything imports Qt: without a display pytest-qt would abort the interpreter.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch):
    """Every test gets its own data and settings folders, so nothing touches the user's real ones."""
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("BUTLER_DESK_DATA_DIR", str(data))
    # Qt's per-PC settings (the remembered operator, the last tab) of programs the tests start:
    # never the developer's own, never those another test left behind.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    monkeypatch.delenv("BUTLER_DESK_DB", raising=False)
    return data


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "ledger.sqlite3"


@pytest.fixture
def ctx(db_path):
    """An AppContext on a fresh, migrated SQLite file, operator 李晓红."""
    from butler_desk.services.maintenance import open_context

    context = open_context(db_path, operator="李晓红")
    yield context
    context.db.dispose()
