"""Streaming worksheet rows: the same values as openpyxl's read-only mode, in one pass over the file."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.reader.strings import read_string_table

from butler_desk.domain.errors import BadInput
from butler_desk.exchange.sheets import open_spreadsheet
from butler_desk.exchange.xlsx_stream import (
    UNCALCULATED,
    dimension_rows,
    load_streaming_workbook,
    read_shared_strings,
)

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ROWS = [
    ["房号", "姓名", "面积", "入住日期", "重点", "备注"],
    ["3-2-1201", "张三", 89.5, date(2024, 3, 1), True, None],
    [None, "  李四 ", 120, datetime(2023, 1, 2, 8, 30), False, "=1+1"],
    [],
    ["3-2-1202", "王五", None, None, None, "备注\n两行"],
]


def _openpyxl_rows(path: Path) -> list[tuple[int, list]]:
    book = load_workbook(path, read_only=True, data_only=True)
    ws = book.worksheets[0]
    ws.reset_dimensions()
    rows = [(number, list(values)) for number, values in enumerate(ws.iter_rows(values_only=True), start=1)]
    book.close()
    return rows


def _streamed_rows(path: Path, *, uncalculated_as_none: bool = True) -> list[tuple[int, list]]:
    """The streamed rows; a formula never calculated reads as None, as openpyxl reads it, unless asked."""
    with path.open("rb") as handle:
        book = load_streaming_workbook(handle)
        rows = list(book.worksheets[0].values_by_row())
        book.close()
    if uncalculated_as_none:
        rows = [(n, [None if v is UNCALCULATED else v for v in values]) for n, values in rows]
    return rows


def test_a_formula_saved_without_its_result_is_marked_not_read_as_blank(shared_strings_book):
    # "=1+1" written by openpyxl has no cached result: openpyxl reads None, we say what it is.
    rows = _streamed_rows(shared_strings_book, uncalculated_as_none=False)
    assert rows[2][1][5] is UNCALCULATED
    assert sum(v is UNCALCULATED for _n, values in rows for v in values) == 1


def test_a_formula_whose_result_is_empty_text_is_blank_not_uncalculated(tmp_path):
    book = Workbook()
    book.active.append(["房号", "备注"])
    book.active.append(["3-2-1201", None])
    path = tmp_path / "empty-text.xlsx"
    book.save(path)
    # What Excel saves for =IF(A2="","",A2) that gave "": a text type with an empty value.
    def add_formula(data: bytes) -> bytes:
        row = data.index(b'<row r="2"')
        end = data.index(b"</row>", row)
        return data[:end] + b'<c r="B2" t="str"><f>IF(1,"","")</f><v></v></c>' + data[end:]

    changed = _rewrite_part(path, "xl/worksheets/sheet1.xml", add_formula)
    rows = _streamed_rows(changed, uncalculated_as_none=False)
    assert rows[1] == (2, ["3-2-1201", None])


def _rewrite_part(path: Path, name: str, change) -> Path:
    out = path.with_name(path.stem + "-changed.xlsx")
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            new.writestr(item, change(data) if item.filename == name else data)
    return out


@pytest.fixture
def shared_strings_book(tmp_path) -> Path:
    """A normal openpyxl workbook: text in the shared-string table, a dimension record, a gap row."""
    book = Workbook()
    ws = book.active
    for row in ROWS:
        ws.append(row)
    ws["B9"] = "最后一行"
    path = tmp_path / "shared.xlsx"
    book.save(path)
    return path


@pytest.fixture
def inline_strings_book(tmp_path) -> Path:
    """A write-only workbook: text inline in each cell and no dimension record."""
    book = Workbook(write_only=True)
    ws = book.create_sheet("业户资料")
    for row in ROWS:
        ws.append(row)
    path = tmp_path / "inline.xlsx"
    book.save(path)
    return path


def test_given_shared_strings_when_streamed_then_rows_equal_openpyxl_read_only(shared_strings_book):
    streamed = _streamed_rows(shared_strings_book)
    assert streamed == _openpyxl_rows(shared_strings_book)
    assert streamed[1] == (2, ["3-2-1201", "张三", 89.5, datetime(2024, 3, 1), True])
    assert streamed[3] == (4, [])  # the empty row is there, empty
    assert [number for number, _ in streamed] == list(range(1, 10))  # rows 6-8 are missing in the file


def test_given_inline_strings_when_streamed_then_rows_equal_openpyxl_read_only(inline_strings_book):
    streamed = _streamed_rows(inline_strings_book)
    assert streamed == _openpyxl_rows(inline_strings_book)
    assert streamed[2][1][1] == "  李四 " and streamed[4][1][5] == "备注\n两行"  # text exactly as stored


def test_given_rich_and_phonetic_inline_text_when_streamed_then_text_is_what_openpyxl_reads(tmp_path):
    book = Workbook(write_only=True)
    ws = book.create_sheet("业户资料")
    ws.append(["房号", "姓名"])
    ws.append(["3-2-1201", "RICH"])
    ws.append(["3-2-1202", "EMPTY-FIRST"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)

    def rich(data: bytes) -> bytes:
        # Two formatted runs with a phonetic guide; an empty <t/> before a run.
        data = data.replace(
            b"<is><t>RICH</t></is>",
            '<is><r><rPr><b/></rPr><t>张</t></r><r><t xml:space="preserve">三 </t></r>'
            '<rPh sb="0" eb="1"><t>zhang</t></rPh></is>'.encode())
        return data.replace(b"<is><t>EMPTY-FIRST</t></is>", "<is><t/><r><t>王五</t></r></is>".encode())

    path = _rewrite_part(plain, "xl/worksheets/sheet1.xml", rich)
    streamed = _streamed_rows(path)
    assert streamed == _openpyxl_rows(path)
    assert streamed[1:] == [(2, ["3-2-1201", "张三 "]), (3, ["3-2-1202", "王五"])]


def test_shared_string_table_reads_like_openpyxl_with_runs_phonetics_and_escapes():
    table = (
        f'<sst xmlns="{MAIN_NS}"><si><t>a_x005F_x000D_b</t></si>'
        '<si><r><t>x</t></r><r><rPr><b/></rPr><t xml:space="preserve"> y </t></r>'
        '<rPh sb="0" eb="1"><t>音</t></rPh></si>'
        '<si><t/></si><si/><si><t>1</t><t>2</t></si><si><t>中文</t><phoneticPr fontId="1"/></si></sst>'
    ).encode()
    ours = read_shared_strings(io.BytesIO(table))
    assert ours == read_string_table(io.BytesIO(table))
    assert ours == ["a_x000D_b", "x y ", "", "", "2", "中文"]


@pytest.mark.parametrize(
    ("head", "rows"),
    [
        (b'<worksheet xmlns="m"><dimension ref="A1:N2003"/><sheetData>', 2003),
        (b'<worksheet xmlns="m"><sheetPr/><dimension ref="A1"/><sheetViews/><sheetData/>', 1),
        (b"<x:worksheet xmlns:x=\"m\"><x:dimension ref='$A$1:$C$17'/><x:sheetData>", 17),
        (b'<worksheet xmlns="m"><sheetData><row r="1"/></sheetData><dimension ref="A1:B9"/>', 0),
        (b'<worksheet xmlns="m"><sheetData><row r="1"/>', 0),
    ],
)
def test_dimension_rows_reads_the_record_before_the_rows_only(head, rows):
    assert dimension_rows(io.BytesIO(head)) == rows


def test_given_a_dimension_record_when_opened_then_it_estimates_the_rows(shared_strings_book, inline_strings_book):
    with open_spreadsheet(shared_strings_book) as book:
        assert book.sheets[0].estimated_rows == 9
    with open_spreadsheet(inline_strings_book) as book:
        assert book.sheets[0].estimated_rows == 0  # no record: unknown, and no pass over the rows to find out


def test_given_rows_damaged_after_the_head_when_read_then_the_message_says_the_file_is_damaged(inline_strings_book):
    # Opening reads no row (openpyxl would parse the whole sheet to size it), so the damage
    # surfaces while the rows are read, as the usual message rather than a parser error.
    def damage(data: bytes) -> bytes:
        return data.replace(b"</row>", b"</rowx>", 3)

    path = _rewrite_part(inline_strings_book, "xl/worksheets/sheet1.xml", damage)
    with open_spreadsheet(path) as book:
        sheet = book.sheets[0]
        with pytest.raises(BadInput, match="已损坏或不完整"):
            list(sheet.rows())
