"""Fixtures for the 投诉报修 GUI tests: a settable clock and a day of requests recorded through the service.

Loaded by the test modules with ``pytest_plugins``; they also import its helpers, hence
PYTEST_DONT_REWRITE (it has no asserts to rewrite).
"""

from __future__ import annotations

import subprocess
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from butler_desk.services import Services
from PySide6.QtWidgets import QDialog, QWidget

from butler_desk.domain.requests import StepKind
from butler_desk.services.requests.views import IntakeInput, StepInput
from butler_desk.services.requests.service import RequestService
from tests.clock import Clock, local


@dataclass
class Desk:
    """A Monday at the desk (2026-11-16), seen at 15:00.

    complaint: 张三's noise complaint, dispatched to 安防部; its 4-hour feedback was due 13:00 (overdue).
    urgent: 王五's burst pipe, an urgent repair resolved at 11:10, waiting for its 回访.
    enquiry: a public-area enquiry answered and closed.
    repair: 张三's ceiling leak, a walk-in repair with nothing done yet (feedback due 15:30).
    """

    complaint: int
    urgent: int
    enquiry: int
    repair: int


def _steps(service: RequestService, clock: Clock, rid: int, *items: tuple[datetime, StepInput]) -> None:
    for at, step in items:
        clock.at = at
        service.add_step(rid, step)


def build_desk(service: RequestService, clock: Clock, estate) -> Desk:
    clock.at = local(2026, 11, 16, 9, 0)
    complaint = service.intake(IntakeInput(estate.zhang_unit, estate.zhang_party, "", "投诉", "电话",
                                           "楼上装修噪音扰民"))
    _steps(service, clock, complaint,
           (local(2026, 11, 16, 9, 20), StepInput(StepKind.CONTACT, on_site=True, note="到 1301 查看")),
           (local(2026, 11, 16, 9, 30), StepInput(StepKind.CLASSIFY, valid=True, severity="一般")),
           (local(2026, 11, 16, 9, 40), StepInput(StepKind.ASSIGN, department="安防部", assignee="孙队长")))
    clock.at = local(2026, 11, 16, 10, 0)
    urgent = service.intake(IntakeInput(estate.let_unit, estate.tenant_party, "", "报修", "电话", "厨房水管爆裂",
                                        urgent=True))
    _steps(service, clock, urgent,
           (local(2026, 11, 16, 10, 5), StepInput(StepKind.ASSIGN, department="工程维修部", assignee="王师傅")),
           (local(2026, 11, 16, 10, 20), StepInput(StepKind.CONTACT, on_site=True)),
           (local(2026, 11, 16, 10, 50), StepInput(StepKind.HANDLE, note="已关闭总阀并更换水管")),
           (local(2026, 11, 16, 11, 0), StepInput(StepKind.FEEDBACK, note="已告知王先生")),
           (local(2026, 11, 16, 11, 10), StepInput(StepKind.RESOLVE)))
    clock.at = local(2026, 11, 16, 10, 30)
    enquiry = service.intake(IntakeInput(None, None, "3栋大堂", "咨询", "来访", "快递柜取件码收不到",
                                         contact_name="刘女士"))
    _steps(service, clock, enquiry,
           (local(2026, 11, 16, 10, 40), StepInput(StepKind.FEEDBACK, note="已联系快递柜客服重发取件码")),
           (local(2026, 11, 16, 10, 45), StepInput(StepKind.RESOLVE)),
           (local(2026, 11, 16, 10, 46), StepInput(StepKind.CLOSE)))
    clock.at = local(2026, 11, 16, 11, 30)
    repair = service.intake(IntakeInput(estate.zhang_unit, estate.zhang_party, "", "报修", "来访", "卫生间天花板渗水"))
    clock.at = local(2026, 11, 16, 15, 0)
    return Desk(complaint, urgent, enquiry, repair)


@pytest.fixture
def clock() -> Clock:
    return Clock(local(2026, 11, 16, 9, 0))


@pytest.fixture
def services(ctx, clock) -> Services:
    """What the window hands the 投诉报修 tab: one Services, its clock fixed for the tests."""
    return Services(ctx, now=clock)


@pytest.fixture
def requests(services) -> RequestService:
    return services.requests


@pytest.fixture
def desk(requests, clock, estate) -> Desk:
    return build_desk(requests, clock, estate)


@pytest.fixture
def previews(monkeypatch, tmp_path) -> list[tuple[Path, str, str]]:
    """(path, title, warning) of every PDF the app asked to preview; no preview window opens.

    The preview module is replaced in sys.modules, so the action's own lazy import finds
    the stand-in whether or not the real viewer is installed.
    """
    shown: list[tuple[Path, str, str]] = []
    module = types.ModuleType("butler_desk.ui.common.pdf_preview")
    counter = iter(range(1, 10_000))
    folder = tmp_path / "previews"
    folder.mkdir()

    def scratch_pdf(name: str) -> Path:
        return folder / f"{Path(name).stem}-{next(counter)}.pdf"

    def preview_pdf(_parent, path, title, warning=""):
        shown.append((Path(path), title, warning))

    module.scratch_pdf = scratch_pdf  # type: ignore[attr-defined]
    module.preview_pdf = preview_pdf  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "butler_desk.ui.common.pdf_preview", module)
    return shown


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def closes(handler: Callable[[QWidget], None]) -> Callable[[QWidget], None]:
    """A ModalDriver handler that cannot leave its dialog open: the test fails instead of hanging.

    exec() returns only when the dialog closes. A handler that fails, or whose save the
    dialog refused, would leave it open; and closing it the ordinary way may ask "放弃?"
    in yet another modal loop. So the dialog is ended with done(), which asks nothing.
    """

    def run(dialog: QWidget) -> None:
        try:
            handler(dialog)
        except BaseException:
            end_dialog(dialog)
            raise
        if dialog.isVisible():
            end_dialog(dialog)
            raise AssertionError(f"the test left {type(dialog).__name__} “{dialog.windowTitle()}” open")

    return run


def end_dialog(dialog: QWidget) -> None:
    """Close a dialog without its reject() questions (a teardown must never wait for an answer)."""
    if isinstance(dialog, QDialog) and dialog.isVisible():
        dialog.done(QDialog.DialogCode.Rejected)
