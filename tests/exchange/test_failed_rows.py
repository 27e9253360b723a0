"""The failed-rows workbook: original headers and cells, 行号 and 错误原因, fixable and importable again."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

from butler_desk.exchange.failed_rows import write_failed_rows
from butler_desk.exchange.roster import RowIssue, read_roster

HEADER = ["组团", "房号", "业主\n姓名", "联系电话", "入住日期", "车位"]


def _source(tmp_path: Path) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "一组团"
    ws.append(["翠湖花园业户资料"])
    ws.merge_cells("A1:F1")
    ws.append(HEADER)
    ws.append(["一组团", "3-2-1201", "张三", "13812345678", datetime(2024, 3, 1), "B-1"])
    ws.append([None, "3-2-1202", "李四", "1381234567", "2024-02-30", None])
    ws.append([None, "3-2-1203", "王五", "13900001111", None, "=A1"])
    ws["F5"].data_type = "s"  # text someone typed that starts with "=", not a formula
    ws.merge_cells("A3:A5")
    other = book.create_sheet("二组团")
    other.append(["房号", "姓名"])
    other.append(["12-1-301", "钱七"])
    other.append(["12楼", "孙八"])
    book.save(tmp_path / "source.xlsx")
    return tmp_path / "source.xlsx"


def _values(ws) -> list[list[object]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def test_failed_rows_keep_the_original_headers_and_cells_with_their_reasons(tmp_path):
    roster = read_roster(_source(tmp_path))
    assert roster.failed_row_count == 2

    out = write_failed_rows(roster, tmp_path / "失败行.xlsx")

    book = load_workbook(out)
    assert book.sheetnames == ["一组团", "二组团"]
    first = _values(book["一组团"])
    assert first[0] == ["行号", "错误原因", *HEADER]
    row_number, reasons, *cells = first[1]
    assert row_number == 4
    # merged 组团 is written out so the row stands on its own
    assert cells == ["一组团", "3-2-1202", "李四", "1381234567", "2024-02-30", None]
    assert reasons.splitlines() == [
        "【联系电话，D列】手机号“1381234567”应为 11 位数字，现在是 10 位",
        "【入住日期，E列】入住日期“2024-02-30”不存在（2024年2月没有 30 日）：请核对日期",
    ]
    assert len(first) == 2
    second = _values(book["二组团"])
    assert second[1][:4] == [3, second[1][1], "12楼", "孙八"]
    assert "【房号，A列】" in second[1][1]


def test_the_bad_cells_are_shaded_and_the_header_row_is_frozen(tmp_path):
    out = write_failed_rows(read_roster(_source(tmp_path)), tmp_path / "f.xlsx")
    ws = load_workbook(out)["一组团"]
    shaded = [cell.column_letter for cell in ws[2] if cell.fill.fgColor.rgb.endswith("FFC7CE")]
    assert shaded == ["F", "G"]  # 联系电话 and 入住日期, moved right by 行号 and 错误原因
    assert ws.freeze_panes == "C2"
    assert ws["B2"].alignment.wrap_text


def test_an_issue_the_caller_adds_to_a_good_row_is_written_with_its_column_shaded(tmp_path):
    roster = read_roster(_source(tmp_path))
    roster.issues.append(RowIssue("一组团", 5, "组团", "", "3栋已属于组团“二组团”，请核对组团"))

    ws = load_workbook(write_failed_rows(roster, tmp_path / "f.xlsx"))["一组团"]

    rows = _values(ws)
    assert [row[0] for row in rows[1:]] == [4, 5]
    assert rows[2][1] == "【组团】3栋已属于组团“二组团”，请核对组团"
    assert rows[2][7] == "=A1"  # text that looks like a formula stays text
    assert ws["C3"].fill.fgColor.rgb.endswith("FFC7CE")


def test_the_failed_rows_file_can_be_fixed_and_imported_again(tmp_path):
    out = write_failed_rows(read_roster(_source(tmp_path)), tmp_path / "f.xlsx")
    again = read_roster(out)
    assert again.sheets == ["一组团", "二组团"]
    assert len(again.issues) == 3
    assert again.rows == []

    book = load_workbook(out)
    book["一组团"]["F2"] = "13812345670"
    book["一组团"]["G2"] = "2024-02-29"
    book["二组团"]["C2"] = "12-1-302"
    book.save(out)

    fixed = read_roster(out)
    assert fixed.issues == []
    assert [(r.room.code, r.name, r.phones) for r in fixed.rows] == [
        ("3-2-1202", "李四", ("13812345670",)), ("12-1-302", "孙八", ())
    ]


def test_with_no_failed_rows_the_file_still_has_the_headers(tmp_path):
    book = Workbook()
    book.active.append(["房号", "姓名"])
    book.active.append(["3-2-1201", "张三"])
    book.save(tmp_path / "ok.xlsx")
    ws = load_workbook(write_failed_rows(read_roster(tmp_path / "ok.xlsx"), tmp_path / "f.xlsx")).active
    assert _values(ws) == [["行号", "错误原因", "房号", "姓名"]]
