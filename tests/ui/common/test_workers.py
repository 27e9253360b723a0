"""Background workers: results, errors and cancellation arrive in the GUI thread; cancel writes nothing."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Slot
from PySide6.QtWidgets import QApplication, QWidget

from butler_desk.domain.errors import BadInput, Cancelled
from butler_desk.services.ledger.roster_import import RosterImportService
from butler_desk.ui.common import workers
from butler_desk.ui.common.workers import Worker, run_with_progress


class Receiver(QObject):
    """Lives in the GUI thread and notes which thread each signal arrives in."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, object, bool]] = []

    def _note(self, name: str, value: object) -> None:
        self.events.append((name, value, QThread.currentThread() is QApplication.instance().thread()))

    @Slot(int, int)
    def progress(self, done: int, total: int) -> None:
        self._note("progress", (done, total))

    @Slot(object)
    def finished(self, result: object) -> None:
        self._note("finished", result)

    @Slot(object)
    def failed(self, exc: object) -> None:
        self._note("failed", exc)

    @Slot()
    def cancelled(self) -> None:
        self._note("cancelled", None)


def _wire(worker: Worker) -> Receiver:
    receiver = Receiver()
    worker.progress.connect(receiver.progress)
    worker.finished.connect(receiver.finished)
    worker.failed.connect(receiver.failed)
    worker.cancelled.connect(receiver.cancelled)
    return receiver


def _wait_for(qtbot, receiver: Receiver, name: str) -> object:
    """Wait until ``name`` has arrived in the GUI thread and return its value.

    Not qtbot.waitSignal on the worker's own signal: its blocker is not a QObject, so it is
    called in the worker thread and can quit the loop before the loop has started (a hang).
    """
    qtbot.waitUntil(lambda: any(event[0] == name for event in receiver.events), timeout=10000)
    return next(value for event, value, _in_gui in receiver.events if event == name)


def test_a_job_reports_progress_and_its_result_in_the_gui_thread(qtbot):
    def job(progress, is_cancelled):
        for n in range(1, 4):
            progress(n, 3)
        return "完成"

    worker = Worker(job)
    receiver = _wire(worker)
    worker.start()
    _wait_for(qtbot, receiver, "finished")
    assert [e[:2] for e in receiver.events] == [
        ("progress", (1, 3)), ("progress", (2, 3)), ("progress", (3, 3)), ("finished", "完成"),
    ]
    assert all(in_gui for _name, _value, in_gui in receiver.events)
    assert worker.wait()


def test_a_bad_input_error_is_handed_over_not_raised(qtbot):
    def job(progress, is_cancelled):
        raise BadInput("文件不是 Excel 工作簿")

    worker = Worker(job)
    receiver = _wire(worker)
    worker.start()
    assert isinstance(_wait_for(qtbot, receiver, "failed"), BadInput)
    assert receiver.events[0][0] == "failed"


def test_cancel_is_seen_by_the_job_and_reported_as_cancelled(qtbot):
    gate = threading.Event()

    def job(progress, is_cancelled):
        gate.wait(5)
        if is_cancelled():
            raise Cancelled()
        return "不应完成"

    worker = Worker(job)
    receiver = _wire(worker)
    worker.start()
    worker.cancel()
    gate.set()
    _wait_for(qtbot, receiver, "cancelled")
    assert worker.is_cancelled()


def test_a_cancelled_import_writes_nothing(qtbot, ctx, ledger, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["房号", "建筑面积(㎡)", "姓名", "联系电话"])
    for n in range(1, 451):
        sheet.append([f"7-1-{n}", 88, f"测试{n}", f"139{n:08d}"])
    path = tmp_path / "大名单.xlsx"
    book.save(path)
    importer = RosterImportService(ctx)
    roster = importer.read(path)

    worker = Worker(lambda progress, is_cancelled: importer.import_roster(roster, progress=progress, is_cancelled=is_cancelled))
    receiver = _wire(worker)
    worker.cancel()  # before it starts: the import must notice and roll back
    worker.start()
    _wait_for(qtbot, receiver, "cancelled")
    assert len(ledger.load_index()) == 0


def test_run_with_progress_calls_back_in_the_gui_thread_and_closes_its_dialog(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    seen = []

    def finished(result):
        seen.append((result, QThread.currentThread() is QApplication.instance().thread()))

    worker = run_with_progress(parent, "测试", "正在处理…", lambda progress, is_cancelled: 42,
                               on_finished=finished, on_failed=lambda exc: seen.append(exc))
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(42, True)]
    qtbot.waitUntil(lambda: not worker.is_running())


def test_a_worker_dropped_right_after_its_result_does_not_take_the_process_down(qtbot):
    # GIVEN many workers whose only reference is dropped as soon as they report
    results, gone = [], []
    # Objects left by earlier tests move out of the collector's sight (millions of them in a
    # full run: a full collection took seconds); every worker made below is still collected.
    gc.collect()
    gc.freeze()
    try:
        for n in range(30):
            worker = Worker(lambda progress, is_cancelled, n=n: n)
            gone.append(weakref.ref(worker))
            receiver = _wire(worker)
            worker.start()
            _wait_for(qtbot, receiver, "finished")
            results.append(n)
            del worker  # WHEN the caller lets go while the thread is still winding down
            gc.collect()
        # THEN the process is still alive, every worker was reaped once its thread ended,
        # and then freed
        qtbot.waitUntil(lambda: not workers._keeper()._live, timeout=5000)
        gc.collect()
        assert results == list(range(30))
        assert [ref() for ref in gone] == [None] * 30
    finally:
        gc.unfreeze()


def test_a_worker_whose_result_has_arrived_is_no_longer_running_while_its_thread_winds_down(qtbot):
    # GIVEN a worker whose thread lingers after the job has handed over its result
    release = threading.Event()
    worker = Worker(lambda progress, is_cancelled: "完成")
    worker.done.connect(lambda: release.wait(10), Qt.ConnectionType.DirectConnection)
    receiver = _wire(worker)
    # WHEN the result arrives in the GUI thread
    worker.start()
    _wait_for(qtbot, receiver, "finished")
    # THEN a dialog asking "is the job still running?" hears no (the import dialog used to ignore
    # 关闭 here and the test driving it hung), although the thread itself has not ended yet
    try:
        assert worker._thread.isRunning()
        assert not worker.is_running()
    finally:
        release.set()
        assert worker.wait(10000)


class _Ticking(QObject):
    """A GUI-thread object with a running timer, held only by a reference cycle."""

    def __init__(self) -> None:
        super().__init__()
        self.me = self
        self.timer = QTimer(self)
        self.timer.start(5)


def test_garbage_is_collected_in_the_gui_thread_never_in_a_job(qtbot):
    # GIVEN the application as configured at start-up, a ticking object left in a cycle, and a
    # job that allocates far past the collector's thresholds
    assert not gc.isenabled()
    threads: list[bool] = []

    def note(phase, _info):
        if phase == "start":
            threads.append(threading.current_thread() is threading.main_thread())

    destroyed_in_gui = []
    ticking = _Ticking()
    ticking.destroyed.connect(
        lambda *_: destroyed_in_gui.append(QThread.currentThread() is QApplication.instance().thread()),
        Qt.ConnectionType.DirectConnection)
    del ticking

    def job(progress, is_cancelled):
        cycles = []
        for n in range(50000):
            pair = [n]
            pair.append(pair)
            cycles.append(pair)
        return len(cycles)

    gc.callbacks.append(note)
    try:
        # WHEN the job runs and the event loop goes on
        worker = Worker(job)
        receiver = _wire(worker)
        worker.start()
        assert _wait_for(qtbot, receiver, "finished") == 50000
        worker.wait()
        qtbot.waitUntil(lambda: bool(destroyed_in_gui), timeout=10000)
    finally:
        gc.callbacks.remove(note)
    # THEN every collection ran in the GUI thread, which freed the ticking object there
    assert threads and all(threads)
    assert destroyed_in_gui == [True]
