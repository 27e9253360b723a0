"""Qt fixtures: private QSettings per test, a small real estate built through the services, modal helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from butler_desk.services import Services
from butler_desk.domain.enums import PartyRole
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.ledger.views import PartyInput, UnitInput
from butler_desk.ui.app import configure_application


@pytest.fixture(autouse=True)
def private_settings(qapp, tmp_path):
    """QSettings go to an ini file in this test's folder, never to the real user profile."""
    configure_application(qapp)
    QCoreApplication.setOrganizationName("ButlerDeskTest")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    folder = tmp_path / "qsettings"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder
    QSettings().clear()


@pytest.fixture(autouse=True)
def no_held_modifier_keys(qapp):
    """Each test starts with no Ctrl/Shift/Alt held down.

    A key click with Ctrl whose target closes on the press (Ctrl+Return saving a dialog) never
    gets its Ctrl release, and Qt goes on believing Ctrl is held: the next test's
    ``selectRow`` then toggles the row off instead of selecting it.
    """
    if QGuiApplication.keyboardModifiers() != Qt.KeyboardModifier.NoModifier:
        released = QWidget()
        for key in (Qt.Key.Key_Control, Qt.Key.Key_Shift, Qt.Key.Key_Alt, Qt.Key.Key_Meta):
            QTest.keyRelease(released, key)
        released.deleteLater()
    assert QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier


@pytest.fixture
def ledger(ctx) -> LedgerService:
    return LedgerService(ctx)


@dataclass
class Estate:
    zhang_unit: int  # 3-2-1201, 一组团: owner 张三 (key client) + family 李四
    empty_unit: int  # 3-2-1202, 一组团: vacant
    let_unit: int  # 5-1-301, 二组团: owner 欧阳娜娜 + tenant 王五
    zhang_party: int
    tenant_party: int


@pytest.fixture
def estate(ledger) -> Estate:
    zhang_unit = ledger.save_unit(UnitInput("3-2-1201", cluster="一组团", area="89.5", fee_rate="2.5", status="已入住"))
    occ = ledger.move_in(zhang_unit, PartyRole.OWNER,
                         PartyInput("张三", phones="13812345678", id_number="11010519491231002X", key_client=True),
                         on=date(2020, 1, 1), moved_in=date(2020, 2, 1))
    ledger.move_in(zhang_unit, PartyRole.FAMILY, PartyInput("李四", phones="13900001111"), on=date(2020, 1, 1))
    empty_unit = ledger.save_unit(UnitInput("3-2-1202", cluster="一组团", area="120", fee_rate="2.5", status="空置"))
    let_unit = ledger.save_unit(UnitInput("5-1-301", cluster="二组团", area="66.66", fee_rate="1.8", status="已交房未入住"))
    ledger.move_in(let_unit, PartyRole.OWNER, PartyInput("欧阳娜娜", phones="0755-88889999"), on=date(2021, 5, 1))
    tenant_occ = ledger.move_in(let_unit, PartyRole.TENANT, PartyInput("王五", phones="13700002222"), on=date(2022, 5, 1))
    detail = ledger.unit_detail(zhang_unit)
    zhang = next(o.party.party_id for o in detail.current if o.occupancy_id == occ)
    tenant = next(o.party.party_id for o in ledger.unit_detail(let_unit).current if o.occupancy_id == tenant_occ)
    return Estate(zhang_unit, empty_unit, let_unit, zhang, tenant)


@pytest.fixture
def open_party(qtbot, ledger):
    """Opens the person dialog for a party id, shown and exposed; closed (rejected) after the test."""
    from butler_desk.ui.ledger.party_dialog import PartyDialog

    def open_(party_id: int) -> PartyDialog:
        dialog = PartyDialog(ledger, party_id)
        qtbot.addWidget(dialog, before_close_func=lambda d: d.done(QDialog.DialogCode.Rejected))
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return open_


@pytest.fixture
def window(qtbot, ctx, estate):
    """The main window on the small estate, shown and exposed."""
    from butler_desk.ui.main_window import MainWindow

    main = MainWindow(Services(ctx))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


@pytest.fixture
def type_text(qtbot) -> Callable[[QWidget, str], None]:
    """Type like a user: ASCII as key presses, Chinese as an input-method commit, as a real IME does.

    (QTest.keyClicks cannot send characters outside Latin-1.)
    """

    def type_(widget: QWidget, text: str) -> None:
        for char in text:
            if char.isascii():
                qtbot.keyClicks(widget, char)
            else:
                event = QInputMethodEvent()
                event.setCommitString(char)
                QApplication.sendEvent(widget, event)

    return type_


class ModalDriver:
    """Acts on the next modal dialog from inside its own event loop (exec() blocks the test)."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.seen: list[QWidget] = []
        self.errors: list[BaseException] = []

    def expect(self, handler: Callable[[QWidget], None], *, kind: type = QWidget, skip: tuple[QWidget, ...] = ()) -> None:
        """Run ``handler(dialog)`` once a modal of ``kind`` (not in ``skip``) is showing."""

        def poll() -> None:
            # Scans top-level widgets instead of calling QApplication.activeModalWidget(),
            # whose None result PySide6 6.12.0 under-counted (test_pyside_release.py).
            modal = next((w for w in QApplication.topLevelWidgets()
                          if isinstance(w, kind) and w not in skip and w.isVisible() and w.isModal()), None)
            if modal is not None:
                self.seen.append(modal)
                try:
                    handler(modal)
                except BaseException as exc:  # surfaced by the test through .check()
                    self.errors.append(exc)
                    # done(), not close(): a dialog's reject() may ask "放弃?" in another modal
                    # loop that nobody answers, and the test would hang instead of failing.
                    if isinstance(modal, QDialog):
                        modal.done(QDialog.DialogCode.Rejected)
                    else:
                        modal.close()
                return
            QTimer.singleShot(10, poll)

        QTimer.singleShot(0, poll)

    def check(self) -> None:
        if self.errors:
            raise self.errors[0]


@pytest.fixture
def modal(qtbot) -> ModalDriver:
    return ModalDriver(qtbot)


class ShownMessages(list):
    """(kind, title, text) of every static QMessageBox call; a critical one fails the test unless expected."""

    expect_critical = False


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch):
    """Static QMessageBox calls are recorded instead of blocking the test in a modal loop."""
    shown = ShownMessages()

    def recorder(kind: str, answer):
        def show(_parent, title, text, *args, **kwargs):
            shown.append((kind, title, text))
            return answer

        return show

    monkeypatch.setattr(QMessageBox, "information", recorder("information", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "warning", recorder("warning", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "critical", recorder("critical", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "about", recorder("about", None))
    yield shown
    unexpected = [m for m in shown if m[0] == "critical"]
    if unexpected and not shown.expect_critical:
        pytest.fail(f"unexpected error message box: {unexpected}")
