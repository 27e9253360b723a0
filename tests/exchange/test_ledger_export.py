"""The exported ledger workbook: title, frozen header, formats, masking note, streaming and cancel."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from butler_desk.domain.errors import Cancelled
from butler_desk.exchange.ledger_export import LedgerExportRow, write_ledger


def _row(i: int = 1, **changes) -> LedgerExportRow:
    values: dict[str, object] = {
        "cluster": "一组团", "room_code": f"3-2-{1200 + i}", "status_label": "已入住",
        "area": Decimal("89.50"), "fee_rate": Decimal("2.80"), "key_client": i % 2 == 1, "name": "张三",
        "role_label": "业主", "phones": "138****5678、139****1111", "id_type_label": "身份证",
        "id_number": "1101**********002X", "mailing_address": "北京市朝阳区建国路1号", "postcode": "100020",
        "move_in": date(2024, 3, 1), "notes": None, "unit_notes": None,
    }
    values.update(changes)
    return LedgerExportRow(**values)


def test_a_masked_export_has_a_title_with_estate_date_and_the_masking_note(tmp_path):
    out = write_ledger([_row()], tmp_path / "台账.xlsx", masked=True, estate_name="翠湖花园",
                       exported_on=date(2026, 11, 27))
    ws = load_workbook(out).active
    assert ws.title == "业户台账"
    assert ws["A1"].value == "翠湖花园 业户台账　导出日期：2026年11月27日　电话、证件号已隐藏"
    assert ws["A1"].font.bold
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:P1"]


def test_an_unmasked_export_says_it_holds_personal_data_instead(tmp_path):
    out = write_ledger([_row(phones="13812345678")], tmp_path / "t.xlsx", masked=False, estate_name="翠湖花园")
    ws = load_workbook(out).active
    assert "已隐藏" not in ws["A1"].value
    assert "请妥善保管" in ws["A1"].value
    assert ws["H3"].value == "13812345678"


def test_the_header_is_frozen_filterable_and_the_values_have_formats(tmp_path):
    rows = [_row(1), _row(2, area=None, fee_rate=None, move_in=None, cluster=None, notes="业主常住外地")]
    ws = load_workbook(write_ledger(rows, tmp_path / "t.xlsx", masked=True, estate_name="翠湖花园")).active
    # The roster template's headers, one person a row: the file imports back as a roster.
    assert [c.value for c in ws[2]] == [
        "组团", "房号", "房屋状态", "建筑面积(㎡)", "物业费单价(元/㎡·月)", "姓名", "身份", "联系电话", "证件类型",
        "证件号码", "通讯地址", "邮政编码", "重点客户", "入住日期", "备注", "房屋备注",
    ]
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:P4"
    assert ws.print_title_rows == "$2:$2"
    first = [c.value for c in ws[3]]
    assert first[:7] == ["一组团", "3-2-1201", "已入住", 89.5, 2.8, "张三", "业主"]
    assert first[11:14] == ["100020", "是", datetime(2024, 3, 1)]
    assert (ws["D3"].number_format, ws["E3"].number_format, ws["N3"].number_format) == ("#,##0.00", "0.00",
                                                                                        "yyyy-mm-dd")
    second = [c.value for c in ws[4]]
    assert (second[0], second[3], second[4], second[12], second[13], second[14]) == (
        None, None, None, "否", None, "业主常住外地")
    assert ws.column_dimensions["K"].width == 30
    assert ws.row_dimensions[2].height == 30


def test_text_that_looks_like_a_formula_or_holds_control_characters_is_written_as_plain_text(tmp_path):
    row = _row(notes="=HYPERLINK(\"http://x\")", name="张三\x07")
    ws = load_workbook(write_ledger([row], tmp_path / "t.xlsx", masked=True, estate_name="")).active
    assert ws["O3"].value == "=HYPERLINK(\"http://x\")"
    assert ws["O3"].data_type == "s"
    assert ws["F3"].value == "张三"
    assert ws["A1"].value.startswith("业户台账　导出日期")


def test_rows_stream_from_a_generator_with_progress(tmp_path):
    seen: list[tuple[int, int]] = []
    rows = (_row(i) for i in range(1, 1201))
    out = write_ledger(rows, tmp_path / "t.xlsx", masked=True, estate_name="翠湖花园",
                       progress=lambda done, total: seen.append((done, total)))
    assert sum(1 for _ in load_workbook(out, read_only=True).active.iter_rows(values_only=True)) == 1202
    assert seen == [(500, 500), (1000, 1000), (1200, 1200)]


def test_a_list_reports_its_length_as_the_total(tmp_path):
    seen: list[tuple[int, int]] = []
    write_ledger([_row(i) for i in range(1, 601)], tmp_path / "t.xlsx", masked=True, estate_name="x",
                 progress=lambda done, total: seen.append((done, total)))
    assert seen == [(500, 600), (600, 600)]


def test_a_cancelled_export_leaves_no_file(tmp_path):
    with pytest.raises(Cancelled):
        write_ledger((_row(i) for i in range(1, 2000)), tmp_path / "t.xlsx", masked=True, estate_name="x",
                     is_cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == []


def test_an_export_over_an_existing_file_replaces_it(tmp_path):
    out = tmp_path / "t.xlsx"
    write_ledger([_row(1), _row(2)], out, masked=True, estate_name="x")
    write_ledger([_row(3)], out, masked=True, estate_name="x")
    ws = load_workbook(out).active
    assert [c.value for c in ws["B"]][2:] == ["3-2-1203"]
