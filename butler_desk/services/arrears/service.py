"""ArrearsService: generate bills from the ledger, enter payments and attempts, and read the register, accounts and period figures."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from pathlib import Path
from typing import TYPE_CHECKING

from butler_desk.domain import clock
from butler_desk.domain.arrears import (
    AgeBand, FeeItem, LimitationFlag, Method, Reason, age_band, allocate, due_date, limitation_flag,
    monthly_fee_fen, parse_period, parse_round_key, promise_kept, round_for, stage_after,
)
from butler_desk.domain.errors import BadInput
from butler_desk.domain.text import clean_text
from butler_desk.services.arrears.views import (
    AttemptInput, AttemptLine, BillLine, GenerateResult, PaymentLine, PaymentResult, PeriodStats, Register,
    RegisterRow, UnitAccount,
)
from butler_desk.services.context import AppContext
from butler_desk.storage import repositories_arrears as queries
from butler_desk.storage.models_arrears import Adjustment, Allocation, Bill, CollectionAttempt, Payment

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from butler_desk.services.arrears.imports import ImportReport

ADJUSTMENT_KINDS = {"adjust": "调整", "waiver": "减免", "late_fee_waiver": "滞纳金减免"}


def _today() -> date:
    return clock.today()


class ArrearsService:
    """Every call is one transaction; money goes in and out as integer fen."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # ----- writes ---------------------------------------------------------------------------
    def generate_bills(self, period: str, item: FeeItem = FeeItem.PROPERTY) -> GenerateResult:
        """A period's 物业服务费 bills from the ledger: area × the unit's rate, 四舍五入 to the fen.

        A unit that already has the period's bill keeps it (generating twice changes nothing);
        a unit without an area or with no rate is listed, not billed."""
        if item is not FeeItem.PROPERTY:
            raise BadInput("只有物业服务费可按面积 × 单价生成；其他收费项目请从财务的应收表导入", field="item")
        period = parse_period(period)
        due = due_date(period, item)
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            have = queries.billed_units(session, period, item.value)
            created, not_charged = [], []
            for unit_id, code, area, rate in queries.units_for_billing(session):
                if unit_id in have:
                    continue
                if not area or not rate:
                    not_charged.append(code)
                    continue
                created.append(Bill(unit_id=unit_id, item=item.value, period=period, due_on=due,
                                    amount_fen=monthly_fee_fen(area, rate), source="generated", source_ref=""))
            session.add_all(created)
            session.flush()
            apply_credit(session, {b.unit_id for b in created})
        return GenerateResult(period, len(created), len(have), tuple(not_charged))

    def enter_payment(self, unit_id: int, paid_on: date, amount_fen: int, receipt_no: str,
                      item: FeeItem | None = None, note: str = "") -> PaymentResult:
        """A payment entered by hand; it settles the oldest unpaid bills (of its item, if it names one)."""
        receipt = clean_text(receipt_no)
        if not receipt:
            raise BadInput("请填写票据号（收据号）", field="receipt_no")
        if amount_fen <= 0:
            raise BadInput("实收金额应大于 0", field="amount")
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            self._unit_code(session, unit_id)
            existing = queries.payment_date_of_receipt(session, receipt)
            if existing is not None:
                raise BadInput(f"票据号 {receipt} 已于 {existing:%Y-%m-%d} 登记过，同一张票据不能重复入账",
                               field="receipt_no")
            payment = Payment(unit_id=unit_id, paid_on=paid_on, amount_fen=amount_fen, receipt_no=receipt,
                              item=None if item is None else item.value, source="manual", source_ref="",
                              operator=self.ctx.operator, note=clean_text(note))
            session.add(payment)
            session.flush()
            result = allocate(amount_fen, queries.open_bills(session, unit_id), item)
            session.add_all(Allocation(payment_id=payment.id, bill_id=a.bill_id, amount_fen=a.amount_fen)
                            for a in result.allocations)
            return PaymentResult(payment.id, tuple((a.bill_id, a.amount_fen) for a in result.allocations),
                                 result.unapplied_fen)

    def adjust_bill(self, bill_id: int, amount_fen: int, reason: str, kind: str = "waiver",
                    made_on: date | None = None) -> int:
        """Lower (negative) or raise a bill, with a reason; audited. A bill never goes below what was paid."""
        why = clean_text(reason)
        if not why:
            raise BadInput("调整或减免必须写明原因", field="reason")
        if kind not in ADJUSTMENT_KINDS:
            raise BadInput(f"调整类型应为 {'、'.join(ADJUSTMENT_KINDS.values())} 之一", field="kind")
        if amount_fen == 0:
            raise BadInput("调整金额不能为 0", field="amount")
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            bill = queries.get_bill(session, bill_id)
            if bill is None:
                raise BadInput("找不到这笔应收账单，可能已被删除", field="bill_id")
            row = queries.bill_rows(session, date.max, unit_id=bill.unit_id, due_by=False)
            outstanding = next(r[5] + r[6] - r[7] for r in row if r[0] == bill_id)
            if outstanding + amount_fen < 0:
                raise BadInput(f"减免金额超过未缴金额（{outstanding / 100:.2f} 元）", field="amount")
            adjustment = Adjustment(unit_id=bill.unit_id, bill_id=bill_id, kind=kind, amount_fen=amount_fen,
                                    reason=why, made_on=made_on or _today(), operator=self.ctx.operator)
            session.add(adjustment)
            session.flush()
            if amount_fen > 0:
                apply_credit(session, {bill.unit_id})
            return adjustment.id

    def record_attempt(self, data: AttemptInput) -> int:
        """One line of the 物管费催收记录表; the round is the calendar's round of that day unless named."""
        round_key = parse_round_key(data.round_key).key if data.round_key else round_for(data.made_on).key
        if data.promised_on is not None and data.promised_on < data.made_on:
            raise BadInput("承诺缴费日期不能早于催收日期", field="promised_on")
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            self._unit_code(session, data.unit_id)
            attempt = CollectionAttempt(
                unit_id=data.unit_id, made_on=data.made_on, method=Method(data.method).value,
                who=clean_text(data.who) or self.ctx.operator, statement_received=data.statement_received,
                said=clean_text(data.said), answer=clean_text(data.answer), promised_on=data.promised_on,
                reason=None if data.reason is None else Reason(data.reason).value, round_key=round_key,
                next_action_on=data.next_action_on)
            session.add(attempt)
            session.flush()
            return attempt.id

    def import_bills(self, path: Path, *, dry_run: bool = False) -> ImportReport:
        """Finance's receivables workbook; nothing is written when any line has a problem."""
        from butler_desk.services.arrears.imports import import_bills  # openpyxl only when importing

        return import_bills(self.ctx, path, dry_run=dry_run)

    def import_payments(self, path: Path, *, dry_run: bool = False) -> ImportReport:
        """Finance's receipts workbook; a receipt number already entered is never counted again."""
        from butler_desk.services.arrears.imports import import_payments

        return import_payments(self.ctx, path, dry_run=dry_run)

    # ----- reads ------------------------------------------------------------------------------
    def unit_account(self, unit_id: int, as_of: date | None = None) -> UnitAccount:
        as_of = as_of or _today()
        with self.ctx.db.reading() as session:
            code = self._unit_code(session, unit_id)
            bills = tuple(BillLine(r[0], FeeItem(r[2]), r[3], r[4], r[5], r[6], r[7])
                          for r in queries.bill_rows(session, as_of, unit_id=unit_id, due_by=False))
            payments = tuple(PaymentLine(r[0], r[1], r[2], r[3], None if r[4] is None else FeeItem(r[4]), r[5])
                             for r in queries.unit_payments(session, unit_id, as_of))
            attempts = tuple(_attempt_line(a) for a in queries.attempts_by_unit(session, as_of).get(unit_id, []))
        owed = sum(b.outstanding_fen for b in bills if b.due_on <= as_of)
        credit = sum(p.amount_fen - p.applied_fen for p in payments)
        return UnitAccount(unit_id, code, as_of, owed, credit, bills, payments, attempts)

    def register(self, as_of: date | None = None) -> Register:
        """Every unit owing money on ``as_of``, in room order, with its collection state."""
        as_of = as_of or _today()
        with self.ctx.db.reading() as session:
            open_by_unit: dict[int, list[tuple]] = defaultdict(list)
            for r in queries.bill_rows(session, as_of):
                if r[5] + r[6] - r[7] > 0:
                    open_by_unit[r[1]].append(r)
            units = queries.units_info(session)
            attempts = queries.attempts_by_unit(session, as_of)
            paid_dates = queries.payment_dates_by_unit(session, as_of)
        rows = []
        for unit_id, bills in open_by_unit.items():
            code, cluster, _ = units.get(unit_id, ("", "", ""))
            rows.append(_register_row(unit_id, code, cluster, bills, attempts.get(unit_id, []),
                                      paid_dates.get(unit_id, []), as_of))
        rows.sort(key=lambda row: units.get(row.unit_id, ("", "", ""))[2])
        return Register(as_of, tuple(rows))

    def period_stats(self, period: str, as_of: date | None = None) -> PeriodStats:
        """Billed and collected for one period's bills, and all arrears by age band, as of a date."""
        period = parse_period(period)
        as_of = as_of or _today()
        with self.ctx.db.reading() as session:
            this = queries.bill_rows(session, as_of, period=period, due_by=False)
            everything = queries.bill_rows(session, as_of)
        bands = {band: 0 for band in AgeBand}
        for r in everything:
            outstanding = r[5] + r[6] - r[7]
            if outstanding > 0:
                bands[age_band(r[4], as_of)] += outstanding
        return PeriodStats(period, as_of, sum(r[5] + r[6] for r in this), sum(r[7] for r in this), bands)

    # ----- helpers ----------------------------------------------------------------------------
    @staticmethod
    def _unit_code(session: Session, unit_id: int) -> str:
        code = queries.unit_code(session, unit_id)
        if code is None:
            raise BadInput("找不到这套房屋，可能已被删除", field="unit_id")
        return code


def apply_credit(session: Session, unit_ids: set[int]) -> None:
    """Payments not yet fully applied settle the units' (new) open bills, oldest first."""
    if not unit_ids:
        return
    for payment_id, unit_id, item, credit in queries.payments_with_credit(session, unit_ids):
        bills = queries.open_bills(session, unit_id)
        if not bills:
            continue
        result = allocate(credit, bills, None if item is None else FeeItem(item))
        session.add_all(Allocation(payment_id=payment_id, bill_id=a.bill_id, amount_fen=a.amount_fen)
                        for a in result.allocations)
        session.flush()


def _attempt_line(a: tuple) -> AttemptLine:
    return AttemptLine(a[0], a[1], Method(a[2]), a[3], a[4], a[5], a[6], a[7],
                       None if a[8] is None else Reason(a[8]), a[9], a[10])


def _register_row(unit_id: int, code: str, cluster: str, bills: list[tuple], attempts: list[tuple],
                  paid_dates: list[date], as_of: date) -> RegisterRow:
    oldest = min(r[4] for r in bills)
    # A delivered written demand or a part payment restarts the limitation clock (DOMAIN.md).
    restarts = [a[1] for a in attempts if Method(a[2]).is_written_demand] + paid_dates
    flag = LimitationFlag.OK
    for r in bills:
        own = [d for d in restarts if d >= r[4]]
        candidate = limitation_flag(r[4], max(own) if own else None, as_of)
        if candidate is LimitationFlag.PAST or (candidate is LimitationFlag.NEAR and flag is LimitationFlag.OK):
            flag = candidate
    since = [a for a in attempts if a[1] >= oldest]
    last = attempts[-1] if attempts else None
    promised = next((a for a in reversed(attempts) if a[7] is not None), None)
    kept = None
    if promised is not None:
        paid = [d for d in paid_dates if d >= promised[1]]
        kept = promise_kept(promised[7], min(paid) if paid else None, as_of)
    reason = next((Reason(a[8]) for a in reversed(attempts) if a[8] is not None), None)
    next_action = last[10] if last is not None else None
    if next_action is None and kept is False:
        next_action = as_of  # a broken promise is called about now
    return RegisterRow(
        unit_id=unit_id, unit_code=code, cluster=cluster,
        owed_fen=sum(r[5] + r[6] - r[7] for r in bills), periods_owed=len({r[3] for r in bills}),
        oldest_due=oldest, age_band=age_band(oldest, as_of), limitation=flag,
        stage=stage_after([Method(a[2]) for a in since]), last_contact=last[1] if last else None,
        promised_on=promised[7] if promised else None, promise_kept=kept, reason=reason,
        next_action_on=next_action)
