"""The small dialog that records one step of a request, showing only that step's fields."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain.requests import RequestKind, Satisfaction, Severity, StepKind
from butler_desk.domain.workdays import CHINA_TZ
from butler_desk.services.requests.views import RequestDetail, StepInput
from butler_desk.services.requests.service import RequestService
from butler_desk.ui.common import settings
from butler_desk.ui.common.forms import INVALID_STYLE_SHEET, FieldErrors, size_dialog
from butler_desk.ui.requests.caller_phone import CallerPhone

CHOOSE = "请选择…"
CALLBACK_STEPS = (StepKind.VISIT, StepKind.FOLLOW_UP)  # steps made by phoning the caller back
# (label of the note field, whether the lifecycle requires it) per step kind; None: no note field.
NOTE_FIELD: dict[StepKind, tuple[str, bool] | None] = {
    StepKind.CONTACT: ("情况记录", False),
    StepKind.CLASSIFY: ("说明", False),
    StepKind.ASSIGN: ("派单说明", False),
    StepKind.HANDLE: ("处理结果", True),
    StepKind.FEEDBACK: ("反馈内容", True),
    StepKind.RESOLVE: ("解决情况", False),
    StepKind.VISIT: None,
    StepKind.CLOSE: ("备注", False),
    StepKind.REOPEN: ("重新打开原因", True),
    StepKind.FOLLOW_UP: ("跟进内容", True),
}
NOTE_HINT: dict[StepKind, str] = {
    StepKind.CONTACT: "如：已到现场查看，楼上正在装修，已劝告",
    StepKind.HANDLE: "责任部门的处理结果，如：已更换水龙头阀芯",
    StepKind.FEEDBACK: "告诉业户的内容，如：已电话告知处理进展",
    StepKind.REOPEN: "如：回访时业户反映仍然漏水",
    StepKind.FOLLOW_UP: "如：已催促工程部，约定明早上门",
}


def _choice(items: Sequence[str], placeholder: str = CHOOSE, current: int = -1) -> QComboBox:
    """A combo that starts with nothing chosen (so a required choice is a conscious one)."""
    combo = QComboBox()
    combo.addItems(list(items))
    combo.setPlaceholderText(placeholder)
    combo.setCurrentIndex(current)
    return combo


def _text_box(height_lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * height_lines + 14)
    return box


class RequestStepDialog(QDialog):
    """Record ``kind`` on the request; errors from the lifecycle rules appear next to their field.

    The time defaults to the moment of saving; changing it records the step at the time typed
    (北京时间), e.g. a visit made earlier and entered now.
    """

    def __init__(self, requests: RequestService, detail: RequestDetail, kind: StepKind,
                 parent: QWidget | None = None, *, departments: Sequence[str] | None = None) -> None:
        super().__init__(parent)
        self.requests = requests
        self.detail = detail
        self.kind = kind
        self.saved = False
        self._at_touched = False
        self.setStyleSheet(INVALID_STYLE_SHEET)
        self.setWindowTitle(f"{kind.label} — {detail.number}")

        self.summary = QLabel(self._summary_text())
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.errors = FieldErrors()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.on_site = self.valid = self.severity = self.department = None
        self.satisfaction = self.attitude = self.quality = self.manners = self.signed = None
        self.invalid_reason: QLineEdit | None = None
        self.assignee: QLineEdit | None = None
        self.resident_words: QPlainTextEdit | None = None
        self.note: QPlainTextEdit | None = None
        self.caller_phone: CallerPhone | None = None
        self.close_too: QCheckBox | None = None
        if kind in CALLBACK_STEPS and detail.phone_masked:
            self.caller_phone = CallerPhone(requests.reveal_phone)
            self.caller_phone.set_request(detail.id, detail.phone_masked, f"{kind.label} {detail.number}")
            self.errors.add_row(self.form, "电话(&H)", "phone", self.caller_phone,
                                hint="点“显示号码”即可拨打或复制；查看记录在变更记录中")
        self._build_fields(list(departments) if departments is not None else requests.departments())

        now = requests.clock().astimezone(CHINA_TZ)
        self.at = QDateTimeEdit(QDateTime(now.year, now.month, now.day, now.hour, now.minute, 0))
        self.at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.at.setCalendarPopup(True)
        self.errors.add_row(self.form, "办理时间(&T)", "at", self.at, hint="默认为保存时的时间；补录时改为实际时间")
        self.at.dateTimeChanged.connect(self._time_touched)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(f"保存{kind.label}")
        self.save_button.setToolTip("保存（Ctrl+Enter）")
        self.save_button.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.errors.banner)
        layout.addLayout(self.form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        size_dialog(self, settings.STEP_DIALOG_GEOMETRY, 520, 300)
        first = self.form.itemAt(1 if self.caller_phone is not None else 0, QFormLayout.ItemRole.FieldRole)
        if first is not None and first.widget() is not None:
            first.widget().setFocus()

    # ----- layout -------------------------------------------------------------------------
    def _summary_text(self) -> str:
        d = self.detail
        parts = [f"<b>{d.number}</b>", d.kind_label, d.location, d.who]
        line = " · ".join(p for p in parts if p)
        state = f"当前状态：{d.state.label}"
        if d.next_deadline is not None:
            color = "#c62828" if d.next_deadline.overdue else "palette(text)"
            state += f"　<span style='color:{color}'>{d.next_deadline.name}：{d.next_deadline.text}</span>"
        return f"{line}<br>{state}"

    def _build_fields(self, departments: list[str]) -> None:
        kind, add = self.kind, self.errors.add_row
        is_complaint = self.detail.kind is RequestKind.COMPLAINT
        if kind is StepKind.CONTACT:
            self.on_site = _choice(["到达现场", "电话联系"])
            add(self.form, "方式(&M)", "on_site", self.on_site)
        elif kind is StepKind.CLASSIFY:
            self.valid = _choice(["有效", "无效"])
            add(self.form, "判定(&V)", "valid", self.valid)
            if is_complaint:
                self.severity = _choice([f"{s.label}投诉" for s in Severity])
                add(self.form, "投诉等级(&G)", "severity", self.severity,
                    hint="一般投诉 8 小时内解决，严重投诉 5 个工作日内")
            self.invalid_reason = QLineEdit()
            self.invalid_reason.setPlaceholderText("判定无效时必填，如：属业主家庭内部纠纷")
            add(self.form, "无效理由(&R)", "invalid_reason", self.invalid_reason)
            self.valid.currentIndexChanged.connect(self._validity_changed)
            self._validity_changed()
        elif kind is StepKind.ASSIGN:
            self.department = _choice(departments, current=self._index_of(departments, self.detail.department))
            add(self.form, "责任部门(&D)", "department", self.department)
            self.assignee = QLineEdit(self.detail.assignee)
            self.assignee.setPlaceholderText("如：王师傅")
            add(self.form, "责任人(&P)", "assignee", self.assignee)
        elif kind is StepKind.HANDLE:
            self.department = _choice(["（不指定）", *departments],
                                      current=self._index_of(departments, self.detail.department, offset=1, fallback=0))
            add(self.form, "处理部门(&D)", "department", self.department)
        elif kind is StepKind.VISIT:
            labels = list(Satisfaction.labels())
            self.satisfaction = _choice(labels)
            add(self.form, "满意度(&S)", "satisfaction", self.satisfaction)
            if self.detail.kind is RequestKind.REPAIR:
                self.attitude, self.quality, self.manners = _choice(labels), _choice(labels), _choice(labels)
                add(self.form, "维修人员态度(&A)", "attitude", self.attitude)
                add(self.form, "维修质量(&Q)", "quality", self.quality)
                add(self.form, "礼节礼貌(&L)", "manners", self.manners)
                self.satisfaction.currentIndexChanged.connect(self._suggest_ratings)
            self.resident_words = _text_box()
            add(self.form, "业户意见(&W)", "resident_words", self.resident_words)
            # 回访 then 关闭 was two dialogs and the ticket left the queue between them
            self.close_too = QCheckBox("同时关闭工单")
            self.close_too.setToolTip("业户满意时默认勾选；不满意时请重新打开")
            add(self.form, "关闭(&C)", "close", self.close_too)
            if is_complaint:
                self.signed = _choice(["已签字", "未签字"])
                add(self.form, "《投诉记录表》(&S)", "resident_signed", self.signed,
                    hint="关闭投诉时填写：业户是否已在投诉记录表上签字确认")
            self.close_too.toggled.connect(self._close_toggled)
            self.satisfaction.currentIndexChanged.connect(self._satisfaction_changed)
            self._satisfaction_changed()
            self._close_toggled()
        elif kind is StepKind.CLOSE and is_complaint:
            self.signed = _choice(["已签字", "未签字"])
            add(self.form, "《投诉记录表》(&S)", "resident_signed", self.signed, hint="业户是否已在投诉记录表上签字确认")
        note = NOTE_FIELD.get(kind)
        if note is not None:
            label, required = note
            self.note = _text_box(4 if required else 2)
            self.note.setPlaceholderText(NOTE_HINT.get(kind, "可不填" if not required else ""))
            add(self.form, f"{label}{'' if required else '（选填）'}(&N)", "note", self.note)

    @staticmethod
    def _index_of(items: Sequence[str], value: str, *, offset: int = 0, fallback: int = -1) -> int:
        return items.index(value) + offset if value in items else fallback

    def _validity_changed(self) -> None:
        invalid = self.valid is not None and self.valid.currentIndex() == 1
        if self.invalid_reason is not None:
            self.invalid_reason.setEnabled(invalid)
        if self.severity is not None:
            self.severity.setEnabled(not invalid)

    def _satisfaction_changed(self) -> None:
        if self.close_too is None or self.satisfaction is None:
            return
        chosen = self._picked(self.satisfaction, list(Satisfaction))
        self.close_too.setChecked(chosen in (Satisfaction.SATISFIED, Satisfaction.FAIRLY))
        self.close_too.setEnabled(chosen is not Satisfaction.UNSATISFIED)
        if chosen is Satisfaction.UNSATISFIED:
            self.close_too.setChecked(False)

    def _close_toggled(self) -> None:
        if self.signed is not None and self.close_too is not None:
            self.signed.setEnabled(self.close_too.isChecked())

    def _suggest_ratings(self, chosen: int) -> None:
        """Most residents rate the three alike: start them at the overall answer, still each editable."""
        for combo in (self.attitude, self.quality, self.manners):
            if combo is not None and combo.currentIndex() < 0:
                combo.setCurrentIndex(chosen)

    def _time_touched(self) -> None:
        self._at_touched = True

    # ----- values -------------------------------------------------------------------------
    @staticmethod
    def _picked(combo: QComboBox | None, values: Sequence) -> object | None:
        if combo is None or combo.currentIndex() < 0:
            return None
        return values[combo.currentIndex()]

    def step_input(self) -> StepInput:
        ratings = list(Satisfaction)
        at = None
        if self._at_touched:
            chosen = self.at.dateTime()
            day, moment = chosen.date(), chosen.time()
            at = datetime(day.year(), day.month(), day.day(), moment.hour(), moment.minute(), tzinfo=CHINA_TZ)
        department = None
        if self.department is not None and self.department.currentIndex() >= 0:
            text = self.department.currentText()
            department = "" if text == "（不指定）" else text
        valid = self._picked(self.valid, [True, False])
        return StepInput(
            kind=self.kind,
            at=at,
            note=self.note.toPlainText() if self.note is not None else "",
            on_site=self._picked(self.on_site, [True, False]),  # type: ignore[arg-type]
            valid=valid,  # type: ignore[arg-type]
            invalid_reason=self.invalid_reason.text() if self.invalid_reason is not None and valid is False else "",
            severity=self._picked(self.severity, list(Severity)) if valid is not False else None,  # type: ignore[arg-type]
            department=department,
            assignee=self.assignee.text() if self.assignee is not None else None,
            satisfaction=self._picked(self.satisfaction, ratings),  # type: ignore[arg-type]
            resident_words=self.resident_words.toPlainText() if self.resident_words is not None else "",
            attitude=self._picked(self.attitude, ratings),  # type: ignore[arg-type]
            quality=self._picked(self.quality, ratings),  # type: ignore[arg-type]
            manners=self._picked(self.manners, ratings),  # type: ignore[arg-type]
            resident_signed=(self._picked(self.signed, [True, False])  # type: ignore[arg-type]
                             if self.kind is StepKind.CLOSE else None),
        )

    def closes_too(self) -> bool:
        return self.close_too is not None and self.close_too.isEnabled() and self.close_too.isChecked()

    def close_input(self, visit: StepInput) -> StepInput:
        """The 关闭 that follows a satisfied 回访, at the same moment."""
        return StepInput(kind=StepKind.CLOSE, at=visit.at,
                         resident_signed=self._picked(self.signed, [True, False]))  # type: ignore[arg-type]

    # ----- saving -------------------------------------------------------------------------
    def accept(self) -> None:
        data = self.step_input()
        if self.closes_too():
            ok, _ = self.errors.attempt(
                self, lambda: self.requests.add_steps(self.detail.id, data, self.close_input(data)))
        else:
            ok, _ = self.errors.attempt(self, lambda: self.requests.add_step(self.detail.id, data))
        if ok:
            self.saved = True
            super().accept()

    def done(self, result: int) -> None:
        settings.set_value(settings.STEP_DIALOG_GEOMETRY, self.saveGeometry())
        super().done(result)
