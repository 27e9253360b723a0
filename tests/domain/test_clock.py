"""The one clock: aware, in the estate's zone, settable for the whole program, and the only reader of the system clock."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import butler_desk
from butler_desk.domain import clock
from butler_desk.domain.enums import PartyRole
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.ledger.views import PartyInput, UnitInput
from butler_desk.services.requests.views import IntakeInput
from butler_desk.services.requests.service import RequestService
from tests.clock import Clock, local, program_at

PACKAGE = Path(butler_desk.__file__).parent
THE_CLOCK = PACKAGE / "domain" / "clock.py"


def test_now_is_aware_in_china_time_and_today_is_its_date():
    moment = clock.now()
    assert moment.tzinfo is not None and moment.utcoffset() == timedelta(hours=8)
    assert abs(clock.utcnow() - datetime.now(UTC)) < timedelta(seconds=5)
    assert clock.today() == clock.now().date()


def test_a_set_clock_moves_the_date_at_china_midnight_not_utc_midnight():
    with program_at(local(2026, 12, 31, 23, 30)) as moved:
        assert clock.today() == date(2026, 12, 31)
        assert clock.utcnow() == datetime(2026, 12, 31, 15, 30, tzinfo=UTC)
        assert clock.stamp("%Y%m%d-%H%M") == "20261231-2330"
        moved.advance(minutes=31)
        assert clock.today() == date(2027, 1, 1)
    assert abs(clock.utcnow() - datetime.now(UTC)) < timedelta(seconds=5)  # the system clock again


def test_a_fixed_moment_works_and_a_naive_source_is_refused():
    with clock.use(local(2027, 2, 6, 10)):
        assert clock.now() == local(2027, 2, 6, 10)
    with clock.use(lambda: datetime(2027, 2, 6, 10)), pytest.raises(ValueError, match="timezone-aware"):
        clock.today()


def test_the_set_clock_reaches_the_ledger_the_stored_timestamps_and_the_requests(ctx):
    with program_at(local(2027, 3, 1, 9, 0)):
        ledger = LedgerService(ctx)
        unit = ledger.save_unit(UnitInput("1栋1单元101", status="空置"))
        ledger.move_in(unit, PartyRole.OWNER, PartyInput("李四", phones="13812345678"))  # no date: today
        [occupancy] = ledger.unit_detail(unit).current
        assert occupancy.start_date == date(2027, 3, 1)
        requests = RequestService(ctx)  # the default clock is the program's
        assert requests.today() == date(2027, 3, 1)
        party = occupancy.party.party_id
        rid = requests.intake(IntakeInput(unit, party, "", "报修", "电话", "水龙头漏水"))
        assert requests.detail(rid).received_at == local(2027, 3, 1, 9, 0)
    # A service given its own clock keeps it (how the request tests stand in another year).
    assert RequestService(ctx, clock=Clock(local(2030, 1, 2))).today() == date(2030, 1, 2)


# -- nobody else reads the system clock ---------------------------------------------

_DATE_NAMES = {"date", "datetime", "dt", "_dt"}


def _bare_clock_calls(source: str, filename: str = "<source>") -> list[str]:
    """``date.today()``, ``datetime.now()``/``utcnow()``/``today()``, ``time.localtime()`` and Qt's
    ``currentDate``/``currentDateTime`` calls in ``source``, as "line: text"."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        attr, owner = node.func.attr, ast.unparse(node.func.value)
        base = owner.rsplit(".", 1)[-1]
        bare = (
            (attr in {"today", "now", "utcnow"} and base in _DATE_NAMES)
            or (attr in {"localtime", "gmtime", "ctime"} and base == "time" and not node.args)
            or attr in {"currentDate", "currentDateTime", "currentDateTimeUtc", "currentTime"}
        )
        if bare:
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_checker_finds_each_kind_of_bare_call():
    sample = (
        "import datetime as dt\nfrom datetime import date, datetime\nimport time\n"
        "a = date.today()\nb = datetime.now()\nc = datetime.now(UTC)\nd = dt.datetime.utcnow()\n"
        "e = time.localtime()\nf = QDate.currentDate()\ng = clock.today()\nh = self.requests.today()\n"
        "i = time.localtime(0)\n"
    )
    assert [hit.split(":")[0] for hit in _bare_clock_calls(sample)] == ["4", "5", "6", "7", "8", "9"]


def test_no_module_but_the_clock_reads_the_system_clock():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == THE_CLOCK:
            continue
        for hit in _bare_clock_calls(path.read_text(encoding="utf-8"), str(path)):
            offenders.append(f"{path.relative_to(PACKAGE.parent)}:{hit}")
    assert offenders == [], "use butler_desk.domain.clock instead:\n" + "\n".join(offenders)
    # The clock itself reads the system clock exactly once.
    assert [hit.split(": ", 1)[1] for hit in _bare_clock_calls(THE_CLOCK.read_text(encoding="utf-8"))] == [
        "datetime.now(UTC)"]
