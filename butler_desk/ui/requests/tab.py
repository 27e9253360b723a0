"""The 投诉报修 tab: counts, filters and search, the request list, the 待回访 queue and the detail pane."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain.errors import BadInput
from butler_desk.domain.requests import RequestKind, StepKind
from butler_desk.services import Services
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.requests.views import RequestFilter, RequestList
from butler_desk.services.requests.service import LIST_LIMIT, RequestService
from butler_desk.ui.common import settings
from butler_desk.ui.common.menus import REQUESTS_MENU, SETTINGS_MENU, menu_named
from butler_desk.ui.common.messages import ask_reason, show_info, show_problem
from butler_desk.ui.requests.actions import RequestPaper
from butler_desk.ui.requests.detail import RequestDetailPane
from butler_desk.ui.requests.filters import RequestFilterBar
from butler_desk.ui.requests.list_view import RequestTableView
from butler_desk.ui.requests.model import REQUEST_ID_ROLE, RequestTableModel
from butler_desk.ui.requests.return_visit_view import ReturnVisitView

TICK_MS = 60_000
ATTACHMENT_FILTER = "照片和文件 (*.jpg *.jpeg *.png *.gif *.bmp *.webp *.heic *.pdf *.doc *.docx *.xlsx);;所有文件 (*)"
LIST_PAGE, VISIT_PAGE = 0, 1


class RequestsTab(QWidget):
    """Loads on first show; a filter change is one SQL page (≤ 2,000 rows) and a model reset."""

    requests_changed = Signal()
    page_size = LIST_LIMIT

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.requests: RequestService = services.requests
        self.ledger: LedgerService = services.ledger
        self.paper = RequestPaper(self, services)
        self.loaded = False
        self._stale = False
        self._total = 0
        self._build_bars()
        self._build_views()
        self._build_actions()
        self._connect()
        self.tick_timer = QTimer(self)
        self.tick_timer.setInterval(TICK_MS)
        self.tick_timer.timeout.connect(self.tick)
        self.tick_timer.start()

    # ----- layout -------------------------------------------------------------------------
    def _build_bars(self) -> None:
        self.bar = RequestFilterBar(self.today)
        self.search = self.bar.search
        self.intake_button = QPushButton("快速登记…")
        self.intake_button.setToolTip("来电快速登记（Ctrl+Shift+N）")
        self.print_button = QPushButton("打印")  # its menu: 投诉记录表, 派工单, 登记表
        self.export_button = QPushButton("导出…")
        self.bar.add_buttons(self.intake_button, self.print_button, self.export_button)

    def _build_views(self) -> None:
        self.model = RequestTableModel(self)
        self.table = RequestTableView(self.model)

        self.footer = QLabel()
        self.more_button = QPushButton("再显示 2000 条")
        self.more_button.hide()
        footer = QHBoxLayout()
        footer.setContentsMargins(0, 0, 0, 0)
        footer.addWidget(self.footer, 1)
        footer.addWidget(self.more_button)
        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 4, 0, 0)
        list_layout.addWidget(self.table, 1)
        list_layout.addLayout(footer)

        self.visits = ReturnVisitView()
        self.views = QTabWidget()
        self.views.addTab(list_page, "工单列表")
        self.views.addTab(self.visits, "待回访")
        self.detail = RequestDetailPane()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.views)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        saved = settings.value(settings.REQUESTS_SPLITTER)
        if not saved.isEmpty():
            self.splitter.restoreState(saved)
        else:
            self.splitter.setSizes([960, 400])

        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.splitter, 1)

    def _build_actions(self) -> None:
        def action(text: str, slot, shortcut: str | None = None) -> QAction:
            made = QAction(text, self)
            made.triggered.connect(slot)
            if shortcut:
                made.setShortcut(QKeySequence(shortcut))
            return made

        self.intake_action = action("快速登记来电…", self.show_and_intake, "Ctrl+Shift+N")
        self.addAction(self.intake_action)
        self.complaint_record_action = action("打印投诉记录表", self.print_complaint_record)
        self.work_order_action = action("打印派工单…", self.print_work_order)
        self.register_action = action("打印登记表…", self.print_register)
        self.export_action = action("导出工单…", self.export)
        self.settings_action = action("服务时限与节假日…", self.open_settings)
        print_menu = QMenu(self)
        for made in (self.complaint_record_action, self.work_order_action, self.register_action):
            print_menu.addAction(made)
        self.print_button.setMenu(print_menu)
        self._update_actions()

    def _connect(self) -> None:
        self.bar.changed.connect(self.apply_filter)
        self.search.returnPressed.connect(self._search_enter)
        self.bar.open_count.clicked.connect(lambda: self.reset_filters(open_only=True))
        self.bar.overdue_count.clicked.connect(lambda: self.reset_filters(overdue_only=True))
        self.bar.visit_count.clicked.connect(lambda: self.views.setCurrentIndex(VISIT_PAGE))
        self.more_button.clicked.connect(self.show_more)
        self.intake_button.clicked.connect(self.quick_intake)
        self.export_button.clicked.connect(self.export)
        self.table.selectionModel().currentRowChanged.connect(self._list_current_changed)
        self.table.open_requested.connect(self.record_next_step)
        self.visits.selected.connect(self._visit_selected)
        self.visits.visit_requested.connect(lambda rid: self.record_step(StepKind.VISIT, rid))
        self.visits.enable_callback(self.requests.reveal_phone)
        self.views.currentChanged.connect(lambda _page: self._show_selected())
        self.detail.step_requested.connect(lambda kind: self.record_step(kind))
        self.detail.reveal_phone_requested.connect(self.reveal_phone)
        self.detail.attach_requested.connect(self.attach_file)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search, context=context)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.reload, context=context)

    def install_menus(self, window) -> None:
        """The 工单 and 设置 menus of the main window (before 帮助); Ctrl+Shift+N then works on every tab."""
        bar = window.menuBar()
        self._window_tabs = getattr(window, "tabs", None)
        requests_menu = menu_named(bar, REQUESTS_MENU)
        requests_menu.addAction(self.intake_action)
        requests_menu.addSeparator()
        for made in (self.complaint_record_action, self.work_order_action, self.register_action):
            requests_menu.addAction(made)
        requests_menu.addSeparator()
        requests_menu.addAction(self.export_action)
        menu_named(bar, SETTINGS_MENU).addAction(self.settings_action)

    # ----- data ---------------------------------------------------------------------------
    def today(self) -> date:
        return self.requests.today()

    def reload(self, select_request_id: int | None = None) -> None:
        """Re-read the lists and counts, keeping the filters and the selected request."""
        keep = select_request_id if select_request_id is not None else self.selected_request_id()
        self.loaded = True
        self._stale = False
        self._fill_choices()
        self.apply_filter(select_request_id=keep)
        self.refresh_side_lists()

    def _fill_choices(self) -> None:
        self.bar.fill_choices(self.requests.departments(), [(c.name, c.cluster_id) for c in self.ledger.clusters()])

    def current_filter(self) -> RequestFilter:
        return self.bar.current_filter()

    def apply_filter(self, *_args, select_request_id: int | None = None) -> None:
        if not self.loaded:
            return
        keep = select_request_id if select_request_id is not None else self.selected_request_id()
        try:
            listing = self.requests.list(self.current_filter(), limit=self.page_size)
        except BadInput as exc:
            self.footer.setText(exc.message)
            self.footer.setStyleSheet("color: #c62828;")
            return
        self._show_listing(listing, keep, scroll=select_request_id is not None)

    def _show_listing(self, listing: RequestList, keep: int | None, *, scroll: bool) -> None:
        self.footer.setStyleSheet("")
        self.model.set_rows(listing.rows)
        self._total = listing.total
        self._show_footer()
        if keep is not None:
            self.select_request(keep, scroll=scroll)
        if self.selected_request_id() is None and self.views.currentIndex() == LIST_PAGE:
            self.detail.show_detail(None)
            self._update_actions()

    def _show_footer(self) -> None:
        shown = self.model.rowCount()
        truncated = shown < self._total
        self.footer.setText(f"显示最新 {shown} 条，共 {self._total} 条" if truncated else f"共 {self._total} 条")
        self.more_button.setVisible(truncated)
        self.more_button.setText(f"再显示 {min(self.page_size, self._total - shown)} 条")

    def show_more(self) -> None:
        listing = self.requests.list(self.current_filter(), limit=self.page_size, offset=self.model.rowCount())
        self.model.append_rows(listing.rows)
        self._total = listing.total
        self._show_footer()

    def refresh_side_lists(self) -> None:
        self.bar.show_counts(self.requests.counts())
        queue = self.requests.return_visit_queue()
        self.visits.set_items(queue)
        late = self.visits.model.overdue_count
        self.views.setTabText(VISIT_PAGE, f"待回访（{len(queue)}）" + (f"，逾期 {late}" if late else ""))

    def tick(self) -> None:
        """Every minute: fresher time-left texts and counts, without losing the selection or the scroll."""
        if not self.loaded:
            return
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        try:
            listing = self.requests.list(self.current_filter(), limit=max(self.page_size, self.model.rowCount()))
        except BadInput:
            return
        if self.model.refresh_rows(listing.rows):
            self._total = listing.total
            self._show_footer()
        else:  # another desk added or closed requests: a new page, same selection and scroll
            scroll = self.table.verticalScrollBar().value()
            self._show_listing(listing, self.selected_request_id(), scroll=False)
            self.table.verticalScrollBar().setValue(scroll)
        self.refresh_side_lists()
        focus = self.focusWidget()
        if focus is None or not self.detail.isAncestorOf(focus):
            self._show_selected()  # not while the butler is using the pane's buttons

    def reset_filters(self, *, open_only: bool = False, overdue_only: bool = False) -> None:
        """Back to every request (or a count's preset), on the list page."""
        self.views.setCurrentIndex(LIST_PAGE)
        self.bar.reset(open_only=open_only, overdue_only=overdue_only)

    # ----- selection ----------------------------------------------------------------------
    def selected_request_id(self) -> int | None:
        if self.views.currentIndex() == VISIT_PAGE:
            return self.visits.selected_request_id()
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).id if rows else None

    def select_request(self, request_id: int, *, scroll: bool = True) -> bool:
        row = self.model.row_of_request(request_id)
        if row is None:
            return False
        self.table.select_row(row, scroll=scroll)
        return True

    def _list_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.views.currentIndex() == LIST_PAGE:
            self._show_request(int(current.data(REQUEST_ID_ROLE)) if current.isValid() else None)

    def _visit_selected(self, request_id: int) -> None:
        if self.views.currentIndex() == VISIT_PAGE:
            self._show_request(request_id or None)

    def _show_selected(self) -> None:
        self._show_request(self.selected_request_id())

    def _show_request(self, request_id: int | None) -> None:
        detail = None
        if request_id is not None:
            try:
                detail = self.requests.detail(request_id)
            except BadInput:
                detail = None  # deleted meanwhile: the next reload drops it from the list
        self.detail.show_detail(detail)
        self._update_actions()

    def _update_actions(self) -> None:
        detail = self.detail.detail
        self.complaint_record_action.setEnabled(detail is not None and detail.kind is RequestKind.COMPLAINT)
        self.work_order_action.setEnabled(detail is not None)

    # ----- actions ------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.views.setCurrentIndex(LIST_PAGE)
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_enter(self) -> None:
        self.apply_filter()
        if self.model.rowCount() > 0:
            if self.selected_request_id() is None:
                self.select_request(self.model.row_at(0).id)
            self.table.setFocus()

    def record_next_step(self, request_id: int) -> None:
        """The request's first allowed step: the "one click" of the list (Enter, double-click)."""
        if self.detail.detail is None or self.detail.detail.id != request_id:
            self._show_request(request_id)
        kind = self.detail.primary_step
        if kind is not None:
            self.record_step(kind, request_id)

    def record_step(self, kind: StepKind, request_id: int | None = None) -> bool:
        from butler_desk.ui.requests.step_dialog import RequestStepDialog

        request_id = request_id if request_id is not None else self.selected_request_id()
        if request_id is None:
            return False
        try:
            detail = self.requests.detail(request_id)
        except BadInput as exc:
            show_problem(self, exc)
            return False
        dialog = RequestStepDialog(self.requests, detail, kind, self)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
        if dialog.saved:
            self.reload(select_request_id=request_id)
            self._keep_selected(request_id)
            self._show_request(request_id)
            self.requests_changed.emit()
        return dialog.saved

    def _keep_selected(self, request_id: int) -> None:
        """Stay on the ticket after a step, even when it left the 待回访 queue or the list's filter."""
        if self.selected_request_id() == request_id:
            return
        self.views.setCurrentIndex(LIST_PAGE)
        if not self.select_request(request_id):
            self.reset_filters()  # the filters hide it now: show everything rather than another ticket
            self.select_request(request_id)

    def show_and_intake(self) -> None:
        tabs = getattr(self, "_window_tabs", None)
        page: QWidget | None = self  # the tab page may be a frame around this widget
        while tabs is not None and page is not None and tabs.indexOf(page) < 0:
            page = page.parentWidget()
        if page is not None and tabs is not None:
            tabs.setCurrentWidget(page)
        self.quick_intake()

    def quick_intake(self) -> int | None:
        from butler_desk.ui.requests.intake_dialog import QuickIntakeDialog

        dialog = QuickIntakeDialog(self.requests, self.ledger, self)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
        if dialog.request_id is None:
            return None
        self.views.setCurrentIndex(LIST_PAGE)
        self.reload(select_request_id=dialog.request_id)
        if self.selected_request_id() != dialog.request_id:
            self.reset_filters()  # the filters hide the new request: show everything
            self.select_request(dialog.request_id)
        self._show_request(dialog.request_id)
        self.table.setFocus()
        self.requests_changed.emit()
        return dialog.request_id

    def reveal_phone(self) -> None:
        detail = self.detail.detail
        if detail is None:
            return
        reason = ask_reason(self, f"{detail.who or detail.number}的电话")
        if reason is None:
            return
        try:
            phone = self.requests.reveal_phone(detail.id, reason)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return
        show_info(self, "电话", f"{detail.number} {detail.who} 的电话：\n\n{phone or '（无）'}")

    def attach_file(self) -> None:
        detail = self.detail.detail
        if detail is None:
            return
        name, _ = QFileDialog.getOpenFileName(self, "添加附件", settings.folder(settings.LAST_IMPORT_DIR),
                                              ATTACHMENT_FILTER)
        if not name:
            return
        try:
            self.requests.attach(detail.id, name)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc, "无法添加附件")
            return
        self._show_request(detail.id)
        self.detail.pages.setCurrentIndex(1)

    def print_complaint_record(self) -> None:
        if self.detail.detail is not None:
            self.paper.complaint_record(self.detail.detail)

    def print_work_order(self) -> None:
        if self.detail.detail is not None:
            self.paper.work_order(self.detail.detail)

    def print_register(self) -> None:
        flt = self.current_filter()  # the list's date range, when one is chosen, is the likely period
        self.paper.register(flt.date_from, flt.date_to)

    def export(self) -> None:
        flt = self.current_filter()
        self.paper.export(flt.date_from, flt.date_to)

    def open_settings(self) -> None:
        from butler_desk.ui.requests.settings_dialog import RequestsSettingsDialog

        dialog = RequestsSettingsDialog(self.services.settings, self, today=self.today())
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
        if dialog.changed and self.loaded:
            self.reload()

    # ----- state --------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.loaded:
            # The first show, not start-up, pays for the list: the ledger tab opens first.
            QTimer.singleShot(0, self.reload)
        elif self._stale:
            QTimer.singleShot(0, self.tick)

    def hideEvent(self, event) -> None:
        self.save_state()
        super().hideEvent(event)

    def save_state(self) -> None:
        self.table.save_state()
        settings.set_value(settings.REQUESTS_SPLITTER, self.splitter.saveState())
