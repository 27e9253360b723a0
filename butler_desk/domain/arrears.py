"""Arrears rules (欠费催收): fee items, bills' periods, payment allocation, ageing, limitation, stages, late fees, the quarterly rounds.

Pure functions over integer fen and dates; the services layer reads and writes the
tables and calls these. Every rule here is from DOMAIN.md's fees part and §十 of the
procedure manual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from butler_desk.domain.enums import LabelledEnum
from butler_desk.domain.errors import BadInput


# --- fee items and periods ---------------------------------------------------------


class FeeItem(LabelledEnum):
    """What a bill charges for. 物业服务费 is area × rate per month; the others come from finance."""

    PROPERTY = ("property", "物业服务费", "物业费", "物管费", "物业管理费")
    PARKING = ("parking", "停车费", "车位费", "车位管理费")
    SHARED_UTILITIES = ("shared_utilities", "公摊水电", "公摊水电费", "公共水电费")
    OTHER = ("other", "其他", "其它")

    @classmethod
    def kind_label(cls) -> str:
        return "收费项目"


# The day of the period's month a fee item falls due. Finance's contract terms vary;
# these are the office's defaults (settings may override them later).
DUE_DAY: dict[FeeItem, int] = {
    FeeItem.PROPERTY: 15,
    FeeItem.PARKING: 15,
    FeeItem.SHARED_UTILITIES: 25,
    FeeItem.OTHER: 25,
}

_PERIOD_RE = re.compile(r"^\s*(\d{4})\s*(?:-|/|\.|年)?\s*(\d{1,2})\s*(?:月)?\s*$")


def parse_period(text: str) -> str:
    """'2026-10', '2026年10月', '202610', '2026/10' → '2026-10'; BadInput otherwise."""
    match = _PERIOD_RE.match(str(text))
    if match is None:
        raise BadInput(f"账期“{text}”看不懂：请写成 2026-10、2026年10月 或 202610", field="period")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise BadInput(f"账期“{text}”不存在：月份应为 1–12，年份应在 2000–2100 之间", field="period")
    return f"{year:04d}-{month:02d}"


def period_of(day: date) -> str:
    """The period a date falls in: date(2026, 10, 31) → '2026-10'."""
    return f"{day.year:04d}-{day.month:02d}"


def period_start(period: str) -> date:
    year, month = (int(part) for part in parse_period(period).split("-"))
    return date(year, month, 1)


def next_period(period: str) -> str:
    start = period_start(period)
    return period_of(date(start.year + start.month // 12, start.month % 12 + 1, 1))


def due_date(period: str, item: FeeItem) -> date:
    """The bill's due date: the item's due day in the period's month (clamped to the month's end)."""
    start = period_start(period)
    last = (date(start.year + start.month // 12, start.month % 12 + 1, 1) - timedelta(days=1)).day
    return start.replace(day=min(DUE_DAY[item], last))


def monthly_fee_fen(area_hundredths: int, rate_fen: int) -> int:
    """物业服务费 for a month in fen: area (hundredths of ㎡) × rate (fen per ㎡), 四舍五入 to the fen.

    89.50 ㎡ × 2.55 元 = 228.225 → 228.23 元 = 22823 fen."""
    if area_hundredths < 0 or rate_fen < 0:
        raise BadInput("面积和单价不能为负数", field="area")
    return (area_hundredths * rate_fen + 50) // 100


# --- allocation ----------------------------------------------------------------------


@dataclass(frozen=True)
class OpenBill:
    """What allocation needs of a bill: its id, item, period, due date and what is still unpaid."""

    bill_id: int
    item: FeeItem
    period: str
    due: date
    outstanding_fen: int


@dataclass(frozen=True)
class Allocation:
    bill_id: int
    amount_fen: int


@dataclass(frozen=True)
class AllocationResult:
    allocations: tuple[Allocation, ...]
    unapplied_fen: int  # a prepayment or overpayment: kept as credit, never lost

    @property
    def applied_fen(self) -> int:
        return sum(a.amount_fen for a in self.allocations)


def allocate(amount_fen: int, bills: list[OpenBill], item: FeeItem | None = None) -> AllocationResult:
    """Settle the oldest unpaid bills first: of ``item`` when the payment names one, else of any item.

    Oldest means earliest due date, then period, then bill id, so the result never
    depends on the order the bills arrive in. applied + unapplied == amount, to the fen."""
    if amount_fen <= 0:
        raise BadInput("收款金额应大于 0", field="amount")
    candidates = sorted(
        (b for b in bills if b.outstanding_fen > 0 and (item is None or b.item == item)),
        key=lambda b: (b.due, b.period, b.bill_id),
    )
    left = amount_fen
    out: list[Allocation] = []
    for bill in candidates:
        if left == 0:
            break
        take = min(left, bill.outstanding_fen)
        out.append(Allocation(bill.bill_id, take))
        left -= take
    return AllocationResult(tuple(out), left)


# --- ageing and limitation ---------------------------------------------------------


class AgeBand(LabelledEnum):
    UP_TO_30 = ("d30", "30天以内")
    UP_TO_90 = ("d90", "31–90天")
    UP_TO_180 = ("d180", "91–180天")
    UP_TO_365 = ("d365", "181–365天")
    OVER_YEAR = ("y1", "1年以上")


def days_overdue(due: date, as_of: date) -> int:
    return max(0, (as_of - due).days)


def age_band(due: date, as_of: date) -> AgeBand:
    """The band of a debt due on ``due``, seen on ``as_of``; a debt not yet due is in the first band."""
    days = days_overdue(due, as_of)
    if days <= 30:
        return AgeBand.UP_TO_30
    if days <= 90:
        return AgeBand.UP_TO_90
    if days <= 180:
        return AgeBand.UP_TO_180
    if days <= 365:
        return AgeBand.UP_TO_365
    return AgeBand.OVER_YEAR


class LimitationFlag(LabelledEnum):
    OK = ("ok", "")
    NEAR = ("near", "临近诉讼时效")
    PAST = ("past", "已过诉讼时效")


LIMITATION_YEARS = 3  # 民法典 §188
LIMITATION_WARNING_DAYS = 180  # "near": half a year left, time for a written demand


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


def limitation_deadline(due: date, last_restart: date | None) -> date:
    """When a bill's claim expires: 3 years from its due date or from the latest restart since.

    A restart is a delivered written demand (催缴通知书, 律师函, 信函), a part payment or a
    repayment agreement; a phone call or a notice on the board is not (DOMAIN.md)."""
    start = due if last_restart is None or last_restart < due else last_restart
    return _add_years(start, LIMITATION_YEARS)


def limitation_flag(due: date, last_restart: date | None, as_of: date,
                    warning_days: int = LIMITATION_WARNING_DAYS) -> LimitationFlag:
    deadline = limitation_deadline(due, last_restart)
    if as_of >= deadline:
        return LimitationFlag.PAST
    if (deadline - as_of).days <= warning_days:
        return LimitationFlag.NEAR
    return LimitationFlag.OK


# --- collection: stages, methods, reasons ------------------------------------------


class Stage(LabelledEnum):
    """How far collection has gone; declared in escalating order."""

    NONE = ("none", "未催")
    PHONE = ("phone", "电话")
    VISIT = ("visit", "上门")
    NOTICE = ("notice", "催缴通知书")
    LAWYER = ("lawyer", "律师函")
    LAWSUIT = ("lawsuit", "诉讼")

    @classmethod
    def kind_label(cls) -> str:
        return "催收阶段"

    @property
    def rank(self) -> int:
        return list(Stage).index(self)


class Method(LabelledEnum):
    PHONE = ("phone", "电话")
    VISIT = ("visit", "上门")
    SMS = ("sms", "短信")
    WECHAT = ("wechat", "微信")
    LETTER = ("letter", "信函", "催缴通知书")
    LAWYER = ("lawyer", "律师函")

    @classmethod
    def kind_label(cls) -> str:
        return "催收方式"

    @property
    def stage(self) -> Stage:
        return _METHOD_STAGE[self]

    @property
    def is_written_demand(self) -> bool:
        """Does a delivered attempt of this kind restart the limitation clock?"""
        return self in (Method.LETTER, Method.LAWYER)


_METHOD_STAGE = {
    Method.PHONE: Stage.PHONE, Method.SMS: Stage.PHONE, Method.WECHAT: Stage.PHONE,
    Method.VISIT: Stage.VISIT, Method.LETTER: Stage.NOTICE, Method.LAWYER: Stage.LAWYER,
}


class Reason(LabelledEnum):
    NO_BILL = ("no_bill", "未收到账单")
    SERVICE = ("service", "服务问题")
    HARDSHIP = ("hardship", "经济困难")
    VACANT = ("vacant", "长期空置")
    MALICIOUS = ("malicious", "恶意欠费")
    OTHER = ("other", "其他", "其它")

    @classmethod
    def kind_label(cls) -> str:
        return "欠费原因"


def stage_after(methods: list[Method], sued: bool = False) -> Stage:
    """The furthest stage reached by the attempts so far (a lawsuit is recorded apart)."""
    if sued:
        return Stage.LAWSUIT
    return max((m.stage for m in methods), key=lambda s: s.rank, default=Stage.NONE)


def promise_kept(promised: date, paid_on_or_before: date | None, as_of: date) -> bool | None:
    """True if paid by the promised date, False once the date passed unpaid, None while still open."""
    if paid_on_or_before is not None and paid_on_or_before <= promised:
        return True
    if as_of > promised:
        return False
    return None


# --- late fees ---------------------------------------------------------------------


@dataclass(frozen=True)
class LateFeeRule:
    """The service contract's 滞纳金 rule (a setting, never hard-coded: DOMAIN.md).

    Simple interest per bill: principal × daily rate × days, days counted from the
    later of (due date + grace days) and the rule's start date. ``cap_share`` limits the
    fee to a share of the principal (courts cut penalties far above the loss)."""

    daily_rate_permille: Decimal = Decimal(3)
    grace_days: int = 0
    cap_share: Decimal | None = None
    start: date | None = None
    enabled: bool = True

    def __post_init__(self) -> None:
        if self.daily_rate_permille < 0 or self.daily_rate_permille > 100:
            raise BadInput("滞纳金日费率应在 0–100‰ 之间", field="daily_rate")
        if self.grace_days < 0:
            raise BadInput("宽限天数不能为负数", field="grace_days")
        if self.cap_share is not None and self.cap_share < 0:
            raise BadInput("滞纳金上限比例不能为负数", field="cap_share")

    @property
    def annual_rate_percent(self) -> Decimal:
        """The daily rate as a yearly percentage, shown beside it: 3‰/day → 109.50%."""
        return (self.daily_rate_permille * 365 / 10).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True)
class LateFeeWorking:
    principal_fen: int
    daily_rate_permille: Decimal
    days: int
    fee_fen: int
    capped: bool

    def text(self) -> str:
        """本金 × 日费率 × 天数, as printed on a letter."""
        principal = Decimal(self.principal_fen) / 100
        line = f"{principal:.2f}元 × {self.daily_rate_permille}‰ × {self.days}天 = {Decimal(self.fee_fen) / 100:.2f}元"
        return line + ("（已按上限计）" if self.capped else "")


def late_fee(rule: LateFeeRule, principal_fen: int, due: date, as_of: date) -> LateFeeWorking:
    """One bill's late fee on ``as_of`` with its working, 四舍五入 to the fen."""
    begin = due + timedelta(days=rule.grace_days)
    if rule.start is not None and rule.start > begin:
        begin = rule.start
    days = max(0, (as_of - begin).days) if rule.enabled and principal_fen > 0 else 0
    raw = Decimal(principal_fen) * rule.daily_rate_permille * days / 1000
    fee = int(raw.quantize(Decimal(1), ROUND_HALF_UP))
    capped = False
    if rule.cap_share is not None:
        cap = int((Decimal(principal_fen) * rule.cap_share).quantize(Decimal(1), ROUND_HALF_UP))
        if fee > cap:
            fee, capped = cap, True
    return LateFeeWorking(principal_fen, rule.daily_rate_permille, days, fee, capped)


# --- the quarterly calendar ---------------------------------------------------------


class RoundKind(LabelledEnum):
    """The fixed collection rounds of a quarter (seed §十), in calendar order."""

    STATEMENT_CALLS = ("statement_calls", "首月电话催缴（15–21日）")
    FIND_REASON = ("find_reason", "次月查明原因（25日前）")
    RECHECK = ("recheck", "末月复核承诺（15–21日）")
    LAWYER_VISIT = ("lawyer_visit", "末月律师函与上门（22–27日）")


@dataclass(frozen=True)
class CollectionRound:
    year: int
    quarter: int  # 1–4
    kind: RoundKind
    first_day: date
    last_day: date

    @property
    def key(self) -> str:
        """Stable text stored with an attempt: '2026Q4-recheck'."""
        return f"{self.year}Q{self.quarter}-{self.kind.value}"

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.quarter}季度 {self.kind.label}"


def quarter_rounds(year: int, quarter: int) -> list[CollectionRound]:
    """A quarter's four rounds with their windows."""
    if not 1 <= quarter <= 4:
        raise BadInput("季度应为 1–4", field="quarter")
    first = 3 * (quarter - 1) + 1
    return [
        CollectionRound(year, quarter, RoundKind.STATEMENT_CALLS, date(year, first, 15), date(year, first, 21)),
        CollectionRound(year, quarter, RoundKind.FIND_REASON, date(year, first + 1, 1), date(year, first + 1, 25)),
        CollectionRound(year, quarter, RoundKind.RECHECK, date(year, first + 2, 15), date(year, first + 2, 21)),
        CollectionRound(year, quarter, RoundKind.LAWYER_VISIT, date(year, first + 2, 22), date(year, first + 2, 27)),
    ]


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def rounds_on(day: date) -> list[CollectionRound]:
    """The rounds whose window contains ``day`` (none on most days)."""
    return [r for r in quarter_rounds(day.year, quarter_of(day)) if r.first_day <= day <= r.last_day]


def round_for(day: date) -> CollectionRound:
    """The round an attempt on ``day`` belongs to: the one open that day, else the latest one begun.

    Days before the quarter's first round belong to the previous quarter's last round."""
    rounds = [r for r in quarter_rounds(day.year, quarter_of(day)) if r.first_day <= day]
    if rounds:
        return rounds[-1]
    year, quarter = (day.year, quarter_of(day) - 1) if quarter_of(day) > 1 else (day.year - 1, 4)
    return quarter_rounds(year, quarter)[-1]


def parse_round_key(key: str) -> CollectionRound:
    match = re.fullmatch(r"(\d{4})Q([1-4])-(\w+)", key)
    if match is None:
        raise BadInput(f"催收轮次“{key}”无法识别", field="round")
    year, quarter, kind = int(match.group(1)), int(match.group(2)), match.group(3)
    for round_ in quarter_rounds(year, quarter):
        if round_.kind.value == kind:
            return round_
    raise BadInput(f"催收轮次“{key}”无法识别", field="round")
