"""Service-request statistics for a period: counts, on-time rates, validity and satisfaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal

from butler_desk.domain.requests import (
    DEFAULT_DEPARTMENTS,
    RequestKind,
    Satisfaction,
    Severity,
)
from butler_desk.domain.sla import DEFAULT_LIMITS, Deadline, DeadlineState, TimeLimit
from butler_desk.domain.workdays import CHINA_TZ

UNASSIGNED = "未派单"
NO_CLUSTER = "未分组团"
_RATE_QUANTUM = Decimal("0.0001")
# 满意率 as property offices report it: 满意 and 基本满意 both count as satisfied.
SATISFIED_LEVELS = frozenset({Satisfaction.SATISFIED, Satisfaction.FAIRLY})


@dataclass(frozen=True)
class RequestFacts:
    """What statistics need to know about one request; the service builds these from storage."""

    kind: RequestKind
    received_at: datetime
    severity: Severity | None = None
    valid: bool | None = None
    department: str | None = None
    closed_at: datetime | None = None
    deadlines: tuple[Deadline, ...] = ()
    satisfaction: Satisfaction | None = None
    visited: bool = False
    cluster: str | None = None

    @property
    def missed_a_deadline(self) -> bool:
        return any(deadline.missed for deadline in self.deadlines)


def rate(part: int, whole: int) -> Decimal | None:
    """part / whole as a Decimal fraction to 4 places, None when there is nothing to divide."""
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(_RATE_QUANTUM, rounding=ROUND_HALF_UP)


def format_rate(value: Decimal | None) -> str:
    """ "95.2%", or "—" when there was nothing to measure."""
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


@dataclass(frozen=True)
class KindStats:
    """Counts for one kind (or all kinds when ``kind`` is None)."""

    kind: RequestKind | None
    label: str
    received: int
    closed: int
    open_at_end: int
    overdue: int


@dataclass(frozen=True)
class LimitStats:
    """How one time limit fared over the deadlines of requests received in the period."""

    key: str
    label: str
    met: int
    met_late: int
    overdue: int
    open: int
    on_time_rate: Decimal | None  # met / (met + met_late + overdue); open ones are not yet judged


@dataclass(frozen=True)
class ComplaintValidity:
    received: int
    valid: int
    invalid: int
    unjudged: int
    general: int
    serious: int
    valid_share: Decimal | None  # valid / judged


@dataclass(frozen=True)
class SatisfactionStats:
    counts: tuple[tuple[Satisfaction, int], ...]
    rated: int
    satisfied_rate: Decimal | None  # (满意 + 基本满意) / rated
    visit_due: int  # finished (closed or visited) and not judged invalid
    visited: int
    visit_rate: Decimal | None  # visited / visit_due


@dataclass(frozen=True)
class GroupStats:
    """One department or cluster."""

    name: str
    received: int
    closed: int
    overdue: int
    on_time_rate: Decimal | None
    satisfied_rate: Decimal | None


@dataclass(frozen=True)
class ServiceStats:
    first: date
    last: date
    total: KindStats
    by_kind: tuple[KindStats, ...]
    by_limit: tuple[LimitStats, ...]
    complaints: ComplaintValidity
    satisfaction: SatisfactionStats
    by_department: tuple[GroupStats, ...]
    by_cluster: tuple[GroupStats, ...]


def _decided(deadlines: Iterable[Deadline]) -> tuple[int, int]:
    """(met on time, judged) over deadlines whose outcome is known."""
    on_time = judged = 0
    for deadline in deadlines:
        if deadline.state is DeadlineState.OPEN:
            continue
        judged += 1
        on_time += int(deadline.state is DeadlineState.MET)
    return on_time, judged


def _satisfied(facts: Sequence[RequestFacts]) -> Decimal | None:
    rated = [f.satisfaction for f in facts if f.visited and f.satisfaction is not None]
    return rate(sum(1 for s in rated if s in SATISFIED_LEVELS), len(rated))


def service_stats(
    facts: Iterable[RequestFacts],
    first: date,
    last: date,
    *,
    zone: tzinfo = CHINA_TZ,
    departments: Sequence[str] = DEFAULT_DEPARTMENTS,
    limits: Iterable[TimeLimit] = DEFAULT_LIMITS,
) -> ServiceStats:
    """Statistics for the days first..last (both included, in ``zone``).

    "Received" counts requests received in the period and is the population for
    rates, validity, satisfaction and groups; "closed" counts requests closed in the
    period whenever received; "open at end" counts any request received by the end
    and not closed by then; "overdue" counts requests received in the period that
    missed at least one deadline (late or still overdue). Pass every request received
    in the period plus any still open, with deadlines computed at the period's end
    (or now, for the current period).
    """
    if last < first:
        raise ValueError("period ends before it starts")
    everything = list(facts)

    # The period's bounds as moments: comparing aware datetimes is cheaper than converting
    # every stored moment to a local date, and says the same (first <= local date <= last).
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)

    def in_period(moment: datetime | None) -> bool:
        return moment is not None and start <= moment < end

    received = [f for f in everything if in_period(f.received_at)]

    def kind_stats(kind: RequestKind | None, label: str) -> KindStats:
        def mine(f: RequestFacts) -> bool:
            return kind is None or f.kind is kind

        return KindStats(
            kind=kind,
            label=label,
            received=sum(1 for f in received if mine(f)),
            closed=sum(1 for f in everything if mine(f) and in_period(f.closed_at)),
            open_at_end=sum(
                1
                for f in everything
                if mine(f)
                and f.received_at < end
                and (f.closed_at is None or f.closed_at >= end)
            ),
            overdue=sum(1 for f in received if mine(f) and f.missed_a_deadline),
        )

    return ServiceStats(
        first=first,
        last=last,
        total=kind_stats(None, "合计"),
        by_kind=tuple(kind_stats(kind, kind.label) for kind in RequestKind),
        by_limit=_limit_stats(received, [limit.key for limit in limits]),
        complaints=_complaint_validity(received),
        satisfaction=_satisfaction_stats(received),
        by_department=_group_stats(
            received, everything, in_period,
            lambda f: (f.department or "").strip() or UNASSIGNED,
            order=(*departments, UNASSIGNED),
        ),
        by_cluster=_group_stats(
            received, everything, in_period,
            lambda f: (f.cluster or "").strip() or NO_CLUSTER,
            order=(NO_CLUSTER,), order_last=True,
        ),
    )


def _limit_stats(received: Sequence[RequestFacts], order: Sequence[str]) -> tuple[LimitStats, ...]:
    """A row per limit that had deadlines, in the order of the limit table."""
    by_key: dict[str, list[Deadline]] = {}
    for f in received:
        for deadline in f.deadlines:
            by_key.setdefault(deadline.key, []).append(deadline)
    position = {key: index for index, key in enumerate(order)}
    rows = []
    for key in sorted(by_key, key=lambda k: (position.get(k, len(position)), k)):
        items = by_key[key]
        states = Counter(deadline.state for deadline in items)
        on_time, judged = _decided(items)
        rows.append(
            LimitStats(
                key=key,
                label=items[0].label,
                met=states[DeadlineState.MET],
                met_late=states[DeadlineState.MET_LATE],
                overdue=states[DeadlineState.OVERDUE],
                open=states[DeadlineState.OPEN],
                on_time_rate=rate(on_time, judged),
            )
        )
    return tuple(rows)


def _complaint_validity(received: Sequence[RequestFacts]) -> ComplaintValidity:
    complaints = [f for f in received if f.kind is RequestKind.COMPLAINT]
    valid = [f for f in complaints if f.valid is True]
    invalid = sum(1 for f in complaints if f.valid is False)
    return ComplaintValidity(
        received=len(complaints),
        valid=len(valid),
        invalid=invalid,
        unjudged=sum(1 for f in complaints if f.valid is None),
        general=sum(1 for f in valid if f.severity is Severity.GENERAL),
        serious=sum(1 for f in valid if f.severity is Severity.SERIOUS),
        valid_share=rate(len(valid), len(valid) + invalid),
    )


def _satisfaction_stats(received: Sequence[RequestFacts]) -> SatisfactionStats:
    rated = Counter(f.satisfaction for f in received if f.visited and f.satisfaction is not None)
    due = [f for f in received if f.valid is not False and (f.closed_at is not None or f.visited)]
    visited = sum(1 for f in due if f.visited)
    return SatisfactionStats(
        counts=tuple((level, rated[level]) for level in Satisfaction),
        rated=sum(rated.values()),
        satisfied_rate=_satisfied(received),
        visit_due=len(due),
        visited=visited,
        visit_rate=rate(visited, len(due)),
    )


def _group_stats(
    received: Sequence[RequestFacts],
    everything: Sequence[RequestFacts],
    in_period: Callable[[datetime | None], bool],
    group_of: Callable[[RequestFacts], str],
    *,
    order: Sequence[str],
    order_last: bool = False,
) -> tuple[GroupStats, ...]:
    """Rows for groups that had any request received or closed in the period.

    Names listed in ``order`` come in that order (first, or last when ``order_last``);
    the others follow alphabetically.
    """
    closed = [f for f in everything if in_period(f.closed_at)]
    names = {group_of(f) for f in received} | {group_of(f) for f in closed}
    listed = [name for name in order if name in names]
    others = sorted(names - set(listed))
    rows = []
    for name in (others + listed) if order_last else (listed + others):
        mine = [f for f in received if group_of(f) == name]
        on_time, judged = _decided(d for f in mine for d in f.deadlines)
        rows.append(
            GroupStats(
                name=name,
                received=len(mine),
                closed=sum(1 for f in closed if group_of(f) == name),
                overdue=sum(1 for f in mine if f.missed_a_deadline),
                on_time_rate=rate(on_time, judged),
                satisfied_rate=_satisfied(mine),
            )
        )
    return tuple(rows)
