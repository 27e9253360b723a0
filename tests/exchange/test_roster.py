"""Reading real-looking roster files into rows and row issues."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from butler_desk.domain.contacts import parse_phones
from butler_desk.domain.enums import IdType, PartyRole, UnitStatus
from butler_desk.domain.errors import BadInput, Cancelled
from butler_desk.domain.rooms import parse_room_code
from butler_desk.exchange.roster import RosterRow, RowIssue, read_roster

ID_1 = "11010519491231002X"  # the standard's sample number: valid check character
ID_2 = "440305199003071236"


def book_with(path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        for ref in (merges or {}).get(title, []):
            ws.merge_cells(ref)
    book.save(path)
    return path


def one_sheet(tmp_path: Path, rows: list[list[object]], merges: list[str] | None = None) -> Path:
    return book_with(tmp_path / "roster.xlsx", {"业户资料": rows}, {"业户资料": merges or []})


def messages(roster) -> list[tuple[int, str, str, str]]:
    return [(i.row, i.column, i.column_letter, i.message) for i in roster.issues]


# --- the file a real office sends -------------------------------------------------------

MESSY_HEADER = [
    "序号", "组 团", "房号", "业主\n姓名", "身份", "手机号码", "固定电话", "身份证号", "面积（㎡）",
    "收费标准(元/㎡·月)", "房屋状态", "重点客户(是/否)", "入伙日期", "通讯地址", "邮政编码", "备注", "车位号",
]


def messy_office_file(tmp_path: Path) -> Path:
    rows = [
        ["翠湖花园业主资料登记表（2026年）"],
        ["制表：客服中心", None, None, None, None, None, None, None, None, None, None, None, "更新：2026-11-01"],
        MESSY_HEADER,
        [1, "一组团", "3-2-1201", "张  三", "业主", "138 1234 5678", "0755-8888 9999", ID_1, 89.5,
         "2.80", "已入住", "√", datetime(2024, 3, 1), "广东省深圳市南山区科技园路1号", 518000, None, "B-101"],
        [2, None, None, "李梅", "配偶", "139-0000-1111/13900002222", None, None, None,
         None, None, None, None, None, None, None, None],
        [None] * 17,
        [3, None, "３＃２－１２０２", "王五", "租户", "１３７００００１１１１", None, "E12345678", "95.12㎡",
         2.8, "出租", "N", "2025/6/1", None, None, "租期两年", None],
        [4, None, "3-2-1203", None, None, None, None, None, "120", "2.8", "空置", None, None, None, None, None,
         None],
        [5, "二组团", "12-1-301", "钱七", None, "13812340000", None, ID_2, 100, 3, "装修中", "是", 45352,
         None, "010000", None, None],
        ["合计", None, None, None, None, None, None, None, 404.62],
    ]
    return one_sheet(tmp_path, rows, ["A1:Q1", "B4:B8", "C4:C5", "I4:I5", "J4:J5", "K4:K5"])


def test_a_messy_office_file_reads_into_clean_rows(tmp_path):
    roster = read_roster(messy_office_file(tmp_path))

    assert roster.issues == []
    assert roster.sheets == ["业户资料"]
    assert roster.total_rows == 5
    zhang, li, wang, vacant, qian = roster.rows
    assert zhang == RosterRow(
        sheet="业户资料", row=4, room=zhang.room, cluster="一组团", area=Decimal("89.50"),
        fee_rate=Decimal("2.80"), status=UnitStatus.OCCUPIED, name="张三", role=PartyRole.OWNER,
        phones=("13812345678", "0755-88889999"), id_type=IdType.RESIDENT_ID, id_number=ID_1,
        mailing_address="广东省深圳市南山区科技园路1号", postcode="518000", key_client=True,
        move_in=date(2024, 3, 1), notes=None,
    )
    assert zhang.room.code == "3-2-1201"
    # the room, 组团, area, rate and status are merged down over the family row
    assert (li.row, li.room.code, li.cluster, li.area, li.status) == (5, "3-2-1201", "一组团", Decimal("89.50"),
                                                                        UnitStatus.OCCUPIED)
    assert (li.name, li.role, li.phones) == ("李梅", PartyRole.FAMILY, ("13900001111", "13900002222"))
    assert (wang.row, wang.room.code, wang.cluster, wang.role) == (7, "3-2-1202", "一组团", PartyRole.TENANT)
    assert (wang.area, wang.key_client, wang.move_in) == (Decimal("95.12"), False, date(2025, 6, 1))
    assert wang.notes == "租期两年"
    assert (wang.phones, wang.id_type, wang.id_number) == (("13700001111",), IdType.PASSPORT, "E12345678")
    assert (vacant.name, vacant.role, vacant.phones, vacant.status) == (None, PartyRole.OWNER, (), UnitStatus.VACANT)
    assert (qian.cluster, qian.area, qian.fee_rate, qian.move_in) == ("二组团", Decimal("100.00"), Decimal("3.00"),
                                                                     date(2024, 3, 1))
    assert (qian.status, qian.key_client, qian.postcode) == (UnitStatus.RENOVATING, True, "010000")


def test_separate_building_unit_and_room_columns_make_the_room_code(tmp_path):
    path = one_sheet(tmp_path, [
        ["楼栋", "单元", "房号", "姓名"],
        ["3栋", "2单元", 1201, "张三"],
        [None, None, 1202, "李四"],
        [12, None, "301室", "王五"],
        ["3号楼", 2, "3-2-1203", "赵六"],  # the room column repeats the whole code
        [None, None, "5-1-101", "钱七"],  # no building: the room cell must say it all
    ], ["A2:A3", "B2:B3"])

    roster = read_roster(path)

    assert roster.issues == []
    assert [r.room.code for r in roster.rows] == ["3-2-1201", "3-2-1202", "12-301", "3-2-1203", "5-1-101"]


def test_a_split_room_with_a_missing_building_or_bad_part_names_the_column(tmp_path):
    path = one_sheet(tmp_path, [
        ["楼栋", "单元", "房号", "姓名"],
        [None, 2, 1201, "张三"],
        [3, "ABC", 1202, "李四"],
        [3, 2, None, "王五"],
    ])
    found = messages(read_roster(path))
    assert found[0][:3] == (2, "楼栋", "A") and "缺少楼栋" in found[0][3]
    assert found[1][:3] == (3, "单元", "B") and "单元" in found[1][3]
    assert found[2][:3] == (4, "房号", "C") and "缺少房号" in found[2][3]


def test_a_lone_unit_number_column_is_the_room_code(tmp_path):
    roster = read_roster(one_sheet(tmp_path, [["单元号", "客户名称"], ["3-2-1201", "张三"]]))
    assert [(r.room.code, r.name) for r in roster.rows] == [("3-2-1201", "张三")]


def test_a_phase_prefix_on_the_room_moves_to_the_cluster(tmp_path):
    roster = read_roster(one_sheet(tmp_path, [
        ["组团", "房号", "姓名"],
        [None, "一期3-2-1201", "张三"],
        ["一期", "一期3-2-1202", "李四"],
        ["二期", "一期3-2-1203", "王五"],
    ]))
    assert [(r.room.code, r.cluster) for r in roster.rows] == [("3-2-1201", "一期"), ("3-2-1202", "一期")]
    assert messages(roster)[0][:3] == (4, "房号", "B") and "不一致" in messages(roster)[0][3]


# --- every problem, with where and why ---------------------------------------------------


def test_every_problem_of_a_row_is_reported_and_the_row_is_left_out(tmp_path):
    path = one_sheet(tmp_path, [
        ["房号", "姓名", "联系电话", "建筑面积", "入住日期", "房屋状态", "身份证号", "重点客户"],
        ["3-2-1201", "张三", "1381234567", "约90", "2024-02-30", "住着", "110105194912310021", "也许"],
        ["3-2-1202", "李四", "13812345678", 88, "2024-03-01", "已入住", ID_1, "否"],
    ])

    roster = read_roster(path)

    assert [r.name for r in roster.rows] == ["李四"]
    assert roster.total_rows == 2
    assert [(row, column, letter) for row, column, letter, _ in messages(roster)] == [
        (2, "联系电话", "C"), (2, "建筑面积", "D"), (2, "入住日期", "E"), (2, "房屋状态", "F"),
        (2, "身份证号", "G"), (2, "重点客户", "H"),
    ]
    text = " ".join(m for *_, m in messages(roster))
    for reason in ("应为 11 位", "不是数字", "不存在", "无法识别的房屋状态", "校验位", "是”或“否"):
        assert reason in text


def test_a_row_without_a_room_and_a_person_without_a_name_are_issues(tmp_path):
    path = one_sheet(tmp_path, [
        ["房号", "姓名", "电话", "身份", "证件号码"],
        [None, "张三", "13812345678", None, None],
        ["3-2-1201", None, "13812345678", "租户", ID_1],
        ["3-2-1202", None, None, None, None],  # a unit on its own is fine
    ])
    roster = read_roster(path)
    assert [r.room.code for r in roster.rows] == ["3-2-1202"]
    (row1, column1, letter1, m1), (row2, column2, letter2, m2) = messages(roster)
    assert (row1, column1, letter1) == (2, "房号", "A") and "缺少房号" in m1
    assert (row2, column2, letter2) == (3, "姓名", "B")
    assert m2 == "填写了身份、证件号码、电话，但没有姓名：请补上姓名，或删去这些内容"


def test_a_duplicate_room_and_name_is_an_issue_on_the_later_row_even_across_sheets(tmp_path):
    path = book_with(tmp_path / "d.xlsx", {
        "一组团": [["房号", "姓名"], ["3-2-1201", "张三"], ["3-2-1201", "李梅"], ["3-2-1201", "张三"]],
        "二组团": [["房号", "姓名"], ["3栋2单元1201", "张三"]],
    })
    roster = read_roster(path)
    assert [(r.sheet, r.row) for r in roster.rows] == [("一组团", 2), ("一组团", 3)]
    assert [(i.sheet, i.row, i.column) for i in roster.issues] == [("一组团", 4, ""), ("二组团", 2, "")]
    assert "与第 2 行重复" in roster.issues[0].message
    assert "与工作表“一组团”第 2 行重复" in roster.issues[1].message


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("#N/A", "公式错误值 #N/A"),
        (datetime(2001, 3, 2), "识别成了日期"),
        ("3栋2单元", "缺少室号"),
        ("12楼", "分不清"),
    ],
)
def test_bad_room_cells_get_a_reason(tmp_path, cell, expected):
    roster = read_roster(one_sheet(tmp_path, [["房号", "姓名"], [cell, "张三"]]))
    assert roster.rows == []
    assert expected in roster.issues[0].message
    assert (roster.issues[0].column, roster.issues[0].column_letter) == ("房号", "A")


def test_an_id_number_excel_turned_into_a_number_is_explained(tmp_path):
    roster = read_roster(one_sheet(tmp_path, [["房号", "姓名", "身份证号"], ["3-2-1201", "张三", 1.10105194912310e17]]))
    assert "科学计数法" in roster.issues[0].message


def test_an_id_number_stored_as_an_exact_integer_is_accepted(tmp_path):
    # Excel and openpyxl write 15 significant digits; a few other programs write every digit.
    written = one_sheet(tmp_path, [["房号", "姓名", "身份证号"], ["3-2-1201", "张三", 440305199003071236]])
    exact = tmp_path / "exact.xlsx"
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(exact, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b"<v>4.403051990030712e+17</v>" in data
                data = data.replace(b"<v>4.403051990030712e+17</v>", b"<v>440305199003071236</v>")
            target.writestr(item, data)
    assert read_roster(exact).rows[0].id_number == ID_2


def test_names_with_several_people_or_digits_are_refused(tmp_path):
    roster = read_roster(one_sheet(tmp_path, [
        ["房号", "姓名"], ["3-2-1201", "张三、李梅"], ["3-2-1202", "13812345678"], ["3-2-1203", "阿卜杜·热合曼"],
    ]))
    assert [r.name for r in roster.rows] == ["阿卜杜·热合曼"]
    assert "一行只填一个人" in roster.issues[0].message
    assert "不像姓名" in roster.issues[1].message


def test_areas_and_rates_out_of_range_are_issues(tmp_path):
    roster = read_roster(one_sheet(tmp_path, [
        ["房号", "面积", "单价"], ["3-2-1201", 0, 2.5], ["3-2-1202", 89, 260], ["3-2-1203", 89.456, 2.555],
    ]))
    assert [(r.area, r.fee_rate) for r in roster.rows] == [(Decimal("89.46"), Decimal("2.56"))]
    assert "应大于 0" in roster.issues[0].message
    assert "不是每月总额" in roster.issues[1].message


# --- rows that are not data ---------------------------------------------------------------


def test_instruction_example_total_and_repeated_header_rows_are_skipped(tmp_path):
    roster = read_roster(one_sheet(tmp_path, [
        ["房号", "姓名", "备注"],
        ["必填。如 3-2-1201", "选填。", "选填。"],
        ["3-2-1201", "张三", "示例"],
        ["3-2-1202", "李四", None],
        [None, None, None],
        ["房号", "姓名", "备注"],
        ["3-2-1203", "王五", "示例房"],
        ["合计：2 户", None, None],
    ]))
    assert [(r.row, r.name) for r in roster.rows] == [(4, "李四"), (7, "王五")]
    assert roster.total_rows == 2
    assert roster.issues == []


def test_unknown_columns_are_ignored_and_sheets_without_a_header_are_skipped(tmp_path):
    path = book_with(tmp_path / "s.xlsx", {
        "说明": [["本表用于登记业户资料"], ["请勿外传"]],
        "一组团": [["房号", "姓名", "车牌号", "宠物"], ["3-2-1201", "张三", "粤B12345", "猫"]],
        "二组团": [["楼号", "单元", "房号", "业主"], [5, 1, 101, "李四"]],
    })
    roster = read_roster(path)
    assert roster.sheets == ["一组团", "二组团"]
    assert [(r.sheet, r.room.code, r.name) for r in roster.rows] == [
        ("一组团", "3-2-1201", "张三"), ("二组团", "5-1-101", "李四")
    ]


def test_a_workbook_without_any_roster_header_is_a_file_level_error_listing_the_headers(tmp_path):
    path = book_with(tmp_path / "n.xlsx", {"Sheet1": [["车牌号", "车主"], ["粤B12345", "张三"]]})
    with pytest.raises(BadInput) as caught:
        read_roster(path)
    assert "没有找到业户资料的表头" in caught.value.message
    for header in ("房号", "姓名", "联系电话", "建筑面积(㎡)", "入住日期"):
        assert header in caught.value.message


def test_a_header_without_a_room_column_is_named(tmp_path):
    path = book_with(tmp_path / "n.xlsx", {"名单": [["标题"], ["姓名", "联系电话"], ["张三", "13812345678"]]})
    with pytest.raises(BadInput) as caught:
        read_roster(path)
    assert caught.value.message.startswith("工作表“名单”第 2 行像是表头，但没有房号列")


# --- csv ----------------------------------------------------------------------------------

CSV = (
    "组团,房号,姓名,联系电话,建筑面积,入住日期,身份证号,邮编\n"
    "一组团,3-2-1201,张三,\"138 1234 5678, 0755-88889999\",89.50,2024/3/1,11010519491231002X,010000\n"
    "一组团,3-2-1202,李四,13900001111,95,2024年3月1日,,\n"
    ",,,,,,,\n"
    "一组团,3-2-1203,王五,1390000,95,20240230,,\n"
)


@pytest.mark.parametrize(("encoding", "separator"), [("utf-8-sig", ","), ("gbk", ","), ("utf-8", "\t")])
def test_csv_rosters_in_any_common_encoding_read_the_same(tmp_path, encoding, separator):
    path = tmp_path / "花名册.csv"
    path.write_bytes(CSV.replace(",", separator).encode(encoding))
    roster = read_roster(path)
    assert roster.sheets == ["花名册"]
    assert [(r.room.code, r.name, r.phones) for r in roster.rows] == [
        ("3-2-1201", "张三", ("13812345678", "0755-88889999")), ("3-2-1202", "李四", ("13900001111",))
    ]
    assert roster.rows[0].postcode == "010000"
    assert roster.rows[1].move_in == date(2024, 3, 1)
    assert [(i.sheet, i.row, i.column_letter) for i in roster.issues] == [("花名册", 5, "D"), ("花名册", 5, "F")]


# --- progress and cancel ------------------------------------------------------------------


def _many_rows(tmp_path: Path, count: int) -> Path:
    return one_sheet(tmp_path, [["房号", "姓名"], *[[f"8-1-{100 + i}", f"业主{i}"] for i in range(1, count + 1)]])


def test_progress_is_reported_and_ends_at_the_total(tmp_path):
    seen: list[tuple[int, int]] = []
    roster = read_roster(_many_rows(tmp_path, 700), progress=lambda done, total: seen.append((done, total)))
    assert len(roster.rows) == 700
    assert seen[-1] == (700, 700)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert all(done <= total for done, total in seen)


def test_cancelling_stops_the_read(tmp_path):
    asked = {"n": 0}

    def cancel_on_second_check() -> bool:
        asked["n"] += 1
        return asked["n"] >= 2

    with pytest.raises(Cancelled):
        read_roster(_many_rows(tmp_path, 700), is_cancelled=cancel_on_second_check)
    assert asked["n"] == 2


def test_row_issue_is_a_plain_value():
    issue = RowIssue("业户资料", 3, "联系电话", "D", "手机号应为 11 位数字")
    assert issue == RowIssue("业户资料", 3, "联系电话", "D", "手机号应为 11 位数字")


ROOM_SPELLINGS = [
    "3-2-1201", "3-1201", "9999-99-99999", "1-1-1", "03-2-1201", "3-02-1201", "3-2-01201", "12A-1-301",
    "3栋2单元1201", "12345-1-1", "3-2-123456", "3-100-1201", "0-1-1",
]


def test_room_codes_read_exactly_as_the_domain_parses_them(tmp_path):
    # The reader takes a shortcut for codes already in canonical form; it must agree with the domain.
    rows = [[text, f"业主{i}"] for i, text in enumerate(ROOM_SPELLINGS)]
    roster = read_roster(one_sheet(tmp_path, [["房号", "姓名"], *rows]))
    by_row = {r.row: r.room for r in roster.rows}
    issues = {i.row: i.message for i in roster.issues}
    for row, text in enumerate(ROOM_SPELLINGS, start=2):
        try:
            expected = parse_room_code(text)
        except BadInput as exc:
            assert issues[row] == exc.message
        else:
            assert by_row[row] == expected
            assert by_row[row].code == expected.code


PHONE_SPELLINGS = ["13812345678", "19912345678", "12812345678", "1381234567", "138123456789", "138 1234 5678"]


def test_phones_read_exactly_as_the_domain_parses_them(tmp_path):
    rows = [[f"3-2-{1201 + i}", "张三", text] for i, text in enumerate(PHONE_SPELLINGS)]
    roster = read_roster(one_sheet(tmp_path, [["房号", "姓名", "电话"], *rows]))
    by_row = {r.row: r.phones for r in roster.rows}
    issues = {i.row: i.message for i in roster.issues}
    for row, text in enumerate(PHONE_SPELLINGS, start=2):
        try:
            expected = tuple(p.number for p in parse_phones(text))
        except BadInput as exc:
            assert issues[row] == exc.message
        else:
            assert by_row[row] == expected


# --- what a round trip and a careless file need ---------------------------------------------

def test_formula_cells_never_calculated_are_problems_of_their_cell_not_blanks(tmp_path):
    roster = read_roster(one_sheet(tmp_path, [["房号", "姓名", "建筑面积", "联系电话"],
                                              ["3-2-1201", "张三", "=80+9.5", "=\"138\"&\"12345678\""],
                                              ["3-2-1202", "李四", 90, "13900001111"]]))
    assert messages(roster) == [
        (2, "建筑面积", "C", "公式没有计算结果，请在 Excel 中打开并保存后再导入"),
        (2, "联系电话", "D", "公式没有计算结果，请在 Excel 中打开并保存后再导入"),
    ]
    assert [r.name for r in roster.rows] == ["李四"]


@pytest.mark.parametrize(("moved", "ok"), [(date(1949, 12, 31), False), (date(1950, 1, 1), True),
                                           (date(2027, 12, 5), True), (date(2027, 12, 7), False)])
def test_move_in_dates_far_outside_the_estates_life_are_refused_with_row_and_column(tmp_path, moved, ok):
    path = one_sheet(tmp_path, [["房号", "姓名", "入住日期"], ["3-2-1201", "张三", moved]])
    roster = read_roster(path, today=date(2026, 12, 5))
    if ok:
        assert roster.issues == [] and roster.rows[0].move_in == moved
    else:
        [(row, column, letter, message)] = messages(roster)
        assert (row, column, letter) == (2, "入住日期", "C")
        assert moved.isoformat() in message and "不合理" in message


def test_masked_numbers_from_a_masked_export_are_refused_with_what_to_do(tmp_path):
    roster = read_roster(one_sheet(tmp_path, [["房号", "姓名", "联系电话", "证件号码"],
                                              ["3-2-1201", "张三", "138****5678", "1101**********002X"]]))
    found = messages(roster)
    assert [(column, "隐藏了中间几位" in message) for _row, column, _letter, message in found] == [
        ("联系电话", True), ("证件号码", True)]


def test_a_blank_key_client_cell_is_unknown_not_no_and_unit_notes_are_read(tmp_path):
    roster = read_roster(one_sheet(tmp_path, [["房号", "姓名", "重点客户", "房屋备注"],
                                              ["3-2-1201", "张三", None, "水表在门外"],
                                              ["3-2-1202", "李四", "否", None]]))
    first, second = roster.rows
    assert (first.key_client, first.unit_notes) == (None, "水表在门外")
    assert (second.key_client, second.unit_notes) == (False, None)
