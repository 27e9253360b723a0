"""Opening spreadsheets by content, naming wrong files, merged cells, CSV encodings, header detection."""

from __future__ import annotations

import io
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from butler_desk.domain.errors import BadInput
from butler_desk.exchange.sheets import (
    MergedRange,
    decode_text,
    open_spreadsheet,
    read_merged_ranges,
    save_workbook,
    sniff_delimiter,
)
from butler_desk.exchange.xlsx_stream import _merges_in

# --- helpers that build real files ------------------------------------------------------

_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def write_ole(path: Path, streams: dict[str, bytes]) -> Path:
    """Write a minimal but well-formed OLE compound file (CFB v3) holding ``streams``.

    Old .xls workbooks and password-protected .xlsx files are both such containers; each
    stream here is padded to 4096 bytes so it lives in regular sectors (no mini stream).
    """
    sector = 512
    data_sectors: list[bytes] = []
    entries = [("Root Entry", 5, _END, 0)]
    next_sector = 2  # sector 0 is the FAT, sector 1 the directory
    chains: list[tuple[int, int]] = []
    for name, payload in streams.items():
        payload = payload.ljust(4096, b"\0")
        count = -(-len(payload) // sector)
        entries.append((name, 2, next_sector, len(payload)))
        chains.append((next_sector, count))
        data_sectors += [payload[i * sector : (i + 1) * sector].ljust(sector, b"\0") for i in range(count)]
        next_sector += count
    fat = [_FAT, _END]
    for start, count in chains:
        fat += [start + i + 1 for i in range(count - 1)] + [_END]
    fat += [_FREE] * (sector // 4 - len(fat))
    directory = b""
    for index, (name, kind, start, size) in enumerate(entries):
        encoded = (name + "\0").encode("utf-16-le")
        child = 1 if index == 0 and len(entries) > 1 else _FREE
        right = index + 1 if 0 < index < len(entries) - 1 else _FREE
        directory += (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", _FREE, right, child)
            + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
            + struct.pack("<IQ", start, size)
        )
    directory = directory.ljust(sector, b"\0")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<I", 0) + struct.pack("<I", _FREE) * 108
    )
    assert len(header) == 512
    path.write_bytes(header + struct.pack("<128I", *fat) + directory + b"".join(data_sectors))
    return path


def simple_book(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Path:
    book = Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def rows_of(path: Path) -> dict[str, list[tuple[int, list[object], bool]]]:
    with open_spreadsheet(path) as book:
        return {sheet.name: list(sheet.rows()) for sheet in book.sheets}


def message_for(path: Path) -> str:
    with pytest.raises(BadInput) as caught, open_spreadsheet(path) as book:
        for sheet in book.sheets:
            list(sheet.rows())
    return caught.value.message


# --- file-level problems --------------------------------------------------------------


def test_given_a_missing_file_then_the_message_says_it_cannot_be_found(tmp_path):
    assert "找不到文件“gone.xlsx”" in message_for(tmp_path / "gone.xlsx")


def test_given_an_empty_file_then_the_message_says_it_is_empty(tmp_path):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert "是空的" in message_for(tmp_path / "empty.xlsx")


def test_given_a_folder_then_the_message_asks_for_a_file_inside_it(tmp_path):
    (tmp_path / "资料").mkdir()
    assert "文件夹" in message_for(tmp_path / "资料")


def test_given_an_old_xls_workbook_then_the_user_is_told_to_save_as_xlsx(tmp_path):
    path = write_ole(tmp_path / "old.xls", {"Workbook": b"\x09\x08\x10\x00" + b"BIFF8" * 50})
    message = message_for(path)
    assert "请在 Excel 中另存为 .xlsx 后再导入" in message
    assert "密码" not in message


def test_given_a_password_protected_xlsx_then_it_is_told_apart_from_an_xls(tmp_path):
    path = write_ole(
        tmp_path / "locked.xlsx",
        {"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": b"\x93" * 5000},
    )
    message = message_for(path)
    assert "打开密码" in message
    assert ".xls）" not in message


def test_the_ole_fixtures_are_real_compound_documents(tmp_path):
    # file(1) walks the CFB header and directory, so a malformed fixture would not be named.
    xls = write_ole(tmp_path / "old.xls", {"Workbook": b"x"})
    locked = write_ole(tmp_path / "locked.xlsx", {"EncryptionInfo": b"\x04", "EncryptedPackage": b"\x93"})

    def describe(path: Path) -> str:
        return subprocess.run(["file", "-b", str(path)], capture_output=True, text=True, check=True).stdout.strip()

    assert describe(xls) == "CDFV2 Microsoft Excel"
    assert describe(locked) == "CDFV2 Encrypted"


def test_given_a_truncated_xlsx_then_the_message_says_it_is_damaged(tmp_path):
    whole = simple_book(tmp_path / "whole.xlsx", [["房号", "姓名"], ["3-2-1201", "张三"]]).read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(whole[: len(whole) // 2])
    assert "已损坏或不完整" in message_for(tmp_path / "cut.xlsx")


def test_given_a_damaged_sheet_part_then_reading_its_rows_reports_damage(tmp_path):
    good = simple_book(tmp_path / "good.xlsx", [["房号", "姓名"], ["3-2-1201", "张三"]])
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # the XML stops in the middle of the rows
            target.writestr(item, data)
    assert "已损坏或不完整" in message_for(bad)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("scan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是 Excel 表格或 CSV 文件"),
        ("export.xls", "<html><body><table><tr><td>房号</td></tr></table></body></html>".encode(), "网页"),
        ("old.xml", b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">', "2003"),
    ],
)
def test_given_a_file_that_is_not_a_spreadsheet_then_the_message_names_what_it_is(tmp_path, name, content, expected):
    (tmp_path / name).write_bytes(content)
    assert expected in message_for(tmp_path / name)


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ({"word/document.xml": "<w/>"}, "Word 文档"),
        ({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}, ".ods"),
        ({"xl/workbook.bin": "\x00"}, ".xlsb"),
        ({"photos/1.jpg": "\xff\xd8"}, "压缩包"),
    ],
)
def test_given_a_zip_that_is_not_an_xlsx_then_the_message_names_it(tmp_path, members, expected):
    path = tmp_path / "file.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    assert expected in message_for(path)


def test_given_an_xlsx_renamed_to_xls_or_xlsm_then_it_is_read_by_its_content(tmp_path):
    source = simple_book(tmp_path / "a.xlsx", [["房号", "姓名"], ["3-2-1201", "张三"]])
    for name in ("renamed.xls", "macro.xlsm", "no_extension"):
        target = tmp_path / name
        target.write_bytes(source.read_bytes())
        assert rows_of(target)["Sheet1"][1] == (2, ["3-2-1201", "张三"], True)


# --- xlsx rows and merged cells ---------------------------------------------------------


def test_merged_cells_give_their_value_to_every_cell_of_the_range(tmp_path):
    book = Workbook()
    ws = book.active
    ws.append(["翠湖花园业户资料"])
    ws.merge_cells("A1:D1")
    ws.append(["组团", "房号", "姓名", "电话"])
    ws.append(["一组团", "3-2-1201", "张三", "13812345678"])
    ws.append([None, None, "李梅", None])
    ws.append([None, "3-2-1202", "王五", None])
    ws.merge_cells("A3:A5")  # 组团 down three rows
    ws.merge_cells("B3:B4")  # the room over its owner and family rows
    ws.merge_cells("C6:D6")  # a range reaching past the last written row
    book.save(tmp_path / "m.xlsx")

    rows = rows_of(tmp_path / "m.xlsx")["Sheet"]

    def trimmed(values: list[object]) -> list[object]:
        while values and values[-1] is None:
            values = values[:-1]
        return values

    assert rows[0] == (1, ["翠湖花园业户资料"] * 4, True)
    assert rows[2][1] == ["一组团", "3-2-1201", "张三", "13812345678"]
    assert (rows[3][0], trimmed(rows[3][1]), rows[3][2]) == (4, ["一组团", "3-2-1201", "李梅"], True)
    assert (rows[4][0], trimmed(rows[4][1]), rows[4][2]) == (5, ["一组团", "3-2-1202", "王五"], True)
    assert [(number, own) for number, _values, own in rows[5:]] == [(6, False)]


def test_a_row_filled_only_by_merges_from_above_has_no_value_of_its_own(tmp_path):
    book = Workbook()
    ws = book.active
    ws.append(["房号", "姓名"])
    ws.append(["3-2-1201", "张三"])
    ws.append([None, None])
    ws["C3"] = None
    ws.merge_cells("A2:A3")
    ws["A4"] = "3-2-1202"
    book.save(tmp_path / "m.xlsx")
    number, values, own = rows_of(tmp_path / "m.xlsx")["Sheet"][2]
    assert (number, values[0], own) == (3, "3-2-1201", False)


def test_merged_ranges_read_from_the_tail_equal_those_of_a_full_parse(tmp_path):
    book = Workbook()
    ws = book.active
    for row in range(1, 400):
        ws.append([f"r{row}", "x", "y"])
    for start in range(2, 390, 3):
        ws.merge_cells(f"A{start}:A{start + 2}")
    ws.merge_cells("B1:C1")
    book.save(tmp_path / "m.xlsx")
    with zipfile.ZipFile(tmp_path / "m.xlsx") as archive:
        fast = read_merged_ranges(lambda: archive.open("xl/worksheets/sheet1.xml"))
        with archive.open("xl/worksheets/sheet1.xml") as stream:
            full = _merges_in(stream, whole_part=True)
    assert sorted(fast, key=str) == sorted(full, key=str)
    assert MergedRange(1, 2, 1, 3) in fast
    assert len(fast) == 131


def test_merged_ranges_are_found_in_a_part_with_prefixed_namespaces():
    part = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>sheetData</x:t></x:is></x:c></x:row>'
        b"</x:sheetData><x:mergeCells count=\"2\"><x:mergeCell ref=\"A1:C1\"/><x:mergeCell ref=\"B2:B9\"/>"
        b"</x:mergeCells></x:worksheet>"
    )
    ranges = read_merged_ranges(lambda: io.BytesIO(part))
    assert ranges == [MergedRange(1, 1, 1, 3), MergedRange(2, 2, 9, 2)]


def test_a_part_without_a_recognisable_root_falls_back_to_the_full_parse():
    part = b"<worksheet><sheetData/><mergeCells><mergeCell ref=\"A1:B2\"/></mergeCells></worksheet>".rjust(70000)
    assert read_merged_ranges(lambda: io.BytesIO(part)) == [MergedRange(1, 1, 2, 2)]


def test_a_wrong_dimension_record_does_not_cut_the_sheet_short(tmp_path):
    rows = [["房号", "姓名"], *[[f"3-2-{1200 + i}", f"人{i}"] for i in range(1, 6)]]
    good = simple_book(tmp_path / "good.xlsx", rows)
    lying = tmp_path / "lying.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(lying, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:B6"/>', b'<dimension ref="A1"/>')
            target.writestr(item, data)
    assert len(rows_of(lying)["Sheet1"]) == 6


def test_hidden_sheets_are_not_read(tmp_path):
    book = Workbook()
    book.active.append(["房号"])
    hidden = book.create_sheet("下拉列表")
    hidden.append(["空置"])
    hidden.sheet_state = "hidden"
    book.save(tmp_path / "h.xlsx")
    assert list(rows_of(tmp_path / "h.xlsx")) == ["Sheet"]


# --- csv ------------------------------------------------------------------------------

CSV_TEXT = "房号,姓名,电话\r\n3-2-1201,张三,13812345678\r\n3-2-1202,李四,\"0755-88889999,13900001111\"\r\n"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_or_gbk_reads_the_same(tmp_path, encoding):
    path = tmp_path / "名单.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))
    rows = rows_of(path)["名单"]
    assert rows[0] == (1, ["房号", "姓名", "电话"], True)
    assert rows[2][1] == ["3-2-1202", "李四", "0755-88889999,13900001111"]


def test_tab_separated_utf16_text_from_excel_unicode_export_is_read(tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes(CSV_TEXT.replace(",", "\t").encode("utf-16"))
    assert rows_of(path)["export"][1][1] == ["3-2-1201", "张三", "13812345678"]


def test_csv_cells_written_as_formulas_to_keep_zeros_give_their_text(tmp_path):
    path = tmp_path / "z.csv"
    path.write_text('房号,邮编\n3-2-1201,="010000"\n', encoding="utf-8")
    assert rows_of(path)["z"][1][1] == ["3-2-1201", "010000"]


def test_blank_csv_cells_are_none_and_blank_lines_have_no_value(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("房号,姓名\n,\n3-2-1201,\n", encoding="utf-8")
    rows = rows_of(path)["b"]
    assert rows[1] == (2, [None, None], False)
    assert rows[2] == (3, ["3-2-1201", None], True)


def test_a_csv_with_only_whitespace_is_reported_as_empty(tmp_path):
    (tmp_path / "w.csv").write_text(" \n\n", encoding="utf-8")
    assert "没有任何内容" in message_for(tmp_path / "w.csv")


def test_decode_text_prefers_utf8_and_falls_back_to_gb18030():
    assert decode_text("张三".encode()) == "张三"
    assert decode_text("张三".encode("gbk")) == "张三"
    assert decode_text(b"\xef\xbb\xbf\xe5\xbc\xa0") == "张"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("房号,姓名\n1,2\n", ","),
        ("房号\t姓名\t备注\n3-2-1201\t张三\t有逗号,在备注里\n", "\t"),
        ("房号;姓名\n1;2\n", ";"),
    ],
)
def test_sniff_delimiter_picks_the_separator_used_on_every_line(text, expected):
    assert sniff_delimiter(text) == expected


# --- saving ---------------------------------------------------------------------------


def test_save_workbook_replaces_the_target_in_one_step(tmp_path):
    out = tmp_path / "sub" / "out.xlsx"
    book = Workbook()
    book.active["A1"] = "新"
    assert save_workbook(book, out) == out
    assert load_workbook(out).active["A1"].value == "新"
    assert [p.name for p in out.parent.iterdir()] == ["out.xlsx"]


def test_save_workbook_onto_something_it_cannot_replace_is_a_chinese_message(tmp_path):
    (tmp_path / "taken.xlsx").mkdir()
    with pytest.raises(BadInput) as caught:
        save_workbook(Workbook(), tmp_path / "taken.xlsx")
    assert "无法保存" in caught.value.message
    assert [p.name for p in tmp_path.iterdir()] == ["taken.xlsx"]
