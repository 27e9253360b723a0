"""Area and fee rate: the unit dialog's service and the roster importer keep one rule (domain.money)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import Workbook

from butler_desk.domain.errors import BadInput
from butler_desk.domain.money import MAX_AREA, MAX_FEE_RATE
from butler_desk.services.ledger.service import LedgerService
from butler_desk.services.ledger.views import UnitInput
from butler_desk.services.ledger.roster_import import RosterImportService

HEADER = ["房号", "建筑面积", "物业费单价", "业主姓名"]


def _roster_file(tmp_path, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = "业户资料"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "roster.xlsx"
    book.save(path)
    return path


def _stored(ctx, code: str) -> tuple[Decimal | None, Decimal | None]:
    ledger = LedgerService(ctx)
    [row] = [r for r in ledger.first_rows() if r.code == code]
    detail = ledger.unit_detail(row.unit_id)
    assert (row.area, row.fee_rate) == (detail.area, detail.fee_rate)  # the table and the dialog agree
    return detail.area, detail.fee_rate


def test_halves_round_up_the_same_from_the_dialog_and_from_excel(ctx, tmp_path):
    # 89.125 and 2.555 sit exactly on the half: 四舍五入 gives 89.13 and 2.56 (half-even gave 89.12).
    path = _roster_file(tmp_path, [["3-2-1201", "89.125", "2.555", "张三"],
                                   ["3-2-1203", 89.125, 2.555, "王五"]])  # typed as numbers too
    importer = RosterImportService(ctx)
    summary = importer.import_roster(importer.read(path))
    assert not summary.issues
    LedgerService(ctx).save_unit(UnitInput("3-2-1202", area="89.125", fee_rate="2.555"))
    for code in ("3-2-1201", "3-2-1202", "3-2-1203"):
        assert _stored(ctx, code) == (Decimal("89.13"), Decimal("2.56")), code


@pytest.mark.parametrize(
    ("area", "rate", "field"),
    [
        ("0", "2.50", "area"),
        ("0.004", "2.50", "area"),  # rounds to 0.00
        (str(MAX_AREA + Decimal("0.01")), "2.50", "area"),
        ("120000", "2.50", "area"),  # the estate's whole area typed into one unit
        ("89.50", "-0.5", "fee_rate"),
        ("89.50", str(MAX_FEE_RATE + Decimal("0.01")), "fee_rate"),
        ("89.50", "222.50", "fee_rate"),  # the month's total in the rate's place
    ],
)
def test_a_value_out_of_range_is_refused_with_the_same_words_by_both(ctx, tmp_path, area, rate, field):
    with pytest.raises(BadInput) as caught:
        LedgerService(ctx).save_unit(UnitInput("3-2-1201", area=area, fee_rate=rate))
    assert caught.value.field == field
    roster = RosterImportService(ctx).read(_roster_file(tmp_path, [["3-2-1201", area, rate, "张三"]]))
    assert [issue.message for issue in roster.issues] == [caught.value.message]
    assert roster.rows == []


def test_the_limits_themselves_are_accepted_by_both(ctx, tmp_path):
    path = _roster_file(tmp_path, [["3-2-1201", str(MAX_AREA), str(MAX_FEE_RATE), "张三"]])
    importer = RosterImportService(ctx)
    assert not importer.import_roster(importer.read(path)).issues
    LedgerService(ctx).save_unit(UnitInput("3-2-1202", area=str(MAX_AREA), fee_rate="0"))
    assert _stored(ctx, "3-2-1201") == (Decimal("10000.00"), Decimal("100.00"))
    assert _stored(ctx, "3-2-1202") == (Decimal("10000.00"), Decimal("0.00"))
