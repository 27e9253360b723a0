"""``butler-desk arrears``: generate, import with dry run and problems, and the list, with exit codes."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from butler_desk.cli.main import EXIT_BAD_DATA, EXIT_OK, EXIT_USAGE, run
from butler_desk.services.ledger import LedgerService
from butler_desk.services.ledger.views import UnitInput


def _estate(ctx) -> None:
    ledger = LedgerService(ctx)
    ledger.save_unit(UnitInput(room_code="3-2-1201", cluster="一组团", area="89.5", fee_rate="2.55", status="已入住"))
    ledger.save_unit(UnitInput(room_code="5-1-101", cluster="二组团", area="100", fee_rate="2", status="空置"))
    ctx.db.dispose()


def _receipts(path, rows):
    book = Workbook()
    book.active.append(["房号", "收款日期", "实收金额", "票据号"])
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_generate_import_and_list(ctx, db_path, tmp_path, capsys):
    _estate(ctx)
    db = ["--db", str(db_path)]
    assert run([*db, "arrears", "generate", "--period", "2026-10"]) == EXIT_OK
    assert "新生成 2 笔" in capsys.readouterr().out
    receipts = _receipts(tmp_path / "实收.xlsx", [["5-1-101", "2026-10-20", "¥200.00", "SK-1"]])
    assert run([*db, "arrears", "import-payments", str(receipts), "--dry-run"]) == EXIT_OK
    assert "可导入 1 行" in capsys.readouterr().out
    assert run([*db, "arrears", "import-payments", str(receipts)]) == EXIT_OK
    assert run([*db, "arrears", "import-payments", str(receipts)]) == EXIT_OK
    assert "已导入 0 行，已有 1 行" in capsys.readouterr().out
    assert run([*db, "arrears", "list", "--as-of", "2026-12-31"]) == EXIT_OK
    out, err = capsys.readouterr()
    assert "3-2-1201\t一组团\t228.23\t1\t2026-10-15\t31–90天" in out
    assert "5-1-101" not in out and "共 1 户，欠费合计 228.23 元" in err
    assert run([*db, "arrears", "list", "--as-of", "2026-12-31", "--cluster", "二组团"]) == EXIT_OK
    assert "共 0 户" in capsys.readouterr().err


def test_bad_files_and_bad_options_exit_with_the_right_codes(ctx, db_path, tmp_path, capsys):
    _estate(ctx)
    db = ["--db", str(db_path)]
    bad = _receipts(tmp_path / "坏.xlsx", [["9-9-9", "2026-10-20", 100, "SK-1"]])
    assert run([*db, "arrears", "import-payments", str(bad)]) == EXIT_BAD_DATA
    err = capsys.readouterr().err
    assert "第 2 行“房号”列" in err and "未写入任何数据" in err
    assert run([*db, "arrears", "generate", "--period", "2026-13"]) == EXIT_BAD_DATA
    assert run([*db, "arrears", "list", "--stage", "打官司"]) == EXIT_BAD_DATA
    with pytest.raises(SystemExit) as exited:  # argparse's own usage errors exit directly
        run([*db, "arrears", "generate"])
    assert exited.value.code == EXIT_USAGE
