"""The fields a notice template asks for, as a form: dates and times, text, choices, and the price-list
table, each with its required mark, hint and inline error; ``values()`` gives them typed for the service."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDateTime, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain import clock
from butler_desk.ui.common.forms import FieldErrors, from_qdate, to_qdate

if TYPE_CHECKING:
    from butler_desk.services.documents.notices import TemplateField, TemplateInfo

REQUIRED_MARK = "<span style='color:#c62828'>*</span>"
# Signals that mean "the value changed", whichever input widget a field uses.
_CHANGE_SIGNALS = ("textChanged", "dateTimeChanged", "currentIndexChanged")


def money_or_text(text: str) -> Decimal | str:
    """A price cell: a number becomes Decimal yuan (printed 35.00); words such as 面议 stay as typed."""
    try:
        return Decimal(text.replace(",", "").replace("¥", "").replace("元", "").strip())
    except InvalidOperation:
        return text


class TableField(QWidget):
    """Rows of a table field (the price list): add and remove rows; the 序号 column numbers itself."""

    changed = Signal()

    def __init__(self, columns: list[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = [c for c in columns if c[2] != "seq"]  # (key, label, type)
        self.table = QTableWidget(3, len(self.columns))
        self.table.setHorizontalHeaderLabels([label for _, label, _ in self.columns])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(150)
        self.table.setTabKeyNavigation(True)
        self.add_button, self.remove_button = QPushButton("添加一行"), QPushButton("删除所选行")
        self.add_button.clicked.connect(lambda: self.table.insertRow(self.table.rowCount()))
        self.remove_button.clicked.connect(self._remove)
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.table.itemChanged.connect(self.changed)
        self.table.model().rowsRemoved.connect(self.changed)

    def _remove(self) -> None:
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)

    def value(self) -> list[dict[str, Any]]:
        rows = []
        for r in range(self.table.rowCount()):
            cells = {}
            for c, (key, _label, kind) in enumerate(self.columns):
                item = self.table.item(r, c)
                text = item.text().strip() if item is not None else ""
                if text:
                    cells[key] = money_or_text(text) if kind == "money" else text
            if cells:
                rows.append(cells)
        return rows


class TemplateForm(QWidget):
    """The inputs one template asks for, with required marks, hints and inline errors.

    ``column_types`` gives, per table field, each column's type (money columns become Decimal).
    """

    changed = Signal()  # any input edited

    def __init__(self, template: TemplateInfo, column_types: dict[str, dict[str, str]],
                 parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.template = template
        self.errors = FieldErrors()
        self.inputs: dict[str, QWidget] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        tomorrow = (today or clock.today()) + timedelta(days=1)  # notices announce tomorrow's work
        for f in template.fields:
            widget = self._input(f, tomorrow, column_types.get(f.key, {}))
            self.inputs[f.key] = widget
            label = f.label + (REQUIRED_MARK if f.required else "")
            self.errors.add_row(form, label, f.key, widget, hint=f.hint)
            for signal in ("changed", *_CHANGE_SIGNALS):
                if hasattr(widget, signal):
                    getattr(widget, signal).connect(self.changed)
                    break
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.errors.banner)
        layout.addLayout(form)
        layout.addStretch(1)

    @classmethod
    def for_template(cls, template: TemplateInfo, parent: QWidget | None = None, *,
                     today: date | None = None, estate: dict[str, str] | None = None) -> TemplateForm:
        """The form for ``template``, with the column types its notice file gives its tables, and its
        fields pre-filled from ``estate`` (小区信息's placeholders: the 咨询电话 is the 服务电话)."""
        from butler_desk.services.documents.notices import field_defaults, load_notice

        spec = load_notice(template.id)
        types = {f.key: {c.key: c.type for c in f.columns} for f in spec.fields if f.type == "table"}
        form = cls(template, types, parent, today=today)
        for key, value in field_defaults(spec, estate or {}).items():
            widget = form.inputs.get(key)
            if isinstance(widget, QLineEdit):
                widget.setText(value)
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value)
        return form

    @staticmethod
    def _input(f: TemplateField, day: date, column_types: dict[str, str]) -> QWidget:
        if f.type == "datetime":
            # An end defaults to the same day's close of work, a start to the morning.
            at = time(17, 0) if f.after else time(9, 0)
            widget = QDateTimeEdit(QDateTime(to_qdate(day), QTime(at.hour, at.minute)))
            widget.setDisplayFormat("yyyy-MM-dd HH:mm")
            widget.setCalendarPopup(True)
            return widget
        if f.type == "date":
            widget = QDateEdit(to_qdate(day))
            widget.setDisplayFormat("yyyy-MM-dd")
            widget.setCalendarPopup(True)
            return widget
        if f.type == "time":
            widget = QTimeEdit(QTime(9, 0))
            widget.setDisplayFormat("HH:mm")
            return widget
        if f.type == "multiline":
            widget = QPlainTextEdit()
            widget.setTabChangesFocus(True)
            widget.setFixedHeight(widget.fontMetrics().lineSpacing() * 4 + 12)
            return widget
        if f.type == "choice":
            widget = QComboBox()
            widget.addItems(([] if f.required else [""]) + list(f.options))
            return widget
        if f.type == "table":
            return TableField([(key, label, column_types.get(key, "text")) for key, label in f.columns])
        widget = QLineEdit()
        if f.type in ("money", "number"):
            widget.setPlaceholderText("如 35.00" if f.type == "money" else "数字")
        return widget

    def focus_chain(self) -> list[QWidget]:
        """The inputs in the order Tab visits them: top to bottom, a table's cells before its buttons."""
        chain: list[QWidget] = []
        for widget in self.inputs.values():
            if isinstance(widget, TableField):
                chain += [widget.table, widget.add_button, widget.remove_button]
            else:
                chain.append(widget)
        return chain

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, widget in self.inputs.items():
            # QDateEdit and QTimeEdit are QDateTimeEdits too: the narrower types first.
            if isinstance(widget, QDateEdit):
                out[key] = from_qdate(widget.date())
            elif isinstance(widget, QTimeEdit):
                out[key] = widget.time().toPython()
            elif isinstance(widget, QDateTimeEdit):
                out[key] = widget.dateTime().toPython().replace(second=0, microsecond=0)
            elif isinstance(widget, QPlainTextEdit):
                out[key] = widget.toPlainText().strip()
            elif isinstance(widget, QComboBox):
                out[key] = widget.currentText()
            elif isinstance(widget, TableField):
                out[key] = widget.value()
            else:
                out[key] = widget.text().strip()
        return out
