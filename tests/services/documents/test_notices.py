"""Issuing a notice batch on a real ledger: four PDFs in room order, the register, warnings, cancel."""

from __future__ import annotations

from datetime import date

import pytest

from butler_desk.domain.documents import DeliveryMethod, DocumentKind
from butler_desk.domain.errors import BadInput, Cancelled
from butler_desk.reporting import EnvelopeOptions
from butler_desk.services.documents.service import DocumentService
from butler_desk.services.documents.notices import BatchFiles, NoticeService
from butler_desk.services.documents.recipients import Selection
from tests.reporting.pdfcheck import flat_text, page_count, pages_text

WATER = {"start": "2026-12-01 09:00", "end": "2026-12-01 17:00", "area": "3栋全部单元",
         "reason": "二次供水水池清洗", "contact_phone": "0755-28881234"}
ISSUED = date(2026, 11, 20)


@pytest.fixture
def notices(ctx) -> NoticeService:
    return NoticeService(ctx)


@pytest.fixture
def out(tmp_path):
    """A folder for the PDFs alone (the database lives beside it in tmp_path)."""
    folder = tmp_path / "pdf"
    folder.mkdir()
    return folder


def _room_order(pages: list[str], marks: list[str]) -> list[str]:
    """The marks (rooms or names) in the order the pages show them (each page shows exactly one)."""
    found = []
    for text in pages:
        named = [r for r in marks if r in text]
        assert len(named) == 1, (named, text[:80])
        found.append(named[0])
    return found


def test_templates_list_fields_with_labels_and_required_flags(notices):
    templates = {t.id: t for t in notices.templates()}
    assert {"water-outage", "power-outage", "gas-outage", "activity", "special-service-prices"} <= set(templates)
    water = templates["water-outage"]
    assert water.title == "停水通知"
    assert water.kind is DocumentKind.WATER_OUTAGE
    assert water.audience.label == "住户"
    start = next(f for f in water.fields if f.key == "start")
    assert (start.label, start.type, start.required) == ("停水开始时间", "datetime", True)
    assert "arrangement" not in water.required
    items = next(f for f in templates["special-service-prices"].fields if f.key == "items")
    assert ("service", "服务项目") in items.columns


def test_GIVEN_one_cluster_WHEN_issued_THEN_letters_envelopes_and_sheet_follow_room_order(notices, estate, out):
    batch = notices.issue("water-outage", WATER, Selection(clusters=("一组团",)), out, issued_on=ISSUED)
    expected = [code for code in estate.order if code.startswith("3-")]
    assert [h.unit_code for h in batch.households.households] == expected
    displays = [h.room for h in batch.households.households]
    assert displays[0] == "3栋1单元101"
    assert page_count(batch.letters.path) == len(expected) == batch.letters.pages
    assert page_count(batch.envelopes.path) == len(expected)
    assert _room_order(pages_text(batch.letters.path), displays) == displays
    names = [h.addressee for h in batch.households.households]
    assert _room_order(pages_text(batch.envelopes.path), names) == names  # posted ones show no room: use names
    sheet = flat_text(batch.signoff.path)
    positions = [sheet.index(room) for room in displays]
    assert positions == sorted(positions)
    assert "文件签收单" in sheet and "李晓红" in sheet


def test_the_board_notice_names_buildings_and_never_a_person(notices, estate, out):
    batch = notices.issue("water-outage", WATER, Selection(buildings=("3",)), out, issued_on=ISSUED)
    board = flat_text(batch.notice.path)
    assert "停水通知" in board and "3栋全部单元" in board and "尊敬的各位业主、住户" in board
    assert "2026年11月20日" in board
    for name in estate.parties:
        assert name not in board
    assert batch.notice.pages == 1


def test_letters_greet_each_household_and_envelopes_carry_the_right_address(notices, estate, out):
    batch = notices.issue("water-outage", WATER, Selection(clusters=("一组团",)), out, issued_on=ISSUED)
    households = batch.households.households
    letters = {h.unit_code: text for h, text in zip(households, pages_text(batch.letters.path), strict=True)}
    assert "尊敬的王五先生/女士：" in letters["3-2-202"]  # the tenant of a let unit, not the absent owner
    assert "尊敬的张三先生/女士：" in letters["3-2-1201"]
    assert "尊敬的赵六先生/女士：" in letters["3-2-1202"]
    assert "请您提前做好储水准备" in letters["3-2-1201"] and "各位" not in letters["3-2-1201"]
    envelopes = {h.unit_code: text for h, text in zip(households, pages_text(batch.envelopes.path), strict=True)}
    assert "北京市朝阳区建国路1号" in envelopes["3-2-1202"] and "100022" in envelopes["3-2-1202"]
    assert "赵六" in envelopes["3-2-1202"]
    assert "翠湖花园3栋2单元1201" in envelopes["3-2-1201"]
    assert "安居物业服务有限公司" in envelopes["3-2-1201"]  # the sender, from the estate's record


def test_the_batch_is_recorded_with_one_copy_per_household_and_its_method(ctx, notices, estate, out):
    batch = notices.issue("water-outage", WATER, Selection(everyone=True), out, issued_on=ISSUED)
    detail = DocumentService(ctx).batch_detail(batch.document_id)
    assert detail.document.kind is DocumentKind.WATER_OUTAGE
    assert detail.document.title == "停水通知"
    assert detail.document.issued_on == ISSUED
    assert detail.document.operator == "李晓红"
    assert detail.document.files["letters"] == batch.letters.path
    assert detail.values["start"] == "2026-12-01T09:00:00"
    methods = {row.unit_code: row.method for row in detail.deliveries}
    assert [row.unit_code for row in detail.deliveries] == list(estate.order)
    assert methods == {
        "3-1-101": DeliveryMethod.IN_PERSON,  # key client
        "3-2-202": DeliveryMethod.WITH_SECURITY,  # the tenant lives there
        "3-2-1001": DeliveryMethod.BUTLER,  # owner elsewhere, no address on file
        "3-2-1201": DeliveryMethod.WITH_SECURITY,
        "3-2-1202": DeliveryMethod.POST,
        "10-1-101": DeliveryMethod.WITH_SECURITY,
    }
    posted = next(r for r in detail.deliveries if r.unit_code == "3-2-1202")
    assert (posted.address, posted.postcode, posted.sent_on) == ("北京市朝阳区建国路1号", "100022", ISSUED)
    assert any("5栋1单元301" in note for note in batch.notes())  # unsold, nobody to write to
    assert any("孙八" in note and "通讯地址" in note for note in batch.notes())


def test_a_name_with_a_rare_character_is_warned_about(notices, estate, out, rare_char):
    batch = notices.issue("water-outage", WATER, Selection(buildings=("10",)), out, issued_on=ISSUED)
    assert rare_char in batch.missing_chars
    assert f"收件人“王{rare_char}”" in batch.missing_chars[rare_char]  # named with its field
    assert "无法打印" in batch.warning and f"王{rare_char}" in batch.warning


def test_GIVEN_strict_WHEN_a_name_cannot_be_printed_THEN_nothing_is_written_or_recorded(ctx, notices, estate,
                                                                                      out, rare_char):
    with pytest.raises(BadInput) as info:
        notices.issue("water-outage", WATER, Selection(everyone=True), out, strict=True, issued_on=ISSUED)
    assert rare_char in info.value.message
    assert list(out.iterdir()) == []
    assert DocumentService(ctx).batches() == []


def test_a_missing_required_field_is_named_and_nothing_is_written(ctx, notices, estate, out):
    values = {k: v for k, v in WATER.items() if k != "end"}
    with pytest.raises(BadInput) as info:
        notices.issue("water-outage", values, Selection(everyone=True), out)
    assert info.value.field == "end"
    assert "预计恢复供水时间" in info.value.message
    assert list(out.iterdir()) == []
    assert DocumentService(ctx).batches() == []


def test_a_resident_name_in_the_notice_text_is_refused_for_the_board(notices, estate, out):
    values = dict(WATER, area="3栋（张三家漏水维修）")
    with pytest.raises(BadInput) as info:
        notices.issue("water-outage", values, Selection(buildings=("3",)), out)
    assert info.value.field == "area"
    assert "张三" in info.value.message
    assert list(out.iterdir()) == []


def test_progress_reaches_the_total_and_a_cancel_leaves_no_files_and_no_record(ctx, notices, estate, out):
    seen: list[tuple[int, int]] = []
    notices.issue("water-outage", WATER, Selection(everyone=True), out / "ok", issued_on=ISSUED,
                  progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (14, 14)  # notice + 6 letters + 6 envelopes + sheet
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)

    calls = {"n": 0}

    def cancel_after_three() -> bool:
        calls["n"] += 1
        return calls["n"] > 3

    with pytest.raises(Cancelled):
        notices.issue("water-outage", WATER, Selection(everyone=True), out / "cancelled", issued_on=ISSUED,
                      is_cancelled=cancel_after_three)
    assert list((out / "cancelled").iterdir()) == []
    assert len(DocumentService(ctx).batches()) == 1


def test_issuing_twice_the_same_day_keeps_the_first_batchs_files(notices, estate, out):
    first = notices.issue("water-outage", WATER, Selection(buildings=("3",)), out, issued_on=ISSUED)
    second = notices.issue("water-outage", WATER, Selection(buildings=("3",)), out, issued_on=ISSUED)
    assert first.notice.path.name == "20261120-停水通知-公告.pdf"
    assert second.notice.path.name == "20261120-停水通知-2-公告.pdf"
    assert first.notice.path.exists() and second.document_id != first.document_id


def test_explicit_file_names_and_preprinted_envelopes(notices, estate, out):
    files = BatchFiles.beside(out / "停电.pdf")
    assert files.letters.name == "停电-信件.pdf" and files.signoff.name == "停电-签收单.pdf"
    values = {"start": "2026-12-02 08:00", "end": "2026-12-02 12:00", "area": "3栋", "reason": "线路检修",
              "contact_phone": "0755-28881234"}
    batch = notices.issue("power-outage", values, Selection(units=("3栋2单元1201", "03-02-1202")), files=files,
                          envelope_options=EnvelopeOptions(mode="preprinted"), issued_on=ISSUED)
    assert [h.unit_code for h in batch.households.households] == ["3-2-1201", "3-2-1202"]
    assert batch.files == files.as_dict()
    envelopes = flat_text(batch.envelopes.path)
    assert "贴邮票处" not in envelopes and "张三" in envelopes
    assert batch.kind is DocumentKind.POWER_OUTAGE


@pytest.mark.parametrize(
    ("selection", "field", "fragment"),
    [
        (Selection(), "selection", "发放范围"),
        (Selection(clusters=("九组团",)), "clusters", "九组团"),
        (Selection(buildings=("88",)), "buildings", "88栋"),
        (Selection(units=("3-2-9901",)), "units", "3-2-9901"),
        (Selection(units=("楼下那户",)), "units", "房号"),
        (Selection(statuses=("闹鬼",)), "statuses", "房屋状态"),
        (Selection(buildings=("5",), statuses=("已入住",)), "selection", "没有房屋"),
    ],
)
def test_a_selection_that_names_nothing_is_refused_in_chinese(notices, estate, out, selection, field, fragment):
    with pytest.raises(BadInput) as info:
        notices.issue("water-outage", WATER, selection, out)
    assert info.value.field == field
    assert fragment in info.value.message


def test_a_selection_of_only_empty_unsold_units_is_refused(notices, estate, out):
    with pytest.raises(BadInput) as info:
        notices.issue("water-outage", WATER, Selection(units=("5-1-301",)), out)
    assert "5栋1单元301" in info.value.message


def test_a_batch_leaves_exactly_its_four_pdfs_and_no_temporary_file(notices, estate, out):
    batch = notices.issue("water-outage", WATER, Selection(buildings=("3",)), out, issued_on=ISSUED)
    assert sorted(out.iterdir()) == sorted(batch.files.values())


def test_GIVEN_a_rename_fails_after_the_record_WHEN_the_next_batch_starts_THEN_the_first_is_completed(
        ctx, notices, estate, out):
    files = BatchFiles.beside(out / "停水.pdf")
    files.signoff.mkdir()  # a folder where the sign-off sheet should go: its rename fails
    with pytest.raises(BadInput) as info:
        notices.issue("water-outage", WATER, Selection(buildings=("3",)), files=files, issued_on=ISSUED)
    assert "已登记" in info.value.message and "停水-签收单.pdf" in info.value.message
    [recorded] = DocumentService(ctx).batches()
    assert not files.signoff.is_file()

    files.signoff.rmdir()
    second = notices.issue("water-outage", WATER, Selection(buildings=("3",)), out, issued_on=ISSUED)
    assert "文件签收单" in flat_text(files.signoff)  # finished before the second batch began
    assert page_count(files.letters) == len(second.households.households)
    assert sorted(out.iterdir()) == sorted([*files.paths(), *second.files.values()])
    assert recorded.document_id != second.document_id


def test_the_contact_phone_defaults_to_the_estates_service_phone_and_the_gas_notice_names_its_hotline(
        notices, estate, out):
    gas = {"gas_company": "深圳燃气", "gas_hotline": "0755-83000000", "start": "2026-12-01 09:00",
           "end": "2026-12-01 17:00", "area": "3栋", "reason": "管道改造"}  # no 咨询电话 typed

    batch = notices.issue("gas-outage", gas, Selection(buildings=("3",)), out, issued_on=ISSUED)

    text = flat_text(batch.notice.path)
    assert "拨打燃气抢修电话0755-83000000" in text
    assert "0755-28881234" in text  # 小区信息 → 服务电话
    typed = notices.issue("gas-outage", {**gas, "contact_phone": "0755-11112222"}, Selection(buildings=("3",)),
                          out, issued_on=ISSUED)
    assert "0755-11112222" in flat_text(typed.notice.path)
    with pytest.raises(BadInput) as caught:
        notices.issue("gas-outage", {k: v for k, v in gas.items() if k != "gas_hotline"},
                      Selection(buildings=("3",)), out, issued_on=ISSUED)
    assert caught.value.field == "gas_hotline" and "燃气抢修电话" in caught.value.message


def test_the_salutation_setting_greets_the_flat_by_its_room_code(ctx, notices, estate, out):
    from butler_desk.services.documents.recipients import RecipientService

    assert RecipientService(ctx).salutation_style() == "name"
    assert RecipientService(ctx).set_salutation_style("按房号") == "room"
    with pytest.raises(BadInput) as caught:
        RecipientService(ctx).set_salutation_style("按性别")
    assert caught.value.field == "letter_salutation"

    batch = notices.issue("water-outage", WATER, Selection(units=("3-2-1201", "3-2-202")), out, issued_on=ISSUED)

    letters = flat_text(batch.letters.path)
    assert "尊敬的3-2-1201业主：" in letters and "尊敬的3-2-202住户：" in letters
    assert "张三" not in letters
