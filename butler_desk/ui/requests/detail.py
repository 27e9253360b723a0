"""The detail pane of one request: header fields, next-step buttons, deadlines, timeline and attachments."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain.requests import RequestKind, StepKind
from butler_desk.domain.sla import DeadlineState
from butler_desk.services.requests.views import RequestDetail, validity_label
from butler_desk.ui.requests.model import OVERDUE_COLOR

NOTICE_STYLE = "background: #fff8e1; border: 1px solid #ffcc80; padding: 4px 6px; color: #5d4037;"
PRIMARY_STYLE = (
    "QPushButton { background: #1565c0; color: white; font-weight: bold; padding: 6px 14px;"
    " border: 1px solid #0d47a1; border-radius: 3px; }"
    "QPushButton:hover { background: #1976d2; } QPushButton:focus { border: 2px solid #0d47a1; }"
)
_MET_LATE_COLOR = "#8d6e63"
_MAX_DESCRIPTION_SHOWN = 160
# Steps whose buttons read better with a verb than with the step's noun label.
BUTTON_TEXT = {
    StepKind.CONTACT: "联系/到场", StepKind.CLASSIFY: "定性", StepKind.ASSIGN: "派单", StepKind.HANDLE: "登记处理结果",
    StepKind.FEEDBACK: "反馈业户", StepKind.RESOLVE: "确认解决", StepKind.VISIT: "回访", StepKind.CLOSE: "关闭工单",
    StepKind.REOPEN: "重新打开", StepKind.FOLLOW_UP: "跟进记录",
}


def _time(moment) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else ""


def _value_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


class RequestDetailPane(QWidget):
    """Shows one RequestDetail; asks the tab (by signals) to record steps, reveal the phone or attach files."""

    step_requested = Signal(object)  # StepKind
    reveal_phone_requested = Signal()
    attach_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: RequestDetail | None = None
        self.step_buttons: list[QPushButton] = []

        self.empty = QLabel("在左侧选择一条工单查看详情。\n\n新来电请按 Ctrl+Shift+N 快速登记。")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: palette(placeholder-text);")

        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state = QLabel()
        self.state.setStyleSheet("padding: 2px 8px; border-radius: 3px; background: #e3f2fd; color: #0d47a1;")
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addStretch(1)
        heading.addWidget(self.state)

        self.next_label = QLabel("下一步")
        self.next_label.setStyleSheet("color: palette(placeholder-text);")
        self.steps_grid = QGridLayout()
        self.steps_grid.setHorizontalSpacing(6)
        self.steps_grid.setVerticalSpacing(4)

        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.notice.hide()

        self.location = _value_label()
        self.who = _value_label()
        self.phone = QLabel()
        self.reveal_button = QPushButton("查看完整号码…")
        self.reveal_button.setFlat(True)
        self.reveal_button.setStyleSheet("color: palette(link); text-align: left; padding: 0;")
        self.reveal_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.reveal_button.clicked.connect(self.reveal_phone_requested)
        phone_row = QHBoxLayout()
        phone_row.setContentsMargins(0, 0, 0, 0)
        phone_row.addWidget(self.phone)
        phone_row.addSpacing(8)
        phone_row.addWidget(self.reveal_button)
        phone_row.addStretch(1)
        self.received = _value_label()
        self.handling = _value_label()
        self.judgement = _value_label()
        self.description = _value_label()
        info = QFormLayout()
        info.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        info.setVerticalSpacing(4)
        info.addRow("位置", self.location)
        info.addRow("业户", self.who)
        info.addRow("电话", phone_row)
        info.addRow("受理", self.received)
        info.addRow("办理", self.handling)
        info.addRow("定性", self.judgement)
        info.addRow("内容", self.description)

        self.deadlines = QTreeWidget()
        self.deadlines.setColumnCount(3)
        self.deadlines.setHeaderLabels(["服务时限", "期限", "情况"])
        self.deadlines.setRootIsDecorated(False)
        self.deadlines.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.deadlines.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.deadlines.setUniformRowHeights(True)
        header = self.deadlines.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

        self.timeline = QTextBrowser()
        self.timeline.setOpenLinks(False)
        self.attachments = QListWidget()
        self.attachments.itemActivated.connect(self._open_attachment)
        self.attach_button = QPushButton("添加附件…")
        self.attach_button.clicked.connect(self.attach_requested)
        self.open_button = QPushButton("打开")
        self.open_button.clicked.connect(lambda: self._open_attachment(self.attachments.currentItem()))
        attach_buttons = QHBoxLayout()
        attach_buttons.addWidget(self.attach_button)
        attach_buttons.addWidget(self.open_button)
        attach_buttons.addStretch(1)
        attach_page = QWidget()
        attach_layout = QVBoxLayout(attach_page)
        attach_layout.addWidget(self.attachments, 1)
        attach_layout.addLayout(attach_buttons)
        self.pages = QTabWidget()
        self.pages.addTab(self.timeline, "办理记录")
        self.pages.addTab(attach_page, "附件")

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(heading)
        body.addWidget(self.next_label)
        body.addLayout(self.steps_grid)
        body.addWidget(self.notice)
        body.addLayout(info)
        body.addWidget(self.deadlines)
        body.addWidget(self.pages, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.body, 1)
        self.show_detail(None)

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("汉") * 30, 560)

    # ----- showing ------------------------------------------------------------------------
    def show_detail(self, detail: RequestDetail | None) -> None:
        self.detail = detail
        self.empty.setVisible(detail is None)
        self.body.setVisible(detail is not None)
        if detail is None:
            self._set_step_buttons(())
            return
        self.title.setText(f"{detail.number}　{detail.kind_label}")
        self.state.setText(detail.state.label)
        self.location.setText(" · ".join(p for p in (detail.location, detail.cluster) if p))
        who = detail.who
        if detail.party_name and detail.contact_name and detail.contact_name != detail.party_name:
            who = f"{detail.party_name}（来电人：{detail.contact_name}）"
        self.who.setText(who or "（未留姓名）")
        self.phone.setText(detail.phone_masked or "（无）")
        self.reveal_button.setVisible(bool(detail.phone_masked))
        self.received.setText(f"{_time(detail.received_at)}　{detail.source.label}　{detail.received_by}")
        self.handling.setText("　".join(p for p in (detail.department, detail.assignee) if p) or "尚未派单")
        self.judgement.setText(self._judgement_text(detail))
        text = detail.description
        shown = text if len(text) <= _MAX_DESCRIPTION_SHOWN else text[:_MAX_DESCRIPTION_SHOWN] + "…（全文见办理记录）"
        self.description.setText(shown)
        self.description.setToolTip(text if shown != text else "")
        self.notice.setText(detail.calendar_notice or "")
        self.notice.setVisible(bool(detail.calendar_notice))
        self._show_deadlines(detail)
        self.timeline.setHtml(self._timeline_html(detail))
        self.pages.setTabText(0, f"办理记录（{len(detail.timeline)}）")
        self._show_attachments(detail)
        self._set_step_buttons(detail.allowed_steps)

    @staticmethod
    def _judgement_text(detail: RequestDetail) -> str:
        parts = [validity_label(detail.kind, detail.valid) or "尚未定性"]
        if detail.severity is not None and detail.kind is RequestKind.COMPLAINT:
            parts.append(f"{detail.severity.label}投诉")
        if detail.invalid_reason:
            parts.append(f"理由：{detail.invalid_reason}")
        if detail.satisfaction is not None:
            parts.append(f"回访：{detail.satisfaction.label}")
        if detail.resident_signed is not None:
            parts.append("业户已签字" if detail.resident_signed else "业户未签字")
        if detail.reopen_count:
            parts.append(f"重新打开 {detail.reopen_count} 次")
        return "　".join(parts)

    def _show_deadlines(self, detail: RequestDetail) -> None:
        self.deadlines.clear()
        bold = QFont(self.deadlines.font())
        bold.setBold(True)
        for view in detail.deadlines:
            item = QTreeWidgetItem([view.title, f"{view.due_at:%m-%d %H:%M}", view.text])
            item.setToolTip(0, view.title)
            if view.overdue:
                for column in range(3):
                    item.setForeground(column, OVERDUE_COLOR)
                    item.setFont(column, bold)
            elif view.state is DeadlineState.MET_LATE:
                item.setForeground(2, OVERDUE_COLOR.darker(120))
            elif view.state is DeadlineState.MET:
                item.setForeground(2, self.palette().placeholderText())
            self.deadlines.addTopLevelItem(item)
        self.deadlines.setVisible(bool(detail.deadlines))
        rows = max(1, len(detail.deadlines))
        row_height = self.deadlines.sizeHintForRow(0) if detail.deadlines else self.fontMetrics().height() + 6
        self.deadlines.setFixedHeight(self.deadlines.header().sizeHint().height() + rows * row_height + 6)

    @staticmethod
    def _timeline_html(detail: RequestDetail) -> str:
        esc = html.escape

        def entry(at, title: str, who: str, text: str, late: str = "") -> str:
            body = esc(text).replace("\n", "<br>")
            return (f"<p style='margin-bottom:6px'><span style='color:#616161'>{_time(at)}</span>&nbsp;&nbsp;"
                    f"<b>{esc(title)}</b> · {esc(who)}{late}<br>{body}</p>")

        parts = [entry(detail.received_at, f"受理（{detail.source.label}）", detail.received_by, detail.description)]
        for item in detail.timeline:
            late = ""
            if item.recorded_at and item.at and (item.recorded_at - item.at).total_seconds() > 3600:
                late = f" <span style='color:#9e9e9e'>（{_time(item.recorded_at)} 补录）</span>"
            parts.append(entry(item.at, item.kind_label, item.operator, item.text, late))
        return "".join(parts)

    def _show_attachments(self, detail: RequestDetail) -> None:
        self.attachments.clear()
        for view in detail.attachments:
            size = f"{view.size_bytes / 1024:.0f} KB" if view.size_bytes < 1024 * 1024 else f"{view.size_bytes / 1048576:.1f} MB"
            text = f"{view.file_name}　{size}　{view.added_at:%Y-%m-%d} {view.added_by}"
            if not view.exists:
                text += "（文件已丢失）"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, str(view.path))
            item.setToolTip(view.note or str(view.path))
            self.attachments.addItem(item)
        self.pages.setTabText(1, f"附件（{len(detail.attachments)}）")
        self.open_button.setEnabled(bool(detail.attachments))

    def _open_attachment(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(item.data(Qt.ItemDataRole.UserRole))))

    # ----- next steps -----------------------------------------------------------------------
    def _set_step_buttons(self, choices) -> None:
        for button in self.step_buttons:
            self.steps_grid.removeWidget(button)
            button.hide()  # until deleteLater runs it would still paint where it was
            button.deleteLater()
        self.step_buttons = []
        for n, choice in enumerate(choices):
            text = BUTTON_TEXT.get(choice.kind, choice.label)
            button = QPushButton(f"下一步：{text}…" if n == 0 else f"{text}…")
            button.setProperty("step", choice.kind.value)
            button.setAutoDefault(False)
            if n == 0:
                button.setStyleSheet(PRIMARY_STYLE)
                button.setToolTip("按列表中的 Enter 也可直接办理这一步")
                self.steps_grid.addWidget(button, 0, 0, 1, 3)
            else:
                self.steps_grid.addWidget(button, 1 + (n - 1) // 3, (n - 1) % 3)
            button.clicked.connect(lambda _checked=False, kind=choice.kind: self.step_requested.emit(kind))
            self.step_buttons.append(button)
        self.next_label.setVisible(bool(choices))

    @property
    def primary_step(self) -> StepKind | None:
        if self.detail is None or not self.detail.allowed_steps:
            return None
        return self.detail.allowed_steps[0].kind
