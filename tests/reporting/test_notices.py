"""Notices for the board and letters to households: fields checked, text composed, order kept."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pytest

from butler_desk.domain.errors import BadInput
from butler_desk.reporting.document import Recipient
from butler_desk.reporting.envelopes import EnvelopeOptions
from butler_desk.reporting.notices import render_letters, render_notice
from butler_desk.reporting.noticespec import check_values, list_notices, load_notice
from tests.reporting import pdfcheck

WATER = {"start": datetime(2026, 12, 3, 8, 0), "end": datetime(2026, 12, 3, 17, 0), "area": "1—6 栋全部单元",
         "reason": "二次供水水池年度清洗消毒", "contact_phone": "0571-88886666"}
PEOPLE = [{"name": "张三", "room": "3栋2单元1201", "address": "上海市浦东新区世纪大道 1000 号", "postcode": "200120"},
          {"name": "李四", "room": "5栋1单元302"},
          {"name": "", "room": "6栋1单元101"},
          {"name": "王芳女士", "room": "1栋1单元1101"}]


def test_the_five_notice_templates_load_and_declare_labelled_fields():
    templates = {t.id: t for t in list_notices()}

    assert set(templates) == {"water-outage", "power-outage", "gas-outage", "special-service-prices", "activity"}
    for template in templates.values():
        assert template.title and template.body
        assert all(f.label for f in template.fields)
        assert any(f.required for f in template.fields)
    assert templates["special-service-prices"].field("items").type == "table"


def test_GIVEN_a_required_field_missing_THEN_BadInput_names_its_label_and_key():
    values = {k: v for k, v in WATER.items() if k != "area"}

    with pytest.raises(BadInput) as caught:
        check_values(load_notice("water-outage"), values)

    assert "停水范围" in caught.value.message and caught.value.field == "area"


def test_GIVEN_an_end_before_the_start_THEN_BadInput():
    values = dict(WATER, end=datetime(2026, 12, 3, 7, 0))

    with pytest.raises(BadInput) as caught:
        check_values(load_notice("water-outage"), values)

    assert caught.value.field == "end" and "早于" in caught.value.message


def test_GIVEN_text_dates_THEN_they_are_parsed_and_bad_ones_refused():
    template = load_notice("water-outage")

    checked = check_values(template, dict(WATER, start="2026-12-03 08:00"))
    assert checked["start"] == datetime(2026, 12, 3, 8, 0)
    with pytest.raises(BadInput) as caught:
        check_values(template, dict(WATER, start="明天上午"))
    assert caught.value.field == "start"


def test_GIVEN_an_unknown_field_THEN_BadInput():
    with pytest.raises(BadInput):
        check_values(load_notice("water-outage"), dict(WATER, colour="red"))


def test_board_notice_names_buildings_and_times_and_greets_everyone(tmp_path, company):
    out = tmp_path / "notice.pdf"

    result = render_notice("water-outage", WATER, company, out, issued_on=date(2026, 11, 27))

    text = pdfcheck.flat_text(out)
    assert result.pages == 1
    assert text.index("停水通知") < text.index("尊敬的各位业主、住户") < text.index("特此通知")
    assert "2026年12月3日（星期四）08:00至17:00对1—6栋全部单元暂停供水" in text
    assert "0571-88886666" in text and "2026年11月27日" in text
    assert "临时安排" not in text and "{arrangement}" not in text  # the empty optional paragraph is left out
    for row in pdfcheck.fonts(out):
        assert row["emb"] == "yes" and row["sub"] == "yes"


def test_price_list_prints_its_table_over_pages_with_the_header_repeated(tmp_path, company):
    items = [{"service": f"服务项目{n}", "unit": "次", "price": Decimal("50") if n % 2 else 3000,
              "remark": "材料另计"} for n in range(1, 41)] + [{"service": "开锁", "unit": "次", "price": "面议"}]
    out = tmp_path / "prices.pdf"

    result = render_notice("special-service-prices", {"effective_on": date(2027, 1, 1), "items": items,
                                                      "contact_phone": "0571-88886666"}, company, out)

    pages = pdfcheck.pages_text(out)
    assert result.pages == len(pages) >= 2
    for page in pages:
        if "服务项目" in page and "次" in page:
            assert "收费标准（元）" in page
    text = "".join(pages)
    assert "50.00" in text and "30.00" in text and "面议" in text
    assert "2027年1月1日" in text
    assert [int(n) for n in re.findall(r"服务项目(\d+)", text)] == list(range(1, 41))


def test_a_template_with_an_undeclared_placeholder_names_file_and_key(tmp_path):
    path = tmp_path / "bad-notice.toml"
    path.write_text('[notice]\ntitle = "通知"\nbody = ["请于{when}前缴费。"]\n', encoding="utf-8")

    with pytest.raises(BadInput) as caught:
        load_notice(path)

    assert "bad-notice.toml" in caught.value.message and "notice.body" in caught.value.message
    assert "{when}" in caught.value.message and "第 3 行" in caught.value.message


def test_addressee_uses_the_name_given_and_never_guesses_gender():
    assert Recipient(name="张三").addressee() == "张三先生/女士"
    assert Recipient(name="王芳女士").addressee() == "王芳女士"
    assert Recipient(room="6栋1单元101").addressee() == "6栋1单元101 业主"
    assert Recipient(name="张三", salutation="张总").addressee() == "张总"


def test_letters_and_envelopes_come_out_in_the_same_order(tmp_path, company):
    letters, envelopes = tmp_path / "letters.pdf", tmp_path / "envelopes.pdf"

    batch = render_letters("water-outage", WATER, PEOPLE, company, letters, envelopes_out=envelopes,
                           envelope=EnvelopeOptions(size="ZL"))

    letter_pages, envelope_pages = pdfcheck.pages_text(letters), pdfcheck.pages_text(envelopes)
    assert batch.letters.pages == len(letter_pages) == 4
    assert batch.envelopes is not None and batch.envelopes.pages == len(envelope_pages) == 4
    greetings = ["尊敬的张三先生/女士：", "尊敬的李四先生/女士：", "尊敬的6栋1单元101业主：", "尊敬的王芳女士："]
    for page, greeting, person, envelope in zip(letter_pages, greetings, PEOPLE, envelope_pages):
        assert greeting in page and f"房号：{person['room']}" in page
        assert "08:00至17:00" in page
        assert (person["name"] or person["room"]) in envelope
    assert "上海市浦东新区世纪大道1000号" in envelope_pages[0] and "200120" not in envelope_pages[1]
    assert "翠湖花园5栋1单元302" in envelope_pages[1]  # hand delivery: the unit inside the estate


def test_GIVEN_a_bad_postcode_THEN_nothing_is_written(tmp_path, company):
    people = [*PEOPLE, {"name": "赵六", "room": "2栋101", "address": "北京市", "postcode": "10001"}]

    with pytest.raises(BadInput) as caught:
        render_letters("water-outage", WATER, people, company, tmp_path / "l.pdf", envelopes_out=tmp_path / "e.pdf")

    assert "10001" in caught.value.message and "6 位数字" in caught.value.message
    assert list(tmp_path.iterdir()) == []


def _activity(details_lines: int) -> dict[str, object]:
    line = "活动包括亲子游戏、包饺子比赛、社区书画展和邻里跳蚤市场，欢迎邻居们带上家人一起参加，现场还有精美礼品赠送"
    return {"name": "中秋邻里活动", "start": datetime(2026, 12, 12, 9, 0), "place": "中心广场",
            "details": "\n".join([line] * details_lines), "audience": "本小区业主及家属",
            "signup_by": datetime(2026, 12, 10, 17, 0), "contact_phone": "0571-88886666"}


@pytest.mark.parametrize("lines", range(8, 14))
def test_a_long_letter_never_leaves_the_signature_alone_and_later_pages_carry_the_room(tmp_path, company, lines):
    out = tmp_path / "letter.pdf"

    batch = render_letters("activity", _activity(lines), [{"name": "陈明博", "room": "3栋2单元1101"}], company, out)

    pages = pdfcheck.pages_text(out)
    assert batch.letters.pages == len(pages) == (1 if lines < 10 else 2)
    last = pages[-1].split("（续）")[-1]  # the signature is on the last page, after the running head
    before_signature = last[:last.rfind(company.name)]
    assert "欢迎踊跃参加！" in before_signature and "活动期间请照看好随行儿童" in before_signature
    for page in pages[1:]:
        assert "房号：3栋2单元1101（续）" in page


def test_user_paragraphs_are_closed_and_the_activity_name_is_not_doubled(tmp_path, company):
    out = tmp_path / "letter.pdf"

    render_letters("activity", _activity(2), [{"name": "陈明博", "room": "3栋2单元1101"}], company, out)

    text = pdfcheck.flat_text(out)
    assert "举办“中秋邻里活动”。" in text and "活动”活动" not in text
    assert text.count("现场还有精美礼品赠送。") == 2  # each typed line ends as a sentence
    assert "尊敬的陈明博先生/女士：" in text
