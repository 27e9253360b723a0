"""Form files: the bundled forms load; broken files name the file, the line and the key."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from butler_desk.domain.errors import BadInput
from butler_desk.reporting.formspec import TableBlock, list_forms, load_form, resolve_widths
from butler_desk.reporting.specfile import locate

GOOD = """\
[form]
number = "KF-99"
title = "测试登记表"
layout = "table"

[[blocks]]
type = "table"

  [[blocks.columns]]
  label = "序号"
  key = "seq"
  type = "seq"
  width = "10mm"

  [[blocks.columns]]
  label = "内容"
  key = "content"
  width = 1
"""


def write(tmp_path: Path, text: str, name: str = "test-form.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_for(path: Path) -> str:
    with pytest.raises(BadInput) as caught:
        load_form(path)
    return caught.value.message


def test_all_bundled_forms_load_with_distinct_numbers_kf01_to_kf10():
    forms = list_forms()

    assert [f.number for f in forms] == [f"KF-{n:02d}" for n in range(1, 11)]
    assert {f.id for f in forms} >= {"complaint-record", "work-order", "request-register", "vacant-inspection",
                                     "collection-record", "patrol-record", "renovation-patrol", "visit-record",
                                     "sign-off-sheet", "overdue-documents"}
    for form in forms:
        assert form.title and form.blocks
        if form.table is not None:
            widths = resolve_widths([c.width for c in form.table.columns], form.content_width)
            assert sum(widths) == pytest.approx(form.content_width)


def test_vacant_inspection_carries_the_domain_checklist_and_meter_readings():
    form = load_form("vacant-inspection")
    keys = {item.key for block in form.blocks for item in getattr(block, "items", ())}
    fields = {f.key for block in form.blocks for f in getattr(block, "fields", ())}

    assert {"entry_door", "windows", "water", "power", "gas", "leaks", "walls", "drainage", "hygiene",
            "occupancy"} <= keys
    assert {"code", "room", "owner", "phone", "reason", "water_meter", "power_meter", "gas_meter"} <= fields


def test_a_good_file_loads(tmp_path):
    form = load_form(write(tmp_path, GOOD))

    assert form.number == "KF-99" and isinstance(form.table, TableBlock)
    assert [c.key for c in form.table.columns] == ["seq", "content"]


def test_GIVEN_a_toml_syntax_error_THEN_the_message_names_file_and_line(tmp_path):
    broken = GOOD.replace('title = "测试登记表"', "title = 测试登记表")

    message = error_for(write(tmp_path, broken))

    assert "test-form.toml" in message and "第 3 行" in message and "引号" in message


def test_GIVEN_an_unknown_key_THEN_the_message_names_the_key_path_and_its_line(tmp_path):
    broken = GOOD.replace('  width = 1\n', '  width = 1\n  colour = "red"\n')

    message = error_for(write(tmp_path, broken))

    assert "test-form.toml" in message and "blocks[0].columns[1].colour" in message
    assert "第 19 行" in message and "不认识的键" in message


def test_GIVEN_no_title_THEN_the_message_says_form_title_is_missing(tmp_path):
    message = error_for(write(tmp_path, GOOD.replace('title = "测试登记表"\n', "")))

    assert "form.title" in message and "缺少" in message


def test_GIVEN_columns_wider_than_the_page_THEN_the_message_gives_both_widths(tmp_path):
    broken = GOOD.replace('width = "10mm"', 'width = "250mm"')

    message = error_for(write(tmp_path, broken))

    assert "blocks[0].columns" in message and "250" in message and "180" in message
    assert "第 9 行" in message  # the first [[blocks.columns]] header


def test_GIVEN_an_unknown_data_type_THEN_the_message_lists_the_known_ones(tmp_path):
    broken = GOOD.replace('  width = 1\n', '  width = 1\n  type = "txt"\n')

    message = error_for(write(tmp_path, broken))

    assert "blocks[0].columns[1].type" in message and "“txt”" in message and "money" in message
    assert "第 19 行" in message


def test_GIVEN_an_unknown_form_name_THEN_the_known_forms_are_listed():
    with pytest.raises(BadInput) as caught:
        load_form("no-such-form")

    assert "complaint-record" in caught.value.message


def test_locate_finds_nested_array_tables_and_keys():
    assert locate(GOOD, "form.title") == 3
    assert locate(GOOD, "blocks[0].columns[1]") == 15
    assert locate(GOOD, "blocks[0].columns[1].width") == 18
    assert locate(GOOD, "blocks[3]") is None


def test_notice_field_defaults_fill_in_the_estates_details_and_stay_empty_when_unknown():
    from butler_desk.reporting.noticespec import field_defaults, load_notice, with_defaults

    for template_id in ("water-outage", "power-outage", "gas-outage", "activity", "special-service-prices"):
        spec = load_notice(template_id)
        assert field_defaults(spec, {"service_phone": "0755-28881234"}) == {"contact_phone": "0755-28881234"}
        assert field_defaults(spec, {"service_phone": " "}) == {}  # 小区信息 without 服务电话: asked for
    spec = load_notice("water-outage")
    assert with_defaults(spec, {"contact_phone": ""}, {"service_phone": "1"})["contact_phone"] == "1"
    assert with_defaults(spec, {"contact_phone": "2"}, {"service_phone": "1"})["contact_phone"] == "2"


def test_a_notice_default_may_only_use_built_in_placeholders(tmp_path):
    from butler_desk.reporting.noticespec import parse_notice

    path = tmp_path / "x.toml"
    path.write_text('[notice]\ntitle = "通知"\nbody = ["{a}"]\n[[fields]]\nkey = "a"\nlabel = "甲"\n'
                    'default = "{phone}"\n', encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        parse_notice(path)
    assert "fields[0].default" in caught.value.message and "{phone}" in caught.value.message
