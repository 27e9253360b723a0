"""Service time limits (服务时限): the default table, settings overrides, and each request's deadlines."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from butler_desk.domain.errors import BadInput
from butler_desk.domain.text import clean_text
from butler_desk.domain.enums import LabelledEnum
from butler_desk.domain.requests import (
    FaultKind,
    RequestKind,
    RequestSource,
    Severity,
    Step,
    StepKind,
)
from butler_desk.domain.workdays import WorkCalendar


class SpanUnit(LabelledEnum):
    MINUTES = ("minutes", "分钟")
    HOURS = ("hours", "小时")
    WORKDAYS = ("workdays", "个工作日")

    @classmethod
    def kind_label(cls) -> str:
        return "时限单位"


@dataclass(frozen=True)
class LimitSpan:
    """How long a limit allows: clock minutes/hours (the office is on duty round the clock) or working days."""

    amount: int
    unit: SpanUnit

    @property
    def label(self) -> str:
        return f"{self.amount}{self.unit.label}"

    def due(self, received_at: datetime, calendar: WorkCalendar) -> datetime:
        if self.unit is SpanUnit.WORKDAYS:
            return calendar.add_workdays(received_at, self.amount)
        minutes = self.amount * 60 if self.unit is SpanUnit.HOURS else self.amount
        return received_at + timedelta(minutes=minutes)


_SPAN_PATTERN = re.compile(r"^(\d+)\s*(.+)$")
_UNIT_WORDS = {
    "分钟": SpanUnit.MINUTES,
    "分": SpanUnit.MINUTES,
    "min": SpanUnit.MINUTES,
    "小时": SpanUnit.HOURS,
    "个小时": SpanUnit.HOURS,
    "h": SpanUnit.HOURS,
    "工作日": SpanUnit.WORKDAYS,
    "个工作日": SpanUnit.WORKDAYS,
    "wd": SpanUnit.WORKDAYS,
}
# Bounds that catch typos (an extra zero) rather than restrict real office practice.
_MAX_AMOUNT = {SpanUnit.MINUTES: 7 * 24 * 60, SpanUnit.HOURS: 30 * 24, SpanUnit.WORKDAYS: 60}
_OFF_WORDS = ("", "关闭", "不考核", "off")


def parse_span(text: str, *, field: str | None = None) -> LimitSpan:
    """A span written like "30分钟", "4小时", "5个工作日" (or 30min, 4h, 5wd)."""
    cleaned = clean_text(text).lower()
    match = _SPAN_PATTERN.match(cleaned)
    unit = _UNIT_WORDS.get(match.group(2).strip()) if match else None
    if match is None or unit is None:
        raise BadInput(
            f"看不懂时限“{text}”，请写成“30分钟”“4小时”或“5个工作日”。", field=field
        )
    amount = int(match.group(1))
    if not 1 <= amount <= _MAX_AMOUNT[unit]:
        raise BadInput(
            f"时限“{text}”超出范围：请填 1 到 {_MAX_AMOUNT[unit]}{unit.label} 之间。", field=field
        )
    return LimitSpan(amount, unit)


@dataclass(frozen=True)
class TimeLimit:
    """One row of the time-limit table: what it applies to and which step stops its clock.

    Filters left as None apply to everything. A complaint not yet judged counts as
    一般 (the stricter limit) until it is. ``valid_only`` limits drop once the request is
    judged invalid; ``undone_by_reopen`` limits are unmet again after a reopen, since
    reopening says the work was not really done. ``span`` None means switched off.
    """

    key: str
    label: str  # without the duration, which settings may change
    span: LimitSpan | None
    stop_steps: tuple[StepKind, ...]
    kinds: frozenset[RequestKind] | None = None
    severities: frozenset[Severity] | None = None
    urgent_only: bool = False
    faults: frozenset[FaultKind] | None = None
    sources: frozenset[RequestSource] | None = None
    on_site_only: bool = False
    valid_only: bool = False
    undone_by_reopen: bool = False

    def applies(
        self,
        kind: RequestKind,
        severity: Severity | None,
        urgent: bool,
        fault: FaultKind | None,
        source: RequestSource | None,
        valid: bool | None,
    ) -> bool:
        if self.span is None:
            return False
        if self.kinds is not None and kind not in self.kinds:
            return False
        if self.valid_only and valid is False:
            return False
        if self.severities is not None and (severity or Severity.GENERAL) not in self.severities:
            return False
        if self.urgent_only and not urgent:
            return False
        if self.faults is not None and fault not in self.faults:
            return False
        return self.sources is None or source in self.sources

    @property
    def title(self) -> str:
        """The label with its duration, as settings and reports show it: "严重投诉解决（5个工作日内）"."""
        return f"{self.label}（{self.span.label}内）" if self.span else f"{self.label}（不考核）"

    def stops(self, step: Step) -> bool:
        if step.kind not in self.stop_steps:
            return False
        return not (self.on_site_only and step.kind is StepKind.CONTACT and not step.on_site)


_K = StepKind
_ALL_BUT_COMPLAINTS = frozenset(RequestKind) - {RequestKind.COMPLAINT}
_RESPONSE_STEPS = (_K.CONTACT, _K.CLASSIFY, _K.ASSIGN, _K.HANDLE, _K.FEEDBACK, _K.RESOLVE, _K.CLOSE)

# The seed's table (DOMAIN.md "Service requests"). Complaints have their own 4-hour
# feedback row, so the general one leaves them out rather than show it twice. CLOSE
# stops the feedback clocks because only an invalid request can be closed without a
# FEEDBACK or RESOLVE step, and closing it is telling the resident the answer.
_FEEDBACK_STEPS = (_K.FEEDBACK, _K.RESOLVE, _K.CLOSE)
DEFAULT_LIMITS: tuple[TimeLimit, ...] = (
    TimeLimit(
        "response_feedback", "报事报修响应并反馈", LimitSpan(4, SpanUnit.HOURS),
        _FEEDBACK_STEPS, kinds=_ALL_BUT_COMPLAINTS,
    ),
    TimeLimit(
        "urgent_repair_on_site", "急修到达现场", LimitSpan(30, SpanUnit.MINUTES),
        (_K.CONTACT,), kinds=frozenset({RequestKind.REPAIR}), urgent_only=True, on_site_only=True,
    ),
    TimeLimit(
        "complaint_contact", "投诉到达现场或电话联系", LimitSpan(1, SpanUnit.HOURS),
        (_K.CONTACT,), kinds=frozenset({RequestKind.COMPLAINT}),
    ),
    TimeLimit(
        "complaint_feedback", "投诉反馈处理情况", LimitSpan(4, SpanUnit.HOURS),
        _FEEDBACK_STEPS, kinds=frozenset({RequestKind.COMPLAINT}),
    ),
    TimeLimit(
        "general_complaint_resolved", "一般投诉解决", LimitSpan(8, SpanUnit.HOURS),
        (_K.RESOLVE,), kinds=frozenset({RequestKind.COMPLAINT}),
        severities=frozenset({Severity.GENERAL}), valid_only=True, undone_by_reopen=True,
    ),
    TimeLimit(
        "serious_complaint_resolved", "严重投诉解决", LimitSpan(5, SpanUnit.WORKDAYS),
        (_K.RESOLVE,), kinds=frozenset({RequestKind.COMPLAINT}),
        severities=frozenset({Severity.SERIOUS}), valid_only=True, undone_by_reopen=True,
    ),
    TimeLimit(
        "utility_fault_handled", "电梯、供电、供水一般故障处理", LimitSpan(30, SpanUnit.MINUTES),
        (_K.HANDLE, _K.RESOLVE), kinds=frozenset({RequestKind.REPAIR}),
        faults=frozenset({FaultKind.LIFT, FaultKind.POWER, FaultKind.WATER}),
        valid_only=True, undone_by_reopen=True,
    ),
    TimeLimit(
        "lighting_fault_repaired", "公共照明一般故障修复", LimitSpan(8, SpanUnit.HOURS),
        (_K.HANDLE, _K.RESOLVE), kinds=frozenset({RequestKind.REPAIR}),
        faults=frozenset({FaultKind.LIGHTING}), valid_only=True, undone_by_reopen=True,
    ),
    TimeLimit(
        "lighting_complex_repaired", "公共照明复杂故障修复", LimitSpan(48, SpanUnit.HOURS),
        (_K.HANDLE, _K.RESOLVE), kinds=frozenset({RequestKind.REPAIR}),
        faults=frozenset({FaultKind.LIGHTING_COMPLEX}), valid_only=True, undone_by_reopen=True,
    ),
    TimeLimit(
        "hotline_response", "客服热线响应（管家式标准）", LimitSpan(15, SpanUnit.MINUTES),
        _RESPONSE_STEPS, sources=frozenset({RequestSource.PHONE, RequestSource.WECHAT}),
    ),
)


def limits_from_settings(
    overrides: Mapping[str, str | LimitSpan | None],
    base: Iterable[TimeLimit] = DEFAULT_LIMITS,
) -> tuple[TimeLimit, ...]:
    """The limits with the office's durations: key → "4小时" / LimitSpan, or "关闭"/None to switch off."""
    limits = {limit.key: limit for limit in base}
    for key, value in overrides.items():
        if key not in limits:
            raise BadInput(f"设置里有未知的时限项目“{key}”，请删去或改正。", field=key)
        limit = limits[key]
        if value is None or (isinstance(value, str) and value.strip().lower() in _OFF_WORDS):
            span = None
        elif isinstance(value, LimitSpan):
            span = parse_span(value.label, field=key)  # same bounds as typed text
        else:
            try:
                span = parse_span(value, field=key)
            except BadInput as exc:
                raise BadInput(f"“{limit.label}”的时限：{exc.message}", field=key) from None
        limits[key] = replace(limit, span=span)
    return tuple(limits.values())


def settings_from_limits(limits: Iterable[TimeLimit]) -> dict[str, str]:
    """key → duration text, as the settings store keeps it ("关闭" for a switched-off limit)."""
    return {limit.key: limit.span.label if limit.span else "关闭" for limit in limits}


# -- deadlines of one request ---------------------------------------------------


class DeadlineState(LabelledEnum):
    MET = ("met", "按时完成")
    MET_LATE = ("met_late", "超时完成")
    OPEN = ("open", "进行中")
    OVERDUE = ("overdue", "已超时")

    @classmethod
    def kind_label(cls) -> str:
        return "时限状态"


@dataclass(frozen=True)
class Deadline:
    key: str
    label: str
    span: LimitSpan
    due_at: datetime
    met_at: datetime | None
    state: DeadlineState

    @property
    def is_met(self) -> bool:
        return self.met_at is not None

    @property
    def missed(self) -> bool:
        return self.state in (DeadlineState.MET_LATE, DeadlineState.OVERDUE)


def deadlines(
    kind: RequestKind,
    severity: Severity | None,
    urgent: bool,
    received_at: datetime,
    steps: Iterable[Step],
    calendar: WorkCalendar,
    limits: Iterable[TimeLimit] = DEFAULT_LIMITS,
    *,
    now: datetime,
    fault: FaultKind | None = None,
    source: RequestSource | None = None,
) -> list[Deadline]:
    """Every limit that applies to the request, with due time, when it was met and its state at ``now``.

    Clocks start at ``received_at``. ``severity`` None takes the latest judgement in
    ``steps``; validity always comes from the latest CLASSIFY step. The list is in
    due order.
    """
    if received_at.tzinfo is None or now.tzinfo is None:
        raise ValueError("received_at and now must be timezone-aware")
    ordered = sorted(steps, key=lambda step: step.at)
    judgements = [step for step in ordered if step.kind is StepKind.CLASSIFY]
    valid = judgements[-1].valid if judgements else None
    if severity is None and judgements:
        severity = judgements[-1].severity
    result = []
    for limit in limits:
        if not limit.applies(kind, severity, urgent, fault, source, valid):
            continue
        assert limit.span is not None  # applies() is False for switched-off limits
        met_at: datetime | None = None
        for step in ordered:
            if step.kind is StepKind.REOPEN and limit.undone_by_reopen:
                met_at = None
            elif met_at is None and limit.stops(step):
                met_at = step.at
        due_at = limit.span.due(received_at, calendar)
        if met_at is not None:
            state = DeadlineState.MET if met_at <= due_at else DeadlineState.MET_LATE
        else:
            state = DeadlineState.OVERDUE if now > due_at else DeadlineState.OPEN
        result.append(Deadline(limit.key, limit.label, limit.span, due_at, met_at, state))
    result.sort(key=lambda deadline: deadline.due_at)
    return result


def next_deadline(items: Iterable[Deadline]) -> Deadline | None:
    """The unmet deadline due first (an overdue one comes before any still open), or None."""
    unmet = [deadline for deadline in items if deadline.met_at is None]
    return min(unmet, key=lambda deadline: deadline.due_at, default=None)


def time_left(deadline: Deadline, now: datetime) -> timedelta:
    """Time to the due moment, negative when overdue; for a met deadline, the margin it was met by."""
    reference = deadline.met_at if deadline.met_at is not None else now
    return deadline.due_at - reference


def _duration_text(td: timedelta) -> str:
    minutes = int(td.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{mins}分" if mins else f"{hours}小时"
    if mins:
        return f"{mins}分钟"
    return "不到1分钟"


def format_time_left(td: timedelta) -> str:
    """ "剩 3小时20分", "超时 1天2小时", "剩 不到1分钟"; whole minutes, rounded towards zero."""
    if td >= timedelta(0):
        return f"剩 {_duration_text(td)}"
    return f"超时 {_duration_text(-td)}"


def format_deadline(deadline: Deadline, now: datetime, calendar: WorkCalendar) -> str:
    """What the list shows for a deadline: its outcome when met, else the time left.

    Working-day limits with more than the current day to go read "剩 2个工作日".
    """
    if deadline.state is DeadlineState.MET:
        return "按时完成"
    if deadline.state is DeadlineState.MET_LATE:
        return f"超时 {_duration_text(-time_left(deadline, now))} 完成"
    if deadline.state is DeadlineState.OPEN and deadline.span.unit is SpanUnit.WORKDAYS:
        days = calendar.workdays_between(now, deadline.due_at)
        if days >= 1:
            return f"剩 {days}个工作日"
    return format_time_left(time_left(deadline, now))
