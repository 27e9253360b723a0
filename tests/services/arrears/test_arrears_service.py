"""ArrearsService on a real SQLite file: bills from the ledger, payments, attempts, the register and period figures."""

from __future__ import annotations

import random
from datetime import date

import pytest

from butler_desk.domain.arrears import AgeBand, FeeItem, LimitationFlag, Method, Reason, Stage
from butler_desk.domain.errors import BadInput
from butler_desk.services import Services
from butler_desk.services.arrears import ArrearsService, AttemptInput
from butler_desk.services.ledger import LedgerService
from butler_desk.services.ledger.views import UnitInput


@pytest.fixture
def estate(ctx):
    ledger = LedgerService(ctx)
    units = {
        "3-2-1201": ledger.save_unit(UnitInput(room_code="3-2-1201", cluster="一组团", area="89.5", fee_rate="2.55",
                                               status="已入住")),
        "3-2-1202": ledger.save_unit(UnitInput(room_code="3-2-1202", cluster="一组团", area="120", fee_rate="2.8",
                                               status="已入住")),
        "5-1-101": ledger.save_unit(UnitInput(room_code="5-1-101", cluster="二组团", area="66.66", fee_rate="1.99",
                                              status="空置")),
        "5-1-102": ledger.save_unit(UnitInput(room_code="5-1-102", cluster="二组团", status="空置")),  # no area
    }
    return ArrearsService(ctx), units


def _sql(ctx, sql: str, **params):
    from sqlalchemy import text  # tests may read the file directly to check what was stored

    with ctx.db.engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def test_generating_a_period_bills_area_times_rate_once(estate, ctx):
    service, units = estate
    result = service.generate_bills("2026年10月")
    assert (result.period, result.created, result.already_there, result.not_charged) == ("2026-10", 3, 0, ("5-1-102",))
    amounts = dict(_sql(ctx, "SELECT unit_id, amount_fen FROM arrears_bills WHERE period = '2026-10'"))
    # 89.50 × 2.55 = 228.225 → 228.23; 120 × 2.80 = 336.00; 66.66 × 1.99 = 132.6534 → 132.65
    assert amounts == {units["3-2-1201"]: 22823, units["3-2-1202"]: 33600, units["5-1-101"]: 13265}
    again = service.generate_bills("2026-10")
    assert (again.created, again.already_there) == (0, 3)
    assert len(_sql(ctx, "SELECT id FROM arrears_bills")) == 3
    assert _sql(ctx, "SELECT due_on FROM arrears_bills LIMIT 1")[0][0] == "2026-10-15"


def test_a_payment_settles_the_oldest_bill_and_a_receipt_counts_once(estate, ctx):
    service, units = estate
    unit = units["3-2-1201"]
    for period in ("2026-08", "2026-09", "2026-10"):
        service.generate_bills(period)
    paid = service.enter_payment(unit, date(2026, 10, 20), 30000, " R-0001 ")
    bills = {b.period: b for b in service.unit_account(unit, date(2026, 10, 31)).bills}
    assert paid.credit_fen == 0
    assert bills["2026-08"].outstanding_fen == 0
    assert bills["2026-09"].outstanding_fen == 22823 * 2 - 30000
    with pytest.raises(BadInput, match="R-0001.*重复"):
        service.enter_payment(unit, date(2026, 10, 21), 100, "R-0001")
    account = service.unit_account(unit, date(2026, 10, 31))
    assert account.owed_fen == 22823 * 3 - 30000 and len(account.payments) == 1


def test_an_overpayment_waits_as_credit_and_settles_the_next_bill(estate):
    service, units = estate
    unit = units["3-2-1202"]
    service.generate_bills("2026-10")
    assert service.enter_payment(unit, date(2026, 10, 10), 50000, "R-9").credit_fen == 50000 - 33600
    service.generate_bills("2026-11")
    account = service.unit_account(unit, date(2026, 11, 30))
    assert account.credit_fen == 0
    assert [b.outstanding_fen for b in account.bills] == [0, 33600 - (50000 - 33600)]


def test_money_is_conserved_to_the_fen_over_random_payments(estate, ctx):
    service, units = estate
    for month in range(1, 13):
        service.generate_bills(f"2025-{month:02d}")
    rng = random.Random(7)
    total_paid = 0
    for n in range(40):
        unit = rng.choice([units["3-2-1201"], units["3-2-1202"], units["5-1-101"]])
        amount = rng.randint(1, 60000)
        total_paid += amount
        service.enter_payment(unit, date(2025, 12, 1), amount, f"R{n}", rng.choice([None, FeeItem.PROPERTY]))
    billed = _sql(ctx, "SELECT SUM(amount_fen) FROM arrears_bills")[0][0]
    allocated = _sql(ctx, "SELECT SUM(amount_fen) FROM arrears_allocations")[0][0]
    as_of = date(2025, 12, 31)
    owed = sum(service.unit_account(u, as_of).owed_fen for u in units.values())
    credit = sum(service.unit_account(u, as_of).credit_fen for u in units.values())
    assert allocated + credit == total_paid
    assert owed + allocated == billed
    assert not _sql(ctx, "SELECT b.id FROM arrears_bills b WHERE b.amount_fen < "
                         "(SELECT COALESCE(SUM(amount_fen), 0) FROM arrears_allocations WHERE bill_id = b.id)")


def test_a_waiver_needs_a_reason_is_audited_and_cannot_go_below_zero(estate, ctx):
    service, units = estate
    service.generate_bills("2026-10")
    unit = units["5-1-101"]
    bill_id = service.unit_account(unit, date(2026, 10, 31)).bills[0].bill_id
    with pytest.raises(BadInput, match="原因"):
        service.adjust_bill(bill_id, -1000, "  ")
    with pytest.raises(BadInput, match="超过"):
        service.adjust_bill(bill_id, -13266, "长期空置减免")
    service.adjust_bill(bill_id, -3265, "长期空置，经理批准减免", made_on=date(2026, 10, 20))
    assert service.unit_account(unit, date(2026, 10, 31)).owed_fen == 10000
    audit = _sql(ctx, "SELECT operator, unit_id FROM audit_log WHERE table_name = 'arrears_adjustments'")
    assert audit == [("李晓红", unit)]


def test_the_register_shows_each_owing_unit_with_its_collection_state(estate):
    service, units = estate
    for month in range(1, 13):
        service.generate_bills(f"2025-{month:02d}")
    service.generate_bills("2026-01")
    a, b, c = units["3-2-1201"], units["3-2-1202"], units["5-1-101"]
    service.enter_payment(b, date(2026, 1, 10), 33600 * 13, "R-B")  # all paid
    service.record_attempt(AttemptInput(a, date(2025, 11, 17), Method.PHONE, said="请缴费", answer="月底交",
                                        statement_received=True, promised_on=date(2025, 11, 30),
                                        reason=Reason.HARDSHIP))
    service.record_attempt(AttemptInput(c, date(2025, 12, 23), Method.LAWYER, reason=Reason.MALICIOUS,
                                        next_action_on=date(2026, 1, 20)))
    register = service.register(date(2026, 1, 31))
    assert [r.unit_code for r in register.rows] == ["3-2-1201", "5-1-101"]
    row_a, row_c = register.rows
    assert (row_a.owed_fen, row_a.periods_owed, row_a.oldest_due) == (22823 * 13, 13, date(2025, 1, 15))
    assert row_a.age_band is AgeBand.OVER_YEAR and row_a.stage is Stage.PHONE
    assert (row_a.promised_on, row_a.promise_kept, row_a.reason) == (date(2025, 11, 30), False, Reason.HARDSHIP)
    assert row_a.next_action_on == date(2026, 1, 31)  # broken promise: call now
    assert row_c.stage is Stage.LAWYER and row_c.reason is Reason.MALICIOUS
    assert row_c.next_action_on == date(2026, 1, 20) and row_c.last_contact == date(2025, 12, 23)
    assert register.total_owed_fen == 22823 * 13 + 13265 * 13 and register.total_periods == 26
    assert row_a.limitation is LimitationFlag.OK


def test_limitation_is_flagged_until_a_written_demand(estate):
    service, units = estate
    service.generate_bills("2023-06")
    unit = units["3-2-1201"]
    row = next(r for r in service.register(date(2026, 3, 1)).rows if r.unit_id == unit)
    assert row.limitation is LimitationFlag.NEAR
    assert next(r for r in service.register(date(2026, 6, 20)).rows if r.unit_id == unit).limitation \
        is LimitationFlag.PAST
    service.record_attempt(AttemptInput(unit, date(2026, 3, 2), Method.LETTER, said="催缴通知书已寄出"))
    row = next(r for r in service.register(date(2026, 6, 20)).rows if r.unit_id == unit)
    assert row.limitation is LimitationFlag.OK and row.stage is Stage.NOTICE


def test_attempts_take_the_calendars_round_and_refuse_bad_input(estate):
    service, units = estate
    unit = units["3-2-1201"]
    service.record_attempt(AttemptInput(unit, date(2026, 12, 16), Method.PHONE))
    line = service.unit_account(unit, date(2026, 12, 31)).attempts[0]
    assert (line.round_key, line.who) == ("2026Q4-recheck", "李晓红")
    with pytest.raises(BadInput, match="承诺"):
        service.record_attempt(AttemptInput(unit, date(2026, 12, 16), Method.PHONE, promised_on=date(2026, 12, 1)))
    with pytest.raises(BadInput, match="房屋"):
        service.record_attempt(AttemptInput(99999, date(2026, 12, 16), Method.PHONE))


def test_period_stats_match_hand_sums(estate):
    service, units = estate
    service.generate_bills("2026-09")
    service.generate_bills("2026-10")
    service.enter_payment(units["3-2-1202"], date(2026, 10, 12), 33600 * 2, "R-1")  # Sept and Oct
    service.enter_payment(units["3-2-1201"], date(2026, 10, 20), 10000, "R-2")  # part of Sept
    stats = service.period_stats("2026-10", date(2026, 10, 31))
    assert stats.billed_fen == 22823 + 33600 + 13265
    assert stats.collected_fen == 33600
    assert str(stats.collection_rate) == "48.21"  # 33600 / 69688 = 48.2149…
    assert stats.arrears_by_band[AgeBand.UP_TO_30] == 22823 + 13265
    assert stats.arrears_by_band[AgeBand.UP_TO_90] == 22823 - 10000 + 13265
    assert sum(stats.arrears_by_band.values()) == 2 * (22823 + 13265) - 10000


def test_services_has_the_arrears_front_door(ctx):
    assert isinstance(Services(ctx).arrears, ArrearsService)
