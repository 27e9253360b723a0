"""Arrears rules: periods, the monthly fee, allocation (conservation to the fen), ageing, limitation, late fees, rounds."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from butler_desk.domain.arrears import (
    AgeBand, FeeItem, LateFeeRule, LimitationFlag, Method, OpenBill, Reason, RoundKind, Stage,
    age_band, allocate, due_date, late_fee, limitation_deadline, limitation_flag, monthly_fee_fen,
    next_period, parse_period, parse_round_key, promise_kept, quarter_rounds, round_for, rounds_on,
    stage_after,
)
from butler_desk.domain.errors import BadInput


@pytest.mark.parametrize("text", ["2026-10", "2026年10月", "202610", "2026/10", " 2026-1O".replace("O", "0")])
def test_periods_in_finance_spellings(text: str) -> None:
    assert parse_period(text) == "2026-10"


@pytest.mark.parametrize("text", ["2026-13", "26-10", "十月", ""])
def test_bad_periods_say_how_to_write_them(text: str) -> None:
    with pytest.raises(BadInput, match="账期"):
        parse_period(text)


def test_next_period_crosses_the_year_and_due_dates_clamp() -> None:
    assert next_period("2026-12") == "2027-01"
    assert due_date("2026-02", FeeItem.PROPERTY) == date(2026, 2, 15)
    assert due_date("2026-02", FeeItem.OTHER) == date(2026, 2, 25)


def test_monthly_fee_rounds_half_up_to_the_fen() -> None:
    assert monthly_fee_fen(8950, 255) == 22823  # 228.225 → 228.23
    assert monthly_fee_fen(8950, 250) == 22375
    assert monthly_fee_fen(10000, 0) == 0


def test_fee_item_names_from_finance() -> None:
    assert FeeItem.parse("物业费") is FeeItem.PROPERTY
    assert FeeItem.parse("车位费") is FeeItem.PARKING
    with pytest.raises(BadInput, match="收费项目"):
        FeeItem.parse("煤气费")


def _bill(i: int, item: FeeItem, period: str, fen: int) -> OpenBill:
    return OpenBill(i, item, period, due_date(period, item), fen)


def test_payment_settles_oldest_bill_of_its_item_first() -> None:
    bills = [_bill(1, FeeItem.PROPERTY, "2026-03", 10000), _bill(2, FeeItem.PARKING, "2026-01", 5000),
             _bill(3, FeeItem.PROPERTY, "2026-01", 10000)]
    result = allocate(15000, bills, FeeItem.PROPERTY)
    assert [(a.bill_id, a.amount_fen) for a in result.allocations] == [(3, 10000), (1, 5000)]
    assert result.unapplied_fen == 0
    anything = allocate(15000, bills)
    assert [(a.bill_id, a.amount_fen) for a in anything.allocations] == [(2, 5000), (3, 10000)]


def test_overpayment_is_kept_as_credit_and_zero_is_refused() -> None:
    result = allocate(30001, [_bill(1, FeeItem.PROPERTY, "2026-01", 30000)])
    assert result.applied_fen == 30000 and result.unapplied_fen == 1
    with pytest.raises(BadInput):
        allocate(0, [])


def test_allocation_conserves_every_fen_property_style() -> None:
    rng = random.Random(11)
    for _ in range(500):
        bills = [
            _bill(i, rng.choice(list(FeeItem)), f"20{rng.randint(23, 26)}-{rng.randint(1, 12):02d}",
                  rng.randint(0, 50000))
            for i in range(rng.randint(0, 12))
        ]
        item = rng.choice([None, *FeeItem])
        amount = rng.randint(1, 300000)
        result = allocate(amount, bills, item)
        # conservation: nothing created, nothing lost
        assert result.applied_fen + result.unapplied_fen == amount
        by_id = {b.bill_id: b for b in bills}
        for a in result.allocations:
            assert 0 < a.amount_fen <= by_id[a.bill_id].outstanding_fen
            assert item is None or by_id[a.bill_id].item == item
        # credit is left only when every eligible bill is fully paid
        eligible = [b for b in bills if item is None or b.item == item]
        if result.unapplied_fen:
            assert result.applied_fen == sum(b.outstanding_fen for b in eligible)
        # order-independent
        shuffled = bills[:]
        rng.shuffle(shuffled)
        assert allocate(amount, shuffled, item) == result


@pytest.mark.parametrize(("days", "band"), [
    (-5, AgeBand.UP_TO_30), (30, AgeBand.UP_TO_30), (31, AgeBand.UP_TO_90), (90, AgeBand.UP_TO_90),
    (91, AgeBand.UP_TO_180), (180, AgeBand.UP_TO_180), (181, AgeBand.UP_TO_365),
    (365, AgeBand.UP_TO_365), (366, AgeBand.OVER_YEAR),
])
def test_age_band_edges(days: int, band: AgeBand) -> None:
    due = date(2025, 1, 15)
    assert age_band(due, date.fromordinal(due.toordinal() + days)) is band


def test_limitation_runs_three_years_and_a_written_demand_restarts_it() -> None:
    due = date(2023, 1, 15)
    assert limitation_deadline(due, None) == date(2026, 1, 15)
    assert limitation_flag(due, None, date(2025, 6, 1)) is LimitationFlag.OK
    assert limitation_flag(due, None, date(2025, 10, 1)) is LimitationFlag.NEAR
    assert limitation_flag(due, None, date(2026, 1, 15)) is LimitationFlag.PAST
    assert limitation_flag(due, date(2025, 3, 1), date(2026, 2, 1)) is LimitationFlag.OK
    assert limitation_deadline(date(2024, 2, 29), None) == date(2027, 2, 28)
    assert Method.LAWYER.is_written_demand and not Method.PHONE.is_written_demand


def test_stage_is_the_furthest_reached() -> None:
    assert stage_after([]) is Stage.NONE
    assert stage_after([Method.WECHAT, Method.VISIT, Method.PHONE]) is Stage.VISIT
    assert stage_after([Method.LETTER, Method.PHONE]) is Stage.NOTICE
    assert stage_after([Method.PHONE], sued=True) is Stage.LAWSUIT
    assert Reason.parse("恶意欠费") is Reason.MALICIOUS
    assert [s.label for s in Stage] == ["未催", "电话", "上门", "催缴通知书", "律师函", "诉讼"]


def test_promise_kept_broken_or_open() -> None:
    promised = date(2026, 11, 20)
    assert promise_kept(promised, date(2026, 11, 19), date(2026, 12, 1)) is True
    assert promise_kept(promised, None, date(2026, 11, 21)) is False
    assert promise_kept(promised, date(2026, 11, 25), date(2026, 12, 1)) is False
    assert promise_kept(promised, None, date(2026, 11, 20)) is None


def test_late_fee_working_by_hand() -> None:
    rule = LateFeeRule()  # 3‰ a day, no grace, no cap
    working = late_fee(rule, 22823, date(2026, 10, 15), date(2026, 11, 14))
    # 228.23 × 0.003 × 30 = 20.5407 → 20.54
    assert (working.days, working.fee_fen) == (30, 2054)
    assert working.text() == "228.23元 × 3‰ × 30天 = 20.54元"
    assert rule.annual_rate_percent == Decimal("109.50")


def test_late_fee_grace_start_cap_and_not_yet_due() -> None:
    rule = LateFeeRule(Decimal("0.5"), grace_days=10, cap_share=Decimal("0.1"), start=date(2026, 1, 1))
    assert late_fee(rule, 10000, date(2026, 3, 1), date(2026, 3, 11)).fee_fen == 0
    assert late_fee(rule, 10000, date(2026, 3, 1), date(2026, 3, 21)).fee_fen == 50  # 100 × 0.05% × 10
    assert late_fee(rule, 10000, date(2025, 6, 1), date(2026, 1, 11)).days == 10  # from the start date
    capped = late_fee(rule, 10000, date(2020, 1, 1), date(2027, 1, 1))  # 18.25 元 > cap 10 元
    assert capped.fee_fen == 1000 and capped.capped and "上限" in capped.text()
    assert late_fee(LateFeeRule(enabled=False), 10000, date(2020, 1, 1), date(2026, 1, 1)).fee_fen == 0
    with pytest.raises(BadInput):
        LateFeeRule(Decimal(-1))


def test_quarterly_rounds_follow_the_calendar() -> None:
    rounds = quarter_rounds(2026, 4)
    assert [(r.kind, r.first_day, r.last_day) for r in rounds] == [
        (RoundKind.STATEMENT_CALLS, date(2026, 10, 15), date(2026, 10, 21)),
        (RoundKind.FIND_REASON, date(2026, 11, 1), date(2026, 11, 25)),
        (RoundKind.RECHECK, date(2026, 12, 15), date(2026, 12, 21)),
        (RoundKind.LAWYER_VISIT, date(2026, 12, 22), date(2026, 12, 27)),
    ]
    assert [r.kind for r in rounds_on(date(2026, 12, 16))] == [RoundKind.RECHECK]
    assert rounds_on(date(2026, 12, 30)) == []
    assert round_for(date(2026, 12, 30)).key == "2026Q4-lawyer_visit"
    assert round_for(date(2027, 1, 3)).key == "2026Q4-lawyer_visit"
    assert parse_round_key("2026Q4-recheck") == rounds[2]
    with pytest.raises(BadInput):
        parse_round_key("第四季度")
