"""The PyInstaller build (build.spec) builds on Linux and the built program runs.

Slow (about a minute), so it runs when BUTLER_DESK_BUILD_TEST=1, as CI sets it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("BUTLER_DESK_BUILD_TEST") != "1", reason="set BUTLER_DESK_BUILD_TEST=1 to build with PyInstaller"
    ),
    pytest.mark.timeout(900),  # the build runs inside the first test's fixture
]


@pytest.fixture(scope="module")
def built_app(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("pyinstaller")
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--distpath", str(work / "dist"),
         "--workpath", str(work / "build"), str(ROOT / "build.spec")],
        check=True, cwd=ROOT, capture_output=True, timeout=900,
    )
    folder = work / "dist" / "ButlerDesk"
    assert (folder / "ButlerDesk").exists()
    return folder


def _env(tmp_path: Path) -> dict[str, str]:
    # Its own QSettings too: a window state saved on this PC (another tab last shown) would
    # keep the ledger from painting, and the start-up check would wait for that paint forever.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BUTLER_DESK_DATA_DIR=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.pop("BUTLER_DESK_DB", None)
    return env


def test_the_built_program_reports_its_version(built_app, tmp_path):
    from butler_desk import __version__

    result = subprocess.run([str(built_app / "butler-desk"), "--version"], capture_output=True, text=True,
                            env=_env(tmp_path), timeout=120)
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_the_built_program_migrates_a_database_and_starts_its_window_offscreen(built_app, tmp_path):
    db = tmp_path / "demo.sqlite3"
    made = subprocess.run([str(built_app / "butler-desk"), "demo", "--db", str(db), "--units", "60"],
                          capture_output=True, text=True, env=_env(tmp_path), timeout=300)
    assert made.returncode == 0, made.stderr
    env = _env(tmp_path) | {"BUTLER_DESK_EXIT_AFTER_PAINT": "1"}
    started = subprocess.run([str(built_app / "ButlerDesk"), "--db", str(db), "--operator", "李晓红"],
                             capture_output=True, text=True, env=env, timeout=300)
    assert started.returncode == 0, started.stderr
    assert "first-paint" in started.stdout


def test_the_built_program_prints_a_form_with_embedded_chinese_fonts(built_app, tmp_path):
    # The renderers are loaded on first use (reporting/__init__.py); the build must still ship
    # them, the form files and a font.
    db = tmp_path / "demo.sqlite3"
    exe = str(built_app / "butler-desk")
    made = subprocess.run([exe, "demo", "--db", str(db), "--units", "60"],
                          capture_output=True, text=True, env=_env(tmp_path), timeout=300)
    assert made.returncode == 0, made.stderr
    form = tmp_path / "complaint.pdf"
    printed = subprocess.run([exe, "print", "form", "complaint-record", "--blank", "1", "--db", str(db),
                              "--out", str(form)],
                             capture_output=True, text=True, env=_env(tmp_path), timeout=300)
    assert printed.returncode == 0, printed.stderr
    assert "投诉" in subprocess.run(["pdftotext", str(form), "-"], capture_output=True, text=True).stdout
    fonts = subprocess.run(["pdffonts", str(form)], capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)
