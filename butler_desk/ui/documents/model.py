"""Table models of the document register: batches sent, each household's copy, a unit's documents, the
households a new batch will go to; and the table view they are shown in.

Passive: rows come in through ``set_rows`` as the service's dataclasses; a copy waiting
longer than the reminder limit (seed §三: two weeks) is highlighted so the butler phones it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from butler_desk.domain import clock
from butler_desk.domain.documents import HAND_METHODS, UNCOLLECTED_DAYS
from butler_desk.ui.common.detail_models import RowsModel
from butler_desk.ui.common.forms import date_text

if TYPE_CHECKING:
    from butler_desk.services.documents.service import DeliveryRow, DocumentRow
    from butler_desk.services.documents.recipients import Household

DOCUMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
DELIVERY_ID_ROLE = Qt.ItemDataRole.UserRole + 2
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 3
_ID_ROLES = {DELIVERY_ID_ROLE: "delivery_id", DOCUMENT_ID_ROLE: "document_id"}  # a copy's row: role → field

OVERDUE_BACKGROUND = QColor("#fde7e4")
OVERDUE_TEXT = QColor("#b3261e")
RETURNED_TEXT = QColor("#8a5a00")
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)


def is_overdue(row: DeliveryRow, today: date, days: int) -> bool:
    """Handed out ``days`` or more ago and neither signed for nor returned: phone the client."""
    if row.method not in HAND_METHODS or row.received_on is not None or row.returned or row.sent_on is None:
        return False
    return (today - row.sent_on).days >= days


def receipt_text(row: DeliveryRow) -> str:
    """The 签收/退回 column: who signed and when, or when it came back and why."""
    if row.received_on is not None:
        return f"{row.signed_by} {date_text(row.received_on)}"
    if row.returned:
        return f"退回 {date_text(row.returned_on)}：{row.return_reason}"
    return ""


class BatchesModel(RowsModel["DocumentRow"]):
    """The register, newest first: one row per batch with its counts."""

    COL_ID, COL_ISSUED, COL_KIND, COL_TITLE, COL_SCOPE, COL_COPIES, COL_RECEIVED, COL_RETURNED, COL_OPEN, \
        COL_OPERATOR = range(10)
    HEADERS = ("编号", "发放日期", "类别", "文件", "发放范围", "份数", "已签收", "退回", "未签收", "经办人")
    _NUMBERS = frozenset({COL_ID, COL_COPIES, COL_RECEIVED, COL_RETURNED, COL_OPEN})

    def format_row(self, row: DocumentRow) -> tuple[str, ...]:
        return (
            str(row.document_id),
            date_text(row.issued_on),
            row.kind.label,
            row.title,
            row.scope,
            str(row.copies),
            str(row.received),
            str(row.returned) if row.returned else "",
            str(row.outstanding - row.returned) if row.outstanding - row.returned else "",
            row.operator,
        )

    def extra_data(self, row: DocumentRow, column: int, role: int) -> Any:
        if role == DOCUMENT_ID_ROLE:
            return row.document_id
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self._NUMBERS:
            return _RIGHT
        return None

    def row_of_document(self, document_id: int) -> int | None:
        return next((n for n, r in enumerate(self._rows) if r.document_id == document_id), None)


class DeliveriesModel(RowsModel["DeliveryRow"]):
    """Copies of documents, one per household: the overdue list and a batch's details."""

    COL_ROOM, COL_ADDRESSEE, COL_PHONE, COL_DOCUMENT, COL_SENT, COL_WAITING, COL_METHOD, COL_STATE, COL_SIGNED, \
        COL_NOTE = range(10)
    HEADERS = ("房号", "收件人", "电话", "文件", "发放日期", "已等待", "送达方式", "状态", "签收/退回", "备注")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.today = clock.today()
        self.days = UNCOLLECTED_DAYS
        self._overdue: list[bool] = []

    def set_rows(self, rows: Sequence[DeliveryRow], today: date | None = None,  # type: ignore[override]
                 days: int | None = None) -> None:
        """``today`` and ``days`` (the reminder limit) decide the 已等待 column and the highlight."""
        if today is not None:
            self.today = today
        if days is not None:
            self.days = days
        self._overdue = [is_overdue(r, self.today, self.days) for r in rows]
        super().set_rows(rows)

    def waiting_days(self, row: DeliveryRow) -> int | None:
        if row.sent_on is None or row.received_on is not None or row.returned:
            return None
        return (self.today - row.sent_on).days

    def format_row(self, row: DeliveryRow) -> tuple[str, ...]:
        waited = self.waiting_days(row)
        return (
            row.room,
            row.addressee,
            row.phone_masked,
            row.document_title,
            date_text(row.sent_on or row.issued_on),
            "" if waited is None else f"{waited} 天",
            row.method.label,
            row.state,
            receipt_text(row),
            row.note,
        )

    def is_overdue_row(self, row: int) -> bool:
        return self._overdue[row]

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and self._overdue[index.row()]:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(OVERDUE_BACKGROUND)
            if role == OVERDUE_ROLE:
                return True
            if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.COL_WAITING:
                return QBrush(OVERDUE_TEXT)
            if role == Qt.ItemDataRole.FontRole and index.column() == self.COL_WAITING:
                font = QFont()
                font.setBold(True)
                return font
        return super().data(index, role)

    def extra_data(self, row: DeliveryRow, column: int, role: int) -> Any:
        if role in _ID_ROLES:
            return getattr(row, _ID_ROLES[role])
        if role == OVERDUE_ROLE:
            return False
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_WAITING:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_STATE and row.returned:
            return QBrush(RETURNED_TEXT)
        return None


class UnitDocumentsModel(RowsModel["DeliveryRow"]):
    """What one household was sent, newest first (the unit dialog's 文件发放 tab)."""

    COL_SENT, COL_DOCUMENT, COL_KIND, COL_ADDRESSEE, COL_METHOD, COL_STATE, COL_SIGNED, COL_NOTE = range(8)
    HEADERS = ("发放日期", "文件", "类别", "收件人", "送达方式", "状态", "签收/退回", "备注")

    def format_row(self, row: DeliveryRow) -> tuple[str, ...]:
        return (date_text(row.sent_on or row.issued_on), row.document_title, row.kind.label, row.addressee,
                row.method.label, row.state, receipt_text(row), row.note)

    def extra_data(self, row: DeliveryRow, column: int, role: int) -> Any:
        if role in _ID_ROLES:
            return getattr(row, _ID_ROLES[role])
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_STATE:
            return _CENTER
        return None


class HouseholdsModel(RowsModel["Household"]):
    """Who a batch will go to, in the order its letters and envelopes come out (the notice dialog)."""

    COL_SEQ, COL_ROOM, COL_ADDRESSEE, COL_METHOD, COL_NOTE = range(5)
    HEADERS = ("序号", "房号", "收件人", "送达方式", "备注")

    def format_row(self, h: Household) -> tuple[str, ...]:
        return (str(h.seq), h.room, h.salutation, h.method.label, h.note)

    def extra_data(self, h: Household, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_SEQ:
            return _RIGHT
        return None


def make_table(model, *, multi: bool = False) -> QTableView:
    """A read-only, row-selecting table for these models (the register, a batch, a household)."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                          else QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    return view


def fit_columns(view: QTableView, samples: dict[int, str]) -> None:
    """Column widths from sample text, so they follow the font rather than pixels guessed on one PC."""
    metrics = view.fontMetrics()
    for column, sample in samples.items():
        view.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
