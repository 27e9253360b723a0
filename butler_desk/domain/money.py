"""Money and the unit's measures as stored integers: fen ↔ Decimal, one rounding rule, the area and fee-rate limits.

Money is stored as integer fen (分) and areas as integer hundredths of a square metre;
on screen and in files they are Decimals with two places. Whatever reaches two places
is rounded **四舍五入 (ROUND_HALF_UP)**: 89.125 → 89.13, 2.555 → 2.56, as offices, their
calculators and Excel's ROUND() do. Python's Decimal default (half-even, "banker's")
would give 89.12 and is never used here.

The limits are for one residential unit, wide enough for any real flat or villa and
tight enough to catch a column filled with the wrong thing:

- area: more than 0 and at most 10,000 ㎡. The largest villas run to a few thousand
  square metres; 10,000 and above is a building's or a whole estate's area typed into
  one unit.
- fee rate: 0 (not charged) to 100 元/㎡·月. Residential 物业费 runs from under 1 to a
  few tens of 元 per ㎡ per month even for the dearest estates; above 100 is nearly
  always the month's total (89 ㎡ × 2.50 = 222.50) typed in the rate's place.

The ledger's unit dialog (services/ledger.py) and the roster importer
(exchange/roster_columns.py) both check through :func:`check_area` and
:func:`check_fee_rate`, so a value saves the same and is refused with the same words
from either.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from butler_desk.domain.errors import BadInput

ROUNDING = ROUND_HALF_UP  # 四舍五入
CENT = Decimal("0.01")
MAX_AREA = Decimal(10000)  # ㎡, one unit, inclusive
MAX_FEE_RATE = Decimal(100)  # 元/㎡·月, inclusive

AREA_EXAMPLE = "89.50"
FEE_RATE_EXAMPLE = "2.50"


def round_cents(value: Decimal) -> Decimal:
    """``value`` to two places, 四舍五入: Decimal('89.125') → Decimal('89.13')."""
    return value.quantize(CENT, ROUNDING)


def to_hundredths(value: Decimal) -> int:
    """Yuan → fen, or ㎡ → hundredths of ㎡, rounded 四舍五入: Decimal('2.555') → 256."""
    return int(round_cents(value) * 100)


def from_hundredths(value: int) -> Decimal:
    """Fen → yuan, or hundredths of ㎡ → ㎡, exact with two places: 8950 → Decimal('89.50')."""
    return (Decimal(value) / 100).quantize(CENT)


@lru_cache(maxsize=4096)
def from_stored(value: int | None) -> Decimal | None:
    """A stored hundredths column (area, rate; NULL allowed) as Decimal: 8950 → Decimal('89.50').

    Cached: areas and rates repeat across an estate, and the ledger index reads 20,000 of each."""
    return None if value is None else from_hundredths(value)


def _rounded_for_check(value: Decimal, what: str, example: str, field: str) -> Decimal:
    if not value.is_finite():  # Decimal() reads "NaN" and "Infinity" as numbers
        raise BadInput(f"{what}“{value}”不是数字：请只填写数字，如 {example}", field=field)
    if value.adjusted() > 20:  # too many digits to round; far past either limit anyway
        return value
    return round_cents(value)


def check_area(area: Decimal, what: str = "建筑面积") -> Decimal:
    """The area rounded to 0.01 ㎡, or BadInput (field "area") saying what to fill in."""
    rounded = _rounded_for_check(area, what, AREA_EXAMPLE, "area")
    if rounded <= 0:
        raise BadInput(f"{what}应大于 0，现在是 {area}：请填写房屋的建筑面积（平方米），如 {AREA_EXAMPLE}",
                       field="area")
    if rounded > MAX_AREA:
        raise BadInput(f"{what}“{area}”过大：请填写单套房屋的建筑面积（平方米，最多 {MAX_AREA} ㎡），"
                       f"如 {AREA_EXAMPLE}", field="area")
    return rounded


def check_fee_rate(rate: Decimal, what: str = "物业费单价") -> Decimal:
    """The monthly rate per ㎡ rounded to 0.01 元, or BadInput (field "fee_rate") saying what to fill in."""
    rounded = _rounded_for_check(rate, what, FEE_RATE_EXAMPLE, "fee_rate")
    if rounded < 0:
        raise BadInput(f"{what}不能是负数（现在是 {rate}）：请填写每平方米每月的单价（元），如 {FEE_RATE_EXAMPLE}",
                       field="fee_rate")
    if rounded > MAX_FEE_RATE:
        raise BadInput(f"{what}“{rate}”过大：请填写每平方米每月的单价（元，最多 {MAX_FEE_RATE} 元），"
                       f"如 {FEE_RATE_EXAMPLE}，不是每月总额", field="fee_rate")
    return rounded
