"""The ledger's import and export commands: the round trip, bad rows and exit codes, reasons for personal data."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from butler_desk.cli.main import EXIT_BAD_DATA, EXIT_OK, EXIT_USAGE, run
from butler_desk.services.demo.estate import build_demo_estate
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.maintenance import open_context

HEADERS = ["组团", "房号", "建筑面积", "房屋状态", "姓名", "身份", "联系电话", "入住日期"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ledger-cli") / "demo.sqlite3"
    build_demo_estate(path, units=300, requests=0, documents=False)
    return path


@pytest.fixture
def demo_copy(demo_db, tmp_path) -> Path:
    """A private copy of the demo estate, for tests that import into it."""
    copy = tmp_path / "demo.sqlite3"
    source = sqlite3.connect(demo_db)
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    return copy


def _audit(db: Path, where: str = "1=1") -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(f"SELECT operator, action, record_label, changes FROM audit_log WHERE {where} "
                           "ORDER BY id").fetchall()
    finally:
        con.close()


def _count(db: Path, table: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def _roster(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    book.active.title = "业户资料"
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


# --- the round trip -----------------------------------------------------------------------------

def test_an_unmasked_export_of_the_demo_estate_imports_back_with_every_row_unchanged(demo_copy, tmp_path, capsys):
    out = tmp_path / "台账.xlsx"
    assert run(["--db", str(demo_copy), "--operator", "李晓红", "export", "ledger", "--out", str(out), "--unmasked",
                "--reason", "交总部存档"]) == EXIT_OK
    capsys.readouterr()
    rows = load_workbook(out).active.max_row - 2
    audit_before = _count(demo_copy, "audit_log")

    assert run(["--db", str(demo_copy), "import", "roster", str(out), "--dry-run"]) == EXIT_OK
    result = capsys.readouterr()
    assert f"共 {rows} 行：将导入 {rows} 行（其中无变化 {rows} 行），有问题 0 行" in result.out
    assert "新建业户 0 人，更新业户 0 人" in result.out
    assert result.err == ""
    # and for real: nothing changes, nothing is recorded
    assert run(["--db", str(demo_copy), "import", "roster", str(out)]) == EXIT_OK
    assert _count(demo_copy, "audit_log") == audit_before


def test_a_phone_changed_in_excel_comes_back_as_exactly_that_change(demo_copy, tmp_path, capsys):
    out = tmp_path / "台账.xlsx"
    run(["--db", str(demo_copy), "export", "ledger", "--out", str(out), "--unmasked", "--reason", "核对电话"])
    book = load_workbook(out)
    ws = book.active
    header = [c.value for c in ws[2]]
    phone_col, name_col, room_col = (header.index(h) + 1 for h in ("联系电话", "姓名", "房号"))
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, phone_col).value and "、" not in ws.cell(r, phone_col).value)
    old_phone, name, room = (ws.cell(row, c).value for c in (phone_col, name_col, room_col))
    ws.cell(row, phone_col).value = "13912345678"
    book.save(out)
    rows = ws.max_row - 2
    capsys.readouterr()

    assert run(["--db", str(demo_copy), "import", "roster", str(out), "--dry-run"]) == EXIT_OK
    assert f"将导入 {rows} 行（其中无变化 {rows - 1} 行），有问题 0 行" in capsys.readouterr().out
    assert run(["--db", str(demo_copy), "--operator", "王芳", "import", "roster", str(out)]) == EXIT_OK
    assert "更新房屋 0 户；新建业户 0 人，更新业户 1 人" in capsys.readouterr().out

    ctx = open_context(demo_copy, "李晓红")
    try:
        ledger = LedgerService(ctx)
        unit = next(r for r in ledger.load_index().rows if r.code == room)
        person = next(o.party for o in ledger.unit_detail(unit.unit_id).current if o.party.name == name)
        latest = ledger.party_history(person.party_id)[0]
        assert latest.operator == "王芳"
        assert latest.changes == (("电话", f"{old_phone[:3]}****{old_phone[-4:]}", "139****5678"),)
    finally:
        ctx.db.dispose()


# --- reasons for personal data ------------------------------------------------------------------

def test_an_unmasked_export_needs_a_reason_and_records_it_with_the_operator(demo_copy, tmp_path, capsys):
    out = tmp_path / "明文.xlsx"
    assert run(["--db", str(demo_copy), "export", "ledger", "--out", str(out), "--unmasked"]) == EXIT_USAGE
    assert "--reason" in capsys.readouterr().err
    assert not out.exists()
    assert run(["--db", str(demo_copy), "--operator", "李晓红", "export", "ledger", "--out", str(out), "--unmasked",
                "--reason", "交总部存档"]) == EXIT_OK
    operator, action, _label, changes = _audit(demo_copy, "action = 'reveal'")[-1]
    detail = json.loads(changes)
    assert (operator, action, detail["reason"], detail["file"]) == ("李晓红", "reveal", "交总部存档", "明文.xlsx")


def test_saving_failed_rows_needs_a_reason_and_is_recorded(demo_copy, tmp_path, capsys):
    bad = _roster(tmp_path / "r.xlsx", [["一组团", "1-1-101", 90, "已入住", "周一", "业主", "1381234", None]])
    errors = tmp_path / "出错行.xlsx"
    assert run(["--db", str(demo_copy), "import", "roster", str(bad), "--errors-out", str(errors)]) == EXIT_USAGE
    assert not errors.exists()
    capsys.readouterr()
    assert run(["--db", str(demo_copy), "--operator", "王芳", "import", "roster", str(bad), "--dry-run",
                "--errors-out", str(errors), "--reason", "改正后重新导入"]) == EXIT_BAD_DATA
    assert errors.exists()
    operator, _action, _label, changes = _audit(demo_copy, "action = 'reveal'")[-1]
    assert (operator, json.loads(changes)["reason"]) == ("王芳", "改正后重新导入")


# --- a partly bad file --------------------------------------------------------------------------

GOOD_AND_BAD = [
    ["九组团", "88-1-101", 90, "已入住", "周一", "业主", "13812340001", date(2024, 3, 1)],
    ["九组团", "88-1-102", 90, "已入住", "周二", "业主", "1381234", None],  # bad phone
    ["九组团", "88-1-103", 90, "已入住", "周三", "业主", "13812340003", date(2099, 1, 1)],  # bad date
    ["九组团", "88-1-104", 90, "已入住", "周四", "业主", "13812340004", date(1900, 1, 1)],  # bad date
    ["九组团", "88-1-105", 90, "已入住", "周五", "业主", "13812340005", None],
]


def test_a_dry_run_with_bad_rows_exits_3_and_lists_them(demo_copy, tmp_path, capsys):
    path = _roster(tmp_path / "r.xlsx", GOOD_AND_BAD)
    assert run(["--db", str(demo_copy), "import", "roster", str(path), "--dry-run"]) == EXIT_BAD_DATA
    err = capsys.readouterr().err
    assert "第 3 行 “联系电话”列（G）" in err
    assert "第 4 行 “入住日期”列（H）：入住日期“2099-01-01”不合理" in err
    assert "第 5 行 “入住日期”列（H）：入住日期“1900-01-01”不合理" in err
    assert "3 行有问题" in err


def test_a_real_import_with_bad_rows_imports_nothing_unless_told_to_skip_them(demo_copy, tmp_path, capsys):
    path = _roster(tmp_path / "r.xlsx", GOOD_AND_BAD)
    units, audit = _count(demo_copy, "units"), _count(demo_copy, "audit_log")
    assert run(["--db", str(demo_copy), "import", "roster", str(path)]) == EXIT_BAD_DATA
    result = capsys.readouterr()
    assert "未导入任何数据" in result.out and "--skip-bad" in result.err
    assert (_count(demo_copy, "units"), _count(demo_copy, "audit_log")) == (units, audit)

    assert run(["--db", str(demo_copy), "import", "roster", str(path), "--skip-bad"]) == EXIT_BAD_DATA
    result = capsys.readouterr()
    assert "已导入 2 行" in result.out
    assert "有问题的 3 行未导入" in result.err
    assert _count(demo_copy, "units") == units + 2


def test_a_formula_never_calculated_is_reported_per_cell(demo_copy, tmp_path, capsys):
    path = _roster(tmp_path / "r.xlsx", [["九组团", "88-2-101", "=80+9.5", "已入住", "周一", "业主", "13812340001",
                                          None]])
    assert run(["--db", str(demo_copy), "import", "roster", str(path), "--dry-run"]) == EXIT_BAD_DATA
    err = capsys.readouterr().err
    assert "工作表“业户资料” 第 2 行 “建筑面积”列（C）：公式没有计算结果，请在 Excel 中打开并保存后再导入" in err


# --- nothing left behind by a killed unmasked export ---------------------------------------------

def _leftovers(folder: Path, since: float) -> list[Path]:
    return [p for p in folder.iterdir() if p.stat().st_mtime >= since - 1 and p.is_file()]


def test_a_killed_unmasked_export_leaves_no_personal_data_in_the_temp_folder(tmp_path):
    big = tmp_path / "big.sqlite3"
    build_demo_estate(big, units=4000, requests=0, documents=False)
    private_tmp = tmp_path / "tmp"  # the child's tempfile.gettempdir()
    private_tmp.mkdir()
    target = tmp_path / "out"
    target.mkdir()
    env = {**os.environ, "TMPDIR": str(private_tmp), "TEMP": str(private_tmp), "TMP": str(private_tmp)}
    system_tmp = Path(tempfile.gettempdir())
    killed_while_running = 0
    for delay in (0.6, 1.2, 1.8, 2.4, 3.0):
        started = time.time()
        child = subprocess.Popen(
            [sys.executable, "-m", "butler_desk", "--db", str(big), "export", "ledger", "--out",
             str(target / "台账.xlsx"), "--unmasked", "--reason", "测试"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if child.poll() is None:
            killed_while_running += 1
            child.kill()
        child.wait()
        assert list(private_tmp.iterdir()) == []
        assert not [p for p in _leftovers(system_tmp, started) if p.name.startswith("openpyxl")]
        # in the target folder: the finished file, or at most the hidden partial of a save cut short
        assert all(p.name == "台账.xlsx" or p.name.endswith(".partial.xlsx") for p in target.iterdir())
        (target / "台账.xlsx").unlink(missing_ok=True)
    assert killed_while_running >= 2
    # the next export cleans what a killed save left beside its file
    done = subprocess.run([sys.executable, "-m", "butler_desk", "--db", str(big), "export", "ledger", "--out",
                           str(target / "台账.xlsx")], env=env, capture_output=True, timeout=120)
    assert done.returncode == EXIT_OK
    assert [p.name for p in target.iterdir()] == ["台账.xlsx"]
