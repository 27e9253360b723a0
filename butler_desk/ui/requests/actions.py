"""Paper and Excel from the 投诉报修 tab: 投诉记录表, 派工单, 登记表 previews and the register export."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain.errors import BadInput
from butler_desk.domain.requests import RequestKind
from butler_desk.services import Services
from butler_desk.services.requests import reports as request_reports
from butler_desk.services.requests.views import RequestDetail
from butler_desk.ui.common import settings
from butler_desk.ui.common.forms import from_qdate, to_qdate
from butler_desk.ui.common.messages import ask_reason, show_info, show_problem
from butler_desk.ui.common.workers import run_with_progress

XLSX = "Excel 工作簿 (*.xlsx)"
PRESETS = ("今天", "本周", "本月", "上月", "今年", "自定义")


def preset_range(name: str, today: date) -> tuple[date, date] | None:
    """First and last day of a named period containing ``today`` (None for 自定义)."""
    if name == "今天":
        return today, today
    if name == "本周":
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    if name == "本月":
        first = today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    if name == "上月":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if name == "今年":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    return None


class DateRangeDialog(QDialog):
    """Ask for a period (presets or two dates); with ``ask_masking`` also whether phones stay masked."""

    def __init__(self, title: str, first: date, last: date, today: date, parent: QWidget | None = None,
                 *, ask_masking: bool = False, note: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("汉") * 28)
        self.today = today
        self.preset = QComboBox()
        self.preset.addItems(list(PRESETS))
        self.first = QDateEdit(to_qdate(first))
        self.last = QDateEdit(to_qdate(last))
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.preset.setCurrentIndex(self._preset_of(first, last))
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        self.clear_phones = QCheckBox("导出完整电话号码（仅限内部存档，会记录在变更记录中）")
        form = QFormLayout()
        form.addRow("时段(&P)", self.preset)
        dates = QHBoxLayout()
        dates.addWidget(self.first)
        dates.addWidget(QLabel("至"))
        dates.addWidget(self.last)
        dates.addStretch(1)
        form.addRow("受理日期(&D)", dates)
        form.labelForField(dates).setBuddy(self.first)
        layout = QVBoxLayout(self)
        if note:
            hint = QLabel(note)
            hint.setWordWrap(True)
            hint.setStyleSheet("color: palette(placeholder-text);")
            layout.addWidget(hint)
        layout.addLayout(form)
        if ask_masking:
            layout.addWidget(self.clear_phones)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.first.dateChanged.connect(self._dates_edited)
        self.last.dateChanged.connect(self._dates_edited)

    def _preset_of(self, first: date, last: date) -> int:
        for n, name in enumerate(PRESETS):
            if preset_range(name, self.today) == (first, last):
                return n
        return len(PRESETS) - 1

    def _preset_chosen(self) -> None:
        chosen = preset_range(self.preset.currentText(), self.today)
        if chosen is not None:
            for edit, value in zip((self.first, self.last), chosen, strict=True):
                edit.blockSignals(True)
                edit.setDate(to_qdate(value))
                edit.blockSignals(False)

    def _dates_edited(self) -> None:
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(self._preset_of(*self.period))
        self.preset.blockSignals(False)
        self.error.hide()

    @property
    def period(self) -> tuple[date, date]:
        return from_qdate(self.first.date()), from_qdate(self.last.date())

    @property
    def masked(self) -> bool:
        return not self.clear_phones.isChecked()

    def accept(self) -> None:
        first, last = self.period
        if last < first:
            self.error.setText("结束日期早于开始日期，请调换一下。")
            self.error.show()
            self.last.setFocus()
            return
        super().accept()


def _run_dialog(dialog: QDialog) -> bool:
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


class RequestPaper:
    """Renders in a worker through PrintService, then opens the app's PDF preview."""

    def __init__(self, parent: QWidget, services: Services) -> None:
        self.parent = parent
        self.services = services
        self.requests = services.requests

    @property
    def printing(self):
        # reportlab comes with the print service: loaded at the first print, not at start-up.
        return self.services.printing

    def today(self) -> date:
        return self.requests.today()

    # ----- one request --------------------------------------------------------------------
    def complaint_record(self, detail: RequestDetail) -> None:
        if detail.kind is not RequestKind.COMPLAINT:
            show_problem(self.parent, BadInput(f"{detail.number} 是{detail.kind.label}，《投诉记录表》只用于投诉；"
                                               "请打印《报修派工单》。"), "打印投诉记录表")
            return
        printing, rid = self.printing, detail.id
        self._render(f"投诉记录表 {detail.number}", "投诉记录表",
                     lambda out: printing.print_request_form("complaint-record", rid, out))

    def work_order(self, detail: RequestDetail) -> None:
        """The phone prints masked unless the butler gives a reason, which the audit trail keeps."""
        reason: str | None = None
        if detail.phone_masked:
            box = QMessageBox(QMessageBox.Icon.Question, "打印派工单",
                              "维修人员需要联系业户时，派工单可以印完整电话。\n"
                              "打印完整电话会记录在变更记录中。", QMessageBox.StandardButton.NoButton, self.parent)
            masked = box.addButton("打印（电话脱敏）", QMessageBox.ButtonRole.AcceptRole)
            full = box.addButton("打印完整电话…", QMessageBox.ButtonRole.ActionRole)
            box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(masked)
            box.exec()
            clicked = box.clickedButton()
            box.deleteLater()
            if clicked is full:
                reason = ask_reason(self.parent, f"{detail.who or detail.number}的电话（打印派工单）")
                if reason is None:
                    return
            elif clicked is not masked:
                return
        requests, rid = self.requests, detail.id
        self._render(f"报修派工单 {detail.number}", "报修派工单",
                     lambda out: request_reports.print_work_order(requests, rid, out, reveal_reason=reason),
                     warning_extra="含完整电话，用后请妥善处理。" if reason else "")

    # ----- a period -------------------------------------------------------------------------
    def register(self, first: date | None = None, last: date | None = None) -> None:
        today = self.today()
        default = preset_range("本月", today)
        dialog = DateRangeDialog("打印报事报修登记表", first or default[0], last or default[1], today, self.parent,
                                 note="登记表列出所选日期内受理的全部工单，电话脱敏。")
        if not _run_dialog(dialog):
            return
        first, last = dialog.period
        requests = self.requests
        self._render(f"报事报修登记表 {first}~{last}", "报事报修登记表",
                     lambda out: request_reports.print_register(requests, first, last, out))

    def export(self, first: date | None = None, last: date | None = None) -> None:
        today = self.today()
        default = preset_range("本月", today)
        dialog = DateRangeDialog("导出工单", first or default[0], last or default[1], today, self.parent,
                                 ask_masking=True, note="导出所选日期内受理的工单登记和统计为 Excel；电话默认脱敏。")
        if not _run_dialog(dialog):
            return
        (first, last), masked = dialog.period, dialog.masked
        stem = f"工单登记-{first:%Y%m%d}-{last:%Y%m%d}" + ("" if masked else "-明文")
        suggested = Path(settings.folder(settings.LAST_EXPORT_DIR)) / f"{stem}.xlsx"
        name, _ = QFileDialog.getSaveFileName(self.parent, "导出工单", str(suggested), XLSX)
        if not name:
            return
        out = Path(name)
        if out.suffix.lower() != ".xlsx":
            out = out.with_name(out.name + ".xlsx")
        settings.remember_folder(settings.LAST_EXPORT_DIR, out)
        requests = self.requests

        def job(progress, is_cancelled):
            return requests.export(first, last, out, masked=masked, progress=progress, is_cancelled=is_cancelled)

        run_with_progress(
            self.parent, "导出工单", f"正在导出到 {out.name} …", job,
            on_finished=lambda path: show_info(self.parent, "导出工单", f"工单已导出到：\n{path}"),
            on_failed=lambda exc: show_problem(self.parent, exc, "导出失败"),
        )

    # ----- rendering ------------------------------------------------------------------------
    def _render(self, title: str, file_stem: str, render, *, warning_extra: str = "") -> None:
        from butler_desk.ui.common.pdf_preview import scratch_pdf

        out = scratch_pdf(file_stem)

        def job(_progress, _is_cancelled):
            return render(out)

        def finished(result) -> None:
            from butler_desk.ui.common.pdf_preview import preview_pdf

            warning = "\n".join(w for w in (result.warning, warning_extra) if w)
            preview_pdf(self.parent, result.path, title, warning=warning)

        run_with_progress(self.parent, title, f"正在生成{file_stem} …", job, on_finished=finished,
                          on_failed=lambda exc: show_problem(self.parent, exc, f"无法打印{file_stem}"),
                          cancellable=False)
