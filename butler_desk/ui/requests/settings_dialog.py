"""设置 → 服务时限与节假日: the time limits, the office holiday table, departments and the 回访 rules."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTime
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain import clock
from butler_desk.domain.errors import BadInput
from butler_desk.domain.sla import DEFAULT_LIMITS, limits_from_settings, settings_from_limits
from butler_desk.domain.workdays import PACKAGE_YEARS, STATUTORY_LIST, WorkCalendar, parse_holiday_table
from butler_desk.services import settings as cfg
from butler_desk.services.settings import SettingsService
from butler_desk.ui.common import settings
from butler_desk.ui.common.forms import INVALID_STYLE_SHEET, FieldErrors, size_dialog
from butler_desk.ui.common.messages import show_problem

PAGE_LIMITS, PAGE_HOLIDAYS, PAGE_DEPARTMENTS = 0, 1, 2
HOLIDAY_HELP = (
    "每行一个日期或一段日期，后面写说明。说明里有“上班”或“补班”的是调休上班日，其余为放假。\n"
    "例：2027-01-01 元旦　　2027-02-06~2027-02-12 春节　　2027-02-14 春节调休上班\n"
    "以 # 开头的行是备注。"
)


def _chars_wide(widget: QWidget, chars: int) -> int:
    return widget.fontMetrics().horizontalAdvance("汉") * chars


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


def _office_calendar(text: str) -> WorkCalendar:
    try:
        return WorkCalendar.from_table(parse_holiday_table(text))
    except BadInput:
        return WorkCalendar()  # a stored table that no longer reads is shown, and refused, in the editor


def reminder_due(text: str, today: date) -> bool:
    """Whether the office table lacks a year it needs now (this year, or next from December)."""
    return bool(_office_calendar(text).missing_table_years(today))


def calendar_status(text: str, today: date) -> str:
    """What the 节假日 page says above the table: the built-in years, the fallback, what is missing."""
    covered = (f"内置的国务院放假安排覆盖 {PACKAGE_YEARS.start}–{PACKAGE_YEARS.stop - 1} 年。"
               if PACKAGE_YEARS else "内置的国务院放假安排不可用。")
    later = f"其他年份的{STATUTORY_LIST}及逢周末的补假自动计算，调休上班日和连休日需要在这里录入。"
    reminder = _office_calendar(text).table_reminder(today)
    return covered + later + (reminder or "")


class RequestsSettingsDialog(QDialog):
    """Every value is checked before anything is stored, so a mistake on one page writes nothing."""

    def __init__(self, office: SettingsService, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.office = office
        self.changed = False
        self.today = today or clock.today()
        self.setWindowTitle("服务时限与节假日")
        self.setStyleSheet(INVALID_STYLE_SHEET)
        self.errors = FieldErrors()
        self._page_of: dict[str, int] = {}

        self.pages = QTabWidget()
        self.pages.addTab(self._limits_page(), "服务时限")
        self.pages.addTab(self._holidays_page(), "节假日")
        self.pages.addTab(self._departments_page(), "部门与回访")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.banner)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.buttons)
        size_dialog(self, settings.SETTINGS_DIALOG_GEOMETRY, 700, 620)

    # ----- pages --------------------------------------------------------------------------
    def _limits_page(self) -> QWidget:
        current = settings_from_limits(self.office.time_limits())
        defaults = settings_from_limits(DEFAULT_LIMITS)
        self.limit_edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(self.fontMetrics().horizontalAdvance("汉"))
        for limit in DEFAULT_LIMITS:
            edit = QLineEdit(current[limit.key])
            edit.setPlaceholderText(defaults[limit.key])
            edit.setMaximumWidth(_chars_wide(edit, 10))  # "5个工作日" with room: a short answer, a short box
            self.limit_edits[limit.key] = edit
            # The standard beside the box, not under it: all ten limits fit without scrolling.
            line = QWidget()
            beside = QHBoxLayout(line)
            beside.setContentsMargins(0, 0, 0, 0)
            beside.addWidget(edit)
            beside.addWidget(_hint(f"标准：{defaults[limit.key]}"), 1)
            error = self.errors.add_row(form, limit.label, limit.key, line)
            self.errors.register(limit.key, edit, error)
            form.labelForField(line.parentWidget()).setBuddy(edit)
            self._page_of[limit.key] = PAGE_LIMITS
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.addWidget(_hint("写成“30分钟”“4小时”“5个工作日”；写“关闭”表示该项不考核。"
                               "时限从受理时刻起算，修改后未结工单的期限会重新计算。"))
        column.addLayout(form)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        reset = QPushButton("全部恢复标准时限")
        reset.setAutoDefault(False)
        reset.clicked.connect(self._reset_limits)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(scroll, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(reset)
        layout.addLayout(row)
        return page

    def _reset_limits(self) -> None:
        defaults = settings_from_limits(DEFAULT_LIMITS)
        for key, edit in self.limit_edits.items():
            edit.setText(defaults[key])

    def _holidays_page(self) -> QWidget:
        self.holidays = QPlainTextEdit(self.office.holiday_text())
        self.holidays.setTabChangesFocus(True)
        self.holidays.setPlaceholderText("2027-01-01 元旦")
        self.calendar_status = _hint(calendar_status(self.office.holiday_text(), self.today))
        if reminder_due(self.office.holiday_text(), self.today):
            self.calendar_status.setStyleSheet("color: #8d6e63;")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.calendar_status)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        error = self.errors.add_row(form, "办公室节假日表", "holidays", self.holidays)
        self.errors.register(cfg.OFFICE_HOLIDAYS, self.holidays, error)
        self._page_of["holidays"] = self._page_of[cfg.OFFICE_HOLIDAYS] = PAGE_HOLIDAYS
        layout.addLayout(form, 1)
        layout.addWidget(_hint(HOLIDAY_HELP))
        self.holidays.setMinimumHeight(self.fontMetrics().lineSpacing() * 12)
        return page

    def _departments_page(self) -> QWidget:
        self.departments = QListWidget()
        self.departments.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                         | QAbstractItemView.EditTrigger.EditKeyPressed
                                         | QAbstractItemView.EditTrigger.AnyKeyPressed)
        for name in self.office.departments():
            self._add_department_item(name)
        add = QPushButton("添加(&A)")
        remove = QPushButton("删除(&D)")
        up = QPushButton("上移(&U)")
        down = QPushButton("下移(&W)")
        for button in (add, remove, up, down):
            button.setAutoDefault(False)
        add.clicked.connect(self._add_department)
        remove.clicked.connect(self._remove_department)
        up.clicked.connect(lambda: self._move_department(-1))
        down.clicked.connect(lambda: self._move_department(1))
        buttons = QVBoxLayout()
        for button in (add, remove, up, down):
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.departments, 1)
        row.addLayout(buttons)
        box = QWidget()
        box.setLayout(row)

        self.visit_days = QSpinBox()
        self.visit_days.setRange(1, 30)
        self.visit_days.setSuffix(" 天")
        self.visit_days.setValue(self.office.return_visit_days())
        start = self.office.business_start()
        self.business_start = QTimeEdit(QTime(start.hour, start.minute))
        self.business_start.setDisplayFormat("HH:mm")
        for compact in (self.visit_days, self.business_start):
            compact.setMaximumWidth(_chars_wide(compact, 7))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors.add_row(form, "责任部门", cfg.DEPARTMENTS, box, hint="派单时从这里选择；双击可改名")
        self.errors.add_row(form, "回访期限", cfg.RETURN_VISIT_DAYS, self.visit_days, hint="解决后几天内完成回访")
        self.errors.add_row(form, "上班时间", cfg.BUSINESS_START, self.business_start,
                            hint="按工作日计的时限，非工作时间受理的从下一个工作日的这个时间起算")
        for key in (cfg.DEPARTMENTS, cfg.RETURN_VISIT_DAYS, cfg.BUSINESS_START):
            self._page_of[key] = PAGE_DEPARTMENTS
        page = QWidget()
        QVBoxLayout(page).addLayout(form)
        return page

    def _add_department_item(self, name: str) -> QListWidgetItem:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.departments.addItem(item)
        return item

    def _add_department(self) -> None:
        item = self._add_department_item("新部门")
        self.departments.setCurrentItem(item)
        self.departments.editItem(item)

    def _remove_department(self) -> None:
        row = self.departments.currentRow()
        if row >= 0:
            self.departments.takeItem(row)

    def _move_department(self, step: int) -> None:
        row = self.departments.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.departments.count():
            return
        item = self.departments.takeItem(row)
        self.departments.insertItem(target, item)
        self.departments.setCurrentRow(target)

    # ----- values -------------------------------------------------------------------------
    def department_names(self) -> list[str]:
        return [self.departments.item(n).text() for n in range(self.departments.count())]

    def _checked(self) -> tuple[dict[str, str], str, list[str], int, str]:
        """Every value cleaned by the same checks the settings service applies; BadInput names the field."""
        limits = {key: edit.text() for key, edit in self.limit_edits.items()}
        limits_from_settings(limits)
        holidays = self.holidays.toPlainText()
        parse_holiday_table(holidays)
        departments = cfg.SETTINGS[cfg.DEPARTMENTS].check(self.department_names())
        start = self.business_start.time().toString("HH:mm")
        return limits, holidays, departments, self.visit_days.value(), start

    def accept(self) -> None:
        self.errors.clear()
        try:
            limits, holidays, departments, visit_days, start = self._checked()
            self.office.set_time_limits(limits)
            self.office.set(cfg.OFFICE_HOLIDAYS, holidays)
            self.office.set(cfg.DEPARTMENTS, departments)
            self.office.set(cfg.RETURN_VISIT_DAYS, visit_days)
            self.office.set(cfg.BUSINESS_START, start)
        except BadInput as exc:
            if exc.field in self._page_of:
                self.pages.setCurrentIndex(self._page_of[exc.field])
            self.errors.show(exc)
            return
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return
        self.changed = True
        super().accept()

    def done(self, result: int) -> None:
        settings.set_value(settings.SETTINGS_DIALOG_GEOMETRY, self.saveGeometry())
        super().done(result)
