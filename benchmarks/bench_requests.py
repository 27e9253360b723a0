"""Request list benchmarks on 100,000 requests in the large estate (20,000 units).

Opening the list (default filter) and changing a filter (kind, state, overdue, date range,
cluster, text, room code), each timed through ``RequestService.list`` and against the
same query in raw SQL through the sqlite3 module in the same run; target median ≤ 200 ms.
Also the header counts, one request's detail and a week's statistics; then the tab itself
(benchmarks/bench_requests_tab.py).

Run: uv run python -m benchmarks.bench_requests
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks.common import CACHE, LARGE_SEED, LARGE_UNITS, median, p95, report, timed

REQUESTS = 100_000
RUNS = 25
TARGET = "median ≤ 200 ms"

_COLUMNS = (
    "r.id, r.number, r.kind, r.state, r.unit_id, u.code, r.party_id, p.name, r.contact_name, r.area_text, "
    "substr(r.description, 1, 80), r.received_at, r.department, r.next_due_at, r.next_due_key, r.urgent, "
    "r.severity, r.valid, r.cluster_id, r.resolved_at, r.source"
)
_FROM = "requests r LEFT JOIN units u ON u.id = r.unit_id LEFT JOIN parties p ON p.id = r.party_id"


def requests_estate() -> Path:
    """The large estate with 100,000 requests over the past year, built once and cached."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / "requests-large.sqlite3"
    if not path.exists():
        from butler_desk.services.demo.estate import build_demo_estate
        from butler_desk.services.demo.requests import add_demo_requests

        print(f"  (building {REQUESTS:,} requests on {LARGE_UNITS:,} units once: {path.name})", flush=True)
        partial = path.with_suffix(".partial")
        for leftover in CACHE.glob(partial.name + "*"):
            leftover.unlink()
        build_demo_estate(partial, units=LARGE_UNITS, seed=LARGE_SEED, requests=0)
        print(f"  {add_demo_requests(partial, count=REQUESTS, seed=LARGE_SEED)}", flush=True)
        partial.rename(path)
    return path


def _stored(moment: datetime) -> str:
    """A moment as the UTCDateTime column stores it on SQLite (naive UTC text)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _raw(con: sqlite3.Connection, where: str, params: tuple) -> Callable[[], object]:
    """The list's two statements (the count, then the newest 2,000 rows) as plain sqlite3."""
    rows_sql = f"SELECT {_COLUMNS} FROM {_FROM} WHERE {where} ORDER BY r.received_at DESC, r.id DESC LIMIT 2000"
    count_sql = f"SELECT count(r.id) FROM requests r WHERE {where}"

    def run() -> object:
        return con.execute(count_sql, params).fetchone(), con.execute(rows_sql, params).fetchall()

    return run


def run() -> None:
    from butler_desk.domain.requests import RequestKind, RequestState
    from butler_desk.domain.workdays import CHINA_TZ
    from butler_desk.services.maintenance import open_context
    from butler_desk.services.requests.views import RequestFilter
    from butler_desk.services.requests.service import RequestService

    path = requests_estate()
    ctx = open_context(path, "基准测试")
    service = RequestService(ctx)
    service.ensure_deadlines_current()
    con = sqlite3.connect(path)
    now = datetime.now(UTC)
    today = now.astimezone(CHINA_TZ).date()
    month_ago = today - timedelta(days=30)
    month_start = _stored(datetime.combine(month_ago, datetime.min.time(), tzinfo=CHINA_TZ))
    day_after = _stored(datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=CHINA_TZ))
    cluster_id = con.execute("SELECT cluster_id FROM requests GROUP BY cluster_id ORDER BY count(*) DESC").fetchone()[0]
    total = con.execute("SELECT count(*) FROM requests").fetchone()[0]
    print(f"  {total:,} requests, {con.execute('SELECT count(*) FROM units').fetchone()[0]:,} units", flush=True)

    open_states = tuple(state.value for state in RequestState if state.is_open)
    open_marks = ", ".join("?" * len(open_states))
    like = "LIKE ? ESCAPE '\\'"
    text_where = (f"(r.description {like} OR r.area_text {like} OR r.contact_name {like} "
                  f"OR r.party_id IN (SELECT id FROM parties WHERE name {like}))")
    scenarios: list[tuple[str, RequestFilter, str, tuple]] = [
        ("open the list (default filter)", RequestFilter(), "1 = 1", ()),
        ("filter: kind 投诉", RequestFilter(kind=RequestKind.COMPLAINT), "r.kind = ?", ("complaint",)),
        ("filter: state 已派单", RequestFilter(state=RequestState.ASSIGNED), "r.state = ?", ("assigned",)),
        ("filter: open only", RequestFilter(open_only=True), f"r.state IN ({open_marks})", open_states),
        ("filter: overdue only", RequestFilter(overdue_only=True),
         f"r.state IN ({open_marks}) AND r.next_due_at < ?", (*open_states, _stored(now))),
        ("filter: last 30 days", RequestFilter(date_from=month_ago, date_to=today),
         "r.received_at >= ? AND r.received_at < ?", (month_start, day_after)),
        ("filter: one cluster", RequestFilter(cluster_id=cluster_id), "r.cluster_id = ?", (cluster_id,)),
        ("filter: text 漏水", RequestFilter(query="漏水"), text_where, ("%漏水%",) * 4),
        ("filter: room code 3-2-", RequestFilter(query="3-2-"),
         f"(r.number {like} OR r.unit_id IN (SELECT id FROM units WHERE code {like}))", ("%3-2-%", "3-2-%")),
        ("filter: kind 报修 + last 30 days", RequestFilter(kind=RequestKind.REPAIR, date_from=month_ago),
         "r.kind = ? AND r.received_at >= ?", ("repair", month_start)),
    ]
    for name, flt, where, params in scenarios:
        service.list(flt)  # warm the page cache and the rules cache, as a user's second click would
        ours = [t * 1000 for t in timed(lambda flt=flt: service.list(flt, now=now), RUNS)]
        raw_fn = _raw(con, where, params)
        raw_fn()
        raw = [t * 1000 for t in timed(raw_fn, RUNS)]
        shown = service.list(flt, now=now)
        report(f"{name} ({shown.total:,} match)", median(ours), "ms", baseline=median(raw), target=TARGET)
        report("    p95", p95(ours), "ms", baseline=p95(raw))

    counts = [t * 1000 for t in timed(service.counts, RUNS)]
    report("header counts (open / overdue / awaiting visit)", median(counts), "ms")
    some_id = con.execute("SELECT id FROM requests WHERE reopen_count > 0 LIMIT 1").fetchone()[0]
    detail = [t * 1000 for t in timed(lambda: service.detail(some_id), RUNS)]
    report("one request's detail", median(detail), "ms")
    week = [t * 1000 for t in timed(lambda: service.stats(today - timedelta(days=6), today), 5)]
    report("statistics of the last 7 days", median(week), "ms")
    due = [t * 1000 for t in timed(lambda: service.due_items(date.today()), 5)]
    report("agenda items (due_items)", median(due), "ms")
    con.close()
    ctx.db.dispose()

    from benchmarks.bench_requests_tab import run_tab

    run_tab(path, _raw, _stored)


if __name__ == "__main__":
    run()
