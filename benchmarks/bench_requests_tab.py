"""The 投诉报修 tab itself on 100,000 requests: opening it and changing a filter, as the butler
sees it (service query, model reset, repaint), against the same query in raw SQL in the same run.

Run: uv run python -m benchmarks requests   (this runs after the service-level figures)
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import median, p95, report, timed

RUNS = 15
TARGET = "median ≤ 200 ms"


def run_tab(path: Path, raw: Callable[[sqlite3.Connection, str, tuple], Callable[[], object]],
            stored: Callable[[datetime], str]) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from butler_desk.domain.requests import RequestKind, RequestState
    from butler_desk.services import Services
    from butler_desk.services.maintenance import open_context
    from butler_desk.ui.requests.tab import RequestsTab

    app = QApplication.instance() or QApplication([])
    ctx = open_context(path, "基准测试")
    services = Services(ctx)
    ledger = services.ledger
    ledger.clusters()  # in the app the ledger tab has queried (and set up the ORM) before this tab opens
    con = sqlite3.connect(path)

    def settle(tab: RequestsTab) -> None:
        app.processEvents()  # the queued first load, the model reset and the repaint
        app.processEvents()

    # -- opening the tab: construction, first show, the list of the newest 2,000 and its counts
    opened: list[float] = []
    for _ in range(7):
        start = time.perf_counter()
        tab = RequestsTab(services)
        tab.resize(1280, 800)
        tab.show()
        while not tab.loaded:
            app.processEvents()
        settle(tab)
        opened.append((time.perf_counter() - start) * 1000)
        assert tab.model.rowCount() > 0
        tab.close()
        tab.deleteLater()
        app.processEvents()
    open_raw = raw(con, "1 = 1", ())
    open_raw()
    raw_open = [t * 1000 for t in timed(open_raw, RUNS)]
    report("open the 投诉报修 tab, first time in the session", opened[0], "ms", baseline=raw_open[0], target=TARGET)
    report("open the 投诉报修 tab (a new tab each time, 2,000 rows)", median(opened), "ms",
           baseline=median(raw_open), target=TARGET)
    report("    p95", p95(opened), "ms", baseline=p95(raw_open))

    # -- changing one filter and seeing the list again
    tab = RequestsTab(services)
    tab.resize(1280, 800)
    tab.show()
    while not tab.loaded:
        app.processEvents()
    settle(tab)
    bar = tab.bar
    kinds = [bar.kind_combo.findData(k.value) for k in RequestKind]
    states = [bar.state_combo.findData(s.value) for s in (RequestState.ASSIGNED, RequestState.RESOLVED)]
    open_states = tuple(s.value for s in RequestState if s.is_open)
    marks = ", ".join("?" * len(open_states))
    now = stored(datetime.now(UTC))

    def cycle(combo, indexes: list[int]) -> Callable[[], None]:
        position = [0]

        def step() -> None:
            position[0] = (position[0] + 1) % len(indexes)
            combo.setCurrentIndex(indexes[position[0]])
            settle(tab)

        return step

    def toggle(box) -> Callable[[], None]:
        def step() -> None:
            box.setChecked(not box.isChecked())
            settle(tab)

        return step

    scenarios = [
        ("change filter: kind", cycle(bar.kind_combo, kinds), "r.kind = ?", ("complaint",)),
        ("change filter: state", cycle(bar.state_combo, states), "r.state = ?", ("assigned",)),
        ("change filter: overdue only (on/off)", toggle(bar.overdue_only),
         f"r.state IN ({marks}) AND r.next_due_at < ?", (*open_states, now)),
        ("change filter: open only (on/off)", toggle(bar.open_only), f"r.state IN ({marks})", open_states),
        ("change filter: cluster", cycle(bar.cluster_combo, list(range(bar.cluster_combo.count()))),
         "r.cluster_id = ?", (1,)),
        ("change filter: date preset", cycle(bar.date_combo, list(range(bar.date_combo.count()))),
         "r.received_at >= ?", (stored(datetime(2026, 11, 1, tzinfo=UTC)),)),
    ]
    for name, step, where, params in scenarios:
        step()
        ours = [t * 1000 for t in timed(step, RUNS)]
        raw_fn = raw(con, where, params)
        raw_fn()
        baseline = [t * 1000 for t in timed(raw_fn, RUNS)]
        report(name, median(ours), "ms", baseline=median(baseline), target=TARGET)
        report("    p95", p95(ours), "ms", baseline=p95(baseline))
    tab.close()
    con.close()
    ctx.db.dispose()
