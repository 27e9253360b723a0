"""The 文件发放 tab: batches sent, copies not collected after two weeks (to phone), receipts and returns
(forms in delivery_dialogs), re-printed sign-off sheets and the overdue list; and a household's documents
in the unit dialog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain import clock
from butler_desk.domain.documents import HAND_METHODS
from butler_desk.ui.documents.delivery_dialogs import ReceiveDialog, ReturnDialog
from butler_desk.ui.documents.model import (
    BatchesModel,
    DeliveriesModel,
    UnitDocumentsModel,
    fit_columns,
    is_overdue,
    make_table,
)
from butler_desk.ui.common.messages import show_problem

if TYPE_CHECKING:
    from butler_desk.services import Services
    from butler_desk.services.context import AppContext
    from butler_desk.services.documents.service import DeliveryRow, DocumentRow, DocumentService

# What the lower list shows; "all batches" offers only the first three (the others need every batch read).
OVERDUE, PENDING, RETURNED, SIGNED, EVERY = "overdue", "pending", "returned", "signed", "every"
ALL_BATCHES = 0
FILE_LABELS = {"notice": "公告（张贴用）", "letters": "信件", "envelopes": "信封", "signoff": "签收单"}


class DocumentsTab(QWidget):
    """The register and the follow-up list; data is read when the tab is shown (no start-up cost)."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.today: date | None = None
        self.days = 14
        self._batches: list[DocumentRow] = []
        self._rows: list[DeliveryRow] = []

        self.batches_model = BatchesModel(self)
        self.batches_view = make_table(self.batches_model)
        fit_columns(self.batches_view, {0: "9999", 1: "2026-12-31", 2: "特约服务收费标准", 3: "停水通知（二次供水）",
                                         4: "一组团；3栋、5栋", 5: "份数", 6: "已签收", 7: "退回", 8: "未签收"})
        self.signoff_button = QPushButton("重打签收单…")
        self.signoff_button.setToolTip("按已登记的签收情况重新打印这批文件的签收单")
        self.files_button = QPushButton("查看文件")
        self.files_button.setToolTip("预览这批文件的公告、信件、信封或签收单")
        self.files_menu = QMenu(self.files_button)
        self.files_button.setMenu(self.files_menu)
        batch_buttons = QHBoxLayout()
        batch_buttons.addWidget(self.signoff_button)
        batch_buttons.addWidget(self.files_button)
        batch_buttons.addStretch(1)
        self.batches_box = QGroupBox("发放记录")
        batch_layout = QVBoxLayout(self.batches_box)
        batch_layout.addWidget(self.batches_view)
        batch_layout.addLayout(batch_buttons)

        self.batch_combo = QComboBox()
        self.batch_combo.setMinimumContentsLength(24)
        self.batch_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.state_combo = QComboBox()
        self.search = QLineEdit()
        self.search.setPlaceholderText("房号 / 收件人")
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()
        filters = QHBoxLayout()
        for label, widget in (("发放记录(&B)", self.batch_combo), ("显示(&W)", self.state_combo)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.count_label)

        self.model = DeliveriesModel(self)
        self.view = make_table(self.model, multi=True)
        fit_columns(self.view, {0: "12栋2单元1201", 1: "欧阳娜娜", 2: "138****5678", 3: "特约服务收费标准",
                                 4: "2026-12-31", 5: "已等待", 6: "随安防派送", 7: "待签收", 8: "张三 2026-12-31"})
        self.receive_button = QPushButton("登记签收…")
        self.receive_button.setToolTip("登记所选文件已签收（可多选，Ctrl+Enter）")
        self.return_button = QPushButton("登记退回…")
        self.return_button.setToolTip("登记所选文件被退回（查无此人、拒收等）")
        self.print_list_button = QPushButton("打印未签收清单…")
        self.print_list_button.setToolTip("打印超期未签收和被退回文件的清单，按清单电话告知")
        actions = QHBoxLayout()
        actions.addWidget(self.receive_button)
        actions.addWidget(self.return_button)
        actions.addStretch(1)
        actions.addWidget(self.print_list_button)
        self.hint = QLabel()
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        self.deliveries_box = QGroupBox("明细")
        lower = QVBoxLayout(self.deliveries_box)
        lower.addLayout(filters)
        lower.addWidget(self.view, 1)
        lower.addWidget(self.hint)
        lower.addLayout(actions)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.batches_box)
        self.splitter.addWidget(self.deliveries_box)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

        self.batches_view.selectionModel().selectionChanged.connect(self._batch_selected)
        self.batch_combo.currentIndexChanged.connect(self._batch_filter_changed)
        self.state_combo.currentIndexChanged.connect(self.refresh_deliveries)
        self.search.textChanged.connect(self._show_rows)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.view.doubleClicked.connect(self._open_unit)
        self.receive_button.clicked.connect(self.register_received)
        self.return_button.clicked.connect(self.register_returned)
        self.print_list_button.clicked.connect(self.print_overdue_list)
        self.signoff_button.clicked.connect(self.reprint_signoff)
        self.files_menu.aboutToShow.connect(self._fill_files_menu)
        shortcut = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.reload, context=shortcut)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.register_received, context=shortcut)
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus, context=shortcut)
        self._update_buttons()

    # ----- data ---------------------------------------------------------------------------
    @property
    def service(self) -> DocumentService:
        return self.services.documents  # built on first use (it loads reportlab): not at start-up

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.reload()  # cheap, and receipts may have been entered elsewhere (unit dialog, CLI)

    def reload(self) -> None:
        try:
            self.today = clock.today()
            self.days = self.services.printing.uncollected_days()
            self._batches = self.service.batches()
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc, "无法读取文件发放记录")
            return
        chosen = self.chosen_batch()
        self.batches_model.set_rows(self._batches)
        self.batches_box.setTitle(f"发放记录（{len(self._batches)}）")
        self._fill_combos(chosen)
        self.refresh_deliveries()

    def _fill_combos(self, chosen: int | None) -> None:
        state = self.state_combo.currentData() or OVERDUE
        for combo in (self.batch_combo, self.state_combo):
            combo.blockSignals(True)
        self.batch_combo.clear()
        self.batch_combo.addItem("全部发放记录", ALL_BATCHES)
        for batch in self._batches:
            self.batch_combo.addItem(f"{batch.issued_on} {batch.title}（{batch.copies} 户）", batch.document_id)
        found = self.batch_combo.findData(chosen) if chosen else 0
        self.batch_combo.setCurrentIndex(max(found, 0))
        self.state_combo.clear()
        for text, value in ((f"超过 {self.days} 天未签收", OVERDUE), ("全部待签收", PENDING), ("已退回", RETURNED),
                            ("已签收", SIGNED), ("全部", EVERY)):
            self.state_combo.addItem(text, value)
        self.state_combo.setCurrentIndex(max(self.state_combo.findData(state), 0))
        for combo in (self.batch_combo, self.state_combo):
            combo.blockSignals(False)
        self._enable_states()

    def _enable_states(self) -> None:
        """Signed and all copies need a batch's details; the all-batches view offers the follow-up lists."""
        whole_register = self.chosen_batch() is None
        model = self.state_combo.model()
        for n in range(self.state_combo.count()):
            if self.state_combo.itemData(n) in (SIGNED, EVERY):
                model.item(n).setEnabled(not whole_register)
        if whole_register and self.state_combo.currentData() in (SIGNED, EVERY):
            self.state_combo.setCurrentIndex(self.state_combo.findData(OVERDUE))

    def chosen_batch(self) -> int | None:
        value = self.batch_combo.currentData() if self.batch_combo.count() else ALL_BATCHES
        return None if not value else int(value)

    def chosen_state(self) -> str:
        return self.state_combo.currentData() or OVERDUE

    def refresh_deliveries(self) -> None:
        if self.today is None:
            return
        batch, state = self.chosen_batch(), self.chosen_state()
        try:
            if batch is not None:
                rows = list(self.service.batch_detail(batch).deliveries)
            elif state == RETURNED:
                rows = self.service.returned()
            else:
                rows = self.service.uncollected(self.today, self.days if state == OVERDUE else 0)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc, "无法读取文件发放明细")
            rows = []
        keep = {r.delivery_id for r in self.selected_rows()}
        self._rows = [r for r in rows if self._state_matches(r, state)]
        self._show_rows(keep=keep)

    def _state_matches(self, row: DeliveryRow, state: str) -> bool:
        if state == OVERDUE:
            return self.today is not None and is_overdue(row, self.today, self.days)
        if state == PENDING:
            return row.received_on is None and not row.returned and row.method in HAND_METHODS
        if state == RETURNED:
            return row.returned and row.received_on is None
        if state == SIGNED:
            return row.received_on is not None
        return True

    def _show_rows(self, *_args, keep: set[int] | None = None) -> None:
        keep = keep if keep is not None else {r.delivery_id for r in self.selected_rows()}
        text = self.search.text().strip()
        rows = [r for r in self._rows if not text or text in r.room or text in r.unit_code or text in r.addressee]
        self.model.set_rows(rows, self.today, self.days)
        overdue = sum(1 for n in range(len(rows)) if self.model.is_overdue_row(n))
        self.count_label.setText(f"共 {len(rows)} 份" + (f"，{overdue} 份超期" if overdue else ""))
        self.deliveries_box.setTitle(f"明细：{self.batch_combo.currentText()} — {self.state_combo.currentText()}")
        self.hint.setText(self._hint(len(rows)))
        selection = self.view.selectionModel()
        for n, row in enumerate(rows):
            if row.delivery_id in keep:
                selection.select(self.model.index(n, 0), QItemSelectionModel.SelectionFlag.Select
                                 | QItemSelectionModel.SelectionFlag.Rows)
        self._update_buttons()

    def _hint(self, shown: int) -> str:
        state = self.chosen_state()
        if state == OVERDUE and shown:
            return f"以上文件发放已满 {self.days} 天仍未签收：请电话告知客户，签收后点“登记签收”。"
        if state == OVERDUE:
            return f"没有发放满 {self.days} 天仍未签收的文件。"
        if state == RETURNED and shown:
            return "被退回的信件：请核实地址后重新送达。"
        return "邮寄的信件没有签收回执，只在被退回时出现在跟进列表中。" if state == PENDING else ""

    # ----- selection ----------------------------------------------------------------------
    def selected_rows(self) -> list[DeliveryRow]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.row_at(n) for n in rows if n < self.model.rowCount()]

    def selected_batch(self) -> DocumentRow | None:
        rows = self.batches_view.selectionModel().selectedRows()
        if rows:
            return self.batches_model.row_at(rows[0].row())
        chosen = self.chosen_batch()
        return next((b for b in self._batches if b.document_id == chosen), None)

    def _batch_selected(self) -> None:
        rows = self.batches_view.selectionModel().selectedRows()
        if rows:
            document_id = self.batches_model.row_at(rows[0].row()).document_id
            self.batch_combo.setCurrentIndex(max(self.batch_combo.findData(document_id), 0))
        self._update_buttons()

    def _batch_filter_changed(self) -> None:
        chosen = self.chosen_batch()
        selection = self.batches_view.selectionModel()
        selection.blockSignals(True)
        if chosen is None:
            self.batches_view.clearSelection()
        else:
            row = self.batches_model.row_of_document(chosen)
            if row is not None:
                self.batches_view.selectRow(row)
        selection.blockSignals(False)
        self.batches_view.viewport().update()
        self._enable_states()
        if chosen is not None and self.chosen_state() == OVERDUE:
            self.state_combo.setCurrentIndex(self.state_combo.findData(EVERY))  # refreshes
        else:
            self.refresh_deliveries()

    def _update_buttons(self, *_args) -> None:
        rows = self.selected_rows()
        pending = [r for r in rows if r.received_on is None]
        self.receive_button.setEnabled(bool(pending) and all(not r.returned for r in pending))
        self.return_button.setEnabled(len(rows) == 1 and rows[0].received_on is None and not rows[0].returned)
        batch = self.selected_batch()
        self.signoff_button.setEnabled(batch is not None)
        self.files_button.setEnabled(batch is not None and bool(batch.files))

    # ----- actions ------------------------------------------------------------------------
    def register_received(self) -> None:
        rows = [r for r in self.selected_rows() if r.received_on is None and not r.returned]
        if rows and self.today is not None:
            self._record(ReceiveDialog(self.service, rows, self.today, self))

    def register_returned(self) -> None:
        rows = self.selected_rows()
        if len(rows) == 1 and rows[0].received_on is None and not rows[0].returned and self.today is not None:
            self._record(ReturnDialog(self.service, rows[0], self.today, self))

    def _record(self, dialog: QDialog) -> None:
        try:
            if dialog.exec():
                self.reload()
        finally:
            dialog.deleteLater()

    def print_overdue_list(self) -> None:
        today, days, service = self.today, self.days, self.service
        if today is not None:
            self._print("逾期未领文件清单", lambda out: service.print_uncollected(today, out, days=days))

    def reprint_signoff(self) -> None:
        batch, service = self.selected_batch(), self.service
        if batch is not None:
            self._print(f"{batch.title}-签收单", lambda out: service.print_signoff(batch.document_id, out))

    def _print(self, name: str, render: Callable) -> None:
        from butler_desk.ui.common.pdf_preview import render_and_preview

        render_and_preview(self, render, file_stem=name, title=name)

    def _fill_files_menu(self) -> None:
        from butler_desk.ui.common.pdf_preview import preview_pdf

        self.files_menu.clear()
        batch = self.selected_batch()
        if batch is None:
            return
        for key, path in batch.files.items():
            label = f"{FILE_LABELS.get(key, key)}：{path.name}"
            action = self.files_menu.addAction(label if path.exists() else f"{label}（文件已不在原处）")
            action.setEnabled(path.exists())
            action.triggered.connect(lambda _=False, p=path, k=key: preview_pdf(
                self, p, f"{batch.title} — {FILE_LABELS.get(k, k)}"))

    def _open_unit(self, index) -> None:
        from butler_desk.ui.ledger.unit_dialog import UnitDialog

        if not index.isValid():
            return
        row = self.model.row_at(index.row())
        dialog = UnitDialog(self.services.ledger, row.unit_id, self)
        dialog.tabs.setCurrentWidget(dialog.documents_page)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
        self.reload()


class UnitDocumentsPage(QWidget):
    """Read-only: every document sent to one unit, newest first; read when first shown."""

    def __init__(self, ctx: AppContext, unit_id: Callable[[], int | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._unit_id = unit_id
        self.model = UnitDocumentsModel(self)
        self.view = make_table(self.model)
        fit_columns(self.view, {0: "2026-12-31", 1: "特约服务收费标准", 2: "特约服务收费标准", 3: "欧阳娜娜",
                                 4: "随安防派送", 5: "待签收", 6: "张三 2026-12-31"})
        self.summary = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        unit_id = self._unit_id()
        if unit_id is None:
            self.model.set_rows([])
            self.summary.setText("保存房屋后，这里列出发给本户的通知和信件。")
            return
        from butler_desk.services.documents.service import DocumentService

        try:
            rows = DocumentService(self.ctx).for_unit(unit_id)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc, "无法读取文件发放记录")
            return
        self.model.set_rows(rows)
        waiting = sum(1 for r in rows if r.state == "待签收")
        self.summary.setText(f"共发放 {len(rows)} 份" + (f"，{waiting} 份待签收" if waiting else "")
                             if rows else "还没有发给本户的文件。")
