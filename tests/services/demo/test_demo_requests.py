"""The demo's year of requests: every kind and state, consistent timelines, real units and people."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from butler_desk.domain.errors import BadInput
from butler_desk.domain.requests import RequestKind, StepKind
from butler_desk.domain.workdays import CHINA_TZ
from butler_desk.services.demo.estate import build_demo_estate
from butler_desk.services.demo.requests import TOPICS, add_demo_requests
from butler_desk.services.maintenance import open_context
from butler_desk.services.requests.views import RequestFilter
from butler_desk.services.requests.service import RequestService

TODAY = date(2026, 11, 20)
CLOSE_OF_DAY = datetime(2026, 11, 20, 17, 30, tzinfo=CHINA_TZ)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A 300-unit estate with 1,500 requests over the year up to TODAY (one build for the module)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    build_demo_estate(path, units=300, requests=0)
    stats = add_demo_requests(path, count=1500, seed=7, today=TODAY)
    return path, stats


def _rows(path, sql: str, params: tuple = ()) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_the_year_has_every_kind_and_most_requests_closed(demo):
    path, stats = demo
    kinds = dict(_rows(path, "SELECT kind, count(*) FROM requests GROUP BY kind"))
    states = dict(_rows(path, "SELECT state, count(*) FROM requests GROUP BY state"))

    assert set(kinds) == {kind.value for kind in RequestKind}
    assert kinds["repair"] > kinds["complaint"] > 0
    assert stats.total == sum(kinds.values()) == 1500
    assert states["closed"] / 1500 > 0.9
    assert sum(n for state, n in states.items() if state != "closed") >= 10
    assert "工单 1500 张" in str(stats)


def test_the_demo_holds_the_interesting_cases(demo):
    path, stats = demo
    one = _rows(path, """SELECT
        sum(valid = 0 AND invalid_reason != '' AND kind = 'complaint'),
        sum(urgent = 1 AND kind = 'repair'),
        sum(reopen_count > 0),
        sum(state = 'resolved'),
        sum(fault IS NOT NULL),
        sum(unit_id IS NULL AND area_text != ''),
        sum(contact_name != '' AND party_id IS NULL),
        sum(severity = 'serious'),
        sum(satisfaction = 'unsatisfied')
        FROM requests""")[0]
    assert all(n and n > 0 for n in one), one
    assert stats.overdue > 0
    ctx = open_context(path)
    service = RequestService(ctx, clock=lambda: CLOSE_OF_DAY)
    assert service.counts(CLOSE_OF_DAY).awaiting_visit > 0
    assert service.list(RequestFilter(overdue_only=True), now=CLOSE_OF_DAY).total == stats.overdue
    ctx.db.dispose()


def test_every_timeline_replays_and_matches_its_cached_row(demo):
    path, _stats = demo
    ctx = open_context(path)
    service = RequestService(ctx, clock=lambda: CLOSE_OF_DAY)
    cached = {rid: (state, reopen) for rid, state, reopen in _rows(path, "SELECT id, state, reopen_count FROM requests")}
    for request_id, (state, reopen_count) in cached.items():
        detail = service.detail(request_id)  # replays the stored steps through the lifecycle rules
        assert (detail.state.value, detail.reopen_count) == (state, reopen_count)
        assert all(entry.at <= CLOSE_OF_DAY for entry in detail.timeline)
        assert [e.at for e in detail.timeline] == sorted(e.at for e in detail.timeline)
    ctx.db.dispose()


def test_requests_are_tied_to_real_units_and_their_own_people(demo):
    path, _stats = demo
    orphans = _rows(path, """SELECT count(*) FROM requests r WHERE r.party_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM occupancies o WHERE o.party_id = r.party_id AND o.unit_id = r.unit_id)""")[0][0]
    assert orphans == 0
    descriptions = {text for (text,) in _rows(path, "SELECT DISTINCT description FROM requests")}
    assert descriptions <= {topic.text for topic in TOPICS}
    assert {"楼上装修噪音扰民，中午休息时间仍在使用电钻", "物业费收费标准和缴费方式"} & descriptions


def test_numbers_run_per_kind_and_year_and_the_counters_continue_from_them(demo):
    path, _stats = demo
    numbers = [n for (n,) in _rows(path, "SELECT number FROM requests")]
    assert len(set(numbers)) == len(numbers)
    by_series = Counter(n.rsplit("-", 1)[0] for n in numbers)
    counters = {f"{prefix}-{year}": last for prefix, year, last in _rows(path, """
        SELECT CASE kind WHEN 'complaint' THEN 'TS' WHEN 'repair' THEN 'BX' WHEN 'enquiry' THEN 'ZX'
               WHEN 'special_service' THEN 'TY' ELSE 'ZG' END, year, last FROM number_counters""")}
    assert counters == dict(by_series)


def test_most_requests_arrive_in_working_hours(demo):
    path, _stats = demo
    # Stored as naive UTC; Beijing is eight hours ahead.
    local_hours = [(datetime.fromisoformat(at) + timedelta(hours=8)).hour
                   for (at,) in _rows(path, "SELECT received_at FROM requests")]
    in_office = sum(8 <= h < 18 for h in local_hours)
    assert in_office / len(local_hours) > 0.7
    steps = Counter(kind for (kind,) in _rows(path, "SELECT kind FROM request_steps"))
    assert {StepKind.VISIT.value, StepKind.REOPEN.value, StepKind.CLOSE.value} <= set(steps)


def test_the_same_seed_and_day_give_the_same_requests(tmp_path):
    made = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.sqlite3"
        build_demo_estate(path, units=40, requests=0)
        add_demo_requests(path, count=60, seed=3, today=TODAY)
        made.append(_rows(path, "SELECT number, description, received_at, state FROM requests ORDER BY id"))
    assert made[0] == made[1]


def test_the_demo_estate_has_requests_by_default_and_none_when_asked(tmp_path):
    with_requests, without = tmp_path / "with.sqlite3", tmp_path / "without.sqlite3"
    build_demo_estate(with_requests, units=40)
    build_demo_estate(without, units=40, requests=0)

    assert _rows(with_requests, "SELECT count(*) FROM requests")[0][0] == 60  # 1.5 per unit
    assert _rows(without, "SELECT count(*) FROM requests")[0][0] == 0


def test_requests_are_only_added_to_a_database_without_any(demo):
    path, _stats = demo
    with pytest.raises(BadInput, match="已有工单"):
        add_demo_requests(path, count=5, today=TODAY)
    assert _rows(path, "SELECT count(*) FROM requests")[0][0] == 1500
