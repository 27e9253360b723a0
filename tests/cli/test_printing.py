"""``butler-desk print …`` and ``butler-desk documents …`` on the demo estate: files, register, exit codes."""

from __future__ import annotations

import sqlite3
import subprocess
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from butler_desk.cli.main import EXIT_BAD_DATA, EXIT_OK, EXIT_USAGE, run
from butler_desk.domain.enums import PartyRole
from butler_desk.domain.workdays import CHINA_TZ
from butler_desk.reporting import missing_glyphs
from butler_desk.services.demo.estate import build_demo_estate
from butler_desk.services.documents.service import DocumentService
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.ledger.views import PartyInput, UnitInput
from butler_desk.services.maintenance import open_context
from butler_desk.services.requests.views import IntakeInput
from butler_desk.services.requests.service import RequestService
from tests.reporting.pdfcheck import flat_text, pages_text

RARE = "𰻞"
WATER = ["--set", "开始时间=2026-12-01 09:00", "--set", "恢复供水时间=2026-12-01 17:00", "--set", "area=1栋",
         "--set", "停水原因=水池清洗", "--set", "咨询电话=0755-28881234"]


@pytest.fixture
def demo(db_path):
    build_demo_estate(db_path, units=60, documents=False)  # the register starts empty
    ctx = open_context(db_path, "测试")
    ledger = LedgerService(ctx)
    unit_id = ledger.save_unit(UnitInput(room_code="9-1-101", cluster="一组团", status="已入住"))
    ledger.move_in(unit_id, PartyRole.OWNER, PartyInput(name=f"王{RARE}", phones="13312345678"),
                   on=date(2024, 1, 1), moved_in=date(2024, 2, 1))
    ctx.db.dispose()
    return ["--db", str(db_path)]


def _register(db_path):
    ctx = open_context(db_path, "测试")
    try:
        return DocumentService(ctx).batches()
    finally:
        ctx.db.dispose()


def test_form_list_shows_ids_numbers_and_titles(demo, capsys):
    assert run([*demo, "print", "form", "--list"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "sign-off-sheet" in out and "KF-09" in out and "文件签收单" in out


def test_a_blank_form_prints_the_pages_asked_for(demo, tmp_path, capsys):
    out = tmp_path / "vacant.pdf"
    assert run([*demo, "print", "form", "vacant-inspection", "--blank", "2", "--out", str(out)]) == EXIT_OK
    assert len(PdfReader(str(out)).pages) == 2
    assert "2 页" in capsys.readouterr().out


def test_id_on_a_form_without_a_record_source_is_a_usage_error(demo, tmp_path, capsys):
    code = run([*demo, "print", "form", "patrol-record", "--id", "3", "--out", str(tmp_path / "x.pdf")])
    assert code == EXIT_USAGE
    assert "不能按编号填写" in capsys.readouterr().err


def test_a_missing_required_field_names_it_and_exits_3(demo, db_path, tmp_path, capsys):
    out = tmp_path / "notice.pdf"
    code = run([*demo, "print", "notice", "water-outage", "--buildings", "1", *WATER[:2], "--out", str(out)])
    assert code == EXIT_BAD_DATA
    err = capsys.readouterr().err
    assert "预计恢复供水时间" in err and "--set end=" in err
    assert not out.exists()
    assert _register(db_path) == []


def test_an_unknown_field_is_a_usage_error(demo, tmp_path, capsys):
    code = run([*demo, "print", "notice", "water-outage", "--buildings", "1", "--set", "颜色=红",
                "--out", str(tmp_path / "n.pdf")])
    assert code == EXIT_USAGE
    assert "没有字段“颜色”" in capsys.readouterr().err


def test_a_notice_for_a_building_prints_four_files_in_one_order_and_is_recorded(demo, db_path, tmp_path, capsys):
    out = tmp_path / "停水.pdf"
    code = run([*demo, "--operator", "李晓红", "print", "notice", "water-outage", "--buildings", "1", *WATER,
                "--date", "2026-11-20", "--out", str(out)])
    assert code == EXIT_OK, capsys.readouterr().err
    stdout = capsys.readouterr().out
    assert "发放记录" in stdout and "签收单" in stdout
    letters, envelopes = tmp_path / "停水-信件.pdf", tmp_path / "停水-信封.pdf"
    assert (tmp_path / "停水-签收单.pdf").exists()
    batches = _register(db_path)
    assert len(batches) == 1 and batches[0].operator == "李晓红" and batches[0].issued_on == date(2026, 11, 20)
    ctx = open_context(db_path, "测试")
    rows = DocumentService(ctx).batch_detail(batches[0].document_id).deliveries
    ctx.db.dispose()
    letter_pages, envelope_pages = pages_text(letters), pages_text(envelopes)
    assert len(letter_pages) == len(envelope_pages) == len(rows) == batches[0].copies
    for row, letter, envelope in zip(rows, letter_pages, envelope_pages, strict=True):
        assert row.room in letter and row.addressee in letter and row.addressee in envelope
    board = "".join(pages_text(out))
    assert not any(row.addressee in board for row in rows)


def test_a_rare_character_is_refused_by_default_naming_the_field_and_printed_only_when_allowed(
        demo, db_path, tmp_path, capsys):
    if not missing_glyphs([RARE]):
        pytest.skip(f"a font on this machine prints {RARE}")
    args = [*demo, "print", "notice", "water-outage", "--units", "9-1-101", *WATER]
    assert run([*args, "--out", str(tmp_path / "refused.pdf")]) == EXIT_BAD_DATA
    err = capsys.readouterr().err
    assert f"“{RARE}”（U+{ord(RARE):04X}，收件人“王{RARE}”）" in err and "--allow-missing-glyphs" in err
    assert not (tmp_path / "refused.pdf").exists() and _register(db_path) == []
    assert run([*args, "--strict", "--out", str(tmp_path / "strict.pdf")]) == EXIT_BAD_DATA  # the old spelling
    capsys.readouterr()
    assert run([*args, "--allow-missing-glyphs", "--out", str(tmp_path / "ok.pdf")]) == EXIT_OK
    err = capsys.readouterr().err
    assert "警告" in err and f"王{RARE}" in err and (tmp_path / "ok.pdf").exists()


def test_no_selection_is_refused_with_exit_3(demo, tmp_path, capsys):
    assert run([*demo, "print", "notice", "water-outage", *WATER, "--out", str(tmp_path / "n.pdf")]) == EXIT_BAD_DATA
    assert "发放范围" in capsys.readouterr().err


def test_envelopes_take_size_mode_and_offset_from_the_command_line(demo, tmp_path):
    out = tmp_path / "env.pdf"
    code = run([*demo, "print", "envelopes", "--units", "9-1-101,1栋1单元101", "--size", "C5", "--preprinted",
                "--offset", "1,2", "--allow-missing-glyphs", "--out", str(out)])
    assert code == EXIT_OK
    pages = PdfReader(str(out)).pages
    assert len(pages) == 2
    assert round(float(pages[0].mediabox.width) * 25.4 / 72) == 229
    assert "贴邮票处" not in "".join(pages_text(out))


def test_calibration_and_setup(demo, tmp_path, capsys):
    assert run([*demo, "print", "setup", "--printer", "前台HP", "--size", "ZL", "--offset", "1.5,-2"]) == EXIT_OK
    assert "前台HP" in capsys.readouterr().out
    out = tmp_path / "cal.pdf"
    assert run([*demo, "print", "calibration", "--printer", "前台HP", "--out", str(out)]) == EXIT_OK
    assert "dx=+1.5" in "".join(pages_text(out))
    assert run([*demo, "print", "setup", "--offset", "30,0"]) == EXIT_BAD_DATA


def test_documents_uncollected_lists_copies_after_two_weeks(demo, tmp_path, capsys):
    run([*demo, "print", "notice", "water-outage", "--buildings", "1", *WATER, "--date", "2026-11-02",
         "--out", str(tmp_path / "n.pdf")])
    capsys.readouterr()
    assert run([*demo, "documents", "uncollected", "--today", "2026-11-15"]) == EXIT_OK
    assert "没有超期未签收的文件" in capsys.readouterr().out
    out = tmp_path / "overdue.pdf"
    assert run([*demo, "documents", "uncollected", "--today", "2026-11-16", "--out", str(out)]) == EXIT_OK
    listing = capsys.readouterr().out
    assert "已 14 天" in listing and "****" in listing
    assert "逾期未领文件清单" in "".join(pages_text(out))
    assert run([*demo, "documents", "uncollected", "--today", "16/11/2026"]) == EXIT_USAGE


def test_documents_received_and_returned_from_the_command_line(demo, db_path, tmp_path, capsys):
    run([*demo, "print", "notice", "water-outage", "--units", "1-1-101", *WATER, "--date", "2026-11-02",
         "--out", str(tmp_path / "n.pdf")])
    batch = _register(db_path)[0]
    ctx = open_context(db_path, "测试")
    delivery_id = DocumentService(ctx).batch_detail(batch.document_id).deliveries[0].delivery_id
    ctx.db.dispose()
    assert run([*demo, "documents", "received", str(delivery_id), "--by", "本人", "--on", "2026-11-03"]) == EXIT_OK
    assert run([*demo, "documents", "returned", str(delivery_id), "--reason", "拒收"]) == EXIT_BAD_DATA
    assert run([*demo, "documents", "show", str(batch.document_id)]) == EXIT_OK
    assert "已签收" in capsys.readouterr().out
    assert run([*demo, "documents", "signoff", str(batch.document_id), "--out", str(tmp_path / "s.pdf")]) == EXIT_OK
    assert "本人" in "".join(pages_text(tmp_path / "s.pdf"))


# -- request forms: 派工单 and 登记表 ---------------------------------------------------------


@pytest.fixture
def repair(demo, db_path) -> str:
    """The number of a fresh repair request from 周建华 (137 1234 5678) at 9-1-102."""
    ctx = open_context(db_path, "测试")
    ledger = LedgerService(ctx)
    unit = ledger.save_unit(UnitInput(room_code="9-1-102", cluster="一组团", status="已入住"))
    ledger.move_in(unit, PartyRole.OWNER, PartyInput(name="周建华", phones="13712345678"), on=date(2024, 1, 1))
    party = ledger.unit_detail(unit).current[0].party.party_id
    service = RequestService(ctx)
    number = service.detail(service.intake(IntakeInput(unit, party, "", "报修", "电话", "卫生间下水道堵塞"))).number
    ctx.db.dispose()
    return number


def _reveal_reasons(db_path) -> list[str]:
    con = sqlite3.connect(db_path)
    try:
        return [row[0] for row in con.execute("SELECT changes FROM audit_log WHERE action = 'reveal'")]
    finally:
        con.close()


def test_a_work_order_by_request_number_prints_the_phone_masked(demo, repair, db_path, tmp_path):
    out = tmp_path / "派工单.pdf"
    assert run([*demo, "print", "form", "work-order", "--id", repair.lower(), "--out", str(out)]) == EXIT_OK
    text = flat_text(out)
    assert repair in text and "卫生间下水道堵塞" in text
    assert "137****5678" in text and "13712345678" not in text
    assert _reveal_reasons(db_path) == []


def test_the_full_phone_on_a_work_order_takes_a_reason_which_is_audited(demo, repair, db_path, tmp_path):
    out = tmp_path / "派工单.pdf"
    code = run([*demo, "--operator", "李晓红", "print", "form", "work-order", "--id", repair,
                "--reveal-phone", "维修人员需电话预约", "--out", str(out)])
    assert code == EXIT_OK
    assert "13712345678" in flat_text(out)
    reasons = _reveal_reasons(db_path)
    assert len(reasons) == 1 and "打印派工单：维修人员需电话预约" in reasons[0]


def test_a_blank_reveal_reason_is_refused_and_prints_nothing(demo, repair, db_path, tmp_path, capsys):
    out = tmp_path / "派工单.pdf"
    code = run([*demo, "print", "form", "work-order", "--id", repair, "--reveal-phone", " ", "--out", str(out)])
    assert code == EXIT_BAD_DATA
    assert "原因" in capsys.readouterr().err
    assert not out.exists() and _reveal_reasons(db_path) == []


def test_reveal_phone_is_only_for_the_work_order(demo, repair, tmp_path, capsys):
    code = run([*demo, "print", "form", "request-register", "--from", "2026-11-01", "--to", "2026-11-27",
                "--reveal-phone", "核对", "--out", str(tmp_path / "x.pdf")])
    assert code == EXIT_USAGE
    assert "--reveal-phone 只用于" in capsys.readouterr().err


def test_the_register_prints_the_period_it_covers(demo, repair, tmp_path):
    out = tmp_path / "登记表.pdf"
    today = datetime.now(CHINA_TZ).date()  # the request was received now, on the office's day
    first, last = today.replace(day=1), today
    code = run([*demo, "print", "form", "request-register", "--from", first.isoformat(), "--to", last.isoformat(),
                "--out", str(out)])
    assert code == EXIT_OK
    layout = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True, text=True).stdout
    assert f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d}" in layout
    assert "卫生间下水道堵塞" in flat_text(out)


def test_setup_chooses_how_letters_greet(demo, capsys):
    assert run([*demo, "print", "setup"]) == EXIT_OK
    assert "信件称呼：按姓名：尊敬的陈明博先生/女士" in capsys.readouterr().out
    assert run([*demo, "print", "setup", "--salutation", "room"]) == EXIT_OK
    assert "信件称呼：按房号" in capsys.readouterr().out


def test_the_sign_off_sheet_names_the_operator_given_or_the_one_remembered_on_this_pc(demo, db_path, tmp_path,
                                                                                     monkeypatch):
    from PySide6.QtCore import QSettings

    from butler_desk.cli.main import remembered_operator
    from butler_desk.ui.common.settings import OPERATOR, ORGANIZATION_NAME

    monkeypatch.delenv("BUTLER_DESK_OPERATOR", raising=False)
    # QSettings as the GUI writes them (ui.app.configure_application's names), in this test's folder.
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    store = QSettings(ORGANIZATION_NAME, "butler-desk")
    store.setValue(OPERATOR, "赵敏")
    store.sync()
    assert remembered_operator() == "赵敏"

    given = tmp_path / "given.pdf"
    assert run([*demo, "--operator", "李晓红", "print", "notice", "water-outage", "--buildings", "1", *WATER,
                "--out", str(given)]) == EXIT_OK
    remembered = tmp_path / "remembered.pdf"
    assert run([*demo, "print", "notice", "water-outage", "--buildings", "1", *WATER,
                "--out", str(remembered)]) == EXIT_OK

    def issuer(path) -> str:
        head = subprocess.run(["pdftotext", "-layout", "-l", "1", str(path), "-"], check=True, capture_output=True,
                              text=True).stdout
        return next(line for line in head.splitlines() if "发放人" in line).split("发放人")[-1].strip()

    assert issuer(tmp_path / "given-签收单.pdf") == "李晓红"
    assert issuer(tmp_path / "remembered-签收单.pdf") == "赵敏"  # not "命令行"
    assert {batch.operator for batch in _register(db_path)} == {"李晓红", "赵敏"}
    store.remove(OPERATOR)
    store.sync()
