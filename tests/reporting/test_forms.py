"""Rendering forms: blank and filled, one record per page, flowing tables, wrapping inside columns."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from butler_desk.reporting.forms import render_form
from butler_desk.reporting.formspec import list_forms, load_form
from tests.reporting import pdfcheck
from tests.reporting.pdfcheck import MM

LONG = "卫生间地漏反味且厨房水槽下水很慢，住户已自行疏通未果，要求尽快派人上门查看处理。"


def register_rows(count: int) -> list[dict[str, object]]:
    return [{"received_at": datetime(2026, 11, 1 + i % 28, 9, 15), "room": f"3栋2单元{1000 + i}", "reporter": "李四",
             "phone": "13812345678", "kind": "报修", "content": LONG if i % 3 == 0 else "门禁卡失灵",
             "department": "工程部", "handler": "王五"} for i in range(count)]


@pytest.mark.parametrize("form", [f.id for f in list_forms()])
def test_every_form_prints_blank_on_exactly_one_page(tmp_path, company, form):
    out = tmp_path / f"{form}.pdf"

    result = render_form(form, out, company=company)

    spec = load_form(form)
    text = pdfcheck.flat_text(out)
    assert result.pages == pdfcheck.page_count(out) == 1
    assert spec.title in text and f"表号：{spec.number}" in text and "第1页共1页" in text
    assert company.name in text and f"项目：{company.estate}" in text


def test_blank_table_prints_the_requested_number_of_empty_rows(tmp_path, company):
    few, many = tmp_path / "few.pdf", tmp_path / "many.pdf"

    render_form("sign-off-sheet", few, company=company, blank_rows=3)
    render_form("sign-off-sheet", many, company=company, blank_rows=60)

    assert pdfcheck.page_count(few) == 1
    pages = pdfcheck.pages_text(many)
    assert len(pages) >= 3
    for n, page in enumerate(pages, start=1):
        assert "序号" in page and "签收日期" in page  # header repeated on every page
        assert f"第{n}页共{len(pages)}页" in page


def test_filled_table_flows_over_pages_in_order_with_header_repeated(tmp_path, company):
    out = tmp_path / "register.pdf"

    result = render_form("request-register", out, company=company, records=register_rows(45))

    pages = pdfcheck.pages_text(out)
    assert result.pages == len(pages) > 1
    rooms = [int(m) for m in re.findall(r"3栋2单元(\d{4})", pdfcheck.flat_text(out))]
    assert rooms == list(range(1000, 1045))
    for n, page in enumerate(pages, start=1):
        assert "报事内容" in page and f"第{n}页共{len(pages)}页" in page
    assert "13812345678" not in pdfcheck.flat_text(out) and "138****5678" in pdfcheck.flat_text(out)


def test_long_cell_text_wraps_inside_its_column(tmp_path, company):
    from butler_desk.reporting.fonts import get_fontset
    from butler_desk.reporting.formblocks import build_table
    from butler_desk.reporting.text import Pen

    out = tmp_path / "register.pdf"
    rows = register_rows(3)
    rows[0]["content"] = LONG * 3  # longer than any column of a landscape page
    render_form("request-register", out, company=company, records=rows)
    spec = load_form("request-register")
    assert spec.table is not None
    widths = build_table(Pen(get_fontset()), spec.table, rows, spec.content_width, spec.font_size).widths
    index = [c.key for c in spec.table.columns].index("content")
    left = spec.margin + sum(widths[:index])
    right = left + widths[index]

    page = pdfcheck.words(out)[0]
    pieces = [w for w in page.words if len(w.text) >= 3 and w.text in LONG * 3]

    assert "".join(w.text for w in pieces).count(LONG[-8:]) == 3  # the first row's text, all of it
    assert len({round(w.y0) for w in pieces}) >= 3  # wrapped onto several lines
    for word in pieces:
        assert left < word.x0 and word.x1 < right, (word, left, right)


def test_a_filled_register_fits_dates_and_rooms_on_one_line_and_25_rows_on_a_landscape_page(tmp_path, company):
    out = tmp_path / "register.pdf"
    rows = [{"received_at": datetime(2026, 11, 1, 9, 15) + timedelta(minutes=37 * i), "room": f"14-1-{2401 + i}",
             "reporter": "欧阳娜娜", "phone": "138****5678", "kind": "急修", "content": "电梯停在8楼不动，有人被困",
             "department": "工程维修部", "limit": "30分钟到场 按时",
             "finished_at": datetime(2026, 11, 1, 10, 0) + timedelta(minutes=37 * i),
             "visit_result": "基本满意：基本解决了，就是等得有点久", "handler": "李晓红"} for i in range(60)]

    render_form("request-register", out, company=company, records=rows)

    first = pdfcheck.text(out, layout=True, page=1)
    assert sum(1 for line in first.splitlines() if "2026-11-0" in line) >= 25
    assert "2026-11-01 09:15" in first and "14-1-2401" in first  # whole, on one line each
    assert "基本满意：基本解决了，就是等得有点久" in first.replace(" ", "")


def test_record_form_prints_one_record_per_page_with_masked_phone(tmp_path, company):
    out = tmp_path / "complaints.pdf"
    records = [{"code": f"TS-{n}", "complainant": name, "room": "5栋1单元302", "phone": "13912345678",
                "validity": "有效投诉", "content": "夜间装修噪音。"} for n, name in enumerate(["赵六", "钱七", "孙八"])]

    result = render_form("complaint-record", out, company=company, records=records)

    pages = pdfcheck.pages_text(out)
    assert result.pages == 3
    for page, record in zip(pages, records):
        assert record["code"] in page and record["complainant"] in page
        assert "139****5678" in page and "13912345678" not in page
        assert "第1页共1页" in page


def test_blank_and_filled_differ_only_by_the_data(tmp_path, company):
    blank, filled = tmp_path / "blank.pdf", tmp_path / "filled.pdf"
    record = {"code": "KZ-001", "room": "5栋1单元302", "owner": "赵六", "water": "不正常",
              "water_note": "厨房总阀未关，已关闭", "water_meter": 12}

    render_form("vacant-inspection", blank, company=company)
    render_form("vacant-inspection", filled, company=company, records=[record])

    blank_text, filled_text = pdfcheck.flat_text(blank), pdfcheck.flat_text(filled)
    for label in ("编号", "房号", "入户门", "正常", "不正常", "水表读数", "处理情况"):
        assert label in blank_text and label in filled_text
    for value in ("KZ-001", "赵六", "厨房总阀未关", "12m³"):
        assert value not in blank_text and value in filled_text


def test_a_record_too_long_for_one_page_continues_with_numbered_pages(tmp_path, company):
    out = tmp_path / "long.pdf"
    record = {"code": "TS-9", "content": "\n".join(f"第{n}条：{LONG}" for n in range(1, 60))}

    result = render_form("complaint-record", out, company=company, records=[record, {"code": "TS-10"}])

    pages = pdfcheck.pages_text(out)
    assert result.pages == len(pages) >= 3
    first_doc = pages[:-1]
    for n, page in enumerate(first_doc, start=1):
        assert f"第{n}页共{len(first_doc)}页" in page
    assert "投诉内容（续）" in "".join(first_doc[1:])
    assert "第59条" in "".join(first_doc)
    assert "TS-10" in pages[-1] and "第1页共1页" in pages[-1]


def test_work_order_fits_a5_landscape_and_lists_materials(tmp_path, company):
    out = tmp_path / "wo.pdf"
    record = {"code": "WX-001", "room": "3栋2单元1201", "phone": "13812345678", "content": "厨房水管爆裂",
              "materials": [{"name": "PPR 管", "spec": "DN20", "quantity": 2, "amount": 3650}]}

    render_form("work-order", out, company=company, records=[record])

    page = pdfcheck.words(out)[0]
    assert (round(page.width / MM), round(page.height / MM)) == (210, 148)
    text = pdfcheck.flat_text(out)
    assert "13812345678" in text  # the worker must call: this form reveals the number on purpose
    assert "36.50" in text and "PPR" in text


def test_paragraph_placeholders_take_company_estate_and_header_values(tmp_path, company):
    spec = tmp_path / "notice-form.toml"
    spec.write_text(
        '[form]\nnumber = "KF-90"\ntitle = "交接单"\nlayout = "table"\n\n'
        '[[blocks]]\ntype = "paragraph"\ntext = "{company}{estate}：{batch}批次交接，共{count}项。"\n\n'
        '[[blocks]]\ntype = "table"\nblank_rows = 2\n\n'
        '  [[blocks.columns]]\n  label = "事项"\n  key = "item"\n',
        encoding="utf-8")
    out = tmp_path / "handoff.pdf"

    render_form(spec, out, company=company, header={"batch": "第3", "count": 2}, records=[{"item": "钥匙"}])

    text = pdfcheck.flat_text(out)
    assert f"{company.name}{company.estate}：第3批次交接，共2项。" in text and "钥匙" in text
