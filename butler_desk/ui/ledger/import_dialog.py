"""导入业户资料: pick a file, check it (read + dry run) in the background, show every issue, import.

A file with problems imports nothing by default; after the problem list the user may
choose 导入其余 N 行 (the service's ``skip_bad``) or cancel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain.errors import BadInput
from butler_desk.services.ledger.roster_import import ImportSummary, RosterFile, RosterImportService, RowIssue
from butler_desk.ui.common import settings
from butler_desk.ui.common.detail_models import RowsModel
from butler_desk.ui.common.forms import size_dialog
from butler_desk.ui.common.messages import ask_purpose, show_info, show_problem, unexpected_error_text
from butler_desk.ui.common.workers import run_with_progress

XLSX_FILTER = "Excel 工作簿 (*.xlsx *.xlsm);;所有文件 (*)"
_PROBLEM_STYLE = "color: #c62828;"


class IssuesModel(RowsModel[RowIssue]):
    """Every problem an import found: sheet, Excel row, column (letter and header), what to fix."""

    COL_SHEET, COL_ROW, COL_COLUMN, COL_MESSAGE = range(4)
    HEADERS = ("工作表", "行号", "列", "问题及修改方法")

    def format_row(self, issue: RowIssue) -> tuple[str, ...]:
        if issue.column_letter and issue.column:
            column = f"{issue.column_letter}（{issue.column}）"
        else:
            column = issue.column_letter or issue.column or "整行"
        return (issue.sheet, str(issue.row) if issue.row else "", column, issue.message)

    def extra_data(self, issue: RowIssue, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ImportDialog(QDialog):
    """Nothing is written until 导入; the import itself is one transaction in a worker thread."""

    checked = Signal(object)  # ImportSummary of the dry run
    imported = Signal(object)  # ImportSummary of the real import
    problem = Signal(str)  # a file-level problem or an error, as shown to the user
    stopped = Signal()  # the user cancelled a check or an import

    def __init__(self, importer: RosterImportService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.importer = importer
        self.path: Path | None = None
        self.roster: RosterFile | None = None
        self.summary: ImportSummary | None = None
        self.worker = None
        self.did_import = False
        self.setWindowTitle("导入业户资料")

        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("请选择要导入的 Excel 文件（.xlsx）")
        self.choose_button = QPushButton("选择文件…")
        self.choose_button.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(QLabel("文件"))
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.choose_button)

        intro = QLabel("选择文件后会先逐行检查，不会写入任何数据；确认无误后点“导入”。"
                       "文件中有问题的行时，可以改正后重新选择，或只导入其余的行（有问题的行可“保存出错行”改正后再导入）。"
                       "重复导入同一文件不会产生重复资料。")
        intro.setWordWrap(True)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(_PROBLEM_STYLE)
        self.warning_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.issues_label = QLabel("问题清单")
        self.issues_model = IssuesModel(self)
        self.issues_view = QTableView()
        self.issues_view.setModel(self.issues_model)
        self.issues_view.verticalHeader().hide()
        self.issues_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.issues_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.issues_view.setAlternatingRowColors(True)
        self.issues_view.setWordWrap(True)
        header = self.issues_view.horizontalHeader()
        for column in (IssuesModel.COL_SHEET, IssuesModel.COL_ROW, IssuesModel.COL_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(IssuesModel.COL_MESSAGE, QHeaderView.ResizeMode.Stretch)

        self.import_button = QPushButton("导入")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        self.save_failed_button = QPushButton("保存出错行…")
        self.save_failed_button.setEnabled(False)
        self.save_failed_button.setToolTip("把有问题的行连同原因另存为 Excel，改正后可再次导入")
        self.save_failed_button.clicked.connect(self.save_failed_rows)
        self.close_button = QPushButton("取消")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_failed_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addWidget(intro)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.issues_label)
        layout.addWidget(self.issues_view, 1)
        layout.addLayout(buttons)
        self._show_issues([])
        self._show_summary("", "")
        size_dialog(self, settings.IMPORT_DIALOG_GEOMETRY, 760, 520)

    # ----- steps ----------------------------------------------------------------------------
    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "选择业户资料文件", settings.folder(settings.LAST_IMPORT_DIR), XLSX_FILTER)
        if name:
            settings.remember_folder(settings.LAST_IMPORT_DIR, name)
            self.start_check(Path(name))

    def start_check(self, path: Path) -> None:
        """Read and dry-run ``path`` in the background; nothing is written."""
        self.path, self.roster, self.summary = path, None, None
        self.file_edit.setText(str(path))
        self._set_busy(True)
        self._show_summary("正在检查…", "")
        self._show_issues([])
        importer = self.importer

        def job(progress, is_cancelled):
            # Reading is the first half of the bar, the dry run the second.
            def read_progress(done: int, total: int) -> None:
                progress(done, 2 * total)

            roster = importer.read(path, progress=read_progress, is_cancelled=is_cancelled)
            total = max(roster.total_rows, 1)

            def check_progress(done: int, _total: int) -> None:
                progress(total + done, 2 * total)

            return importer.import_roster(roster, dry_run=True, progress=check_progress, is_cancelled=is_cancelled)

        self.worker = run_with_progress(
            self, "检查导入文件", f"正在读取并检查 {path.name} …", job,
            on_finished=self._checked, on_failed=self._failed, on_cancelled=self._cancelled,
        )

    def start_import(self) -> None:
        """Import the file; when the check found problems, the button said 导入其余 N 行: only the good rows."""
        if self.roster is None or self.summary is None:
            return
        roster, importer = self.roster, self.importer
        skip_bad = bool(self.summary.issues)
        self._set_busy(True)

        def job(progress, is_cancelled):
            return importer.import_roster(roster, dry_run=False, skip_bad=skip_bad, progress=progress,
                                          is_cancelled=is_cancelled)

        self.worker = run_with_progress(
            self, "导入业户资料", f"正在导入 {roster.path.name} …（取消则不导入任何一行）", job,
            on_finished=self._imported, on_failed=self._failed, on_cancelled=self._cancelled,
        )

    def save_failed_rows(self) -> None:
        if self.summary is None or not self.summary.issues:
            return
        stem = self.path.stem if self.path else "业户资料"
        folder = settings.folder(settings.LAST_EXPORT_DIR, self.path.parent if self.path else None)
        suggested = Path(folder) / f"{stem}-出错行.xlsx"
        name, _ = QFileDialog.getSaveFileName(self, "保存出错行", str(suggested), "Excel 工作簿 (*.xlsx)")
        if not name:
            return
        out = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")
        settings.remember_folder(settings.LAST_EXPORT_DIR, out)
        # The rows go out as the file had them, full numbers included: a reason, as for any reveal.
        reason = ask_purpose(self, "保存出错行", "另存的出错行", "改正后重新导入")
        if reason is None:
            return
        try:
            saved = self.importer.save_failed_rows(self.summary, out, reason=reason)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc, "无法保存出错行")
            return
        show_info(self, "保存出错行",
                  f"已保存 {self.summary.failed_rows} 行到：\n{saved}\n\n"
                  "文件含完整电话、证件号，请妥善保管。请在文件中改正（红色单元格），然后再次导入。")

    # ----- results --------------------------------------------------------------------------
    def _checked(self, summary: ImportSummary) -> None:
        self._set_busy(False)
        self._offer_import(summary, "检查结果：" + summary.describe())
        self.checked.emit(summary)

    def _offer_import(self, summary: ImportSummary, text: str) -> None:
        """Show what the check found; with problems, the choice after the list is 导入其余 N 行 or 取消."""
        self.summary, self.roster = summary, summary.roster
        can_import = summary.imported_rows > 0
        self.import_button.setEnabled(can_import)
        self.import_button.setText(f"导入其余 {summary.imported_rows} 行" if summary.issues and can_import else "导入")
        self.save_failed_button.setEnabled(bool(summary.issues))
        if can_import:
            self.import_button.setDefault(True)
        warning = ""
        if summary.issues:
            warning = f"有 {summary.failed_rows} 行有问题（原因见下方清单）。"
            if can_import:
                warning += (f"可以改正文件后重新选择，或点“导入其余 {summary.imported_rows} 行”"
                            "只导入没有问题的行，有问题的行不导入。")
        if not can_import:
            warning += "没有可以导入的行，请按问题清单改正文件后重新选择。"
        self._show_summary(text, warning)
        self._show_issues(summary.issues)

    def _imported(self, summary: ImportSummary) -> None:
        self._set_busy(False)
        if not summary.written:
            # Problems the check did not see (the ledger changed meanwhile): nothing was
            # written, and the same choice is offered again.
            self._offer_import(summary, summary.describe())
            self.imported.emit(summary)
            return
        self.summary = summary
        self.did_import = True
        self.roster = None
        self.import_button.setEnabled(False)
        self.save_failed_button.setEnabled(bool(summary.issues))
        self.close_button.setText("关闭")
        self.close_button.setDefault(True)
        warning = (f"有问题的 {summary.failed_rows} 行未导入，可“保存出错行”改正后再导入。"
                   if summary.issues else "")
        self._show_summary("导入完成：" + summary.describe(), warning)
        self._show_issues(summary.issues)
        self.imported.emit(summary)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.import_button.setEnabled(False)
        text = exc.message if isinstance(exc, BadInput) else unexpected_error_text(exc)
        self._show_summary("", text)
        self.problem.emit(text)

    def _cancelled(self) -> None:
        self._set_busy(False)
        self.import_button.setEnabled(self.roster is not None and self.summary is not None
                                      and self.summary.imported_rows > 0)
        self._show_summary("", "已取消，没有导入任何数据。")
        self.stopped.emit()

    # ----- display --------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        for button in (self.choose_button, self.import_button, self.save_failed_button, self.close_button):
            if busy:
                button.setEnabled(False)
        if not busy:
            self.choose_button.setEnabled(True)
            self.close_button.setEnabled(True)

    def _show_summary(self, text: str, warning: str) -> None:
        """The outcome in normal text, then what needs attention in red."""
        self.summary_label.setText(text)
        self.summary_label.setVisible(bool(text))
        self.warning_label.setText(warning)
        self.warning_label.setVisible(bool(warning))

    def _show_issues(self, issues) -> None:
        self.issues_model.set_rows(issues)
        self.issues_label.setText(f"问题清单（{len(issues)} 条）" if issues else "问题清单：无")
        self.issues_view.resizeRowsToContents()

    def reject(self) -> None:
        if self.worker is not None and self.worker.is_running():
            return  # the progress dialog's 取消 stops a running job; closing waits for it
        super().reject()

    def done(self, result: int) -> None:
        settings.set_value(settings.IMPORT_DIALOG_GEOMETRY, self.saveGeometry())
        super().done(result)
