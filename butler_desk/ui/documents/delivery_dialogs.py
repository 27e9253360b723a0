"""登记签收 and 登记退回: the small forms that record what became of a household's copy of a document."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain.errors import BadInput
from butler_desk.ui.common.forms import INVALID_STYLE_SHEET, FieldErrors, from_qdate, to_qdate
from butler_desk.ui.common.messages import show_problem

if TYPE_CHECKING:
    from butler_desk.services.documents.service import DeliveryRow, DocumentService

RETURN_REASONS = ("查无此人", "地址不详", "拒收", "已搬迁", "无人领取")
WIDEST_HEADING = "12栋2单元1201　欧阳娜娜　《特约服务收费标准》（2026-12-31 发放）"


class _RecordDialog(QDialog):
    """A small form with inline errors and 登记/取消, for a receipt or a return."""

    def __init__(self, title: str, heading: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setStyleSheet(INVALID_STYLE_SHEET)
        self.heading = QLabel(heading)
        self.heading.setWordWrap(True)
        self.errors = FieldErrors()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登记")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.errors.banner)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        # Room for a room, a name and a document title on one line, and for the hints under the fields.
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance(WIDEST_HEADING))

    @staticmethod
    def date_edit(today: date, earliest: date | None) -> QDateEdit:
        edit = QDateEdit(to_qdate(today))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMaximumDate(to_qdate(today))
        if earliest is not None and earliest <= today:
            edit.setMinimumDate(to_qdate(earliest))
        return edit


def _describe(row: DeliveryRow) -> str:
    return f"{row.room}　{row.addressee}　《{row.document_title}》（{row.sent_on or row.issued_on} 发放）"


class ReceiveDialog(_RecordDialog):
    """登记签收 for one copy or several (a signed sheet handed back); blank signer = the addressee."""

    def __init__(self, service: DocumentService, rows: list[DeliveryRow], today: date,
                 parent: QWidget | None = None) -> None:
        many = len(rows) > 1
        heading = (f"共 {len(rows)} 份：" + "、".join(r.room for r in rows[:4]) + ("等" if len(rows) > 4 else "")
                   if many else _describe(rows[0]))
        super().__init__("登记签收", heading, parent)
        self.service, self.rows, self.saved = service, rows, 0
        sent = [r.sent_on for r in rows if r.sent_on is not None]
        self.received_on = self.date_edit(today, max(sent) if sent else None)
        self.signed_by = QLineEdit("" if many else rows[0].addressee)
        self.signed_by.setPlaceholderText("留空：各户收件人本人签收" if many else "签收人姓名")
        self.errors.add_row(self.form, "签收日期(&D)", "received_on", self.received_on)
        self.errors.add_row(self.form, "签收人(&N)", "signed_by", self.signed_by,
                            hint="代签请写代签人姓名，如“李四（家属）”" if not many else "")
        self.signed_by.setFocus()
        self.signed_by.selectAll()

    def accept(self) -> None:
        on, signer = from_qdate(self.received_on.date()), self.signed_by.text().strip()
        many = len(self.rows) > 1
        failures = []
        for row in self.rows:
            try:
                self.service.mark_received(row.delivery_id, on, signer or (row.addressee if many else ""))
            except BadInput as exc:
                if not self.saved and self.errors.has(exc.field) and row is self.rows[0]:
                    self.errors.show(exc)  # nothing saved yet: let the butler correct the form
                    return
                failures.append(f"{row.room}：{exc.message}")
            except Exception as exc:  # noqa: BLE001
                show_problem(self, exc, "登记签收失败")
                break
            else:
                self.saved += 1
        if failures:
            QMessageBox.warning(self, "登记签收",
                                f"已登记 {self.saved} 份；以下未能登记：\n" + "\n".join(failures[:10]))
        if self.saved:
            super().accept()


class ReturnDialog(_RecordDialog):
    """登记退回 for one copy: the reason puts it on the follow-up list."""

    def __init__(self, service: DocumentService, row: DeliveryRow, today: date, parent: QWidget | None = None) -> None:
        super().__init__("登记退回", _describe(row), parent)
        self.service, self.row = service, row
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(("", *RETURN_REASONS))
        self.reason.lineEdit().setPlaceholderText("选择或填写退回原因")
        self.returned_on = self.date_edit(today, row.sent_on)
        self.errors.add_row(self.form, "退回原因(&R)", "reason", self.reason)
        self.errors.add_row(self.form, "退回日期(&D)", "returned_on", self.returned_on)
        self.reason.setFocus()

    def accept(self) -> None:
        ok, _row = self.errors.attempt(self, lambda: self.service.mark_returned(
            self.row.delivery_id, self.reason.currentText(), from_qdate(self.returned_on.date())), "登记退回失败")
        if ok:
            super().accept()
