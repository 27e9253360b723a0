"""What the app's list tables share: the in-model sorting of passive rows, the list look, Enter to open a row."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from butler_desk.ui.common.detail_models import ModelIndex, RowsModel

T = TypeVar("T")


class SortedRowsModel(RowsModel[T]):
    """Rows sorted in the model by SORT_KEYS; sort column -1 keeps the order the rows were given in.

    Subclasses give HEADERS, ``format_row`` and ``row_id`` (the identity a selection
    follows when the rows move), and may give HEADER_TIPS, ALIGNMENT and SORT_KEYS.
    """

    HEADER_TIPS: ClassVar[Mapping[int, str]] = {}
    ALIGNMENT: ClassVar[Mapping[int, int]] = {}
    SORT_KEYS: ClassVar[Mapping[int, Callable[[Any], Any]]] = {}

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._given: list[T] = []
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    @staticmethod
    def row_id(row: T) -> int:
        raise NotImplementedError

    def format_rows(self, rows: Sequence[T]) -> list[tuple[str, ...]]:
        """Display strings of ``rows``; a subclass may cache them across resets."""
        return [self.format_row(r) for r in rows]

    # ----- feeding --------------------------------------------------------------------
    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._given = list(rows)
        self._arrange()
        self.endResetModel()

    def _arrange(self) -> None:
        rows = self._given
        key = self.SORT_KEYS.get(self._sort_column)
        if key is not None:
            rows = sorted(rows, key=key, reverse=self._sort_order == Qt.SortOrder.DescendingOrder)
        self._rows = list(rows)
        self._display = self.format_rows(self._rows)

    def row_of(self, row_id: int) -> int | None:
        for n, row in enumerate(self._rows):
            if self.row_id(row) == row_id:
                return n
        return None

    @property
    def is_sorted(self) -> bool:
        return self._sort_column in self.SORT_KEYS

    # ----- Qt model API -----------------------------------------------------------------
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.HEADER_TIPS.get(section)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return self.ALIGNMENT.get(section)
        vertical = orientation == Qt.Orientation.Vertical
        if vertical and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        old_ids = [self.row_id(r) for r in self._rows]
        self._sort_column, self._sort_order = column, order
        self._arrange()
        self._follow_persistent_indexes(old_ids)
        self.layoutChanged.emit()

    def _follow_persistent_indexes(self, old_ids: Sequence[int]) -> None:
        """Between layoutAboutToBeChanged and layoutChanged: the view's selection follows its rows."""
        new_position = {self.row_id(row): n for n, row in enumerate(self._rows)}
        old_indexes = self.persistentIndexList()
        new_indexes = []
        for idx in old_indexes:
            target = new_position.get(old_ids[idx.row()]) if idx.row() < len(old_ids) else None
            new_indexes.append(self.index(target, idx.column()) if target is not None else QModelIndex())
        self.changePersistentIndexList(old_indexes, new_indexes)


def set_sample_widths(table: QTableView, samples: Mapping[int, str], padding: int) -> None:
    """Default column widths from sample text in the table's font, not pixels guessed on one PC."""
    metrics = table.fontMetrics()
    for column, sample in samples.items():
        table.setColumnWidth(column, metrics.horizontalAdvance(sample) + padding)


def setup_list_table(table: QTableView, samples: Mapping[int, str], *, padding: int = 16) -> None:
    """The look of every read-only list: whole rows, one at a time, compact rows, no row numbers.

    A caller that restores a saved header state sets the last section stretching again
    after it: an older saved state would bring back its own setting.

    Tab leaves the table (the next field gets the focus) instead of walking its cells.
    """
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    vertical = table.verticalHeader()
    vertical.hide()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)  # no dead grey band to the right of the last column
    set_sample_widths(table, samples, padding)


class OpenableTableView(QTableView):
    """Emits ``open_requested(id)`` on Enter or a double-click (not on single-click activation).

    The id is read from the row's ``id_role``; rows without one are ignored.
    """

    open_requested = Signal(int)

    def __init__(self, id_role: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.id_role = id_role

    def select_row(self, row: int, *, scroll: bool = True) -> None:
        """Make ``row`` the current, only selected row; ``scroll`` brings it to the middle of the view."""
        index = self.model().index(row, 0)
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        if scroll:
            self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex())
            return
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and event.button() == Qt.MouseButton.LeftButton:
            self._open(index)
            return
        super().mouseDoubleClickEvent(event)

    def _open(self, index: ModelIndex) -> None:
        row_id = index.data(self.id_role)
        if row_id is not None:
            self.open_requested.emit(int(row_id))
