"""Form helpers: rows with an inline error line under each field, and small value conversions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar
from decimal import Decimal

from PySide6.QtCore import QDate, QSize
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain.errors import BadInput
from butler_desk.ui.common import settings
from butler_desk.ui.common.messages import show_problem

T = TypeVar("T")

ERROR_STYLE = "color: #c62828;"
# Applied to each dialog that uses FieldErrors; the property selector turns it on per field.
INVALID_STYLE_SHEET = """
QLineEdit[invalid="true"], QComboBox[invalid="true"], QPlainTextEdit[invalid="true"], QDateEdit[invalid="true"] {
    border: 1px solid #c62828; background: #fff4f4;
}
"""


class FieldErrors:
    """Shows a BadInput next to the field its ``.field`` names: a red line and a red frame.

    An error for a field the form does not have goes to a banner at the top of the form,
    so every problem is visible where the user is looking, not only in a message box.
    """

    def __init__(self, banner: QLabel | None = None) -> None:
        self._widgets: dict[str, QWidget] = {}
        self._labels: dict[str, QLabel] = {}
        self._banner = banner or _error_label()

    @property
    def banner(self) -> QLabel:
        return self._banner

    def add_row(self, form: QFormLayout, label: str, field: str, widget: QWidget, hint: str = "") -> QLabel:
        """Add ``label: widget`` with an error line below it; returns the error label."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        if hint:
            hint_label = QLabel(hint)  # short, one line: wrapping would bring back height-for-width
            hint_label.setStyleSheet("color: palette(placeholder-text);")
            column.addWidget(hint_label)
        error = _error_label()
        error.setObjectName(f"error_{field}")
        column.addWidget(error)
        form.addRow(label, box)
        form.labelForField(box).setBuddy(widget)
        self.register(field, widget, error)
        return error

    def register(self, field: str, widget: QWidget, error: QLabel) -> None:
        self._widgets[field] = widget
        self._labels[field] = error
        _on_edit(widget, lambda *_: self.clear_field(field))

    def label(self, field: str) -> QLabel:
        return self._labels[field]

    def widget(self, field: str) -> QWidget:
        return self._widgets[field]

    def has(self, field: str | None) -> bool:
        return field is not None and field in self._widgets

    def show(self, exc: BadInput) -> None:
        self.clear()
        if exc.field in self._labels:
            label, widget = self._labels[exc.field], self._widgets[exc.field]
            _show_wrapped(label, exc.message, widget.width())
            _set_invalid(widget, True)
            widget.setFocus()
            if isinstance(widget, QLineEdit):
                widget.selectAll()
        else:
            parent = self._banner.parentWidget()
            _show_wrapped(self._banner, exc.message, parent.width() if parent else 400)

    def attempt(self, parent: QWidget, action: Callable[[], T], title: str = "无法完成") -> tuple[bool, T | None]:
        """Run a dialog's save: (True, its result), or (False, None) after showing why not.

        A BadInput goes next to its field (or in the banner), so the butler can correct the
        form and try again; anything else is a message box (show_problem logs it).
        """
        self.clear()
        try:
            return True, action()
        except BadInput as exc:
            self.show(exc)
        except Exception as exc:  # noqa: BLE001 - the user gets a sentence, the log the details
            show_problem(parent, exc, title)
        return False, None

    def clear_field(self, field: str) -> None:
        if field in self._labels and not self._labels[field].isHidden():
            _hide_wrapped(self._labels[field])
            _set_invalid(self._widgets[field], False)

    def clear(self) -> None:
        for field in self._labels:
            _hide_wrapped(self._labels[field])
            _set_invalid(self._widgets[field], False)
        _hide_wrapped(self._banner)


def _show_wrapped(label: QLabel, text: str, width: int) -> None:
    """Show a word-wrapped line with room for all of it.

    The label does not take part in height-for-width layout (see _WrappedLine); a
    minimum height computed for the field's width makes the layout, and the window,
    make room for every line.
    """
    label.setText(text)
    label.show()
    if width > 0:
        label.setMinimumHeight(label.heightForWidth(width))


def _hide_wrapped(label: QLabel) -> None:
    label.hide()
    label.clear()
    label.setMinimumHeight(0)


def size_dialog(dialog: QWidget, settings_key: str, width: int, height: int) -> None:
    """Restore the remembered geometry, or open at ``width``×``height``.

    Never smaller than the layout needs, never larger than the screen (a 1366×768 laptop).
    """
    geometry = settings.value(settings_key)
    if not geometry.isEmpty():
        dialog.restoreGeometry(geometry)
        return
    size = QSize(width, height).expandedTo(dialog.minimumSizeHint())
    screen = dialog.screen()
    if screen is not None:
        size = size.boundedTo(screen.availableGeometry().size() * 0.92)
    dialog.resize(size)


class _WrappedLine(QLabel):
    """A wrapped label whose height comes from _show_wrapped's minimum height.

    QFormLayout mishandles height-for-width rows and squeezes wrapped lines on top of
    the next field; QLabel re-enables height-for-width on every setText, hence the override.
    """

    def hasHeightForWidth(self) -> bool:
        return False


def _error_label() -> QLabel:
    label = _WrappedLine()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def _set_invalid(widget: QWidget, invalid: bool) -> None:
    # Kept on the Python side: reading an unset property returns None (PySide6 6.12.0, kept out in pyproject.toml).
    if getattr(widget, "_bd_invalid", False) == invalid:
        return
    widget._bd_invalid = invalid  # type: ignore[attr-defined]
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def _on_edit(widget: QWidget, callback) -> None:
    if isinstance(widget, QLineEdit):
        widget.textEdited.connect(callback)
    elif isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(callback)
        if widget.isEditable():
            widget.editTextChanged.connect(callback)
    elif isinstance(widget, QPlainTextEdit):
        widget.textChanged.connect(callback)
    elif isinstance(widget, QAbstractButton):
        widget.toggled.connect(callback)
    elif hasattr(widget, "dateChanged"):
        widget.dateChanged.connect(callback)


def decimal_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def date_text(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
