"""设置 → 打印设置…: the print font (and whether it prints rare characters such as 𠮷), each printer's
envelope size, mode and offset with a calibration page, and the uncollected-document reminder days.

``EnvelopeBox`` (printer, size, mode, offsets) is shared with the notice dialog.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from butler_desk.domain.errors import BadInput
from butler_desk.ui.common import settings
from butler_desk.ui.common.forms import ERROR_STYLE, INVALID_STYLE_SHEET, FieldErrors, size_dialog
from butler_desk.ui.common.messages import show_problem
from butler_desk.ui.common.pdf_printing import installed_printers

if TYPE_CHECKING:
    from butler_desk.services.printing.service import EnvelopeOptions
    from butler_desk.services.context import AppContext
    from butler_desk.services.printing.service import PrintService

RARE_PROBE = "𠮷"  # CJK Extension B, common in names (吉 with 土): the usual test of a rare-character font
FONT_FILTER = "TrueType 字体 (*.ttf *.ttc *.otf);;所有文件 (*)"
SENDER_CHOICES = (("按打印方式（完整打印时打印）", None), ("打印", True), ("不打印", False))
# Two fixed lines: a wrapped label inside a QFormLayout gets squeezed (height-for-width).
OFFSET_HELP = ("用校准页量偏移：打印在信封（或覆在信封上的白纸）上，十字线应落在邮编框中心。\n"
               "十字线偏左 2 毫米，向右填 +2；偏上 1 毫米，向下填 +1。保存后再打一张确认。")


class EnvelopeBox(QGroupBox):
    """Printer, size and mode; with ``editable`` also the offsets and the sender line, per printer.

    Edits are kept per printer until the owner saves them (``edited``); without ``editable``
    the offsets are shown, since they belong to the printer and are set in 打印设置.
    """

    changed = Signal()

    def __init__(self, printing: PrintService, *, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__("信封", parent)
        from butler_desk.services.printing.service import (
            DEFAULT_PRINTER,
            ENVELOPE_NAMES,
            ENVELOPE_SIZES,
            MAX_OFFSET,
            MODE_LABELS,
        )

        self.printing, self.editable, self._default = printing, editable, DEFAULT_PRINTER
        self.saved = printing.printers()
        self.edited: dict[str, EnvelopeOptions] = {}
        self.printer = QComboBox()
        self.printer.setEditable(editable)  # a printer on another PC can be set up by name
        self.printer.setMinimumContentsLength(14)
        names = [DEFAULT_PRINTER, *self.saved, *installed_printers()]
        self.printer.addItems(list(dict.fromkeys(names)))
        self.printer.setToolTip("各台打印机进纸位置不同，信封规格和偏移按打印机分别保存；“默认”用于其他打印机")
        self.size = QComboBox()
        for size, (w, h) in ENVELOPE_SIZES.items():
            self.size.addItem(f"{ENVELOPE_NAMES.get(size, size)} {w:g}×{h:g} 毫米", size)
        self.mode = QComboBox()
        for mode, label in MODE_LABELS.items():
            self.mode.addItem(label, mode)
        self.mode.setToolTip("套打：信封上已印好邮编框、贴邮票处和公司名，只打印文字和邮编数字")
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("打印机(&R)", self.printer)
        form.addRow("信封规格(&Z)", self.size)
        form.addRow("打印方式(&M)", self.mode)
        self.dx = self.dy = None
        self.sender = None
        self.offset_label = QLabel()
        if editable:
            self.dx, self.dy = (QDoubleSpinBox() for _ in range(2))
            for spin in (self.dx, self.dy):
                spin.setRange(-MAX_OFFSET, MAX_OFFSET)
                spin.setDecimals(1)
                spin.setSingleStep(0.5)
                spin.setSuffix(" 毫米")
                spin.valueChanged.connect(self._edited)
            offsets = QHBoxLayout()
            offsets.addWidget(QLabel("向右"))
            offsets.addWidget(self.dx)
            offsets.addWidget(QLabel("向下"))
            offsets.addWidget(self.dy)
            offsets.addStretch(1)
            form.addRow("打印偏移", offsets)
            self.sender = QComboBox()
            for text, value in SENDER_CHOICES:
                self.sender.addItem(text, "" if value is None else ("yes" if value else "no"))
            self.sender.currentIndexChanged.connect(self._edited)
            form.addRow("寄件人", self.sender)
        else:
            form.addRow("打印偏移", self.offset_label)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        form.addRow(self.error)
        self._current = ""
        self.printer.currentTextChanged.connect(self._printer_changed)
        for combo in (self.size, self.mode):
            combo.currentIndexChanged.connect(self._edited)
        self._printer_changed(self.printer.currentText())

    def printer_name(self) -> str:
        return self.printer.currentText().strip()

    def options(self) -> EnvelopeOptions:
        """What the widgets say now (not checked: ``EnvelopeOptions.checked`` raises BadInput)."""
        base = self._stored(self.printer_name())
        if self.dx is None or self.sender is None:
            return replace(base, size=self.size.currentData(), mode=self.mode.currentData())
        sender = {"": None, "yes": True, "no": False}[self.sender.currentData()]
        return replace(base, size=self.size.currentData(), mode=self.mode.currentData(),
                       offset_mm=(round(self.dx.value(), 1), round(self.dy.value(), 1)), print_sender=sender)

    def _stored(self, name: str) -> EnvelopeOptions:
        """This printer's set-up as edited, else as saved; a printer without one starts from 默认's."""
        if name in self.edited:
            return self.edited[name]
        if name not in self.saved and self._default in self.edited:
            return self.edited[self._default]
        return self.printing.envelope_options(name)

    def _printer_changed(self, name: str) -> None:
        name = name.strip()
        options = self._stored(name)
        self._current = name
        widgets = [self.size, self.mode, *(w for w in (self.dx, self.dy, self.sender) if w is not None)]
        for widget in widgets:
            widget.blockSignals(True)
        self.size.setCurrentIndex(max(self.size.findData(options.size), 0))
        self.mode.setCurrentIndex(max(self.mode.findData(options.mode), 0))
        dx, dy = options.offset_mm
        if self.dx is not None and self.dy is not None and self.sender is not None:
            self.dx.setValue(dx)
            self.dy.setValue(dy)
            key = "" if options.print_sender is None else ("yes" if options.print_sender else "no")
            self.sender.setCurrentIndex(max(self.sender.findData(key), 0))
        for widget in widgets:
            widget.blockSignals(False)
        self.offset_label.setText(f"向右 {dx:+g}、向下 {dy:+g} 毫米（在“设置 → 打印设置”中校准）")
        self.offset_label.setToolTip("" if name in self.saved or name == self._default
                                     else "这台打印机没有单独的设置，使用“默认”的设置")
        self.error.hide()
        self.changed.emit()

    def _edited(self, *_args) -> None:
        self.error.hide()
        if self.editable and self._current:
            self.edited[self._current] = self.options()
        self.changed.emit()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


class PrintSettingsDialog(QDialog):
    """Font, rare-character fonts, envelopes per printer, reminder days; 保存 writes all after checking all."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from butler_desk.services.printing.service import (
            DOCUMENTS_UNCOLLECTED_DAYS,
            PRINT_FONT,
            PRINT_RARE_FONTS,
            PrintService,
        )

        self.ctx = ctx
        self.printing = PrintService(ctx)
        self.stored = self.printing.settings()
        self._keys = (PRINT_FONT, PRINT_RARE_FONTS, DOCUMENTS_UNCOLLECTED_DAYS)
        self.setWindowTitle("打印设置")
        self.setStyleSheet(INVALID_STYLE_SHEET)

        self.font_path = QLineEdit(self.stored[PRINT_FONT])
        self.font_path.setPlaceholderText("自动选择（推荐）")
        browse, automatic = QPushButton("浏览…"), QPushButton("自动")
        browse.clicked.connect(self._choose_font)
        automatic.clicked.connect(lambda: (self.font_path.clear(), self.check_fonts()))
        font_row = QHBoxLayout()
        font_row.setContentsMargins(0, 0, 0, 0)
        font_row.addWidget(self.font_path, 1)
        font_row.addWidget(browse)
        font_row.addWidget(automatic)
        font_box = QWidget()
        font_box.setLayout(font_row)
        add_rare, remove_rare = QPushButton("添加…"), QPushButton("移除")
        self.rare_fonts = QListWidget()
        self.rare_fonts.addItems(self.stored[PRINT_RARE_FONTS])
        self.rare_fonts.setFixedHeight(add_rare.sizeHint().height() * 2 + 6)
        add_rare.clicked.connect(self._add_rare_font)
        remove_rare.clicked.connect(self._remove_rare_font)
        rare_row = QHBoxLayout()
        rare_row.setContentsMargins(0, 0, 0, 0)
        rare_row.addWidget(self.rare_fonts, 1)
        rare_buttons = QVBoxLayout()
        rare_buttons.setContentsMargins(0, 0, 0, 0)
        rare_buttons.addWidget(add_rare)
        rare_buttons.addWidget(remove_rare)
        rare_row.addLayout(rare_buttons)
        rare_box = QWidget()
        rare_box.setLayout(rare_row)
        rare_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.check_button = QPushButton("检查字体")
        self.check_button.clicked.connect(self.check_fonts)
        self.font_report = QLabel()  # two fixed lines, see OFFSET_HELP
        self.errors = FieldErrors()
        fonts = QGroupBox("打印字体")
        font_form = QFormLayout(fonts)
        font_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        font_form.addRow(self.errors.banner)
        self.errors.add_row(font_form, "中文字体(&F)", PRINT_FONT, font_box,
                            hint="TrueType 中文字体，如 simhei.ttf、simsun.ttc；留空自动选择")
        self.errors.register(PRINT_FONT, self.font_path, self.errors.label(PRINT_FONT))
        self.errors.register("font_path", self.font_path, self.errors.label(PRINT_FONT))
        self.errors.add_row(font_form, "生僻字字体", PRINT_RARE_FONTS, rare_box,
                            hint="姓名中的生僻字（如 𠮷）主字体没有时，用这些字体补打，如 simsunb.ttf")
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_button)
        check_row.addWidget(self.font_report, 1)
        font_form.addRow(check_row)

        self.envelope = EnvelopeBox(self.printing, editable=True)
        self.envelope.setTitle("信封（按打印机分别设置）")
        self.calibrate_button = QPushButton("打印校准页…")
        self.calibrate_button.clicked.connect(self.print_calibration)
        help_label = QLabel(OFFSET_HELP)
        help_label.setStyleSheet("color: palette(placeholder-text);")
        envelope_layout = self.envelope.layout()
        envelope_layout.addRow(help_label)
        calibrate_row = QHBoxLayout()
        calibrate_row.addWidget(self.calibrate_button)
        calibrate_row.addStretch(1)
        envelope_layout.addRow(calibrate_row)

        self.days = QSpinBox()
        self.days.setRange(1, 60)
        self.days.setSuffix(" 天")
        self.days.setValue(int(self.stored[DOCUMENTS_UNCOLLECTED_DAYS]))
        self.days.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # a number, not a line
        documents = QGroupBox("文件发放")
        days_form = QFormLayout(documents)
        self.errors.add_row(days_form, "未签收提醒(&D)", DOCUMENTS_UNCOLLECTED_DAYS, self.days,
                            hint="发放满这些天仍未签收，列入“超期未签收”，提醒电话告知（规程：两周）")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(fonts)
        layout.addWidget(self.envelope)
        layout.addWidget(documents)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.font_path.textEdited.connect(lambda _t: self.font_report.clear())
        self.check_fonts()
        size_dialog(self, settings.PRINT_SETTINGS_GEOMETRY, 660, 0)  # as tall as the content needs

    # ----- fonts --------------------------------------------------------------------------
    def rare_font_paths(self) -> list[str]:
        return [self.rare_fonts.item(n).text() for n in range(self.rare_fonts.count())]

    def _choose_font(self) -> None:
        start = self.font_path.text() or str(Path.home())
        name, _ = QFileDialog.getOpenFileName(self, "选择打印字体", start, FONT_FILTER)
        if name:
            self.font_path.setText(name)
            self.check_fonts()

    def _add_rare_font(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "选择生僻字字体", str(Path.home()), FONT_FILTER)
        if name and name not in self.rare_font_paths():
            self.rare_fonts.addItem(name)
            self.check_fonts()

    def _remove_rare_font(self) -> None:
        for item in self.rare_fonts.selectedItems():
            self.rare_fonts.takeItem(self.rare_fonts.row(item))
        self.check_fonts()

    def check_fonts(self) -> bool:
        """Which font prints, whether it prints Chinese and 𠮷; False (error shown) when it cannot be used."""
        from butler_desk.services.printing.service import CHINESE_PROBE, FONT_SUFFIXES, PRINT_FONT, get_fontset

        self.errors.clear()
        path = self.font_path.text().strip()
        try:
            if path and Path(path).suffix.lower() not in FONT_SUFFIXES:
                raise BadInput(f"“{Path(path).name}”不是 TrueType 字体文件（.ttf/.ttc），请重新选择。",
                               field=PRINT_FONT)
            fonts = get_fontset(path or None, self.rare_font_paths())
        except BadInput as exc:
            self.errors.show(BadInput(exc.message, field=PRINT_FONT))
            self.font_report.setText("")
            return False
        source = fonts.main_source
        origin = "设置的字体" if source.origin == "setting" else "自动选择"
        lines = [f"将使用：{source.path.name}（{origin}）"]
        if not fonts.covers(CHINESE_PROBE):
            self.errors.show(BadInput(f"字体“{source.path.name}”不含中文字形，打印会缺字：请换一个中文字体。",
                                      field=PRINT_FONT))
            return False
        missing = fonts.missing(RARE_PROBE)
        rare = f"生僻字 {RARE_PROBE}：" + ("不能打印，请添加生僻字字体（如 Windows 的 simsunb.ttf）"
                                         if missing else "可以打印")
        self.font_report.setText(f"{lines[0]}；中文：可以打印\n{rare}")
        self.font_report.setStyleSheet("color: #8a5a00;" if missing else "")
        return True

    # ----- envelopes ----------------------------------------------------------------------
    def print_calibration(self) -> None:
        from butler_desk.ui.common.pdf_preview import open_preview, scratch_pdf

        try:
            options = self.envelope.options().checked()
            result = self.printing.print_calibration(scratch_pdf("信封校准页"), options=options)
        except BadInput as exc:
            self.envelope.show_error(exc.message)
            return
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc, "无法生成校准页")
            return
        name = self.envelope.printer_name()
        open_preview(self, result.path, f"信封校准页（{name}）", result.warning, printer_name=name)

    # ----- saving -------------------------------------------------------------------------
    def accept(self) -> None:
        from butler_desk.services.settings import SettingsService

        font_key, rare_key, days_key = self._keys
        if not self.check_fonts():
            return
        try:
            profiles = {name: options.checked() for name, options in self.envelope.edited.items()}
        except BadInput as exc:
            self.envelope.show_error(exc.message)
            return
        try:
            path = self.font_path.text().strip()
            if path != self.stored[font_key]:
                self.printing.set_font(path or None)
            if self.rare_font_paths() != list(self.stored[rare_key]):
                self.printing.set_rare_fonts(self.rare_font_paths())
            for name, options in profiles.items():
                self.printing.set_envelope_options(name, options)
            if self.days.value() != int(self.stored[days_key]):
                SettingsService(self.ctx).set(days_key, self.days.value())
        except BadInput as exc:
            if self.errors.has(exc.field):
                self.errors.show(exc)
            else:
                self.envelope.show_error(exc.message)
            return
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc, "无法保存打印设置")
            return
        super().accept()

    def done(self, result: int) -> None:
        from butler_desk.ui.common.pdf_preview import keep_previews_open

        settings.set_value(settings.PRINT_SETTINGS_GEOMETRY, self.saveGeometry())
        keep_previews_open(self)  # a calibration page may still be printing
        super().done(result)
