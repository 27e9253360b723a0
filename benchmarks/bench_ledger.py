"""Ledger benchmarks on the large estate (20,000 units, ~26,000 parties).

Run all with ``uv run python -m benchmarks ledger``, or some with
``uv run python -m benchmarks.bench_ledger [startup] [search] [import]``.

- start to first painted ledger vs a bare PySide6 window with a QTableView (target ratio ≤ 3)
- search latency per keystroke in the real ledger tab (target median ≤ 30 ms)
- importing a 20,000-row roster vs openpyxl read_only reading the same file (target ratio ≤ 2)
- peak memory with the large estate open (target ≤ 300 MB)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.common import CACHE, PYTHON, child_env, large_estate, median, p95, report

BARE_WINDOW = r"""
import resource, sys, time
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

ROWS, COLS = 20000, 11

class Model(QAbstractTableModel):
    def __init__(self):
        super().__init__()
        self.rows = [[f"{r}-{c}" for c in range(COLS)] for r in range(ROWS)]
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else ROWS
    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else COLS
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        return None

class View(QTableView):
    painted = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not View.painted:
            View.painted = True
            print("first-paint", flush=True)
            QTimer.singleShot(0, QApplication.instance().quit)

app = QApplication(sys.argv)
window = QMainWindow()
view = View()
view.setModel(Model())
window.setCentralWidget(view)
window.resize(1280, 800)
window.show()
app.exec()
print("maxrss-kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
"""


def _time_to_line(cmd: list[str], env: dict[str, str], marker: str = "first-paint") -> tuple[float, dict[str, str]]:
    """Seconds from spawning ``cmd`` to it printing ``marker``; also the key/value lines it printed."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    elapsed = None
    values: dict[str, str] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(marker) and elapsed is None:
            elapsed = time.perf_counter() - start
        parts = line.split()
        if len(parts) == 2:
            values[parts[0]] = parts[1]
    proc.wait(timeout=120)
    if elapsed is None or proc.returncode != 0:
        raise RuntimeError(f"{cmd} did not paint: rc={proc.returncode} {proc.stderr.read() if proc.stderr else ''}")
    return elapsed, values


def startup_and_memory(db: Path, runs: int = 5) -> None:
    bare_script = CACHE / "bare_window.py"
    bare_script.write_text(BARE_WINDOW, encoding="utf-8")
    env = child_env(BUTLER_DESK_EXIT_AFTER_PAINT="1", BUTLER_DESK_DATA_DIR=str(CACHE / "data"))
    app_cmd = [PYTHON, "-m", "butler_desk", "--db", str(db), "--operator", "基准测试"]
    # One warm-up each: the first run pays for the OS file cache, not for our code.
    _time_to_line([PYTHON, str(bare_script)], env)
    _time_to_line(app_cmd, env)
    bare, app, rss = [], [], []
    for _ in range(runs):
        bare.append(_time_to_line([PYTHON, str(bare_script)], env)[0])
        seconds, values = _time_to_line(app_cmd, env)
        app.append(seconds)
        rss.append(int(values.get("maxrss-kb", 0)) / 1024)
    report("start to first painted ledger (median)", median(app) * 1000, "ms",
           baseline=median(bare) * 1000, target="ratio ≤ 3")
    report("peak memory, large estate open", max(rss), "MB", target="≤ 300 MB")


def search_per_keystroke(db: Path) -> None:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from butler_desk.services.maintenance import open_context
    from butler_desk.services.ledger.service import LedgerService
    from butler_desk.ui.ledger.tab import LedgerTab

    app = QApplication.instance() or QApplication([])
    ctx = open_context(db, "基准测试")
    tab = LedgerTab(LedgerService(ctx))
    tab.resize(1280, 800)
    tab.show()
    tab.reload()
    while tab.is_loading():
        app.processEvents()
    assert tab.index is not None and len(tab.index) > 0
    box = tab.search
    typed = ["3栋2单元1201", "zhangwei", "wxf", "13812", "欧阳", "12-1-3", "liuyang", "0755"]
    latencies = []
    for text in typed:
        box.clear()
        app.processEvents()
        for i in range(1, len(text) + 1):
            start = time.perf_counter()
            box.setText(text[:i])  # emits textChanged: filter + model reset
            app.processEvents()  # and the repaint the user waits for
            latencies.append(time.perf_counter() - start)
    report("search latency per keystroke (median)", median(latencies) * 1000, "ms", target="≤ 30 ms")
    report("search latency per keystroke (p95)", p95(latencies) * 1000, "ms")
    tab.close()
    ctx.db.dispose()


def write_roster(db: Path, out: Path, rows: int = 20_000) -> None:
    """A realistic 20,000-row roster (one row per unit, its first owner) written from the large estate."""
    import sqlite3

    from openpyxl import Workbook

    con = sqlite3.connect(db)
    data = con.execute(
        """SELECT c.name, u.code, u.area_centi, u.fee_rate_fen, u.status, p.name, ph.number, p.id_number,
                  p.mailing_address, p.postcode, o.moved_in
           FROM units u JOIN buildings b ON b.id = u.building_id JOIN clusters c ON c.id = b.cluster_id
           LEFT JOIN occupancies o ON o.id = (SELECT min(id) FROM occupancies WHERE unit_id = u.id AND role = 'owner')
           LEFT JOIN parties p ON p.id = o.party_id
           LEFT JOIN phones ph ON ph.id = (SELECT min(id) FROM phones WHERE party_id = p.id)
           ORDER BY u.id LIMIT ?""", (rows,)).fetchall()
    con.close()
    labels = {"vacant": "空置", "handed_over": "已交房未入住", "occupied": "已入住", "renovating": "装修中", "let": "出租"}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("业户资料")
    ws.append(["组团", "房号", "建筑面积(㎡)", "物业费单价(元/㎡·月)", "房屋状态", "姓名", "联系电话", "证件号码",
               "通讯地址", "邮政编码", "入住日期"])
    for cluster, code, area, fee, status, name, phone, id_no, address, postcode, moved in data:
        ws.append([cluster, code, area / 100 if area else None, fee / 100 if fee else None, labels[status], name,
                   phone, id_no, address or None, postcode or None, moved])
    wb.save(out)


def roster_import(db: Path, runs: int = 3) -> None:
    from openpyxl import load_workbook

    from butler_desk.services.maintenance import open_context
    from butler_desk.services.ledger.roster_import import RosterImportService

    roster_file = CACHE / "roster-20000.xlsx"
    if not roster_file.exists():
        write_roster(db, roster_file)
    baseline, ours, rows = [], [], 0
    for _ in range(runs):
        start = time.perf_counter()
        wb = load_workbook(roster_file, read_only=True)
        for ws in wb.worksheets:
            for _row in ws.iter_rows(values_only=True):
                pass
        wb.close()
        baseline.append(time.perf_counter() - start)
        with tempfile.TemporaryDirectory() as tmp:
            ctx = open_context(Path(tmp) / "import.sqlite3", "基准测试")
            service = RosterImportService(ctx)
            start = time.perf_counter()
            summary = service.import_roster(service.read(roster_file))
            ours.append(time.perf_counter() - start)
            rows = summary.imported_rows
            ctx.db.dispose()
    report(f"import {rows}-row roster into an empty database", median(ours) * 1000, "ms",
           baseline=median(baseline) * 1000, target="ratio ≤ 2")


SCENARIOS = {"startup": startup_and_memory, "search": search_per_keystroke, "import": roster_import}


def run(only: Sequence[str] = ()) -> None:
    """Run every scenario, or those named in ``only`` (startup, search, import)."""
    unknown = [name for name in only if name not in SCENARIOS]
    if unknown:
        raise SystemExit(f"unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    db = large_estate()
    for name, scenario in SCENARIOS.items():
        if not only or name in only:
            scenario(db)


if __name__ == "__main__":
    # e.g. ``uv run python -m benchmarks.bench_ledger import`` for the roster import alone
    run(sys.argv[1:])
