"""The direction of the arrows: ui → services → storage/reporting/exchange → domain.

Only ``ui`` imports PySide6; only ``storage`` imports SQLAlchemy (services may name its
Session type for type checking); ``domain`` imports neither, nor any other layer.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import butler_desk

PACKAGE = Path(butler_desk.__file__).parent
QT_FREE = ("domain", "storage", "services", "reporting", "exchange")


def _modules(subpackage: str) -> list[str]:
    path = PACKAGE / subpackage
    return [f"butler_desk.{subpackage}.{m.name}" for m in pkgutil.iter_modules([str(path)])]


def test_no_layer_below_the_ui_imports_pyside6():
    modules = [m for sub in QT_FREE for m in _modules(sub)] + ["butler_desk.cli.main", "butler_desk.cli.ledger",
                                                             "butler_desk.cli.printing", "butler_desk.cli.requests"]
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
    assert len(modules) > 40  # the check really walked the packages


def _imports(path: Path) -> list[tuple[str, int]]:
    """Top-level names a module imports at run time (TYPE_CHECKING blocks left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, type_checking: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import) and not type_checking:
                found.extend((alias.name, child.lineno) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0 and not type_checking:
                found.append((child.module, child.lineno))
            visit(child, type_checking)

    visit(tree, False)
    return found


def _violations(subpackage: str, forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in sorted((PACKAGE / subpackage).glob("*.py")):
        for name, line in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(PACKAGE)}:{line} imports {name}")
    return bad


def test_only_storage_speaks_sqlalchemy():
    for sub in ("domain", "services", "reporting", "exchange", "ui"):
        assert _violations(sub, ("sqlalchemy", "alembic")) == []


def test_domain_depends_on_nothing_of_ours_but_itself():
    others = tuple(f"butler_desk.{p}" for p in ("storage", "services", "reporting", "exchange", "ui", "cli"))
    assert _violations("domain", others + ("PySide6", "openpyxl", "reportlab")) == []


def test_reporting_and_exchange_never_touch_storage_services_or_widgets():
    for sub in ("reporting", "exchange"):
        assert _violations(sub, ("butler_desk.storage", "butler_desk.services", "butler_desk.ui", "PySide6")) == []


def test_widgets_never_reach_into_storage():
    assert _violations("ui", ("butler_desk.storage",)) == []
