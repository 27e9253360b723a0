"""The import contracts of pyproject.toml ([tool.importlinter]) hold: layers, no PySide6 or sqlalchemy where
they do not belong, ui and cli only over services and domain, ui areas independent."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    # lint-imports lives beside the interpreter in the project's environment (a dev dependency)
    exe = Path(sys.executable).parent / "lint-imports"
    command = [str(exe)] if exe.exists() else [shutil.which("lint-imports") or "lint-imports"]
    result = subprocess.run(command + ["--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.split("Contracts:")[-1].replace("0 broken", "")
    assert "Contracts: 5 kept" in result.stdout, result.stdout  # every contract was really checked
