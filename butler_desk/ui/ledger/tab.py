"""The 业户台账 tab: filters, the search box, the count, and the table of units."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain.enums import UnitStatus
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.ledger.index import LedgerFilter, LedgerIndex
from butler_desk.services.ledger.views import ClusterView
from butler_desk.ui.common import settings
from butler_desk.ui.ledger.model import (
    COL_AREA,
    COL_BUILDING,
    COL_CLUSTER,
    COL_CODE,
    COL_ENTRANCE,
    COL_FEE_RATE,
    COL_KEY_CLIENT,
    COL_OCCUPANTS,
    COL_OWNERS,
    COL_PHONE,
    COL_STATUS,
    UNIT_ID_ROLE,
    LedgerTableModel,
)
from butler_desk.ui.common.messages import show_problem
from butler_desk.ui.common.tables import OpenableTableView, setup_list_table
from butler_desk.ui.common.workers import Worker

SEARCH_PLACEHOLDER = "房号 / 姓名 / 拼音 / 电话"
# Rows read before the first paint; more than any screen shows.
FIRST_SCREEN_ROWS = 120
# "All" entries carry a sentinel rather than None: a None round-tripped through QVariant
# is what PySide6 6.12.0 mishandled (kept out in pyproject.toml).
ALL = -1
ALL_STATUSES = ""
# Sample text per column: default widths follow the font, not pixels guessed on one PC.
_WIDTH_SAMPLES = {
    COL_CODE: "12A-12-12012", COL_CLUSTER: "一期东组团", COL_BUILDING: "12A栋", COL_ENTRANCE: "单元",
    COL_STATUS: "已交房未入住", COL_OWNERS: "欧阳娜娜、张三", COL_OCCUPANTS: "王五(租户)、王小五(家属)",
    COL_PHONE: "0755-****9999", COL_AREA: "面积(㎡)__", COL_FEE_RATE: "单价__", COL_KEY_CLIENT: "重点客户",
}


def _chosen_id(combo: QComboBox) -> int | None:
    """The id behind a filter combo's current entry; None for 全部… (or an empty combo)."""
    if combo.count() == 0:
        return None
    value = combo.currentData()
    return None if value == ALL else int(value)


class LedgerTab(QWidget):
    """Loads the index once; each filter change is an in-memory scan and a cheap model reset."""

    ledger_changed = Signal()  # after any edit made from this tab
    index_ready = Signal()  # the whole ledger is loaded (search and filters work)

    def __init__(self, ledger: LedgerService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.index: LedgerIndex | None = None
        self._clusters: list[ClusterView] = []
        self._loader: Worker | None = None
        self._generation = 0
        self._keep_after_load: int | None = None

        self.cluster_combo = QComboBox()
        self.cluster_combo.setMinimumContentsLength(8)
        self.building_combo = QComboBox()
        self.building_combo.setMinimumContentsLength(6)
        self.status_combo = QComboBox()
        self.status_combo.addItem("全部状态", ALL_STATUSES)
        for status in UnitStatus:
            self.status_combo.addItem(status.label, status.value)  # QVariant would turn a StrEnum into str
        self.key_only = QCheckBox("只看重点客户")
        self.search = QLineEdit()
        self.search.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.search.setToolTip("输入房号（如 3-2-1201、1201）、姓名、拼音首字母或电话号码的一部分（Ctrl+F）")
        self.count_label = QLabel()
        self.new_button = QPushButton("新增房屋")
        self.new_button.setToolTip("新增房屋（Ctrl+N）")

        filters = QHBoxLayout()
        filters.addWidget(QLabel("组团"))
        filters.addWidget(self.cluster_combo)
        filters.addWidget(QLabel("楼栋"))
        filters.addWidget(self.building_combo)
        filters.addWidget(QLabel("状态"))
        filters.addWidget(self.status_combo)
        filters.addWidget(self.key_only)
        filters.addSpacing(12)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.count_label)
        filters.addWidget(self.new_button)

        self.model = LedgerTableModel(self)
        self.table = OpenableTableView(UNIT_ID_ROLE)
        self.table.setModel(self.model)
        setup_list_table(self.table, _WIDTH_SAMPLES, padding=24)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        # No indicator at start: rows keep the ledger order (cluster, building, room).
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        saved = settings.value(settings.LEDGER_HEADER)
        if not saved.isEmpty():
            header.restoreState(saved)
        # After restoreState, which would bring back an older layout's setting: no dead grey
        # band to the right of the table.
        header.setStretchLastSection(True)

        # A search that finds nothing says why and offers the likely rooms (links fill the search).
        self.search_hint = QLabel()
        self.search_hint.setWordWrap(True)
        self.search_hint.setTextFormat(Qt.TextFormat.RichText)
        self.search_hint.linkActivated.connect(self.search.setText)
        self.search_hint.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.search_hint)
        layout.addWidget(self.table, 1)

        self.cluster_combo.currentIndexChanged.connect(self._cluster_changed)
        self.building_combo.currentIndexChanged.connect(self.apply_filter)
        self.status_combo.currentIndexChanged.connect(self.apply_filter)
        self.key_only.toggled.connect(self.apply_filter)
        self.search.textChanged.connect(self.apply_filter)
        self.search.returnPressed.connect(self._open_from_search)
        self.search.installEventFilter(self)
        self.table.open_requested.connect(self.open_unit)
        self.new_button.clicked.connect(self.new_unit)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence.StandardKey.New, self, self.new_unit, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.reload, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    # ----- data ---------------------------------------------------------------------------
    def reload(self, select_unit_id: int | None = None) -> None:
        """Re-read the ledger; keep the filters and the selected unit (or select ``select_unit_id``).

        The very first load of a large estate is progressive: the first screen of rows is
        one small query and paints at once; the whole index (search, filters, counts)
        follows from a background thread a moment later.
        """
        keep = select_unit_id if select_unit_id is not None else self.selected_unit_id()
        self._fill_clusters(self.ledger.clusters())
        if self.index is None and not self.is_loading():
            first = self.ledger.first_rows(FIRST_SCREEN_ROWS)
            if len(first) == FIRST_SCREEN_ROWS:
                self.model.set_rows(first)
                self.count_label.setText("正在载入…")
                self._load_in_background(keep)
                return
        self._generation += 1  # a background load still running is now out of date
        self.index = self.ledger.load_index()
        self.apply_filter()
        if keep is not None:
            self.select_unit(keep)

    def _load_in_background(self, keep: int | None) -> None:
        self._generation += 1
        generation = self._generation
        self._loader = Worker(lambda _progress, _cancelled: (generation, self.ledger.load_index()), name="ledger-index")
        self._loader.finished.connect(self._index_loaded)
        self._loader.failed.connect(self._index_failed)
        self._keep_after_load = keep
        self._loader.start()

    @Slot(object)
    def _index_loaded(self, result: tuple[int, LedgerIndex]) -> None:
        generation, index = result
        self._finish_loader()
        if generation != self._generation:
            return  # an edit reloaded the ledger meanwhile; that index is newer
        self.index = index
        self.apply_filter()  # whatever the butler typed or picked meanwhile
        if self._keep_after_load is not None:
            self.select_unit(self._keep_after_load)
        self.index_ready.emit()

    @Slot(object)
    def _index_failed(self, exc: BaseException) -> None:
        self._finish_loader()
        self.count_label.setText("载入失败")
        show_problem(self, exc, "载入业户台账")

    def _finish_loader(self) -> None:
        # The thread quits right after its result signal; wait for that before dropping the
        # last reference, since destroying a running QThread aborts the process.
        loader, self._loader = self._loader, None
        if loader is not None:
            loader.wait()

    def is_loading(self) -> bool:
        return self._loader is not None

    def wait_until_loaded(self) -> None:
        """Closing the window while the index loads: let the thread end first."""
        if self._loader is not None:
            self._loader.wait()

    def current_filter(self) -> LedgerFilter:
        return LedgerFilter(
            query=self.search.text(),
            cluster_id=_chosen_id(self.cluster_combo),
            building_id=_chosen_id(self.building_combo),
            status=UnitStatus(status) if (status := self.status_combo.currentData()) else None,
            key_clients_only=self.key_only.isChecked(),
        )

    def apply_filter(self) -> None:
        if self.index is None:
            return
        keep = self.selected_unit_id()
        rows = self.index.filter(self.current_filter())
        self.model.set_rows(rows)
        total = len(self.index)
        shown = len(rows)
        self.count_label.setText(f"共 {shown} 户" if shown == total else f"共 {shown} 户（全部 {total} 户）")
        self._show_search_hint(rows)
        if keep is not None:
            self.select_unit(keep, scroll=False)

    def _show_search_hint(self, rows) -> None:
        query = self.search.text().strip()
        if rows or not query:
            self.search_hint.hide()
            return
        shown = html.escape(query)
        near = self.index.near_misses(query) if self.index is not None else []
        if near:
            links = "、".join(f'<a href="{r.code}">{r.code}</a>' for r in near)
            text = f"没有找到“{shown}”。是不是：{links}？（房号请按“楼栋-单元-房号”输入，如 3-2-1201）"
        else:
            text = f"没有找到“{shown}”。房号请按“楼栋-单元-房号”输入（如 3-2-1201），也可输入姓名、拼音首字母或电话。"
        self.search_hint.setText(text)
        self.search_hint.show()

    def _fill_clusters(self, clusters: list[ClusterView]) -> None:
        self._clusters = clusters
        chosen = _chosen_id(self.cluster_combo)
        self.cluster_combo.blockSignals(True)
        self.cluster_combo.clear()
        self.cluster_combo.addItem("全部组团", ALL)
        for cluster in clusters:
            self.cluster_combo.addItem(cluster.name, cluster.cluster_id)
        found = self.cluster_combo.findData(chosen) if chosen is not None else 0
        self.cluster_combo.setCurrentIndex(max(found, 0))
        self.cluster_combo.blockSignals(False)
        self._fill_buildings()

    def _fill_buildings(self) -> None:
        chosen = _chosen_id(self.building_combo)
        cluster_id = _chosen_id(self.cluster_combo)
        self.building_combo.blockSignals(True)
        self.building_combo.clear()
        self.building_combo.addItem("全部楼栋", ALL)
        for cluster in self._clusters:
            if cluster_id is None or cluster.cluster_id == cluster_id:
                for building_id, code in cluster.buildings:
                    self.building_combo.addItem(f"{code}栋", building_id)
        found = self.building_combo.findData(chosen) if chosen is not None else 0
        self.building_combo.setCurrentIndex(max(found, 0))
        self.building_combo.blockSignals(False)

    def _cluster_changed(self) -> None:
        self._fill_buildings()
        self.apply_filter()

    # ----- selection ----------------------------------------------------------------------
    def selected_unit_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).unit_id if rows else None

    def select_unit(self, unit_id: int, *, scroll: bool = True) -> bool:
        row = self.model.row_of_unit(unit_id)
        if row is None:
            return False
        self.table.select_row(row, scroll=scroll)
        return True

    # ----- actions ------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _open_from_search(self) -> None:
        unit_id = self.selected_unit_id()
        if unit_id is None and self.model.rowCount() > 0:
            unit_id = self.model.row_at(0).unit_id
        if unit_id is not None:
            self.select_unit(unit_id)
            self.open_unit(unit_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
            if key == Qt.Key.Key_Down and self.model.rowCount() > 0:
                self.table.setFocus()
                if self.selected_unit_id() is None:
                    self.table.selectRow(0)
                return True
        return super().eventFilter(watched, event)

    def _dialog_clusters(self) -> tuple[list[str], str]:
        chosen = _chosen_id(self.cluster_combo)
        names = [c.name for c in self._clusters]
        default = next((c.name for c in self._clusters if c.cluster_id == chosen), "")
        return names, default

    def open_unit(self, unit_id: int) -> None:
        from butler_desk.ui.ledger.unit_dialog import UnitDialog  # ~40 ms of imports the first paint need not wait for

        names, _ = self._dialog_clusters()
        dialog = UnitDialog(self.ledger, unit_id, self, cluster_names=names)
        dialog.exec()
        dialog.deleteLater()
        if dialog.changed:
            self.reload(select_unit_id=unit_id)
            self.ledger_changed.emit()

    def new_unit(self) -> None:
        from butler_desk.ui.ledger.unit_dialog import UnitDialog

        names, default = self._dialog_clusters()
        dialog = UnitDialog(self.ledger, None, self, cluster_names=names, default_cluster=default)
        dialog.exec()
        dialog.deleteLater()
        if dialog.changed and dialog.unit_id is not None:
            self.reload()
            if not self.select_unit(dialog.unit_id):
                # The new unit is hidden by the filters: clear them so the butler sees it.
                self.search.clear()
                self.key_only.setChecked(False)
                self.status_combo.setCurrentIndex(0)
                self.cluster_combo.setCurrentIndex(0)
                self.select_unit(dialog.unit_id)
            self.ledger_changed.emit()

    # ----- state --------------------------------------------------------------------------
    def save_state(self) -> None:
        settings.set_value(settings.LEDGER_HEADER, self.table.horizontalHeader().saveState())
