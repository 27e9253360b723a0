"""Plain dataclasses the request service hands out, and the Chinese wording of a request for screen and paper."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from butler_desk.domain.requests import (
    FaultKind,
    RequestKind,
    RequestSource,
    RequestState,
    Satisfaction,
    Severity,
    Step,
    StepKind,
)
from butler_desk.domain.sla import DeadlineState

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".heic"})


# -- what the screens ask for -----------------------------------------------------


@dataclass(frozen=True)
class RequestFilter:
    """The list's filters; dates are local (北京时间) days, both ends included."""

    kind: RequestKind | None = None
    state: RequestState | None = None
    department: str | None = None
    overdue_only: bool = False
    date_from: date | None = None
    date_to: date | None = None
    cluster_id: int | None = None
    query: str = ""  # number, room code, name, pinyin initials, phone digits or words of the text
    awaiting_visit: bool = False
    open_only: bool = False


@dataclass
class IntakeInput:
    """A request as the desk takes it down (quick intake of a phone call); the service checks it.

    A unit, a public-area text ("3栋大堂") or both say where; ``party_id`` is who called,
    or ``contact_name``/``contact_phone`` for a caller not in the ledger. Enum fields take
    the member or its Chinese label.
    """

    unit_id: int | None
    party_id: int | None
    area_text: str
    kind: RequestKind | str
    source: RequestSource | str
    description: str
    urgent: bool = False  # 急修, repairs only
    fault: FaultKind | str | None = None  # repairs with their own time limit
    received_at: datetime | None = None  # now when None; a naive time is 北京时间
    contact_name: str = ""
    contact_phone: str = ""
    cluster_id: int | None = None  # for a public area the text does not place


@dataclass
class StepInput:
    """One step as the dialog submits it; which fields a kind needs is checked by the lifecycle rules."""

    kind: StepKind | str
    at: datetime | None = None  # now when None; a naive time is 北京时间
    note: str = ""
    on_site: bool | None = None
    valid: bool | None = None
    invalid_reason: str = ""
    severity: Severity | str | None = None
    department: str | None = None
    assignee: str | None = None
    satisfaction: Satisfaction | str | None = None
    resident_words: str = ""
    attitude: Satisfaction | str | None = None
    quality: Satisfaction | str | None = None
    manners: Satisfaction | str | None = None
    resident_signed: bool | None = None


# -- what the service answers ------------------------------------------------------


@dataclass(slots=True)
class RequestRow:
    """One line of the request list (slots: a page holds up to a few thousand)."""

    id: int
    number: str
    kind: RequestKind
    kind_label: str  # "报修（急修）" for an urgent repair
    state: RequestState
    state_label: str
    unit_id: int | None
    unit_code: str
    party_id: int | None
    party_name: str  # the ledger party, else the caller's own name
    area_text: str
    summary: str
    received_at: datetime  # 北京时间
    department: str
    cluster: str
    deadline_key: str  # the time limit's key ("complaint_feedback"), "" when none is pending
    deadline_name: str  # "" when no deadline is pending
    deadline_text: str  # "剩 3小时20分" / "超时 1天2小时" / "剩 2个工作日"
    due_at: datetime | None
    overdue: bool
    urgent: bool
    severity: Severity | None
    valid: bool | None
    resolved_at: datetime | None
    source: RequestSource

    @property
    def location(self) -> str:
        if self.unit_code and self.area_text:
            return f"{self.unit_code}（{self.area_text}）"
        return self.unit_code or self.area_text

    @property
    def deadline_label(self) -> str:
        return f"{self.deadline_name}：{self.deadline_text}" if self.deadline_name else ""

    @property
    def severity_label(self) -> str:
        return self.severity.label if self.severity else ""


@dataclass(frozen=True)
class RequestList:
    """A page of the list, newest first, and how many requests match in all.

    Decision: a page holds at most ``limit`` rows (2,000 by default); the screen shows
    "显示最新 2000 条，共 N 条" and narrows with filters or pages on with ``offset``.
    """

    rows: list[RequestRow]
    total: int
    offset: int
    limit: int

    @property
    def truncated(self) -> bool:
        return self.offset + len(self.rows) < self.total


@dataclass(frozen=True)
class RequestCounts:
    open: int
    overdue: int
    awaiting_visit: int


@dataclass(frozen=True)
class ReturnVisitItem:
    row: RequestRow
    due_at: datetime  # 北京时间
    overdue: bool


@dataclass(frozen=True)
class TimelineEntry:
    step_id: int
    kind: StepKind
    kind_label: str
    at: datetime  # 北京时间
    operator: str
    recorded_at: datetime
    text: str  # the step in one Chinese sentence
    note: str
    step: Step


@dataclass(frozen=True)
class DeadlineView:
    key: str
    name: str  # "一般投诉解决"
    title: str  # "一般投诉解决（8小时内）"
    due_at: datetime  # 北京时间
    met_at: datetime | None
    state: DeadlineState
    text: str  # format_deadline: "按时完成", "剩 2小时", "超时 3小时 完成"…

    @property
    def overdue(self) -> bool:
        return self.state is DeadlineState.OVERDUE

    @property
    def missed(self) -> bool:
        return self.state in (DeadlineState.OVERDUE, DeadlineState.MET_LATE)


@dataclass(frozen=True)
class StepChoice:
    kind: StepKind
    label: str


@dataclass(frozen=True)
class AttachmentView:
    attachment_id: int
    file_name: str
    path: Path  # where to open it
    size_bytes: int
    note: str
    added_at: datetime  # 北京时间
    added_by: str

    @property
    def is_image(self) -> bool:
        return self.path.suffix.lower() in IMAGE_SUFFIXES

    @property
    def exists(self) -> bool:
        return self.path.exists()


@dataclass(frozen=True)
class RequestDetail:
    id: int
    number: str
    kind: RequestKind
    kind_label: str
    source: RequestSource
    urgent: bool
    fault: FaultKind | None
    unit_id: int | None
    unit_code: str
    unit_display: str  # "3栋2单元1201"
    cluster: str
    party_id: int | None
    party_name: str
    phone_masked: str
    contact_name: str
    area_text: str
    description: str
    received_at: datetime  # 北京时间
    received_by: str
    state: RequestState
    valid: bool | None
    invalid_reason: str
    severity: Severity | None
    department: str
    assignee: str
    satisfaction: Satisfaction | None
    resident_signed: bool | None
    reopen_count: int
    contacted_at: datetime | None
    first_feedback_at: datetime | None
    handled_at: datetime | None
    resolved_at: datetime | None
    visited_at: datetime | None
    closed_at: datetime | None
    timeline: tuple[TimelineEntry, ...]
    deadlines: tuple[DeadlineView, ...]
    next_deadline: DeadlineView | None
    allowed_steps: tuple[StepChoice, ...]
    attachments: tuple[AttachmentView, ...]
    calendar_notice: str | None  # said on screen when working days fall back to Mon–Fri

    @property
    def location(self) -> str:
        if self.unit_display and self.area_text:
            return f"{self.unit_display}（{self.area_text}）"
        return self.unit_display or self.area_text

    @property
    def who(self) -> str:
        return self.party_name or self.contact_name


# -- wording -----------------------------------------------------------------------


def kind_label(kind: RequestKind, urgent: bool) -> str:
    return f"{kind.label}（急修）" if urgent else kind.label


def validity_label(kind: RequestKind, valid: bool | None) -> str:
    if valid is None:
        return ""
    word = "有效" if valid else "无效"
    return f"{word}投诉" if kind is RequestKind.COMPLAINT else word


def describe_step(step: Step) -> str:
    """The step in one Chinese sentence, as the timeline and the printed forms show it."""
    note = step.note.strip()
    tail = f"：{note}" if note else ""
    match step.kind:
        case StepKind.CONTACT:
            return ("到达现场" if step.on_site else "电话联系") + tail
        case StepKind.CLASSIFY:
            if step.valid is False:
                return f"判定为无效：{step.invalid_reason.strip()}"
            grade = f"（{step.severity.label}投诉）" if step.severity else ""
            return f"判定为有效{grade}" + tail
        case StepKind.ASSIGN:
            return f"派单至{step.department}，责任人{step.assignee}" + tail
        case StepKind.HANDLE:
            where = f"（{step.department}）" if step.department else ""
            return f"处理结果{where}：{note}"
        case StepKind.FEEDBACK:
            return f"反馈业户：{note}"
        case StepKind.RESOLVE:
            return "确认已解决" + tail
        case StepKind.VISIT:
            parts = [f"回访：{step.satisfaction.label if step.satisfaction else ''}"]
            if step.attitude and step.quality and step.manners:
                parts.append(f"态度{step.attitude.label}、质量{step.quality.label}、礼节{step.manners.label}")
            if step.resident_words.strip():
                parts.append(f"业户意见：{step.resident_words.strip()}")
            return "；".join(parts)
        case StepKind.CLOSE:
            signed = {True: "，业户已签字确认", False: "，业户未签字"}.get(step.resident_signed, "")  # type: ignore[arg-type]
            return f"关闭{signed}" + tail
        case StepKind.REOPEN:
            return f"重新打开：{note}"
        case _:
            return f"跟进：{note}"


def paper_time(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else ""


# The 投诉记录表's "投诉方式" and the 派工单's "维修类别" have their own printed choices.
_CHANNEL = {
    RequestSource.PHONE: "来电", RequestSource.VISIT: "来访", RequestSource.WECHAT: "网络",
    RequestSource.PATROL: "其他", RequestSource.OTHER: "其他",
}
_REPAIR_CATEGORY = {
    FaultKind.WATER: "水", FaultKind.POWER: "电", FaultKind.LIFT: "公共设施",
    FaultKind.LIGHTING: "公共设施", FaultKind.LIGHTING_COMPLEX: "公共设施", FaultKind.OTHER: "其他",
}


def _texts(detail: RequestDetail, *kinds: StepKind) -> str:
    lines = [f"{paper_time(e.at)} {e.text}" for e in detail.timeline if e.kind in kinds]
    return "\n".join(lines)


def paper_fields(detail: RequestDetail, phone: str) -> dict[str, str]:
    """Every value a printed form or register line may ask for, as Chinese text.

    Keys in two spellings: the service's (number, unit, party, valid, assignee, visit…)
    and those the form definitions in forms/*.toml use (code, room, complainant,
    reporter, channel, validity, responsible, worker, visit_opinion…). ``phone`` is
    passed in masked unless the caller revealed it.
    """
    visits = [e for e in detail.timeline if e.kind is StepKind.VISIT]
    last_visit = visits[-1] if visits else None
    on_site = [e.at for e in detail.timeline if e.kind is StepKind.CONTACT and e.step.on_site]
    handled = [e.step.note.strip() for e in detail.timeline if e.kind is StepKind.HANDLE]
    feedback = [e.step.note.strip() for e in detail.timeline if e.kind is StepKind.FEEDBACK]
    finished = detail.resolved_at or detail.handled_at
    final_due = max((d.due_at for d in detail.deadlines), default=None)
    satisfaction = detail.satisfaction.label if detail.satisfaction else ""
    visit_words = last_visit.step.resident_words.strip() if last_visit else ""
    signed = {True: "已签字", False: "未签字"}.get(detail.resident_signed, "")  # type: ignore[arg-type]
    severity = f"{detail.severity.label}投诉" if detail.severity else ""
    fields = {
        "number": detail.number,
        "received_at": paper_time(detail.received_at),
        "source": detail.source.label,
        "unit": detail.location,
        "party": detail.who,
        "phone": phone,
        "kind": detail.kind_label,
        "severity": severity,
        "valid": validity_label(detail.kind, detail.valid),
        "invalid_reason": detail.invalid_reason,
        "content": detail.description,
        "department": detail.department,
        "assignee": detail.assignee,
        "handling": _texts(detail, StepKind.CONTACT, StepKind.CLASSIFY, StepKind.ASSIGN, StepKind.FOLLOW_UP,
                           StepKind.REOPEN),
        "result": "\n".join(n for n in handled if n),
        "feedback": "\n".join(n for n in feedback if n),
        "visit": last_visit.text if last_visit else "",
        "visited_at": paper_time(detail.visited_at or (last_visit.at if last_visit else None)),
        "visitor": last_visit.operator if last_visit else "",
        "satisfaction": satisfaction,
        "signed": signed,
        "operator": detail.received_by,
        "state": detail.state.label,
        "deadline": paper_time(final_due),
        "finished_at": paper_time(finished),
        "closed_at": paper_time(detail.closed_at),
        "urgency": ("急修" if detail.urgent else "一般") if detail.kind is RequestKind.REPAIR else "",
        "fault": detail.fault.label if detail.fault else "",
    }
    fields.update(
        code=detail.number,
        room=detail.location,
        complainant=detail.who,
        reporter=detail.who,
        channel=_CHANNEL[detail.source],
        category=(_REPAIR_CATEGORY[detail.fault] if detail.fault else "")
        if detail.kind is RequestKind.REPAIR else detail.kind.label,
        validity=fields["valid"],
        responded_at=paper_time(detail.contacted_at),
        arrived_at=paper_time(on_site[0] if on_site else None),
        responsible=detail.assignee,
        worker=detail.assignee,
        handler=detail.received_by,
        visit_opinion=visit_words,
        visit_result=f"{satisfaction}：{visit_words}" if satisfaction and visit_words else satisfaction,
        charge="有偿" if detail.kind is RequestKind.SPECIAL_SERVICE else "",
        appointment="",
        hours="",
    )
    return fields
