"""The import template: what it contains, and that the reader takes it as written and as filled in."""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import load_workbook

from butler_desk.domain.enums import IdType, PartyRole, UnitStatus
from butler_desk.exchange.roster import read_roster
from butler_desk.exchange.roster_columns import (
    MATCHER,
    ROSTER_COLUMNS,
    TEMPLATE_COLUMNS,
)
from butler_desk.exchange.roster_template import write_roster_template


@pytest.fixture
def template(tmp_path):
    return write_roster_template(tmp_path / "业户资料导入模板.xlsx")


def test_the_template_has_the_data_sheet_and_the_rules_sheet(template):
    book = load_workbook(template)
    assert book.sheetnames == ["业户资料", "填写说明"]
    ws = book["业户资料"]
    assert [c.value for c in ws[1]] == [c.header for c in TEMPLATE_COLUMNS]
    assert [c.value for c in ws[1]][:2] == ["组团", "房号"]
    assert ws.freeze_panes == "C3"


def test_the_instructions_row_is_grey_italic_and_the_example_row_is_marked(template):
    ws = load_workbook(template)["业户资料"]
    hints = ws[2]
    assert all(cell.font.italic for cell in hints)
    assert all(cell.font.color.rgb.endswith("7F7F7F") for cell in hints)
    assert all(str(cell.value).startswith(("必填", "选填")) for cell in hints)
    example = {header.value: cell.value for header, cell in zip(ws[1], ws[3], strict=True)}
    assert example["备注"] == "示例"
    assert example["房号"] == "3-2-1201"
    assert example["入住日期"] == datetime(2024, 3, 1)
    assert ws["N3"].number_format == "yyyy-mm-dd"


def test_columns_have_widths_and_digit_columns_are_text(template):
    ws = load_workbook(template)["业户资料"]
    for position, column in enumerate(TEMPLATE_COLUMNS, start=1):
        letter = ws.cell(1, position).column_letter
        assert ws.column_dimensions[letter].width == column.width
    for header in ("房号", "联系电话", "证件号码", "邮政编码"):
        position = [c.value for c in ws[1]].index(header) + 1
        letter = ws.cell(1, position).column_letter
        assert ws.column_dimensions[letter].number_format == "@"
        assert ws.cell(3, position).number_format == "@"


def test_dropdowns_offer_the_status_role_key_client_and_id_type_choices(template):
    ws = load_workbook(template)["业户资料"]
    headers = [c.value for c in ws[1]]
    lists = {}
    for rule in ws.data_validations.dataValidation:
        if rule.type == "list":
            first = str(rule.sqref).split(":")[0]
            lists[headers[ws[first].column - 1]] = (rule.formula1.strip('"').split(","), str(rule.sqref))
    assert lists["房屋状态"][0] == list(UnitStatus.labels())
    assert lists["身份"][0] == list(PartyRole.labels())
    assert lists["重点客户"][0] == ["是", "否"]
    assert lists["证件类型"][0] == list(IdType.labels())
    assert lists["房屋状态"][1] == "E3:E5003"
    kinds = {rule.type for rule in ws.data_validations.dataValidation}
    assert {"decimal", "date"} <= kinds


def test_the_rules_sheet_explains_every_column_and_the_example_mark(template):
    ws = load_workbook(template)["填写说明"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "备注为“示例”的行不会导入" in text
    for column in ROSTER_COLUMNS:
        assert column.header in text
    assert "一行填一个人" in text


def test_the_reader_takes_the_untouched_template_as_empty(template):
    roster = read_roster(template)
    assert (roster.sheets, roster.rows, roster.issues, roster.total_rows) == (["业户资料"], [], [], 0)


def test_the_reader_reads_a_filled_template_and_the_overwritten_example(template):
    book = load_workbook(template)
    ws = book["业户资料"]
    ws["B3"], ws["F3"], ws["O3"] = "5-1-101", "赵六", None  # the example row, made real
    ws.append(["一组团", "3-2-1201", 89.5, 2.8, "已入住", "张三", "业主", "13812345678、13900001111", "身份证",
               "11010519491231002X", "北京市朝阳区建国路1号", "100020", "是", datetime(2024, 3, 1), None])
    ws.append(["一组团", "3-2-1201", None, None, None, "李梅", "家属", "13900002222"])
    book.save(template)

    roster = read_roster(template)

    assert roster.issues == []
    assert [(r.row, r.room.code, r.name, r.role) for r in roster.rows] == [
        (3, "5-1-101", "赵六", PartyRole.OWNER), (4, "3-2-1201", "张三", PartyRole.OWNER),
        (5, "3-2-1201", "李梅", PartyRole.FAMILY),
    ]
    zhang = roster.rows[1]
    assert (zhang.phones, zhang.id_type, zhang.postcode, zhang.key_client) == (
        ("13812345678", "13900001111"), IdType.RESIDENT_ID, "100020", True)


def test_every_column_header_and_synonym_is_recognised():
    for column in ROSTER_COLUMNS:
        for spelling in (column.header, *column.synonyms):
            assert MATCHER.key_of(spelling) == column.key or (column.key, spelling) == ("room", "单元号")
