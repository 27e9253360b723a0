"""The 投诉报修 tab's bar: search, the clickable counts, and the filters, turned into a RequestFilter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain.requests import RequestKind, RequestState
from butler_desk.services.requests.views import RequestCounts, RequestFilter
from butler_desk.ui.common.forms import from_qdate, to_qdate
from butler_desk.ui.requests.actions import PRESETS, preset_range

SEARCH_PLACEHOLDER = "编号 / 房号 / 姓名 / 拼音 / 电话 / 内容"
SEARCH_DEBOUNCE_MS = 150  # each keystroke is an SQL query: wait for a pause in the typing
ALL = ""  # "all" entries carry a sentinel, never None (PySide6 6.12.0, kept out in pyproject.toml)
ALL_CLUSTERS = -1
DATE_PRESETS = ("全部日期", *PRESETS)
CUSTOM = DATE_PRESETS.index("自定义")
COUNT_STYLE = "QPushButton { border: none; padding: 2px 4px; text-decoration: underline; color: palette(link); }"
OVERDUE_STYLE = COUNT_STYLE.replace("palette(link)", "#c62828; font-weight: bold")


def _combo(items: Sequence[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    for text, data in items:
        combo.addItem(text, data)
    return combo


class RequestFilterBar(QWidget):
    """Emits ``changed`` after any filter change; typing in the search box waits for a 150 ms pause."""

    changed = Signal()

    def __init__(self, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.search = QLineEdit()
        self.search.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.search.setToolTip("输入工单编号、房号（如 3-2-1201）、姓名、拼音首字母、电话或内容中的字词（Ctrl+F）")
        self.open_count = QPushButton()
        self.overdue_count = QPushButton()
        self.visit_count = QPushButton()
        for button, tip in ((self.open_count, "只看未结工单"), (self.overdue_count, "只看已超时的未结工单"),
                            (self.visit_count, "打开待回访队列")):
            button.setStyleSheet(COUNT_STYLE)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(tip)
        self.top = QHBoxLayout()
        self.top.addWidget(self.search, 2)
        self.top.addSpacing(12)
        for n, button in enumerate((self.open_count, self.overdue_count, self.visit_count)):
            if n:
                self.top.addWidget(QLabel("·"))
            self.top.addWidget(button)
        self.top.addStretch(1)

        self.kind_combo = _combo([("全部类型", ALL), *((k.label, k.value) for k in RequestKind)])
        self.state_combo = _combo([("全部状态", ALL), *((s.label, s.value) for s in RequestState)])
        self.department_combo = _combo([("全部部门", ALL)])
        self.cluster_combo = _combo([("全部组团", ALL_CLUSTERS)])
        for combo in (self.department_combo, self.cluster_combo):
            combo.setMinimumContentsLength(6)
        self.date_combo = _combo([(name, name) for name in DATE_PRESETS])
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        first_day = today().replace(day=1)
        for edit, value in ((self.date_from, first_day), (self.date_to, today())):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(to_qdate(value))
            edit.setEnabled(False)
        self.open_only = QCheckBox("只看未结")
        self.overdue_only = QCheckBox("只看超时")
        self.clear_button = QPushButton("清除筛选")
        filters = QHBoxLayout()
        for label, widget in (("类型", self.kind_combo), ("状态", self.state_combo), ("部门", self.department_combo),
                              ("组团", self.cluster_combo), ("受理", self.date_combo)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("至"))
        filters.addWidget(self.date_to)
        filters.addSpacing(8)
        filters.addWidget(self.open_only)
        filters.addWidget(self.overdue_only)
        filters.addStretch(1)
        filters.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.top)
        layout.addLayout(filters)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self.search_timer.timeout.connect(self.changed)
        self.search.textChanged.connect(lambda _text: self.search_timer.start())
        for combo in (self.kind_combo, self.state_combo, self.department_combo, self.cluster_combo):
            combo.currentIndexChanged.connect(self._emit)
        self.date_combo.currentIndexChanged.connect(self._preset_chosen)
        self.date_from.dateChanged.connect(self._dates_edited)
        self.date_to.dateChanged.connect(self._dates_edited)
        self.open_only.toggled.connect(self._emit)
        self.overdue_only.toggled.connect(self._emit)
        self.clear_button.clicked.connect(lambda: self.reset())

    def add_buttons(self, *widgets: QWidget) -> None:
        """The tab's own buttons, at the right end of the search row."""
        for widget in widgets:
            self.top.addWidget(widget)

    def _emit(self, *_args) -> None:
        self.search_timer.stop()  # whatever was typed is part of this query already
        self.changed.emit()

    # ----- values -------------------------------------------------------------------------
    def current_filter(self) -> RequestFilter:
        kind, state, department = (c.currentData() for c in (self.kind_combo, self.state_combo, self.department_combo))
        cluster = self.cluster_combo.currentData()
        dated = self.date_combo.currentIndex() > 0
        return RequestFilter(
            kind=RequestKind(kind) if kind else None,
            state=RequestState(state) if state else None,
            department=department or None,
            overdue_only=self.overdue_only.isChecked(),
            open_only=self.open_only.isChecked(),
            date_from=from_qdate(self.date_from.date()) if dated else None,
            date_to=from_qdate(self.date_to.date()) if dated else None,
            cluster_id=None if cluster in (None, ALL_CLUSTERS) else int(cluster),
            query=self.search.text(),
        )

    def fill_choices(self, departments: Sequence[str], clusters: Sequence[tuple[str, int]]) -> None:
        """Refill the department and cluster lists, keeping what is chosen when it still exists."""
        for combo, items in ((self.department_combo, [(d, d) for d in departments]), (self.cluster_combo, clusters)):
            chosen = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for text, data in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
            combo.blockSignals(False)

    def show_counts(self, counts: RequestCounts) -> None:
        self.open_count.setText(f"未结 {counts.open}")
        self.overdue_count.setText(f"超时 {counts.overdue}")
        self.overdue_count.setStyleSheet(OVERDUE_STYLE if counts.overdue else COUNT_STYLE)
        self.visit_count.setText(f"待回访 {counts.awaiting_visit}")

    def reset(self, *, open_only: bool = False, overdue_only: bool = False) -> None:
        """Every request (or a count's preset); emits ``changed`` once."""
        widgets = (self.kind_combo, self.state_combo, self.department_combo, self.cluster_combo, self.date_combo,
                   self.open_only, self.overdue_only, self.search)
        for widget in widgets:
            widget.blockSignals(True)
        for combo in widgets[:5]:
            combo.setCurrentIndex(0)
        self.open_only.setChecked(open_only)
        self.overdue_only.setChecked(overdue_only)
        self.search.clear()
        for widget in widgets:
            widget.blockSignals(False)
        self._preset_chosen()

    # ----- dates ----------------------------------------------------------------------------
    def set_period(self, preset: str) -> None:
        self.date_combo.setCurrentIndex(DATE_PRESETS.index(preset))

    def _preset_chosen(self, *_args) -> None:
        chosen = preset_range(self.date_combo.currentText(), self.today())
        dated = self.date_combo.currentIndex() > 0
        for edit, value in zip((self.date_from, self.date_to), chosen or (None, None), strict=True):
            edit.setEnabled(dated)
            if value is not None:
                edit.blockSignals(True)
                edit.setDate(to_qdate(value))
                edit.blockSignals(False)
        self._emit()

    def _dates_edited(self) -> None:
        today, period = self.today(), (from_qdate(self.date_from.date()), from_qdate(self.date_to.date()))
        matching = next((n for n, name in enumerate(DATE_PRESETS) if n and preset_range(name, today) == period), CUSTOM)
        self.date_combo.blockSignals(True)
        self.date_combo.setCurrentIndex(matching)
        self.date_combo.blockSignals(False)
        self._emit()
