"""The fields of one person (业户): used by the party dialog, 迁入 and 过户."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from butler_desk.domain.enums import IdType
from butler_desk.domain.errors import BadInput
from butler_desk.services.ledger.views import PartyInput, PartyView
from butler_desk.ui.common.forms import FieldErrors

MASK_HINT = "显示为脱敏号码；不修改则保持原号码不变"


class PartyForm(QWidget):
    """Name, phones, ID, mailing address, postcode, key client and notes, with inline errors."""

    def __init__(self, parent: QWidget | None = None, *, with_notes: bool = True) -> None:
        super().__init__(parent)
        self._party_id: int | None = None
        self.name = QLineEdit()
        self.name.setPlaceholderText("如：张三")
        self.name.setMaxLength(50)
        self.phones = QLineEdit()
        self.phones.setPlaceholderText("如：13812345678、0755-88889999")
        self.id_type = QComboBox()
        self.id_type.addItems(IdType.labels())
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText("18 位身份证号，可不填")
        self.mailing_address = QLineEdit()
        self.mailing_address.setPlaceholderText("未入住业主的邮寄地址，可不填")
        self.postcode = QLineEdit()
        self.postcode.setPlaceholderText("6 位数字")
        self.postcode.setMaxLength(8)
        self.key_client = QCheckBox("重点客户（文件由管家亲自送达）")
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("备注")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(64)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.errors = FieldErrors()
        outer.addWidget(self.errors.banner)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)
        self._phone_hint = "多个号码用、或逗号分隔"
        self.errors.add_row(form, "姓名(&N)", "name", self.name)
        self.errors.add_row(form, "电话(&P)", "phones", self.phones, hint=self._phone_hint)
        self.errors.add_row(form, "证件类型", "id_type", self.id_type)
        self.errors.add_row(form, "证件号码(&I)", "id_number", self.id_number)
        self.errors.add_row(form, "通讯地址", "mailing_address", self.mailing_address)
        self.errors.add_row(form, "邮政编码", "postcode", self.postcode)
        form.addRow("", self.key_client)
        if with_notes:
            self.errors.add_row(form, "备注", "notes", self.notes)
        else:
            self.notes.hide()

    @property
    def party_id(self) -> int | None:
        return self._party_id

    def set_party(self, party: PartyView) -> None:
        """Fill the form; phones and the ID number stay masked unless the user retypes them."""
        self._party_id = party.party_id
        self.name.setText(party.name)
        self.phones.setText("、".join(p.number_masked for p in party.phones))
        self.id_type.setCurrentText((party.id_type or IdType.RESIDENT_ID).label)
        self.id_number.setText(party.id_number_masked)
        self.mailing_address.setText(party.mailing_address)
        self.postcode.setText(party.postcode)
        self.key_client.setChecked(party.key_client)
        self.notes.setPlainText(party.notes)
        if party.phones:
            self.phones.setToolTip(MASK_HINT)
        if party.id_number_masked:
            self.id_number.setToolTip(MASK_HINT)

    def set_clear_phones(self, numbers: list[str]) -> None:
        """Show revealed numbers in the field (saving them unchanged keeps the same phones)."""
        self.phones.setText("、".join(numbers))

    def set_clear_id_number(self, number: str) -> None:
        self.id_number.setText(number)

    def value(self) -> PartyInput:
        return PartyInput(
            name=self.name.text(),
            phones=self.phones.text(),
            id_type=self.id_type.currentText(),
            id_number=self.id_number.text(),
            mailing_address=self.mailing_address.text(),
            postcode=self.postcode.text(),
            key_client=self.key_client.isChecked(),
            notes=self.notes.toPlainText(),
            party_id=self._party_id,
            keep_masked=True,
        )

    def show_error(self, exc: BadInput) -> None:
        self.errors.show(exc)

    def clear_errors(self) -> None:
        self.errors.clear()
