"""Printing settings (font, envelope set-up per printer) and the form, envelope and calibration prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from butler_desk.domain.documents import Audience
from butler_desk.domain.errors import BadInput, Cancelled
from butler_desk.reporting import EnvelopeOptions
from butler_desk.services.printing.service import (
    ENVELOPE_PRINTERS,
    PRINT_FONT,
    PrintService,
    parse_offset,
)
from butler_desk.services.documents.recipients import Selection
from butler_desk.services.settings import SettingsService
from tests.reporting.pdfcheck import flat_text, page_count, pages_text


@pytest.fixture
def printing(ctx) -> PrintService:
    return PrintService(ctx)


def test_every_form_is_listed_with_its_number_and_title(printing):
    forms = {f.id: f for f in printing.forms()}
    assert forms["complaint-record"].label == "KF-01 投诉记录表"
    assert forms["sign-off-sheet"].layout == "table"
    assert [f.number for f in printing.forms()] == sorted(f.number for f in printing.forms())


def test_blank_forms_print_the_number_of_pages_asked_for(printing, estate, tmp_path):
    record = printing.print_form("vacant-inspection", tmp_path / "vacant.pdf", blank_pages=3)
    table = printing.print_form("sign-off-sheet", tmp_path / "sheet.pdf", blank_pages=2)
    assert (record.pages, page_count(record.path)) == (3, 3)
    assert (table.pages, page_count(table.path)) == (2, 2)
    text = flat_text(record.path)
    assert "空置房巡视记录表" in text and "安居物业服务有限公司" in text and "翠湖花园" in text
    with pytest.raises(BadInput):
        printing.print_form("vacant-inspection", tmp_path / "x.pdf", blank_pages=0)


def test_a_form_that_is_not_filled_from_a_request_says_so(printing, estate, tmp_path):
    with pytest.raises(BadInput) as info:
        printing.print_request_form("patrol-record", 1, tmp_path / "x.pdf")
    assert "complaint-record" in info.value.message


def test_the_font_setting_is_checked_before_it_is_stored(ctx, printing, tmp_path):
    not_a_font = tmp_path / "readme.ttf"
    not_a_font.write_text("not a font")
    with pytest.raises(BadInput) as info:
        printing.set_font(not_a_font)
    assert "字体" in info.value.message
    assert printing.settings()[PRINT_FONT] == ""
    automatic = printing.fonts().main_source.path
    assert printing.set_font(str(automatic)) == str(automatic)
    assert printing.fonts().main_source.origin == "setting"
    printing.set_font(None)
    assert SettingsService(ctx).get(PRINT_FONT) == ""


def test_a_font_without_chinese_is_refused(printing):
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not latin.is_file():
        pytest.skip("DejaVu Sans is not installed here")
    with pytest.raises(BadInput) as info:
        printing.set_font(latin)
    assert "不含中文" in info.value.message


def test_each_printer_keeps_its_own_envelope_set_up(ctx, printing):
    assert printing.envelope_options("任何打印机") == EnvelopeOptions()
    printing.set_envelope_options(None, EnvelopeOptions("ZL"))
    saved = printing.set_envelope_options("前台HP", EnvelopeOptions("DL", "preprinted", (1.5, -2.0)))
    assert saved == EnvelopeOptions("DL", "preprinted", (1.5, -2.0))
    assert printing.envelope_options("前台HP").offset_mm == (1.5, -2.0)
    assert printing.envelope_options("另一台").size == "ZL"  # falls back to the default set-up
    assert set(SettingsService(ctx).get(ENVELOPE_PRINTERS)) == {"默认", "前台HP"}


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"前台": {"size": "A4"}}, "信封规格"),
        ({"前台": {"offset_mm": [25, 0]}}, "偏移"),
        ({"前台": {"offset_mm": "左一点"}}, "毫米"),
        ({"前台": {"colour": "red"}}, "未知"),
        (["DL"], "对照表"),
    ],
)
def test_bad_envelope_settings_are_refused_in_chinese(ctx, value, fragment):
    with pytest.raises(BadInput) as info:
        SettingsService(ctx).set(ENVELOPE_PRINTERS, value)
    assert fragment in info.value.message


def test_offsets_are_read_as_two_millimetre_numbers():
    assert parse_offset("1.5,-2") == (1.5, -2.0)
    assert parse_offset("1.5，-2") == (1.5, -2.0)
    with pytest.raises(BadInput):
        parse_offset("1.5")


def test_envelopes_alone_follow_room_order_and_the_audience(printing, estate, tmp_path):
    owners = printing.print_envelopes(Selection(clusters=("一组团",)), tmp_path / "owners.pdf")
    pages = pages_text(owners.result.path)
    assert len(pages) == 5
    assert "李四" in pages[1] and "200120" in pages[1]  # the owner of the let unit, by post
    occupants = printing.print_envelopes(Selection(units=("3-2-202",)), tmp_path / "occupants.pdf",
                                         audience=Audience.OCCUPANTS)
    assert "王五" in flat_text(occupants.result.path)


def test_envelope_printing_can_be_cancelled(printing, estate, tmp_path):
    with pytest.raises(Cancelled):
        printing.print_envelopes(Selection(everyone=True), tmp_path / "env.pdf", is_cancelled=lambda: True)
    assert not (tmp_path / "env.pdf").exists()


def test_the_calibration_page_uses_the_printers_set_up(printing, tmp_path):
    printing.set_envelope_options("前台HP", EnvelopeOptions("C5", "preprinted", (2.0, 1.0)))
    result = printing.print_calibration(tmp_path / "cal.pdf", printer="前台HP")
    text = flat_text(result.path)
    assert "信封校准页" in text and "229×162" in text and "dx=+2" in text
