"""Envelope geometry after GB/T 1416, measured back from the PDF in millimetres."""

from __future__ import annotations

import pytest

from butler_desk.domain.errors import BadInput
from butler_desk.reporting.envelopes import (
    BARCODE_BAND,
    ENVELOPE_SIZES,
    EnvelopeOptions,
    geometry,
    render_calibration_page,
    render_envelopes,
)
from tests.reporting import pdfcheck
from tests.reporting.pdfcheck import MM

PEOPLE = [{"name": "张三", "room": "3栋2单元1201", "address": "上海市浦东新区世纪大道 1000 号 18 楼",
           "postcode": "200120"},
          {"name": "李四", "room": "5栋1单元302", "postcode": "310012"}]


@pytest.mark.parametrize("size", list(ENVELOPE_SIZES))
def test_boxes_fit_the_reserved_zone_and_the_stamp_box_sits_top_right(size):
    geo = geometry(size)

    assert (geo.width, geo.height) == ENVELOPE_SIZES[size]
    assert len(geo.boxes) == 6
    for x, y, w, h in geo.boxes:
        assert x + w <= 90 and y + h <= 26 and (w, h) == (8, 10)
    sx, sy, sw, sh = geo.stamp
    assert sx + sw == geo.width - 10 and sy == 10 and sx > 90
    assert max(geo.sender_baselines) <= geo.height - BARCODE_BAND


@pytest.mark.parametrize("size", list(ENVELOPE_SIZES))
@pytest.mark.parametrize("mode", ["full", "preprinted"])
def test_page_is_the_envelope_and_each_postcode_digit_lies_in_its_box(tmp_path, size, mode):
    out = tmp_path / "env.pdf"

    render_envelopes(PEOPLE, {"name": "安居物业", "estate": "翠湖花园", "address": "杭州市翠湖路 88 号",
                              "postcode": "310012"}, out, options=EnvelopeOptions(size=size, mode=mode))

    geo = geometry(size)
    for page, person in zip(pdfcheck.words(out), PEOPLE):
        assert (round(page.width / MM), round(page.height / MM)) == ENVELOPE_SIZES[size]
        digits = [w for w in page.words if len(w.text) == 1 and w.text.isdigit() and w.y1 / MM < 30]
        assert "".join(w.text for w in sorted(digits, key=lambda w: w.x0)) == person["postcode"]
        for word, (x, y, w, h) in zip(sorted(digits, key=lambda w: w.x0), geo.boxes):
            assert x < word.x0 / MM and word.x1 / MM < x + w, (word, x)
            assert y < word.y0 / MM and word.y1 / MM < y + h, (word, y)


@pytest.mark.parametrize("size", list(ENVELOPE_SIZES))
def test_nothing_is_printed_in_the_bottom_20mm_band(tmp_path, company, size):
    out = tmp_path / "env.pdf"

    render_envelopes(PEOPLE, company, out, options=EnvelopeOptions(size=size))

    for page in pdfcheck.words(out):
        assert page.words
        lowest = max(w.y1 for w in page.words) / MM
        assert lowest <= page.height / MM - BARCODE_BAND, lowest


def test_full_mode_draws_red_boxes_and_2021_labels_with_the_sender(tmp_path, company):
    out = tmp_path / "env.pdf"

    render_envelopes(PEOPLE[:1], company, out)

    text = pdfcheck.flat_text(out)
    for label in ("地址：", "收件人：", "电话(选填)：", "贴邮票处", "邮政编码：310012"):
        assert label in text
    assert "张三收" in text and company.address.replace(" ", "") in text
    assert "安居物业服务有限公司物业服务中心" in text
    assert b".85 .12 .1 RG" in pdfcheck.content_stream(out)  # the red box outlines


def test_preprinted_mode_prints_only_text_and_digits_shifted_by_the_offset(tmp_path, company):
    plain, shifted = tmp_path / "plain.pdf", tmp_path / "shifted.pdf"

    render_envelopes(PEOPLE[:1], company, plain, options=EnvelopeOptions(mode="preprinted"))
    render_envelopes(PEOPLE[:1], company, shifted, options=EnvelopeOptions(mode="preprinted", offset_mm=(2.0, 3.0)))

    text = pdfcheck.flat_text(plain)
    assert "张三收" in text and text.startswith("200120")  # the digits, in their boxes
    for label in ("地址：", "收件人：", "贴邮票处", "邮政编码", company.name):
        assert label not in text
    assert b".85 .12 .1 RG" not in pdfcheck.content_stream(plain)
    before = pdfcheck.words(plain)[0].find("张三")[0]
    after = pdfcheck.words(shifted)[0].find("张三")[0]
    assert (after.x0 - before.x0) / MM == pytest.approx(2.0, abs=0.05)
    assert (after.y0 - before.y0) / MM == pytest.approx(3.0, abs=0.05)


def test_calibration_page_has_rulers_and_states_the_offset(tmp_path):
    out = tmp_path / "cal.pdf"

    result = render_calibration_page(out, options=EnvelopeOptions(size="C5", offset_mm=(1.5, -0.5)))

    text = pdfcheck.flat_text(out)
    assert result.pages == 1
    assert "信封校准页" in text and "dx=+1.5" in text and "dy=-0.5" in text
    page = pdfcheck.words(out)[0]
    ruler = [w for w in page.words if w.text == "100" and w.y1 / MM < 10]
    assert ruler and ruler[0].cx / MM == pytest.approx(100, abs=1)


@pytest.mark.parametrize("options, field", [
    (EnvelopeOptions(size="A4"), "size"),
    (EnvelopeOptions(mode="photo"), "mode"),
    (EnvelopeOptions(offset_mm=(25.0, 0.0)), "offset_mm"),
])
def test_bad_envelope_options_are_refused(tmp_path, company, options, field):
    with pytest.raises(BadInput) as caught:
        render_envelopes(PEOPLE, company, tmp_path / "e.pdf", options=options)

    assert caught.value.field == field


def test_an_empty_batch_is_refused(tmp_path, company):
    with pytest.raises(BadInput) as caught:
        render_envelopes([], company, tmp_path / "e.pdf")

    assert caught.value.field == "recipients" and not (tmp_path / "e.pdf").exists()


def test_a_long_address_shrinks_to_fit_and_an_absurd_one_is_refused(tmp_path, company):
    long_address = "广东省深圳市南山区粤海街道科技园社区科苑路 15 号科兴科学园 B 栋 3 单元 2 层 201 室（前台代收）"
    out = tmp_path / "e.pdf"

    render_envelopes([{"name": "张三", "address": long_address, "postcode": "518057"}], company, out)

    assert long_address.replace(" ", "") in pdfcheck.flat_text(out)
    right_edge = max(w.x1 for w in pdfcheck.words(out)[0].words) / MM
    assert right_edge <= ENVELOPE_SIZES["DL"][0] - 10
    with pytest.raises(BadInput) as caught:
        render_envelopes([{"name": "张三", "address": long_address * 4}], company, tmp_path / "x.pdf")
    assert caught.value.field == "address" and not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("mode", ["full", "preprinted"])
def test_an_80_character_address_stays_on_its_rule_after_the_label(tmp_path, company, mode):
    address = ("陕西省西安市雁塔区长安南路科技路与丈八东路交汇处西北角绿地中心A座三十八层3801室"
               "请物业服务中心转交业主本人亲启谢谢您的配合此致敬礼祝您生活愉快万事如意身体健康工作顺利")[:80]
    out = tmp_path / "e.pdf"

    render_envelopes([{"name": "陈明博", "address": address, "postcode": "710061"}], company, out,
                     options=EnvelopeOptions(mode=mode))

    geo = geometry("DL")
    page = pdfcheck.words(out)[0]
    assert address in pdfcheck.flat_text(out)
    lines = [w for w in page.words if geo.boxes[0][1] + 10 < w.y0 / MM and w.y1 / MM < geo.name_baseline - 5
             and w.x0 / MM < geo.stamp[0]]
    assert len({round(w.y0) for w in lines if w.text != "地址："}) == 2  # wrapped onto two lines
    for word in lines:
        assert word.y1 / MM <= geo.address_baseline + 1.5  # never below the rule
        assert word.x1 / MM <= geo.stamp[0]  # clear of the stamp box above the rule
        if word.text != "地址：":
            assert word.x0 / MM >= geo.left + 12  # the pre-printed label "地址：" keeps its room
