"""The reporting package's public surface and its import boundaries: no Qt, no database, and
reportlab only once something is rendered."""

from __future__ import annotations

import subprocess
import sys
from importlib import import_module

import butler_desk.reporting as reporting


def _modules_after(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_the_whole_reporting_api_pulls_in_neither_qt_nor_sqlalchemy():
    code = ("import sys, butler_desk.reporting as r\n"
            "for name in r.__all__: getattr(r, name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy')))")
    assert _modules_after(code) == "[]"


def test_every_exported_name_resolves_to_the_object_its_module_defines():
    assert sorted(reporting.__all__) == sorted(reporting._WHERE)
    for name in reporting.__all__:
        module = import_module(f"butler_desk.reporting.{reporting._WHERE[name]}")
        assert getattr(reporting, name) is getattr(module, name)


def test_the_services_the_window_starts_with_do_not_load_reportlab():
    # The ledger, request and document services are imported before the main window paints;
    # reportlab (~100 ms) must wait until something is printed.
    code = ("import sys\n"
            "import butler_desk.services.documents.service, butler_desk.services.requests.service, butler_desk.services.ledger.service\n"
            "import butler_desk.services.documents.recipients\n"
            "print(sorted(m for m in sys.modules if m.startswith('reportlab')))")
    assert _modules_after(code) == "[]"
