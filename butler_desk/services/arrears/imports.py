"""Importing finance's receivables and receipts workbooks: dry run, every problem located, one transaction, repeatable."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from butler_desk.domain.arrears import allocate, due_date
from butler_desk.exchange.finance_workbooks import Problem, read_bills, read_payments
from butler_desk.services.arrears.service import apply_credit
from butler_desk.services.context import AppContext
from butler_desk.storage import repositories_arrears as queries
from butler_desk.storage.models_arrears import Allocation, Bill, Payment


@dataclass(frozen=True)
class ImportReport:
    """What an import found and did. Nothing is written when there are problems or on a dry run."""

    file_name: str
    lines: int
    new: int  # lines that are (or, on a dry run, would be) written
    already_there: int  # lines the database already has: importing a file twice changes nothing
    problems: tuple[Problem, ...]
    dry_run: bool

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.problems and self.new > 0


def import_bills(ctx: AppContext, path: Path, *, dry_run: bool = False) -> ImportReport:
    data = read_bills(path)
    problems = list(data.problems)
    with ctx.db.unit_of_work(ctx.operator) as session:
        units = queries.unit_ids_by_code(session)
        existing = queries.bill_amounts(session)
        new, already, in_file = [], 0, {}
        for row in data.rows:
            unit_id = units.get(row.room_code)
            if unit_id is None:
                problems.append(Problem(row.sheet, row.row, "房号", f"房号 {row.room_code} 不在台账中：请先在台账中建立这套房屋"))
                continue
            key = (unit_id, row.item.value, row.period)
            if key in in_file:
                problems.append(Problem(row.sheet, row.row, "", f"{row.room_code} {row.period} {row.item.label} "
                                        f"与第 {in_file[key]} 行重复"))
                continue
            in_file[key] = row.row
            if key in existing:
                if existing[key] != row.amount_fen:
                    problems.append(Problem(row.sheet, row.row, "金额", f"{row.room_code} {row.period} {row.item.label} "
                                            f"已有应收 {existing[key] / 100:.2f} 元，与本行 {row.amount_fen / 100:.2f} 元不同："
                                            "如需更正请用“调整”并写明原因"))
                else:
                    already += 1
                continue
            new.append(Bill(unit_id=unit_id, item=row.item.value, period=row.period, amount_fen=row.amount_fen,
                            due_on=row.due_on or due_date(row.period, row.item), source="import",
                            source_ref=f"{Path(path).name}:{row.sheet}:{row.row}"[:200]))
        if not problems and not dry_run and new:
            session.add_all(new)
            session.flush()
            apply_credit(session, {b.unit_id for b in new})  # credit waiting for new bills
    return ImportReport(Path(path).name, len(data.rows) + len(data.problems), len(new), already, tuple(problems), dry_run)


def import_payments(ctx: AppContext, path: Path, *, dry_run: bool = False) -> ImportReport:
    data = read_payments(path)
    problems = list(data.problems)
    with ctx.db.unit_of_work(ctx.operator) as session:
        units = queries.unit_ids_by_code(session)
        known = queries.payments_by_receipt(session, [r.receipt_no for r in data.rows])
        new, already = [], 0
        for row in data.rows:
            unit_id = units.get(row.room_code)
            if unit_id is None:
                problems.append(Problem(row.sheet, row.row, "房号", f"房号 {row.room_code} 不在台账中：请先在台账中建立这套房屋"))
                continue
            if row.receipt_no in known:
                if known[row.receipt_no] != (unit_id, row.amount_fen):
                    problems.append(Problem(row.sheet, row.row, "票据号", f"票据号 {row.receipt_no} 已入账，但房号或金额与本行不同："
                                            "同一张票据不能入账两次，请核对"))
                else:
                    already += 1
                continue
            new.append((row, unit_id))
        if not problems and not dry_run and new:
            # Oldest payment first, so each settles the bills that were oldest when it was made.
            for row, unit_id in sorted(new, key=lambda pair: (pair[0].paid_on, pair[0].sheet, pair[0].row)):
                payment = Payment(unit_id=unit_id, paid_on=row.paid_on, amount_fen=row.amount_fen,
                                  receipt_no=row.receipt_no, item=None if row.item is None else row.item.value,
                                  source="import", source_ref=f"{Path(path).name}:{row.sheet}:{row.row}"[:200],
                                  operator=ctx.operator, note="")
                session.add(payment)
                session.flush()
                result = allocate(row.amount_fen, queries.open_bills(session, unit_id),
                                  row.item)
                session.add_all(Allocation(payment_id=payment.id, bill_id=a.bill_id, amount_fen=a.amount_fen)
                                for a in result.allocations)
    return ImportReport(Path(path).name, len(data.rows) + len(data.problems), len(new), already, tuple(problems), dry_run)
