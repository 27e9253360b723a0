"""设置 → 小区信息…: the estate, company and service centre every letter, notice and envelope prints."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from butler_desk.services.ledger.views import EstateInfo
from butler_desk.ui.common.forms import INVALID_STYLE_SHEET, FieldErrors

if TYPE_CHECKING:
    from butler_desk.services.ledger.service import LedgerService

# (EstateInfo field, label, placeholder, hint)
FIELDS = (
    ("name", "小区名称(&N)", "如 翠湖花园", ""),
    ("company_name", "物业公司(&C)", "如 安居物业服务有限公司", "信件抬头和落款"),
    ("service_center", "服务中心(&S)", "如 翠湖花园物业服务中心", "通知落款；留空为“物业服务中心”"),
    ("address", "地址(&A)", "如 深圳市龙岗区翠湖路88号", "信封上的寄件人地址"),
    ("postcode", "邮政编码(&P)", "6 位数字，如 518116", ""),
    ("phone", "服务电话(&T)", "如 0755-28881234", "通知和信件上的咨询电话"),
)


class EstateDialog(QDialog):
    """Edit EstateInfo; errors appear under their field; ``saved`` is the stored value after 保存."""

    def __init__(self, ledger: LedgerService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.saved: EstateInfo | None = None
        self.setWindowTitle("小区信息")
        self.setStyleSheet(INVALID_STYLE_SHEET)
        self.original = ledger.estate_info()
        intro = QLabel("这些信息印在每一封信件、每一张通知和信封上（寄件人）。")
        intro.setWordWrap(True)
        self.errors = FieldErrors()
        self.inputs: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label, placeholder, hint in FIELDS:
            edit = QLineEdit(getattr(self.original, key))
            edit.setPlaceholderText(placeholder)
            edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("深圳市龙岗区翠湖路88号翠湖花园") + 24)
            edit.textChanged.connect(self._update_sample)
            self.inputs[key] = edit
            self.errors.add_row(form, label, key, edit, hint=hint)
        self.sample = QLabel()
        self.sample.setStyleSheet("color: palette(placeholder-text);")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.errors.banner)
        layout.addLayout(form)
        layout.addWidget(self.sample)
        layout.addWidget(self.buttons)
        self._update_sample()
        self.inputs["name"].setFocus()

    def value(self) -> EstateInfo:
        return replace(EstateInfo(), **{key: edit.text() for key, edit in self.inputs.items()})

    def _update_sample(self) -> None:
        info = self.value()
        # As the envelope prints it: address, then company + service centre, then the postcode.
        centre = info.service_center.strip() or "物业服务中心"
        company = info.company_name.strip() or info.name.strip()
        postcode = info.postcode.strip()
        parts = (info.address.strip(), f"{company}{centre}" if company else "",
                 f"邮政编码 {postcode}" if postcode else "")
        sender = "　".join(p for p in parts if p)
        self.sample.setText(f"信封寄件人：{sender}" if sender else "")

    def accept(self) -> None:
        info = self.value()
        ok, _ = self.errors.attempt(self, lambda: self.ledger.save_estate(info), "无法保存小区信息")
        if not ok:
            return
        self.saved = self.ledger.estate_info()
        super().accept()
