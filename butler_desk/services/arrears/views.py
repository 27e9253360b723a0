"""What the arrears service hands out and takes in: plain dataclasses, money in integer fen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from butler_desk.domain.arrears import AgeBand, FeeItem, LimitationFlag, Method, Reason, Stage


@dataclass(frozen=True)
class GenerateResult:
    period: str
    created: int
    already_there: int  # bills of this period the unit had already: generating twice changes nothing
    not_charged: tuple[str, ...]  # unit codes without an area or a rate


@dataclass(frozen=True)
class PaymentResult:
    payment_id: int
    allocations: tuple[tuple[int, int], ...]  # (bill id, fen)
    credit_fen: int  # not yet applied: settles the unit's next bills


@dataclass
class AttemptInput:
    """One line of the 物管费催收记录表 as the butler fills it in."""

    unit_id: int
    made_on: date
    method: Method
    said: str = ""
    answer: str = ""
    statement_received: bool | None = None
    promised_on: date | None = None
    reason: Reason | None = None
    next_action_on: date | None = None
    round_key: str = ""  # empty: the calendar round of made_on
    who: str = ""  # empty: the operator


@dataclass(frozen=True)
class BillLine:
    bill_id: int
    item: FeeItem
    period: str
    due_on: date
    amount_fen: int
    adjusted_fen: int
    paid_fen: int

    @property
    def outstanding_fen(self) -> int:
        return self.amount_fen + self.adjusted_fen - self.paid_fen


@dataclass(frozen=True)
class PaymentLine:
    payment_id: int
    paid_on: date
    amount_fen: int
    receipt_no: str
    item: FeeItem | None
    applied_fen: int


@dataclass(frozen=True)
class AttemptLine:
    attempt_id: int
    made_on: date
    method: Method
    who: str
    statement_received: bool | None
    said: str
    answer: str
    promised_on: date | None
    reason: Reason | None
    round_key: str
    next_action_on: date | None


@dataclass(frozen=True)
class UnitAccount:
    """One unit's balance and history, for the unit dialog and the quick intake."""

    unit_id: int
    unit_code: str
    as_of: date
    owed_fen: int  # due and unpaid
    credit_fen: int  # paid but not yet applied to any bill
    bills: tuple[BillLine, ...]
    payments: tuple[PaymentLine, ...]
    attempts: tuple[AttemptLine, ...]

    @property
    def in_arrears(self) -> bool:
        return self.owed_fen > 0


@dataclass(frozen=True)
class RegisterRow:
    unit_id: int
    unit_code: str
    cluster: str
    owed_fen: int
    periods_owed: int
    oldest_due: date
    age_band: AgeBand
    limitation: LimitationFlag
    stage: Stage
    last_contact: date | None
    promised_on: date | None
    promise_kept: bool | None
    reason: Reason | None
    next_action_on: date | None


@dataclass(frozen=True)
class Register:
    as_of: date
    rows: tuple[RegisterRow, ...]

    @property
    def total_owed_fen(self) -> int:
        return sum(r.owed_fen for r in self.rows)

    @property
    def total_periods(self) -> int:
        return sum(r.periods_owed for r in self.rows)


@dataclass(frozen=True)
class PeriodStats:
    """A period's collection figures, as the HQ handoff reads them."""

    period: str
    as_of: date
    billed_fen: int
    collected_fen: int  # of this period's bills, paid by as_of
    arrears_by_band: dict[AgeBand, int] = field(default_factory=dict)  # all periods, as of as_of

    @property
    def collection_rate(self) -> Decimal:
        """Collected ÷ billed as a percentage with two places (0 when nothing was billed)."""
        if self.billed_fen == 0:
            return Decimal("0.00")
        return (Decimal(self.collected_fen) * 100 / self.billed_fen).quantize(Decimal("0.01"), ROUND_HALF_UP)
