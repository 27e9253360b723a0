"""The 欠费催收 tab: the register with filters by age band, stage and text, and totals for what is shown."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from butler_desk.domain import clock
from butler_desk.domain.arrears import AgeBand, Stage
from butler_desk.domain.rooms import normalize_room_query
from butler_desk.services.arrears import ArrearsService, Register, RegisterRow
from butler_desk.ui.arrears.model import RegisterModel, yuan
from butler_desk.ui.common.tables import OpenableTableView, setup_list_table

_ALL = "全部"


class ArrearsTab(QWidget):
    """Reads the register once per reload; filtering and sorting then work on what was read."""

    def __init__(self, service: ArrearsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._register: Register | None = None

        self.search = QLineEdit(placeholderText="房号或组团，如 3-2-1201、一组团")
        self.search.setClearButtonEnabled(True)
        self.band = QComboBox()
        self.band.addItems([_ALL, *(b.label for b in AgeBand)])
        self.stage = QComboBox()
        self.stage.addItems([_ALL, *(s.label for s in Stage)])
        bar = QHBoxLayout()
        bar.addWidget(QLabel("查找"))
        bar.addWidget(self.search, 1)
        bar.addWidget(QLabel("账龄"))
        bar.addWidget(self.band)
        bar.addWidget(QLabel("阶段"))
        bar.addWidget(self.stage)

        self.model = RegisterModel(self)
        self.table = OpenableTableView(Qt.ItemDataRole.UserRole)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        setup_list_table(self.table, {0: "10-10-1001", 1: "一组团一", 2: "123,456.78", 3: "欠费期数", 4: "2026-10-15",
                                      5: "181–365天", 6: "临近诉讼时效", 7: "催缴通知书", 8: "2026-10-15",
                                      9: "2026-10-15 未兑现", 10: "未收到账单", 11: "2026-10-15"})
        self.totals = QLabel()
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)

        self.search.textChanged.connect(self._refilter)
        self.band.currentIndexChanged.connect(self._refilter)
        self.stage.currentIndexChanged.connect(self._refilter)

    def showEvent(self, event) -> None:
        # Read on first show, not when built: the window builds every tab after the ledger's
        # first paint, and the register need not be read until the butler opens it.
        if self._register is None:
            self.reload()
        super().showEvent(event)

    def reload(self, as_of: date | None = None) -> None:
        self._register = self.service.register(as_of or clock.today())
        self._refilter()

    def _shown(self, row: RegisterRow) -> bool:
        text = self.search.text().strip()
        if text:
            prefix = normalize_room_query(text)  # 3栋2单元 → 3-2-, as the ledger's search reads it
            if not ((prefix and row.unit_code.startswith(prefix)) or text in row.unit_code or text in row.cluster):
                return False
        if self.band.currentIndex() > 0 and row.age_band is not list(AgeBand)[self.band.currentIndex() - 1]:
            return False
        return not (self.stage.currentIndex() > 0 and row.stage is not list(Stage)[self.stage.currentIndex() - 1])

    def _refilter(self) -> None:
        rows = [] if self._register is None else [r for r in self._register.rows if self._shown(r)]
        self.model.set_rows(rows)
        owed = sum(r.owed_fen for r in rows)
        periods = sum(r.periods_owed for r in rows)
        as_of = "" if self._register is None else f"（截至 {self._register.as_of:%Y-%m-%d}）"
        self.totals.setText(f"显示 {len(rows)} 户，欠费合计 {yuan(owed)} 元，共 {periods} 期{as_of}")
