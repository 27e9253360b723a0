"""Form helpers: a dialog's save shows a validation error beside its field, anything else as a message."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from butler_desk.domain.errors import BadInput
from butler_desk.ui.common.forms import FieldErrors


def _form(qtbot) -> tuple[QWidget, FieldErrors, QLineEdit]:
    page = QWidget()
    qtbot.addWidget(page)
    layout = QFormLayout(page)
    errors = FieldErrors()
    layout.addRow(errors.banner)
    phone = QLineEdit()
    errors.add_row(layout, "电话", "phone", phone)
    page.show()
    return page, errors, phone


def test_a_save_that_works_returns_its_result(qtbot, message_boxes):
    page, errors, _phone = _form(qtbot)
    assert errors.attempt(page, lambda: 42) == (True, 42)
    assert message_boxes == []


def test_a_validation_error_goes_beside_its_field_and_nothing_pops_up(qtbot, message_boxes):
    page, errors, phone = _form(qtbot)

    def save():
        raise BadInput("手机号应为 11 位，请检查。", field="phone")

    assert errors.attempt(page, save) == (False, None)
    assert errors.label("phone").text() == "手机号应为 11 位，请检查。" and phone.property("invalid") is True
    assert message_boxes == []
    # the next attempt starts clean
    assert errors.attempt(page, lambda: "ok") == (True, "ok")
    assert errors.label("phone").isHidden() and not phone.property("invalid")


def test_an_unexpected_error_is_a_message_in_chinese_and_logged(qtbot, message_boxes):
    message_boxes.expect_critical = True
    page, errors, _phone = _form(qtbot)

    def save():
        raise OSError("disk full")

    assert errors.attempt(page, save, "无法保存小区信息") == (False, None)
    kind, title, text = message_boxes[-1]
    assert (kind, title) == ("critical", "程序出错")
    assert text.startswith("操作没有完成") and "已保存的数据不受影响" in text
