"""导入业户资料 through the dialog: check in a worker, every issue listed, the choice after it, save failed rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog
from sqlalchemy import select

from butler_desk.services.ledger.roster_import import RosterImportService
from butler_desk.services.ledger.views import UnitInput
from butler_desk.storage.models import AuditEntry
from butler_desk.ui.ledger.import_dialog import ImportDialog, IssuesModel

HEADER = ["组团", "房号", "建筑面积(㎡)", "房屋状态", "姓名", "身份", "联系电话"]


def _roster(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "业户资料"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def roster_file(tmp_path) -> Path:
    return _roster(tmp_path / "一组团名单.xlsx", [
        ["一组团", "8-1-101", 90.5, "已入住", "陈一", "业主", "13811112222"],
        ["一组团", "8-1-102", "很大", "空置", "", "", ""],  # row 3: bad area
        ["一组团", "8-1-103", 75, "出租", "林二", "租户", "1381111"],  # row 4: bad phone
        ["一组团", "8-1-104", 80, "空置", "", "", ""],
    ])


@pytest.fixture
def dialog(qtbot, ctx):
    widget = ImportDialog(RosterImportService(ctx))
    qtbot.addWidget(widget, before_close_func=lambda d: d.done(QDialog.DialogCode.Rejected))
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _issue_rows(dialog: ImportDialog) -> list[list[str]]:
    model = dialog.issues_model
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_picking_a_file_checks_it_in_the_background_and_lists_every_issue(qtbot, dialog, roster_file, monkeypatch, ledger):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(roster_file), ""))
    with qtbot.waitSignal(dialog.checked, timeout=20000) as blocker:
        dialog.choose_button.click()
    summary = blocker.args[0]
    assert summary.dry_run and summary.imported_rows == 2 and summary.failed_rows == 2

    rows = _issue_rows(dialog)
    assert [(r[IssuesModel.COL_SHEET], r[IssuesModel.COL_ROW]) for r in rows] == [("业户资料", "3"), ("业户资料", "4")]
    assert rows[0][IssuesModel.COL_COLUMN] == "C（建筑面积(㎡)）"
    assert "建筑面积" in rows[0][IssuesModel.COL_MESSAGE]
    assert rows[1][IssuesModel.COL_COLUMN].startswith("G")
    assert dialog.issues_label.text() == "问题清单（2 条）"
    assert "将导入 2 行" in dialog.summary_label.text()
    assert dialog.warning_label.text() == ("有 2 行有问题（原因见下方清单）。可以改正文件后重新选择，"
                                           "或点“导入其余 2 行”只导入没有问题的行，有问题的行不导入。")
    # The choice comes after the list: import the rest, or cancel.
    assert dialog.import_button.text() == "导入其余 2 行"
    assert dialog.import_button.isEnabled() and dialog.save_failed_button.isEnabled()
    assert dialog.close_button.text() == "取消"
    assert dialog.grab().save("/tmp/ui_import_choice.png")
    assert len(ledger.load_index()) == 0  # a check writes nothing
    assert dialog.file_edit.text() == str(roster_file)


def test_a_clean_file_is_imported_in_a_worker_and_the_units_arrive(qtbot, dialog, tmp_path, ledger):
    path = _roster(tmp_path / "好名单.xlsx", [
        ["一组团", "8-1-101", 90.5, "已入住", "陈一", "业主", "13811112222"],
        ["一组团", "8-1-104", 80, "空置", "", "", ""],
    ])
    with qtbot.waitSignal(dialog.checked, timeout=20000):
        dialog.start_check(path)
    assert dialog.import_button.text() == "导入"
    assert not dialog.warning_label.isVisible()
    with qtbot.waitSignal(dialog.imported, timeout=20000) as blocker:
        dialog.import_button.click()
    assert not blocker.args[0].dry_run and blocker.args[0].written
    assert sorted(r.code for r in ledger.load_index().rows) == ["8-1-101", "8-1-104"]
    assert "已导入 2 行" in dialog.summary_label.text()
    assert not dialog.import_button.isEnabled()
    assert dialog.close_button.text() == "关闭"
    assert dialog.did_import


def test_importing_the_rest_writes_the_good_rows_and_says_how_many_were_left_out(qtbot, dialog, roster_file, ledger):
    with qtbot.waitSignal(dialog.checked, timeout=20000):
        dialog.start_check(roster_file)
    with qtbot.waitSignal(dialog.imported, timeout=20000) as blocker:
        dialog.import_button.click()  # 导入其余 2 行
    summary = blocker.args[0]
    assert summary.written and summary.skip_bad and summary.failed_rows == 2
    assert sorted(r.code for r in ledger.load_index().rows) == ["8-1-101", "8-1-104"]
    assert "已导入 2 行" in dialog.summary_label.text()
    assert dialog.warning_label.text() == "有问题的 2 行未导入，可“保存出错行”改正后再导入。"
    assert dialog.issues_model.rowCount() == 2
    assert dialog.did_import and dialog.close_button.text() == "关闭"


def test_cancelling_after_the_problem_list_imports_nothing(qtbot, dialog, roster_file, ledger):
    with qtbot.waitSignal(dialog.checked, timeout=20000):
        dialog.start_check(roster_file)
    dialog.close_button.click()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert len(ledger.load_index()) == 0
    assert not dialog.did_import


def test_problems_found_only_by_the_import_write_nothing_and_offer_the_choice_again(
    qtbot, dialog, tmp_path, ledger
):
    path = _roster(tmp_path / "名单.xlsx", [
        ["一组团", "8-1-101", 90.5, "已入住", "陈一", "业主", "13811112222"],
        ["一组团", "9-1-104", 80, "空置", "", "", ""],
    ])
    with qtbot.waitSignal(dialog.checked, timeout=20000):
        dialog.start_check(path)
    assert dialog.import_button.text() == "导入"
    # Meanwhile another desk registers building 9 in another 组团.
    ledger.save_unit(UnitInput("9-1-104", cluster="二组团", area="80", fee_rate="2", status="空置"))
    with qtbot.waitSignal(dialog.imported, timeout=20000) as blocker:
        dialog.import_button.click()
    summary = blocker.args[0]
    assert summary.issues and not summary.written
    assert sorted(r.code for r in ledger.load_index().rows) == ["9-1-104"]  # nothing of the file
    assert not dialog.did_import
    assert "未导入任何数据" in dialog.summary_label.text()
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "导入其余 1 行"
    with qtbot.waitSignal(dialog.imported, timeout=20000) as blocker:
        dialog.import_button.click()
    assert blocker.args[0].written
    assert sorted(r.code for r in ledger.load_index().rows) == ["8-1-101", "9-1-104"]


def test_failed_rows_are_saved_to_a_workbook_the_user_can_fix(qtbot, dialog, roster_file, tmp_path, monkeypatch,
                                                              message_boxes, ctx):
    out = tmp_path / "出错行.xlsx"
    asked = []

    def answer(parent, title, label, *args, **kwargs):
        asked.append(label)
        return "改正后重新导入", True

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(QInputDialog, "getText", answer)
    with qtbot.waitSignal(dialog.checked, timeout=20000):
        dialog.start_check(roster_file)
    dialog.save_failed_button.click()

    assert len(asked) == 1 and "完整电话、证件号" in asked[0]
    with ctx.db.unit_of_work("test") as session:
        records = session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal")).all()
        assert [(r.operator, r.changes) for r in records] and "改正后重新导入" in records[-1].changes
        assert records[-1].operator == ctx.operator
    assert out.exists()
    sheet = load_workbook(out).worksheets[0]
    texts = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert "8-1-102" in texts and "8-1-103" in texts and "8-1-101" not in texts
    assert message_boxes[-1][0] == "information" and "已保存 2 行" in message_boxes[-1][2]


def test_a_file_that_is_not_a_workbook_is_explained_in_chinese(qtbot, dialog, tmp_path):
    bad = tmp_path / "名单.xlsx"
    bad.write_text("这不是 Excel 文件", encoding="utf-8")
    with qtbot.waitSignal(dialog.problem, timeout=20000) as blocker:
        dialog.start_check(bad)
    assert blocker.args[0] == dialog.warning_label.text()
    assert "Traceback" not in blocker.args[0]
    assert not dialog.import_button.isEnabled()
    assert dialog.choose_button.isEnabled()


def test_a_file_with_no_good_rows_cannot_be_imported(qtbot, dialog, tmp_path):
    path = _roster(tmp_path / "全错.xlsx", [["一组团", "楼下那户", 90, "", "", "", ""]])
    with qtbot.waitSignal(dialog.checked, timeout=20000):
        dialog.start_check(path)
    assert not dialog.import_button.isEnabled()
    assert "没有可以导入的行" in dialog.warning_label.text()


def test_saving_failed_rows_without_a_reason_writes_no_file(qtbot, dialog, roster_file, tmp_path, monkeypatch,
                                                           message_boxes):
    out = tmp_path / "出错行.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    with qtbot.waitSignal(dialog.checked, timeout=20000):
        dialog.start_check(roster_file)
    dialog.save_failed_button.click()
    assert not out.exists()
    assert not list(tmp_path.glob("*出错行*"))
