"""打印 → 发通知…: a template's form, whom it goes to (live household count), envelope set-up, then one
action that prints the board notice, a letter and an envelope per household, and the sign-off sheet."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain import clock
from butler_desk.domain.errors import BadInput
from butler_desk.ui.common import settings
from butler_desk.ui.common.forms import INVALID_STYLE_SHEET, FieldErrors, from_qdate, size_dialog, to_qdate
from butler_desk.ui.common.messages import show_problem
from butler_desk.ui.documents.notice_form import TemplateForm
from butler_desk.ui.common.pdf_preview import BANNER_STYLE, keep_previews_open, open_preview
from butler_desk.ui.printing.settings_dialog import EnvelopeBox
from butler_desk.ui.documents.recipients_picker import RecipientsPicker
from butler_desk.ui.common.workers import Worker, run_with_progress

if TYPE_CHECKING:
    from butler_desk.services.context import AppContext
    from butler_desk.services.documents.notices import NoticeBatch, TemplateInfo

TEMPLATE_ORDER = ("water-outage", "power-outage", "gas-outage", "special-service-prices", "activity")
ENVELOPE_FIELDS = ("size", "mode", "offset_mm")
FILE_ROWS = (("notice", "公告（张贴在公告栏）"), ("letters", "信件（每户一封）"), ("envelopes", "信封（与信件同序）"),
             ("signoff", "签收单"))
# Closing while a batch is being generated cancels it; the renderers stop within a page.
CLOSE_WAIT_MS = 10000


class NoticeDialog(QDialog):
    """Fill in, choose households, check the count, generate; the files stay listed for preview."""

    issued = Signal(int)  # the register's document id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, template_id: str | None = None) -> None:
        super().__init__(parent)
        from butler_desk.services.ledger.service import LedgerService
        from butler_desk.services.documents.notices import NoticeService
        from butler_desk.services.printing.service import PrintService

        self.ctx = ctx
        self.today = clock.today()  # the estate's date, as the register records it
        self.notices, self.printing = NoticeService(ctx), PrintService(ctx)
        self.batch: NoticeBatch | None = None
        self.worker: Worker | None = None  # the running 生成 job, if any
        self.setWindowTitle("发通知")
        self.setStyleSheet(INVALID_STYLE_SHEET)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint)
        rank = {t: n for n, t in enumerate(TEMPLATE_ORDER)}
        self.templates = sorted(self.notices.templates(), key=lambda t: (rank.get(t.id, len(rank)), t.id))
        self.forms: dict[str, TemplateForm] = {}

        self.template_combo = QComboBox()
        for t in self.templates:
            self.template_combo.addItem(f"{t.title}（发给{t.audience.label}）", t.id)
        # One form per template, swapped in and out (a stacked widget would be as wide as the widest).
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.issued_on = QDateEdit(to_qdate(self.today))
        self.issued_on.setDisplayFormat("yyyy-MM-dd")
        self.issued_on.setCalendarPopup(True)
        self.folder = QLineEdit(self._default_folder())
        self.browse_button = QPushButton("浏览…")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse_button)
        folder_box = QWidget()
        folder_box.setLayout(folder_row)
        folder_row.setContentsMargins(0, 0, 0, 0)
        self.out_errors = FieldErrors()
        out_form = QFormLayout()
        self.out_errors.add_row(out_form, "落款日期(&D)", "issued_on", self.issued_on)
        self.out_errors.add_row(out_form, "保存到(&O)", "out_dir", folder_box,
                                hint="每批四个文件（公告、信件、信封、签收单）以日期和标题命名")
        for field in ("out_dir", "out"):  # the frame goes on the path, not its row
            self.out_errors.register(field, self.folder, self.out_errors.label("out_dir"))
        self.envelope = EnvelopeBox(self.printing, editable=False)
        self.envelope.changed.connect(self._inputs_changed)
        # What is printed and how on the left (its form scrolls), whom it goes to on the right: the
        # household list keeps its room when the results appear on a 768-pixel-high screen.
        left = QWidget()
        left_layout = QVBoxLayout(left)
        top = QFormLayout()
        top.addRow("通知模板(&T)", self.template_combo)
        left_layout.addLayout(top)
        content = QGroupBox("通知内容（带 * 的必填）")
        QVBoxLayout(content).addWidget(self.scroll)
        left_layout.addWidget(content, 1)
        left_layout.addWidget(self.envelope)
        left_layout.addLayout(out_form)

        self.recipients = RecipientsPicker(self.notices, [c.name for c in LedgerService(ctx).clusters()])
        self.recipients.changed.connect(self._inputs_changed)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.recipients, 1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([590, 590])

        self.results = self._build_results()
        self.generate_button = QPushButton("生成(&G)")
        self.generate_button.setDefault(True)
        self.generate_button.clicked.connect(self.generate)
        self.close_button = QPushButton("关闭")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        self.state_label = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.state_label, 1)
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.results)
        layout.addLayout(buttons)

        self.template_combo.currentIndexChanged.connect(self._template_changed)
        found = self.template_combo.findData(template_id) if template_id else 0
        self.template_combo.setCurrentIndex(max(found, 0))
        self._template_changed()
        self.recipients.refresh()
        size_dialog(self, settings.NOTICE_DIALOG_GEOMETRY, 1180, 760)

    # ----- layout -------------------------------------------------------------------------
    def _build_results(self) -> QGroupBox:
        box = QGroupBox("已生成")
        self.result_title = QLabel()
        self.result_title.setWordWrap(True)
        self.result_warning = QLabel()
        self.result_warning.setWordWrap(True)
        self.result_warning.setStyleSheet(BANNER_STYLE)
        self.result_notes = QLabel()
        self.result_notes.setWordWrap(True)
        self.result_notes.setStyleSheet("color: #8a5a00;")
        self.file_labels: dict[str, QLabel] = {}
        self.preview_buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        for n, (key, caption) in enumerate(FILE_ROWS):  # two files a row keeps the dialog short
            label = QLabel()
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            button = QPushButton(f"预览{caption.split('（')[0]}…")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, k=key: self.preview(k))
            row, column = divmod(n, 2)
            grid.addWidget(button, row, column * 2)
            grid.addWidget(label, row, column * 2 + 1)
            self.file_labels[key], self.preview_buttons[key] = label, button
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.open_folder_button = QPushButton("打开文件夹")
        self.open_folder_button.setAutoDefault(False)
        self.open_folder_button.clicked.connect(self.open_folder)
        grid.addWidget(self.open_folder_button, 0, 4)
        layout = QVBoxLayout(box)
        layout.addWidget(self.result_title)
        layout.addWidget(self.result_warning)
        layout.addLayout(grid)
        layout.addWidget(self.result_notes)
        box.hide()
        return box

    # ----- template ----------------------------------------------------------------------
    def template(self) -> TemplateInfo:
        template_id = self.template_combo.currentData()
        return next(t for t in self.templates if t.id == template_id)

    def form(self) -> TemplateForm:
        template = self.template()
        if template.id not in self.forms:
            from butler_desk.services.documents.recipients import estate_placeholders

            form = TemplateForm.for_template(template, today=self.today, estate=estate_placeholders(self.ctx))
            form.changed.connect(self._inputs_changed)
            self.forms[template.id] = form
        return self.forms[template.id]

    def _template_changed(self) -> None:
        form = self.form()
        if self.scroll.widget() is not form:
            self.scroll.takeWidget()  # kept alive by self.forms
            self.scroll.setWidget(form)
            self._order_tabs(form)
        self.recipients.set_template(self.template().id)

    def _order_tabs(self, form: TemplateForm) -> None:
        """Tab follows the screen: the left column top to bottom, then whom to, then 生成.

        A form swapped in joins the end of the focus chain, so the whole chain is set again.
        """
        box = self.envelope
        chain = [self.template_combo, *form.focus_chain(), box.printer, box.size, box.mode, self.issued_on,
                 self.folder, self.browse_button, *self.recipients.focus_chain(), self.generate_button,
                 self.close_button]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _inputs_changed(self, *_args) -> None:
        if self.batch is not None:
            self.generate_button.setEnabled(True)
            self.state_label.setText("内容或范围已修改：生成将登记一批新的发放记录。")

    # ----- generating ---------------------------------------------------------------------
    def _default_folder(self) -> str:
        remembered = settings.value(settings.LAST_NOTICE_DIR)
        if remembered:
            return remembered
        base = self.ctx.db_path.parent if self.ctx.db_path is not None else Path.home()
        return str(base / "打印文件")

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "保存到文件夹", self.folder.text() or str(Path.home()))
        if chosen:
            self.folder.setText(chosen)

    def generate(self) -> None:
        """Check, then print the four files in the background (cancellable) and record the batch."""
        form, recipients = self.form(), self.recipients
        for errors in (form.errors, recipients.errors, self.out_errors):
            errors.clear()
        template, values, selection = self.template(), form.values(), recipients.selection()
        hand, options, day = recipients.hand(), self.envelope.options(), from_qdate(self.issued_on.date())
        folder = Path(self.folder.text().strip()).expanduser() if self.folder.text().strip() else None
        try:
            if folder is None:
                raise BadInput("请选择保存打印文件的文件夹。", field="out_dir")
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise BadInput(f"无法使用文件夹“{folder}”：{exc.strerror or exc}。请换一个文件夹。",
                               field="out_dir") from None
        except BadInput as exc:
            self.show_error(exc)
            return
        count = len(recipients.households.households) if recipients.households else 0
        notices = self.notices

        def job(progress, is_cancelled):
            return notices.issue(template.id, values, selection, folder, envelope_options=options, issued_on=day,
                                 hand_method=hand, progress=progress, is_cancelled=is_cancelled)

        self.generate_button.setEnabled(False)
        self.state_label.setText("正在生成…")
        label = f"正在生成《{template.title}》：公告、{count or '各'}户信件与信封、签收单…"
        self.worker = run_with_progress(self, "发通知", label, job, on_finished=self._issued, on_failed=self._failed,
                                        on_cancelled=self._cancelled)

    def show_error(self, exc: BadInput) -> None:
        form = self.form()
        if form.errors.has(exc.field):
            form.errors.show(exc)
        elif self.recipients.errors.has(exc.field):
            self.recipients.show_error(exc)
        elif self.out_errors.has(exc.field):
            self.out_errors.show(exc)
        elif exc.field in ENVELOPE_FIELDS:
            self.envelope.show_error(exc.message)
        else:
            form.errors.show(exc)  # the banner above the form

    def _failed(self, exc: BaseException) -> None:
        self.worker = None
        self.generate_button.setEnabled(True)
        self.state_label.setText("")
        if isinstance(exc, BadInput):
            self.show_error(exc)
        else:
            show_problem(self, exc, "生成失败")

    def _cancelled(self) -> None:
        self.worker = None
        self.generate_button.setEnabled(True)
        self.state_label.setText("已取消：没有生成文件，也没有登记发放。")

    def _issued(self, batch: NoticeBatch) -> None:
        self.worker = None
        self.batch = batch
        settings.set_value(settings.LAST_NOTICE_DIR, str(batch.notice.path.parent))
        self.generate_button.setEnabled(False)
        self.state_label.setText(f"已登记为发放记录 {batch.document_id}，可在“文件发放”中登记签收。")
        self.result_title.setText(f"《{batch.title}》已生成并登记（发放记录 {batch.document_id}）："
                                  f"{batch.households.summary()}")
        self.result_warning.setText(batch.warning)
        self.result_warning.setVisible(bool(batch.warning))
        counts = {"notice": f"{batch.notice.pages} 页", "letters": f"{batch.letters.pages} 页",
                  "envelopes": f"{batch.envelopes.pages} 个", "signoff": f"{batch.signoff.pages} 页"}
        for key, path in batch.files.items():
            self.file_labels[key].setText(f"{path.name}（{counts[key]}）")
            self.file_labels[key].setToolTip(f"{dict(FILE_ROWS)[key]}\n{path}")
        notes = batch.notes()
        self.result_notes.setText(("发放前请注意：" + "；".join(notes[:6]) + (f" 等 {len(notes)} 条" if len(notes) > 6
                                                                          else "")) if notes else "")
        self.result_notes.setVisible(bool(notes))
        self.results.show()
        self.preview_buttons["notice"].setFocus()
        self.issued.emit(batch.document_id)

    def preview(self, key: str) -> None:
        if self.batch is None:
            return
        path = self.batch.files[key]
        caption = dict(FILE_ROWS)[key].split("（")[0]
        printer = self.envelope.printer_name() if key == "envelopes" else ""
        open_preview(self, path, f"{self.batch.title} — {caption}", self.batch.warning, printer_name=printer)

    def open_folder(self) -> None:
        if self.batch is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.batch.notice.path.parent)))

    def done(self, result: int) -> None:
        if self.worker is not None and self.worker.is_running():
            # Closing cancels the batch (nothing is registered) rather than leaving it to finish unseen.
            self.worker.cancel()
            self.worker.wait(CLOSE_WAIT_MS)
        settings.set_value(settings.NOTICE_DIALOG_GEOMETRY, self.saveGeometry())
        keep_previews_open(self)  # the butler may still be printing the letters
        super().done(result)
