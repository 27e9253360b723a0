"""迁入, 迁出 and 过户 dialogs on a real database, with errors shown on the right form and field."""

from __future__ import annotations

from datetime import date

import pytest

from butler_desk.domain.enums import PartyRole, UnitStatus
from butler_desk.ui.common.forms import to_qdate
from butler_desk.ui.ledger.people_dialogs import ChangeOwnerDialog, MoveInDialog, MoveOutDialog


@pytest.fixture
def show(qtbot):
    def show_(dialog):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return show_


def test_moving_in_an_owner_who_lives_there_makes_a_vacant_unit_occupied(show, ledger, estate):
    dialog = show(MoveInDialog(ledger, ledger.unit_detail(estate.empty_unit)))
    assert dialog.chosen_role() is PartyRole.OWNER  # nobody there yet: the owner comes first
    assert not dialog.lives_here.isChecked()
    dialog.lives_here.setChecked(True)
    dialog.moved_in.setDate(to_qdate(date(2024, 3, 1)))
    dialog.form.name.setText("孙八")
    dialog.form.phones.setText("13512345678")
    dialog.accept()

    assert dialog.occupancy_id is not None
    detail = ledger.unit_detail(estate.empty_unit)
    assert [(o.party.name, o.role, o.moved_in) for o in detail.current] == [("孙八", PartyRole.OWNER, date(2024, 3, 1))]
    assert detail.status is UnitStatus.OCCUPIED


def test_a_bad_phone_is_shown_under_the_phone_field_and_nothing_is_saved(show, ledger, estate):
    dialog = show(MoveInDialog(ledger, ledger.unit_detail(estate.empty_unit)))
    dialog.form.name.setText("孙八")
    dialog.form.phones.setText("1381234567")  # ten digits
    dialog.accept()

    error = dialog.form.errors.label("phones")
    assert error.isVisible()
    assert "11 位" in error.text()
    assert dialog.form.phones.property("invalid") is True
    assert dialog.isVisible()
    assert ledger.unit_detail(estate.empty_unit).current == ()


def test_choosing_tenant_ticks_lives_here_unless_the_user_decided(show, ledger, estate):
    dialog = show(MoveInDialog(ledger, ledger.unit_detail(estate.empty_unit)))
    dialog.role.setCurrentText("租户")
    assert dialog.lives_here.isChecked() and dialog.moved_in.isEnabled()
    dialog.lives_here.click()  # the user's choice now wins
    dialog.role.setCurrentText("家属")
    assert not dialog.lives_here.isChecked()


def test_moving_out_before_the_start_date_shows_the_error_at_the_date(show, ledger, estate):
    detail = ledger.unit_detail(estate.let_unit)
    tenant = next(o for o in detail.current if o.role is PartyRole.TENANT)
    dialog = show(MoveOutDialog(ledger, detail, tenant))
    dialog.on.setDate(to_qdate(date(2019, 1, 1)))
    dialog.accept()
    assert dialog.errors.label("date").isVisible()
    assert "早于" in dialog.errors.label("date").text()

    dialog.on.setDate(to_qdate(date(2025, 6, 30)))
    dialog.accept()
    after = ledger.unit_detail(estate.let_unit)
    assert [o.party.name for o in after.former] == ["王五"]
    assert after.status is UnitStatus.HANDED_OVER


def test_change_owner_to_joint_owners_shows_a_bad_id_on_the_second_owners_tab(show, ledger, estate):
    dialog = show(ChangeOwnerDialog(ledger, ledger.unit_detail(estate.zhang_unit)))
    dialog.on.setDate(to_qdate(date(2025, 1, 10)))
    first = dialog.forms[0]
    first.name.setText("周一")
    second = dialog.add_owner()
    second.name.setText("吴二")
    second.id_number.setText("110105194912310021")  # wrong check digit
    dialog.tabs.setCurrentIndex(0)
    dialog.accept()

    assert dialog.tabs.currentWidget() is second
    assert second.errors.label("id_number").isVisible()
    assert "校验位" in second.errors.label("id_number").text()
    assert [o.party.name for o in ledger.unit_detail(estate.zhang_unit).current] == ["张三", "李四"]  # untouched

    second.id_number.setText("11010519491231002X")
    dialog.accept()
    detail = ledger.unit_detail(estate.zhang_unit)
    assert sorted(o.party.name for o in detail.current) == ["吴二", "周一"]
    assert {(o.party.name, o.end_date) for o in detail.former} == {("张三", date(2025, 1, 10)), ("李四", date(2025, 1, 10))}


def test_removing_a_joint_owner_tab_renumbers_the_rest(show, ledger, estate):
    dialog = show(ChangeOwnerDialog(ledger, ledger.unit_detail(estate.zhang_unit)))
    assert not dialog.remove.isEnabled()
    dialog.add_owner()
    dialog.add_owner()
    dialog.tabs.setCurrentIndex(1)
    dialog.remove.click()
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == ["新业主 1", "新业主 2"]
