"""Fen ↔ Decimal with one rounding rule (四舍五入), and the area and fee-rate limits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from butler_desk.domain.errors import BadInput
from butler_desk.domain.money import (
    MAX_AREA,
    MAX_FEE_RATE,
    check_area,
    check_fee_rate,
    from_hundredths,
    round_cents,
    to_hundredths,
)


@pytest.mark.parametrize(
    ("value", "rounded"),
    [("89.125", "89.13"), ("89.135", "89.14"), ("2.555", "2.56"), ("2.545", "2.55"), ("0.005", "0.01"),
     ("89.124", "89.12"), ("89.1", "89.10"), ("-1.005", "-1.01")],
)
def test_halves_round_away_from_zero_never_to_even(value, rounded):
    assert round_cents(Decimal(value)) == Decimal(rounded)
    assert str(round_cents(Decimal(value))) == rounded


def test_fen_and_yuan_convert_both_ways_exactly():
    assert to_hundredths(Decimal("2.555")) == 256
    assert to_hundredths(Decimal("89.5")) == 8950
    assert from_hundredths(8950) == Decimal("89.50") and str(from_hundredths(8950)) == "89.50"
    assert from_hundredths(0) == Decimal("0.00")
    for fen in (0, 1, 99, 100, 123456789):
        assert to_hundredths(from_hundredths(fen)) == fen


def test_limits_are_inclusive_and_checked_after_rounding():
    assert check_area(MAX_AREA) == Decimal("10000.00")
    assert check_area(Decimal("10000.004")) == Decimal("10000.00")
    assert check_fee_rate(MAX_FEE_RATE) == Decimal("100.00")
    assert check_fee_rate(Decimal(0)) == Decimal("0.00")
    with pytest.raises(BadInput, match="应大于 0"):
        check_area(Decimal("0.004"))
    with pytest.raises(BadInput, match="过大") as caught:
        check_area(Decimal("10000.005"))
    assert caught.value.field == "area" and "最多 10000 ㎡" in caught.value.message
    with pytest.raises(BadInput, match="不是每月总额") as caught:
        check_fee_rate(Decimal("100.01"))
    assert caught.value.field == "fee_rate"


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "1E+40"])
def test_odd_decimals_are_refused_with_a_message_not_an_exception(text):
    with pytest.raises(BadInput):
        check_area(Decimal(text))
    with pytest.raises(BadInput):
        check_fee_rate(Decimal(text))
