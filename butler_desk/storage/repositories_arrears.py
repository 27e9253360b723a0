"""The arrears area's queries (欠费催收): each bill's outstanding amount as of a date, and the facts the register needs.

Plain SQL with bound parameters (SQLite and PostgreSQL alike): the register of 20,000
units is one pass over the bills, not one query per unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from butler_desk.domain.arrears import FeeItem, OpenBill
from butler_desk.storage.models import Unit
from butler_desk.storage.models_arrears import Bill, Payment

# Each bill with what adjustments and payments (up to :as_of) took off it.
_BILLS_SQL = """
SELECT b.id, b.unit_id, b.item, b.period, b.due_on, b.amount_fen,
       COALESCE((SELECT SUM(a.amount_fen) FROM arrears_adjustments a
                 WHERE a.bill_id = b.id AND a.made_on <= :as_of), 0) AS adjusted,
       COALESCE((SELECT SUM(al.amount_fen) FROM arrears_allocations al
                 JOIN arrears_payments p ON p.id = al.payment_id
                 WHERE al.bill_id = b.id AND p.paid_on <= :as_of), 0) AS paid
FROM arrears_bills b
"""


def as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def bill_rows(session: Session, as_of: date, *, unit_id: int | None = None,
              due_by: bool = True, period: str | None = None) -> list[tuple]:
    """(id, unit_id, item, period, due_on, amount, adjusted, paid) per bill, oldest first."""
    where, params = [], {"as_of": as_of}
    if unit_id is not None:
        where.append("b.unit_id = :unit_id")
        params["unit_id"] = unit_id
    if due_by:
        where.append("b.due_on <= :as_of")
    if period is not None:
        where.append("b.period = :period")
        params["period"] = period
    sql = _BILLS_SQL + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY b.due_on, b.period, b.id"
    return [(r[0], r[1], r[2], r[3], as_date(r[4]), r[5], r[6], r[7])
            for r in session.execute(text(sql), params)]


def open_bills(session: Session, unit_id: int) -> list[OpenBill]:
    """A unit's bills with something still to pay, whatever their due date (payments ahead count)."""
    rows = bill_rows(session, date.max, unit_id=unit_id, due_by=False)
    return [OpenBill(r[0], FeeItem(r[2]), r[3], r[4], r[5] + r[6] - r[7]) for r in rows if r[5] + r[6] - r[7] > 0]


def payments_with_credit(session: Session, unit_ids: Iterable[int] | None = None) -> list[tuple[int, int, str | None, int]]:
    """(payment id, unit id, item, unapplied fen) of payments not fully applied, oldest first."""
    sql = """
    SELECT p.id, p.unit_id, p.item, p.amount_fen - COALESCE(SUM(al.amount_fen), 0) AS credit
    FROM arrears_payments p LEFT JOIN arrears_allocations al ON al.payment_id = p.id
    GROUP BY p.id, p.unit_id, p.item, p.amount_fen, p.paid_on
    HAVING p.amount_fen - COALESCE(SUM(al.amount_fen), 0) > 0
    ORDER BY p.paid_on, p.id
    """
    rows = [(r[0], r[1], r[2], r[3]) for r in session.execute(text(sql))]
    if unit_ids is not None:
        wanted = set(unit_ids)
        rows = [r for r in rows if r[1] in wanted]
    return rows


def units_info(session: Session) -> dict[int, tuple[str, str, str]]:
    """unit id → (code, cluster name, sort key)."""
    sql = """
    SELECT u.id, u.code, c.name, u.sort_key FROM units u
    JOIN buildings b ON b.id = u.building_id JOIN clusters c ON c.id = b.cluster_id
    """
    return {r[0]: (r[1], r[2], r[3]) for r in session.execute(text(sql))}


def attempts_by_unit(session: Session, as_of: date) -> dict[int, list[tuple]]:
    """unit id → its attempts up to as_of, oldest first:
    (id, made_on, method, who, statement_received, said, answer, promised_on, reason, round_key, next_action_on)."""
    sql = """
    SELECT id, unit_id, made_on, method, who, statement_received, said, answer, promised_on, reason,
           round_key, next_action_on
    FROM arrears_attempts WHERE made_on <= :as_of ORDER BY unit_id, made_on, id
    """
    out: dict[int, list[tuple]] = {}
    for r in session.execute(text(sql), {"as_of": as_of}):
        out.setdefault(r[1], []).append((
            r[0], as_date(r[2]), r[3], r[4], None if r[5] is None else bool(r[5]), r[6], r[7],
            None if r[8] is None else as_date(r[8]), r[9], r[10], None if r[11] is None else as_date(r[11]),
        ))
    return out


def payment_dates_by_unit(session: Session, as_of: date) -> dict[int, list[date]]:
    sql = "SELECT unit_id, paid_on FROM arrears_payments WHERE paid_on <= :as_of ORDER BY unit_id, paid_on"
    out: dict[int, list[date]] = {}
    for unit_id, paid_on in session.execute(text(sql), {"as_of": as_of}):
        out.setdefault(unit_id, []).append(as_date(paid_on))
    return out


def billed_units(session: Session, period: str, item: str) -> set[int]:
    return set(session.scalars(select(Bill.unit_id).where(Bill.period == period, Bill.item == item)))


def units_for_billing(session: Session) -> list[tuple[int, str, int | None, int | None]]:
    """(id, code, area in hundredths of ㎡, rate in fen) of every unit, in room order."""
    stmt = select(Unit.id, Unit.code, Unit.area_centi, Unit.fee_rate_fen).order_by(Unit.sort_key)
    return [(r[0], r[1], r[2], r[3]) for r in session.execute(stmt)]


def unit_code(session: Session, unit_id: int) -> str | None:
    return session.scalar(select(Unit.code).where(Unit.id == unit_id))


def payment_date_of_receipt(session: Session, receipt_no: str) -> date | None:
    """When a receipt number was already entered, or None."""
    return session.scalar(select(Payment.paid_on).where(Payment.receipt_no == receipt_no))


def get_bill(session: Session, bill_id: int) -> Bill | None:
    return session.get(Bill, bill_id)


def unit_payments(session: Session, unit_id: int, as_of: date) -> list[tuple]:
    """(id, paid_on, amount, receipt_no, item, applied) of a unit's payments up to as_of, oldest first."""
    sql = ("SELECT p.id, p.paid_on, p.amount_fen, p.receipt_no, p.item, "
           "COALESCE((SELECT SUM(amount_fen) FROM arrears_allocations WHERE payment_id = p.id), 0) "
           "FROM arrears_payments p WHERE p.unit_id = :u AND p.paid_on <= :as_of ORDER BY p.paid_on, p.id")
    return [(r[0], as_date(r[1]), r[2], r[3], r[4], r[5])
            for r in session.execute(text(sql), {"u": unit_id, "as_of": as_of})]


def unit_ids_by_code(session: Session) -> dict[str, int]:
    return {code: uid for uid, code in session.execute(select(Unit.id, Unit.code))}


def bill_amounts(session: Session) -> dict[tuple[int, str, str], int]:
    """(unit id, item, period) → amount of every bill (for imports to recognise what is already there)."""
    return {(r[0], r[1], r[2]): r[3] for r in session.execute(
        select(Bill.unit_id, Bill.item, Bill.period, Bill.amount_fen))}


def payments_by_receipt(session: Session, receipts: list[str]) -> dict[str, tuple[int, int]]:
    """receipt number → (unit id, amount) of those already entered."""
    out: dict[str, tuple[int, int]] = {}
    for start in range(0, len(receipts), 500):  # SQLite's bound-parameter limit
        chunk = receipts[start:start + 500]
        for receipt, unit_id, amount in session.execute(
                select(Payment.receipt_no, Payment.unit_id, Payment.amount_fen).where(Payment.receipt_no.in_(chunk))):
            out[receipt] = (unit_id, amount)
    return out
