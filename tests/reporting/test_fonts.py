"""Font lookup, embedding, rare-character fallback and the missing-glyph report."""

from __future__ import annotations

from pathlib import Path

import pytest

from butler_desk.domain.errors import BadInput
from butler_desk.paths import resource_path
from butler_desk.reporting.envelopes import render_envelopes
from butler_desk.reporting.fonts import (
    FontSource,
    describe_missing,
    get_fontset,
    load_font,
    main_font_candidates,
    missing_glyphs,
    rare_font_candidates,
)
from butler_desk.reporting.forms import render_form
from butler_desk.reporting.notices import render_letters
from tests.reporting import pdfcheck

RARE = "𠮷"  # U+20BB7, CJK Extension B: 吉 with 土 on top, common in names
WATER = {"start": "2026-12-03 08:00", "end": "2026-12-03 17:00", "area": "3 栋", "reason": "管道检修",
         "contact_phone": "0571-88886666"}

def test_every_pdf_embeds_only_subset_truetype_fonts(tmp_path, company):
    out = tmp_path / "form.pdf"
    render_form("complaint-record", out, company=company, records=[{"complainant": "王五", "content": "漏水"}])

    rows = pdfcheck.fonts(out)

    assert rows, "a form with Chinese text must use a font"
    for row in rows:
        assert row["type"] == "TrueType" and row["emb"] == "yes" and row["sub"] == "yes", row

def test_bundled_font_is_the_last_resort_and_its_licence_ships_beside_it():
    last = main_font_candidates()[-1]

    assert last.origin == "bundled"
    assert last.path == resource_path("fonts", "wqy-microhei.ttc") and last.path.is_file()
    licence = resource_path("fonts", "LICENSE-wqy-microhei.txt").read_text(encoding="utf-8")
    assert "Apache License" in licence and "WenQuanYi" in licence

def test_a_configured_font_path_is_tried_first(tmp_path):
    candidates = main_font_candidates(tmp_path / "simsun.ttc")

    assert candidates[0].origin == "setting" and candidates[0].path == tmp_path / "simsun.ttc"

def test_a_configured_font_that_is_not_truetype_is_refused_in_chinese(tmp_path):
    fake = tmp_path / "NotoSansCJK-Regular.ttc"
    fake.write_bytes(b"OTTO" + b"\0" * 200)  # a CFF-flavoured header reportlab cannot use

    with pytest.raises(BadInput) as caught:
        get_fontset(fake)

    assert "TrueType" in caught.value.message and caught.value.field == "font_path"

def test_a_cff_outline_font_is_skipped_not_fatal():
    noto = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if not noto.is_file():
        pytest.skip("fonts-noto-cjk is not installed")

    assert load_font(FontSource(noto)) is None

def test_rare_font_candidates_put_configured_files_first(tmp_path):
    extra = tmp_path / "HanaMinB.ttf"

    assert rare_font_candidates([extra])[0].path == extra

def test_GIVEN_no_font_has_a_character_THEN_missing_glyphs_maps_it_to_the_texts(bare_fonts):
    found = missing_glyphs(["李四", f"张{RARE}", None, f"{RARE}某"], bare_fonts)

    assert found == {RARE: [f"张{RARE}", f"{RARE}某"]}
    assert describe_missing(found).startswith(f"以下字符无法打印：“{RARE}”（U+20BB7，张{RARE}、{RARE}某）")
    assert "SimSun-ExtB" in describe_missing(found)

def test_GIVEN_an_unprintable_name_WHEN_rendering_THEN_the_result_reports_it(tmp_path, company, bare_fonts):
    result = render_envelopes([{"name": f"张{RARE}", "room": "1栋101"}], company, tmp_path / "e.pdf",
                              fonts=bare_fonts)

    assert result.missing_chars == {RARE: [f"收件人“张{RARE}”"]}  # the field and the text
    assert "以下字符无法打印" in result.warning and result.path.is_file()

def test_GIVEN_strict_WHEN_a_name_cannot_print_THEN_BadInput_and_no_file(tmp_path, company, bare_fonts):
    out = tmp_path / "letters.pdf"

    with pytest.raises(BadInput) as caught:
        render_letters("water-outage", WATER, [{"name": f"张{RARE}", "room": "1栋101"}], company, out,
                       strict=True, fonts=bare_fonts)

    assert RARE in caught.value.message
    assert list(tmp_path.iterdir()) == []  # neither the PDF nor a temporary part file is left

def test_GIVEN_a_font_with_extension_B_installed_THEN_the_rare_name_prints_with_it(tmp_path, company):
    fonts = get_fontset()
    if fonts.font_for(RARE) is None:
        pytest.skip("no TrueType font with CJK Ext B here (Debian: apt install fonts-hanazono)")
    out = tmp_path / "letters.pdf"

    result = render_letters("water-outage", WATER, [{"name": f"张{RARE}", "room": "1栋101"}], company, out)

    assert result.letters.missing_chars == {}
    assert f"尊敬的张{RARE}先生/女士" in pdfcheck.text(out)  # extractable: the ToUnicode map has the surrogate pair
    names = [row["name"] for row in pdfcheck.fonts(out)]
    assert len({n.split("+", 1)[1] for n in names}) >= 2  # main font + the fallback that has 𠮷

def test_fallback_fonts_are_not_loaded_while_the_main_font_covers_the_text():
    fonts = get_fontset()

    assert fonts.runs("翠湖花园3栋") == [(fonts.main_name, "翠湖花园3栋")]
    assert fonts.missing("普通的中文 ABC 123") == []


def test_rare_characters_look_in_sans_fonts_first_and_in_serif_ones_only_as_the_last_resort():
    from butler_desk.reporting.fonts import SERIF_FALLBACKS

    candidates = [c.path.name for c in rare_font_candidates()]
    serif = [i for i, name in enumerate(candidates) if name in SERIF_FALLBACKS]
    sans = [i for i, name in enumerate(candidates) if name not in SERIF_FALLBACKS]
    assert serif and sans and max(sans) < min(serif)
    assert "HanaMinB.ttf" in SERIF_FALLBACKS and "simsunb.ttf" in SERIF_FALLBACKS  # Mincho / Song: serif
    assert "msyh.ttc" not in SERIF_FALLBACKS
