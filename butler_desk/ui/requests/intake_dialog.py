"""Quick intake of a phone call: pick the household by room code, name or pinyin, then kind and text."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain.enums import PartyRole, UnitStatus
from butler_desk.domain.errors import BadInput
from butler_desk.domain.requests import FaultKind, RequestKind, RequestSource
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.ledger.index import LedgerFilter, LedgerIndex
from butler_desk.services.ledger.views import UnitRow
from butler_desk.services.requests.views import IntakeInput, RequestRow
from butler_desk.services.requests.service import RequestService
from butler_desk.ui.common import settings
from butler_desk.ui.common.forms import INVALID_STYLE_SHEET, FieldErrors, size_dialog
from butler_desk.ui.common.messages import show_problem
from butler_desk.ui.common.workers import Worker

KIND_KEYS = (RequestKind.COMPLAINT, RequestKind.REPAIR, RequestKind.ENQUIRY, RequestKind.SPECIAL_SERVICE,
             RequestKind.RECTIFICATION)
MAX_RESULTS = 30
OTHER_CALLER = -1
# "99-9-9999", "3-1201", "12A-1-301": what a butler types for a room, not for a place
ROOM_CODE_LIKE = re.compile(r"\d+[A-Za-z]?(?:-\d+[A-Za-z]?){1,2}")
KEYS_HINT = "↑↓ 选择业户 · Enter 选定 · 1–5 选类型 · Alt+J 急修 · Enter（内容框）或 Ctrl+Enter 保存 · Esc 取消"


def _buddy(form: QFormLayout, error: QLabel, widget: QWidget) -> None:
    """Point a row's label (its Alt+letter) at ``widget`` inside the row FieldErrors built around it."""
    label = form.labelForField(error.parentWidget())
    if label is not None:
        label.setBuddy(widget)


class KindPicker(QWidget):
    """Five toggle buttons that take the focus as one field: keys 1–5 (or ←/→) choose the kind."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for n, kind in enumerate(KIND_KEYS, start=1):
            button = QToolButton()
            button.setText(f"{n} {kind.label}")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the picker, not each button, takes the focus
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setMinimumHeight(button.fontMetrics().height() + 12)
            self.group.addButton(button, n - 1)
            row.addWidget(button)
        row.addStretch(1)
        self.setStyleSheet(
            "KindPicker:focus { background: palette(highlight); }"
            "QToolButton { padding: 3px 8px; }"
            "QToolButton:checked { background: #1565c0; color: white; font-weight: bold; border: 1px solid #0d47a1; }"
        )
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

    @property
    def kind(self) -> RequestKind | None:
        chosen = self.group.checkedId()
        return KIND_KEYS[chosen] if chosen >= 0 else None

    def set_kind(self, kind: RequestKind) -> None:
        self.group.button(KIND_KEYS.index(kind)).setChecked(True)

    def keyPressEvent(self, event) -> None:
        key, text = event.key(), event.text()
        if text in ("1", "2", "3", "4", "5"):
            self.set_kind(KIND_KEYS[int(text) - 1])
            self.focusNextChild()
            return
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            current = self.group.checkedId()
            target = 0 if current < 0 else current + (1 if key == Qt.Key.Key_Right else -1)
            self.set_kind(KIND_KEYS[min(max(target, 0), len(KIND_KEYS) - 1)])
            return
        super().keyPressEvent(event)


class QuickIntakeDialog(QDialog):
    """Register a request while the resident is on the phone; ``request_id`` is set once it is saved.

    The ledger index loads in the background so the dialog opens at once; what is typed
    before it arrives is searched when it does.
    """

    def __init__(self, requests: RequestService, ledger: LedgerService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.requests = requests
        self.ledger = ledger
        self.request_id: int | None = None
        self.index: LedgerIndex | None = None
        self.unit: UnitRow | None = None
        self.recent: list[RequestRow] = []
        self.setWindowTitle("快速登记来电")
        self.setStyleSheet(INVALID_STYLE_SHEET)

        self.search = QLineEdit()
        self.search.setPlaceholderText("房号 / 姓名 / 拼音首字母 / 电话")
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # ↑↓ in the search box move it
        self.results.setFixedHeight(self.fontMetrics().height() * 6 + 16)
        self.picked = QLabel()
        self.picked.setWordWrap(True)
        self.caller = QComboBox()
        self.contact_name = QLineEdit()
        self.contact_name.setPlaceholderText("不在台账的来电人姓名")
        self.contact_phone = QLineEdit()
        self.contact_phone.setPlaceholderText("回电号码")
        self.anonymous = QCheckBox("匿名")
        self.anonymous.setToolTip("来电人不愿留姓名和电话时勾选")
        self._public_area_confirmed = ""
        self.area = QLineEdit()
        self.area.setPlaceholderText("不是某一户的事时填写，如 3栋大堂、北门岗亭")
        self.recent_label = QLabel()
        self.recent_list = QListWidget()
        self.recent_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.recent_list.setFixedHeight(self.fontMetrics().height() * 4 + 14)
        self.kind = KindPicker()
        self.source = QComboBox()
        self.source.addItems(list(RequestSource.labels()))
        self.source.setCurrentIndex(list(RequestSource).index(RequestSource.PHONE))
        self.urgent = QCheckBox("急修(&J)")
        self.urgent.setToolTip("急修：30 分钟内到达现场")
        self.fault = QComboBox()
        self.fault.addItem("一般报修")
        self.fault.addItems(list(FaultKind.labels()))
        self.fault.setToolTip("电梯、供电、供水、公共照明故障有各自的处理时限")
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText("业户反映的问题（Enter 保存，Shift+Enter 换行）")
        # Four lines at least; the room the household list leaves when it hides goes to the text.
        self.description.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 14)

        self.errors = FieldErrors()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        household = QWidget()
        column = QVBoxLayout(household)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.search)
        column.addWidget(self.results)
        column.addWidget(self.picked)
        error = self.errors.add_row(form, "房号/业户(&H)", "unit_id", household)
        self.errors.register("unit_id", self.search, error)
        _buddy(form, error, self.search)
        self.caller_row = QWidget()
        caller_layout = QHBoxLayout(self.caller_row)
        caller_layout.setContentsMargins(0, 0, 0, 0)
        caller_layout.addWidget(self.caller, 2)
        caller_layout.addWidget(self.contact_name, 2)
        caller_layout.addWidget(self.contact_phone, 2)
        caller_layout.addWidget(self.anonymous)
        error = self.errors.add_row(form, "报事人(&C)", "party_id", self.caller_row)
        self.errors.register("party_id", self.caller, error)
        self.errors.register("contact_phone", self.contact_phone, self.errors.label("party_id"))
        _buddy(form, error, self.caller)
        self.errors.add_row(form, "公共区域(&A)", "area_text", self.area)
        recent_box = QWidget()
        recent_layout = QVBoxLayout(recent_box)
        recent_layout.setContentsMargins(0, 0, 0, 0)
        recent_layout.setSpacing(2)
        recent_layout.addWidget(self.recent_label)
        recent_layout.addWidget(self.recent_list)
        form.addRow("近期报事", recent_box)
        self.errors.add_row(form, "类型(&K)", "kind", self.kind)
        options = QWidget()
        options_layout = QHBoxLayout(options)
        options_layout.setContentsMargins(0, 0, 0, 0)
        options_layout.addWidget(QLabel("来源"))
        options_layout.addWidget(self.source)
        options_layout.addSpacing(12)
        options_layout.addWidget(self.urgent)
        options_layout.addWidget(self.fault)
        options_layout.addStretch(1)
        error = self.errors.add_row(form, "来源/急修(&S)", "source", options)
        _buddy(form, error, self.source)
        self.errors.register("source", self.source, error)
        self.errors.register("urgent", self.urgent, error)
        self.errors.register("fault", self.fault, error)
        self.errors.add_row(form, "报事内容(&D)", "description", self.description)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("登记")
        self.save_button.setAutoDefault(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        keys = QLabel(KEYS_HINT)
        keys.setStyleSheet("color: palette(placeholder-text);")

        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.banner)
        layout.addLayout(form, 1)
        layout.addWidget(keys)
        layout.addWidget(self.buttons)

        self.setTabOrder(self.search, self.caller)
        self.setTabOrder(self.caller, self.contact_name)
        self.setTabOrder(self.contact_name, self.contact_phone)
        self.setTabOrder(self.contact_phone, self.area)
        self.setTabOrder(self.area, self.kind)
        self.setTabOrder(self.kind, self.description)
        self.setTabOrder(self.description, self.source)
        self.setTabOrder(self.source, self.urgent)
        self.setTabOrder(self.urgent, self.fault)

        self.search.textEdited.connect(self._search_edited)
        self.search.installEventFilter(self)
        self.description.installEventFilter(self)
        self.results.itemClicked.connect(lambda item: self.pick(int(item.data(Qt.ItemDataRole.UserRole))))
        self.caller.currentIndexChanged.connect(self._caller_changed)
        self.kind.group.idToggled.connect(lambda *_: self._kind_changed())
        for keys_text in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys_text), self, self.accept)

        self._show_unit(None)
        self._kind_changed()
        self.results.addItem("正在读取台账…")
        self._loader = Worker(lambda _progress, _cancelled: ledger.load_index(), name="读取台账")
        self._loader.finished.connect(self._index_loaded)
        self._loader.failed.connect(self._index_failed)
        self._loader.start()
        size_dialog(self, settings.INTAKE_GEOMETRY, 640, 560)
        self.search.setFocus()

    # ----- household search ---------------------------------------------------------------
    @Slot(object)
    def _index_loaded(self, index: LedgerIndex) -> None:
        self.index = index
        self._fill_results()

    @Slot(object)
    def _index_failed(self, exc: BaseException) -> None:
        self.results.clear()
        self.results.addItem("台账读取失败，可只填公共区域或来电人")
        show_problem(self, exc, "无法读取台账")

    def _search_edited(self, _text: str) -> None:
        if self.unit is not None:
            self._show_unit(None)  # typing again means looking for another household
        self._fill_results()

    def _fill_results(self) -> None:
        if self.index is None:
            return
        self.results.clear()
        query = self.search.text().strip()
        if not query:
            self.results.addItem("输入房号、姓名、拼音首字母或电话查找业户")
            return
        rows = self.index.filter(LedgerFilter(query=query))
        for row in rows[:MAX_RESULTS]:
            people = "、".join(p for p in (row.owners, row.occupants) if p) or "（无住户）"
            item = QListWidgetItem(f"{row.code}　{people}　{row.cluster}　{row.status.label}")
            item.setData(Qt.ItemDataRole.UserRole, row.unit_id)
            self.results.addItem(item)
        if rows:
            self.results.setCurrentRow(0)
            if len(rows) > MAX_RESULTS:
                self.results.addItem(f"……共 {len(rows)} 户，请输入更多字缩小范围")
        else:
            self.results.addItem("台账中没有找到；公共区域的事请按 Enter 填到“公共区域”")

    def _move_result(self, step: int) -> None:
        count = sum(1 for n in range(self.results.count()) if self.results.item(n).data(Qt.ItemDataRole.UserRole))
        if count:
            self.results.setCurrentRow(min(max(self.results.currentRow() + step, 0), count - 1))

    def _pick_current(self) -> None:
        item = self.results.currentItem()
        unit_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if unit_id:
            self.pick(int(unit_id))
        elif self.index is not None and self.search.text().strip():
            # Nothing in the ledger: the text is probably a place ("3栋大堂").
            if not self.area.text():
                self.area.setText(self.search.text().strip())
            self.area.setFocus()
            self.area.selectAll()

    def pick(self, unit_id: int) -> None:
        """Choose the household: show who lives there and its latest requests, then go on to the kind."""
        row = next((r for r in self.index.rows if r.unit_id == unit_id), None) if self.index else None
        if row is None:
            return
        self._show_unit(row)
        self.search.setText(row.code)
        self.kind.setFocus()

    def _show_unit(self, row: UnitRow | None) -> None:
        self.unit = row
        self.errors.clear_field("unit_id")
        self.caller.blockSignals(True)
        self.caller.clear()
        self.recent_list.clear()
        if row is None:
            self.results.show()
            self.picked.hide()
            self.caller.addItem("不在台账的来电人", OTHER_CALLER)
            self.recent = []
            self.recent_label.setText("选定业户后显示该户最近的报事")
        else:
            self.results.hide()
            people = "、".join(p for p in (row.owners, row.occupants) if p)
            parts = (f"<b>{row.code}</b>", row.cluster, row.status.label, people)
            self.picked.setText(" · ".join(p for p in parts if p))
            self.picked.show()
            people = list(self.ledger.unit_detail(row.unit_id).current)
            if row.status is UnitStatus.LET:  # in a let flat the tenant is the one who calls
                people.sort(key=lambda o: o.role is not PartyRole.TENANT)
            for occupancy in people:
                self.caller.addItem(f"{occupancy.party.name}（{occupancy.role.label}）", occupancy.party.party_id)
            self.caller.addItem("其他来电人（不在台账）", OTHER_CALLER)
            self.recent = self.requests.recent_for_unit(row.unit_id)
            self._show_recent()
        self.caller.setCurrentIndex(0)
        self.caller.blockSignals(False)
        self._caller_changed()

    def _show_recent(self) -> None:
        open_count = sum(1 for r in self.recent if r.state.is_open)
        if not self.recent:
            self.recent_label.setText("该户暂无报事记录")
            return
        head = f"该户最近 {len(self.recent)} 条报事"
        self.recent_label.setText(head + (f"，其中 <b>{open_count} 条未结</b>：可能是来催办的" if open_count else ""))
        for row in self.recent:
            item = QListWidgetItem(f"{row.received_at:%Y-%m-%d}　{row.number}　{row.kind_label}　"
                                   f"{row.state_label}　{row.summary}")
            if row.state.is_open:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.recent_list.addItem(item)

    def _caller_changed(self) -> None:
        other = self.caller.currentData() == OTHER_CALLER
        self.contact_name.setVisible(other)
        self.contact_phone.setVisible(other)
        self.anonymous.setVisible(other)

    def _kind_changed(self) -> None:
        repair = self.kind.kind is RequestKind.REPAIR
        self.urgent.setEnabled(repair)
        self.fault.setEnabled(repair)
        if not repair:
            self.urgent.setChecked(False)
            self.fault.setCurrentIndex(0)
        self.errors.clear_field("kind")

    # ----- keys -----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key, modifiers = event.key(), event.modifiers()
            enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if watched is self.search:
                if key == Qt.Key.Key_Down:
                    self._move_result(1)
                    return True
                if key == Qt.Key.Key_Up:
                    self._move_result(-1)
                    return True
                if enter and not modifiers & Qt.KeyboardModifier.ControlModifier:
                    if self.unit is not None:
                        self.kind.setFocus()
                    else:
                        self._pick_current()
                    return True
            if watched is self.description and enter and not modifiers & Qt.KeyboardModifier.ShiftModifier:
                self.accept()
                return True
        return super().eventFilter(watched, event)

    # ----- saving -------------------------------------------------------------------------
    def intake_input(self) -> IntakeInput:
        caller = self.caller.currentData()
        party_id = None if caller in (None, OTHER_CALLER) else int(caller)
        other = party_id is None
        fault = list(FaultKind)[self.fault.currentIndex() - 1] if self.fault.currentIndex() > 0 else None
        return IntakeInput(
            unit_id=self.unit.unit_id if self.unit is not None else None,
            party_id=party_id,
            area_text=self.area.text(),
            kind=self.kind.kind or "",
            source=list(RequestSource)[self.source.currentIndex()],
            description=self.description.toPlainText(),
            urgent=self.urgent.isChecked(),
            fault=fault,
            contact_name=(self.contact_name.text() or ("匿名" if self.anonymous.isChecked() else "")) if other else "",
            contact_phone=self.contact_phone.text() if other else "",
        )

    def accept(self) -> None:
        self.errors.clear()
        data = self.intake_input()
        if self.unit is None and self.search.text().strip() and not data.area_text.strip():
            self.errors.show(BadInput("请从列表中选定业户（↑↓ 后按 Enter），或填写公共区域位置。", field="unit_id"))
            return
        if not self._caller_given(data) or not self._public_area_meant(data.area_text.strip()):
            return
        ok, self.request_id = self.errors.attempt(self, lambda: self.requests.intake(data), "无法登记")
        if ok:
            super().accept()

    def _caller_given(self, data: IntakeInput) -> bool:
        """Someone to call back, unless the caller chose to stay anonymous (匿名)."""
        if data.party_id is not None or data.contact_name.strip() or data.contact_phone.strip():
            return True
        if not (data.kind and data.description.strip() and (data.unit_id or data.area_text.strip())):
            return True  # the service names what is missing first, field by field
        self.errors.show(BadInput("请选择报事人，或填写来电人姓名或电话；来电人不愿留名请勾选“匿名”。",
                                  field="party_id"))
        self.contact_name.setFocus()
        return False

    def _public_area_meant(self, area: str) -> bool:
        """A room code the ledger lacks is usually a typo: ask before saving it as a public area."""
        if self.unit is not None or not ROOM_CODE_LIKE.fullmatch(area) or area == self._public_area_confirmed:
            return True
        box = QMessageBox(QMessageBox.Icon.Question, "没有这个房号",
                          f"台账中没有房号“{area}”。\n是房号输错了，还是确实是公共区域的事？", parent=self)
        fix = box.addButton("改房号", QMessageBox.ButtonRole.RejectRole)
        box.addButton("按公共区域登记", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(fix)  # Enter and Esc both go back to correct it
        box.setEscapeButton(fix)
        box.exec()
        keep = box.clickedButton() is not fix
        box.deleteLater()
        if keep:
            self._public_area_confirmed = area
            return True
        self.area.clear()
        self.search.selectAll()
        QTimer.singleShot(0, self.search.setFocus)  # after the question hands the focus back
        return False

    def reject(self) -> None:
        if self.description.toPlainText().strip() and not self._discard_confirmed():
            return
        super().reject()

    def _discard_confirmed(self) -> bool:
        """Esc or Enter on the question keeps the call being typed: only a click on 放弃登记 loses it."""
        box = QMessageBox(QMessageBox.Icon.Question, "放弃登记", "报事内容还没有登记，确定放弃吗？", parent=self)
        keep = box.addButton("继续编辑", QMessageBox.ButtonRole.RejectRole)
        box.addButton("放弃登记", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        discard = box.clickedButton() is not None and box.clickedButton() is not keep
        box.deleteLater()
        return discard

    def done(self, result: int) -> None:
        settings.set_value(settings.INTAKE_GEOMETRY, self.saveGeometry())
        if self._loader.is_running():
            self._loader.wait(5000)
        super().done(result)
