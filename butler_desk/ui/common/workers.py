"""Background jobs: a worker on its own QThread with progress, cancel, and result signals.

The job is a plain function ``job(progress, is_cancelled) -> result`` that calls services;
the services run each job in one transaction, so a cancelled or failed job writes nothing.

Python's cycle collector runs in whichever thread happens to allocate when a threshold is
crossed, so a job could free a dialog or a timer of the GUI thread that sits in a reference
cycle: its C++ destructor then runs on the job's thread and the process crashes later
(a QTimer so freed fires into freed memory: a segmentation fault). ``collect_in_gui_thread``
therefore turns automatic collection off and collects from a timer in the GUI thread instead.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from butler_desk.domain.errors import BadInput, Cancelled

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]
Job = Callable[[ProgressFn, CancelledFn], Any]


class Worker(QObject):
    """Runs one job once on a private thread.

    Connect the signals to methods of QObjects that live in the GUI thread (Qt then
    queues the call there); a bare lambda would run in the worker thread.
    """

    progress = Signal(int, int)  # done, total (total 0: unknown)
    finished = Signal(object)  # the job's result
    failed = Signal(object)  # the exception (BadInput carries a Chinese message)
    cancelled = Signal()
    done = Signal()  # always last, whatever the outcome

    def __init__(self, job: Job, name: str = "job") -> None:
        super().__init__()  # no parent: a QObject with a parent cannot move threads
        self._job = job
        self._cancel = threading.Event()
        self._ended = threading.Event()  # set when the job is over, just before its outcome is sent
        self._thread = QThread()
        self._thread.setObjectName(name)
        self.moveToThread(self._thread)
        self._thread.started.connect(self._run)
        # Direct: quit from the worker thread itself, so a GUI-thread wait() never deadlocks.
        self.done.connect(self._thread.quit, Qt.ConnectionType.DirectConnection)

    def start(self) -> None:
        _keeper().keep(self)
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        """Whether the job is still working. Its thread may linger a moment after the job has
        ended; a dialog that waited on that would ignore a close the user made after the result."""
        return self._thread.isRunning() and not self._ended.is_set()

    def wait(self, ms: int = 60000) -> bool:
        """Block until the thread has ended (closing a window while a job runs)."""
        return self._thread.wait(ms)

    def _report(self, done: int, total: int) -> None:
        self.progress.emit(int(done), int(total))

    @Slot()
    def _run(self) -> None:
        # The job counts as ended before its outcome is sent: the GUI thread may act on the
        # outcome before this thread runs another line.
        try:
            result = self._job(self._report, self.is_cancelled)
        except Cancelled:
            self._ended.set()
            self.cancelled.emit()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, which tells the user
            if not isinstance(exc, BadInput):
                log.error("background job failed", exc_info=exc)
            self._ended.set()
            self.failed.emit(exc)
        else:
            self._ended.set()
            self.finished.emit(result)
        finally:
            self._ended.set()
            self.done.emit()


class _Keeper(QObject):
    """Holds every started worker until its thread has really ended.

    A caller may drop its last reference to a Worker as soon as the result arrives; if
    Python then freed it, Qt would destroy a QThread that is still winding down, which
    aborts the whole process ("QThread: Destroyed while thread is still running").
    """

    def __init__(self) -> None:
        super().__init__()
        self._live: set[Worker] = set()

    def keep(self, worker: Worker) -> None:
        self._live.add(worker)
        worker._thread.finished.connect(self._reap)  # queued: emitted by the worker's thread

    @Slot()
    def _reap(self) -> None:
        for worker in list(self._live):
            if worker._thread.isFinished():
                worker._thread.wait()  # returns at once: the thread has exited
                self._live.discard(worker)


_KEEPER: _Keeper | None = None


def _keeper() -> _Keeper:
    global _KEEPER
    if _KEEPER is None:
        _KEEPER = _Keeper()  # created by the first start(), i.e. in the GUI thread
    return _KEEPER


class _GuiThreadCollector(QObject):
    """Does in the GUI thread what the cycle collector would do wherever it was triggered.

    Generations 0 and 1 follow the interpreter's own thresholds. A full collection also waits,
    as CPython's does, until the heap has grown by a quarter since the last one, measured by
    allocated blocks, so that a large heap is not walked over and over.
    """

    INTERVAL_MS = 200

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("gui_thread_collector")
        self._thresholds = gc.get_threshold()
        self._blocks_after_full = sys.getallocatedblocks()
        self._timer = QTimer(self)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self.collect)
        self._timer.start()
        gc.disable()

    @Slot()
    def collect(self) -> int:
        """One collection if one is due; the number of unreachable objects found."""
        if gc.isenabled():
            gc.disable()  # something switched it back on: collecting stays with this thread
        young, middle, old = gc.get_count()
        threshold0, threshold1, threshold2 = self._thresholds
        if young <= threshold0:
            return 0
        if middle < threshold1:
            return gc.collect(0)
        if old < threshold2 or sys.getallocatedblocks() < self._blocks_after_full * 1.25:
            return gc.collect(1)
        found = gc.collect(2)
        self._blocks_after_full = sys.getallocatedblocks()
        return found


def collect_in_gui_thread(app: QApplication) -> None:
    """From now on the cycle collector runs only in the GUI thread (see the module docstring)."""
    if app.findChild(_GuiThreadCollector, "gui_thread_collector") is None:
        _GuiThreadCollector(app)


class ProgressRunner(QObject):
    """Runs a Worker behind a cancellable, window-modal QProgressDialog.

    Lives in the GUI thread, so the callbacks it relays are called there.
    """

    def __init__(
        self,
        parent: QWidget,
        title: str,
        label: str,
        job: Job,
        on_finished: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
        on_cancelled: Callable[[], None] | None = None,
        *,
        cancellable: bool = True,
    ) -> None:
        super().__init__(parent)
        self._on_finished, self._on_failed, self._on_cancelled = on_finished, on_failed, on_cancelled
        self.worker = Worker(job, name=title)
        self.dialog = QProgressDialog(label, "取消", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumWidth(380)
        if not cancellable:
            self.dialog.setCancelButton(None)
        self.dialog.canceled.connect(self._cancel)
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self.worker.cancelled.connect(self._cancelled)
        self.worker.done.connect(self._done)

    def start(self) -> Worker:
        self.dialog.setValue(0)
        self.worker.start()
        return self.worker

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        if total > 0 and not self.worker.is_cancelled():
            if self.dialog.maximum() != total:
                self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    @Slot()
    def _cancel(self) -> None:
        self.worker.cancel()
        self.dialog.setLabelText("正在取消，请稍候…")
        # QProgressDialog hides itself when cancelled; keep it up until the worker stops.
        QTimer.singleShot(0, self._reshow)

    def _reshow(self) -> None:
        if self.worker.is_running():
            self.dialog.show()

    def _close_dialog(self) -> None:
        self.dialog.canceled.disconnect(self._cancel)
        self.dialog.close()

    @Slot(object)
    def _finished(self, result: Any) -> None:
        self._close_dialog()
        self._on_finished(result)

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        self._close_dialog()
        self._on_failed(exc)

    @Slot()
    def _cancelled(self) -> None:
        self._close_dialog()
        if self._on_cancelled is not None:
            self._on_cancelled()

    @Slot()
    def _done(self) -> None:
        self.worker.wait()
        self.dialog.deleteLater()
        self.deleteLater()


def run_with_progress(
    parent: QWidget,
    title: str,
    label: str,
    job: Job,
    *,
    on_finished: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
    on_cancelled: Callable[[], None] | None = None,
    cancellable: bool = True,
) -> Worker:
    """Start ``job`` in the background behind a progress dialog; callbacks run in the GUI thread."""
    runner = ProgressRunner(parent, title, label, job, on_finished, on_failed, on_cancelled, cancellable=cancellable)
    return runner.start()
