"""The request commands of ``butler-desk``: export, list, show, stats, with their exit codes and messages."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from butler_desk.cli.main import EXIT_BAD_DATA, EXIT_OK, EXIT_USAGE, run
from butler_desk.cli.requests import parse_date
from butler_desk.domain.errors import BadInput
from butler_desk.domain.workdays import CHINA_TZ
from butler_desk.exchange.requests_export import REGISTER_TITLE, STATS_TITLE
from butler_desk.services.demo.estate import build_demo_estate
from butler_desk.services.maintenance import open_context
from butler_desk.services.requests.views import IntakeInput
from butler_desk.services.requests.service import RequestService


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """A small demo year, plus a complaint taken three hours ago that nobody has answered (overdue)."""
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite3"
    build_demo_estate(path, units=60, requests=200)
    ctx = open_context(path, "李晓红")
    RequestService(ctx).intake(IntakeInput(None, None, "中心广场", "投诉", "电话", "夜间施工噪音",
                                           received_at=datetime.now(CHINA_TZ) - timedelta(hours=3)))
    ctx.db.dispose()
    return path


def _today() -> date:
    return datetime.now(CHINA_TZ).date()


def test_export_requests_writes_the_register_and_statistics(demo_db, tmp_path, capsys):
    out = tmp_path / "工单.xlsx"
    first = _today() - timedelta(days=364)

    code = run(["--db", str(demo_db), "export", "requests", "--from", f"{first:%Y/%-m/%-d}", "--to",
                _today().isoformat(), "--out", str(out)])

    assert code == EXIT_OK
    assert "已导出" in capsys.readouterr().out
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == [REGISTER_TITLE, STATS_TITLE]
    numbers = [row[0] for row in book[REGISTER_TITLE].iter_rows(min_row=3, values_only=True)]
    assert len(numbers) == 201 and all(n[:2] in {"TS", "BX", "ZX", "TY", "ZG"} for n in numbers)
    phones = [row[7] for row in book[REGISTER_TITLE].iter_rows(min_row=3, values_only=True) if row[7]]
    assert phones and all("****" in phone for phone in phones)
    book.close()


@pytest.mark.parametrize(
    ("dates", "code", "fragment"),
    [
        (["--from", "2026-13-01", "--to", "2026-12-31"], EXIT_BAD_DATA, "不存在"),
        (["--from", "去年", "--to", "2026-12-31"], EXIT_BAD_DATA, "2026-01-01 或 2026/1/1"),
        (["--from", "2026-12-31", "--to", "2026-01-01"], EXIT_BAD_DATA, "早于"),
        (["--from", "2026-01-01"], EXIT_USAGE, "--from 和 --to"),
    ],
)
def test_bad_dates_end_with_a_chinese_message_and_no_file(demo_db, tmp_path, capsys, dates, code, fragment):
    out = tmp_path / "工单.xlsx"
    assert run(["--db", str(demo_db), "export", "requests", *dates, "--out", str(out)]) == code
    assert fragment in capsys.readouterr().err
    assert not out.exists()


def test_the_ledger_export_still_works_and_refuses_request_dates(demo_db, tmp_path, capsys):
    out = tmp_path / "台账.xlsx"
    assert run(["--db", str(demo_db), "export", "ledger", "--out", str(out)]) == EXIT_OK
    assert out.exists()
    assert run(["--db", str(demo_db), "export", "ledger", "--from", "2026-01-01", "--out", str(out)]) == EXIT_USAGE
    assert "只用于导出工单" in capsys.readouterr().err


def test_requests_list_prints_a_table_and_the_count(demo_db, capsys):
    assert run(["--db", str(demo_db), "requests", "list", "--limit", "5"]) == EXIT_OK
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].split()[:4] == ["编号", "类型", "状态", "位置"]
    assert len(lines) == 6
    assert "共 201 张" in captured.err and "显示最新 5 张" in captured.err


def test_requests_list_of_overdue_ones_shows_only_overdue_rows(demo_db, capsys):
    assert run(["--db", str(demo_db), "requests", "list", "--overdue", "--limit", "1000"]) == EXIT_OK
    captured = capsys.readouterr()
    rows = captured.out.splitlines()[1:]
    assert rows and all("！" in row and "超时" in row for row in rows)
    assert any("夜间施工噪音" in row for row in rows)
    assert f"共 {len(rows)} 张" in captured.err


def test_requests_show_prints_the_timeline(demo_db, capsys):
    run(["--db", str(demo_db), "requests", "list", "--limit", "200", "--state", "已关闭"])
    number = capsys.readouterr().out.splitlines()[1].split()[0]

    assert run(["--db", str(demo_db), "requests", "show", number.lower()]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith(number) and "办理经过：" in out and "关闭" in out and "下一步可以：重新打开" in out
    assert run(["--db", str(demo_db), "requests", "show", "TS-1999-000001"]) == EXIT_BAD_DATA


def test_requests_stats_prints_the_figures(demo_db, capsys):
    first = _today() - timedelta(days=364)
    assert run(["--db", str(demo_db), "requests", "stats", "--from", first.isoformat(), "--to",
                _today().isoformat()]) == EXIT_OK
    out = capsys.readouterr().out
    assert "合计" in out and "满意率" in out and "投诉到达现场或电话联系" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-01-01", date(2026, 1, 1)), ("2026/1/1", date(2026, 1, 1)), ("2026.3.5", date(2026, 3, 5)),
     ("2026年3月5日", date(2026, 3, 5)), (" 2026/12/31 ", date(2026, 12, 31))],
)
def test_dates_are_read_in_the_spellings_offices_use(text, expected):
    assert parse_date(text, "--from") == expected


def test_an_unknown_kind_is_bad_data(demo_db, capsys):
    assert run(["--db", str(demo_db), "requests", "list", "--kind", "外卖"]) == EXIT_BAD_DATA
    assert "外卖" in capsys.readouterr().err
    with pytest.raises(BadInput):
        parse_date("2026-02-30", "--to")
