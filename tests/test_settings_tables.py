"""Every setting's default is declared in its table, not added by importing the module that uses it."""

from __future__ import annotations

import os
import subprocess
import sys


def _run(code: str) -> str:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout


def test_the_office_settings_table_has_the_printing_keys_without_the_printing_service():
    out = _run("import sys\n"
               "from butler_desk.services.settings import SETTINGS\n"
               "print(sorted(SETTINGS)); print('butler_desk.services.printing.service' in sys.modules)")
    keys, printing_loaded = out.splitlines()
    for key in ("print_font_path", "print_rare_fonts", "envelope_printers", "documents_uncollected_days",
                "sla_limits", "departments"):
        assert repr(key) in keys
    assert printing_loaded == "False"


def test_importing_every_ui_module_adds_no_per_pc_setting():
    # GIVEN the per-PC table as it is on its own; WHEN every ui module is imported;
    # THEN the table has not grown, and it holds the request area's window and list keys
    code = ("import pkgutil, importlib, butler_desk.ui as ui, butler_desk.ui.common.settings as s\n"
            "before = sorted(s.DEFAULTS)\n"
            "for m in pkgutil.iter_modules(ui.__path__): importlib.import_module(f'butler_desk.ui.{m.name}')\n"
            "print(before == sorted(s.DEFAULTS)); print(before)")
    unchanged, keys = _run(code).splitlines()
    assert unchanged == "True"
    for key in ("requests/intake_dialog_geometry", "requests/step_dialog_geometry", "requests/header_state",
                "requests/splitter_state", "requests/settings_dialog_geometry"):
        assert repr(key) in keys
