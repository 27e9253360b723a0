"""Service requests (投诉/报修/咨询…): their vocabularies, numbers and the lifecycle rules."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from butler_desk.domain.enums import LabelledEnum
from butler_desk.domain.errors import BadInput
from butler_desk.domain.text import clean_text


class RequestKind(LabelledEnum):
    COMPLAINT = ("complaint", "投诉")
    REPAIR = ("repair", "报修", "维修", "报事报修", "急修")
    ENQUIRY = ("enquiry", "咨询", "问询")
    SPECIAL_SERVICE = ("special_service", "特约服务", "特约")
    RECTIFICATION = ("rectification", "工程整改", "整改")

    @classmethod
    def kind_label(cls) -> str:
        return "工单类型"


class RequestSource(LabelledEnum):
    PHONE = ("phone", "电话", "热线", "来电")
    VISIT = ("visit", "来访", "上门")
    PATROL = ("patrol", "巡查发现", "巡查")
    WECHAT = ("wechat", "微信")
    OTHER = ("other", "其他", "其它")

    @classmethod
    def kind_label(cls) -> str:
        return "来源"


class Severity(LabelledEnum):
    GENERAL = ("general", "一般", "一般投诉")
    SERIOUS = ("serious", "严重", "严重投诉")

    @classmethod
    def kind_label(cls) -> str:
        return "投诉等级"


class Satisfaction(LabelledEnum):
    SATISFIED = ("satisfied", "满意", "非常满意")
    FAIRLY = ("fairly", "基本满意", "较满意", "比较满意")
    UNSATISFIED = ("unsatisfied", "不满意")

    @classmethod
    def kind_label(cls) -> str:
        return "满意度"


class FaultKind(LabelledEnum):
    """Repair categories that carry their own time limit (seed: 共用设施设备管理服务)."""

    LIFT = ("lift", "电梯故障", "电梯")
    POWER = ("power", "供电故障", "停电")
    WATER = ("water", "供水故障", "停水")
    LIGHTING = ("lighting", "公共照明一般故障", "公共照明")
    LIGHTING_COMPLEX = ("lighting_complex", "公共照明复杂故障")
    OTHER = ("other", "其他", "其它")

    @classmethod
    def kind_label(cls) -> str:
        return "故障类别"


DEFAULT_DEPARTMENTS: tuple[str, ...] = ("安防部", "工程维修部", "保洁", "绿化", "财务", "客服中心")


def check_department(name: str, departments: Iterable[str] = DEFAULT_DEPARTMENTS) -> str:
    """The department name cleaned, or BadInput when it is not in the office's list."""
    cleaned = (name or "").strip()
    known = tuple(departments)
    if cleaned not in known:
        raise BadInput(
            f"没有“{cleaned}”这个部门，请从列表中选择：{'、'.join(known)}；"
            "新部门请先在设置中添加。",
            field="department",
        )
    return cleaned


# -- request numbers -------------------------------------------------------------

_NUMBER_PREFIX = {
    RequestKind.COMPLAINT: "TS",
    RequestKind.REPAIR: "BX",
    RequestKind.ENQUIRY: "ZX",
    RequestKind.SPECIAL_SERVICE: "TY",
    RequestKind.RECTIFICATION: "ZG",
}
_KIND_OF_PREFIX = {prefix: kind for kind, prefix in _NUMBER_PREFIX.items()}
_NUMBER_PATTERN = re.compile(r"^([A-Z]{2})-(\d{4})-(\d{6})$")
MAX_SEQUENCE = 999_999


def request_number(kind: RequestKind, year: int, seq: int) -> str:
    """The printed number of a request, e.g. TS-2026-000123; seq restarts every year per kind."""
    if not 1000 <= year <= 9999:
        raise ValueError(f"year out of range: {year}")
    if not 1 <= seq <= MAX_SEQUENCE:
        raise ValueError(f"sequence out of range: {seq}")
    return f"{_NUMBER_PREFIX[kind]}-{year:04d}-{seq:06d}"


def parse_request_number(text: str) -> tuple[RequestKind, int, int]:
    """(kind, year, seq) of a number like TS-2026-000123; case and spaces are forgiven."""
    cleaned = clean_text(text).replace(" ", "").replace("—", "-").upper()
    match = _NUMBER_PATTERN.match(cleaned)
    if not match or match.group(1) not in _KIND_OF_PREFIX:
        prefixes = "、".join(f"{p}（{k.label}）" for k, p in _NUMBER_PREFIX.items())
        raise BadInput(
            f"工单编号“{text}”格式不对，应如 TS-2026-000123；开头可以是 {prefixes}。",
            field="number",
        )
    seq = int(match.group(3))
    if seq == 0:
        raise BadInput(f"工单编号“{text}”的序号不能为 000000。", field="number")
    return _KIND_OF_PREFIX[match.group(1)], int(match.group(2)), seq


# -- lifecycle -------------------------------------------------------------------


class RequestState(LabelledEnum):
    RECEIVED = ("received", "已受理")
    CONTACTED = ("contacted", "已联系/到场")
    CLASSIFIED = ("classified", "已定性")
    ASSIGNED = ("assigned", "已派单")
    HANDLED = ("handled", "已处理")
    FEEDBACK_GIVEN = ("feedback_given", "已反馈")
    RESOLVED = ("resolved", "已解决")
    VISITED = ("visited", "已回访")
    CLOSED = ("closed", "已关闭")
    REOPENED = ("reopened", "重新处理中")

    @classmethod
    def kind_label(cls) -> str:
        return "工单状态"

    @property
    def is_open(self) -> bool:
        return self is not RequestState.CLOSED


class StepKind(LabelledEnum):
    CONTACT = ("contact", "联系/到场")
    CLASSIFY = ("classify", "定性")
    ASSIGN = ("assign", "派单")
    HANDLE = ("handle", "处理结果")
    FEEDBACK = ("feedback", "反馈业户")
    RESOLVE = ("resolve", "解决")
    VISIT = ("visit", "回访")
    CLOSE = ("close", "关闭")
    REOPEN = ("reopen", "重新打开")
    FOLLOW_UP = ("follow_up", "跟进记录", "跟进")

    @classmethod
    def kind_label(cls) -> str:
        return "办理步骤"


@dataclass(frozen=True)
class Step:
    """One thing done on a request, as recorded; the fields a step kind needs are checked by apply_step.

    CONTACT: on_site (True 到场 / False 电话). CLASSIFY: valid, invalid_reason when
    invalid, severity for valid complaints. ASSIGN: department, assignee. HANDLE: note
    (the department's result), department optional. FEEDBACK: note (what the resident
    was told). VISIT: satisfaction, resident_words, and for repairs attitude/quality/
    manners. CLOSE: resident_signed for complaints (投诉记录表). REOPEN, FOLLOW_UP: note.
    """

    kind: StepKind
    at: datetime
    operator: str
    note: str = ""
    on_site: bool | None = None
    valid: bool | None = None
    invalid_reason: str = ""
    severity: Severity | None = None
    department: str | None = None
    assignee: str | None = None
    satisfaction: Satisfaction | None = None
    resident_words: str = ""
    attitude: Satisfaction | None = None
    quality: Satisfaction | None = None
    manners: Satisfaction | None = None
    resident_signed: bool | None = None


_S = RequestState
_K = StepKind
_BEFORE_FEEDBACK = (_S.CLASSIFIED, _S.ASSIGNED, _S.HANDLED, _S.REOPENED)

# What may follow each state while the request is valid or not yet judged.
# Complaints follow seed §五 strictly: contact first, then judge, then dispatch.
_COMPLAINT_FLOW: dict[RequestState, tuple[StepKind, ...]] = {
    _S.RECEIVED: (_K.CONTACT,),
    _S.CONTACTED: (_K.CLASSIFY, _K.FEEDBACK),
    _S.CLASSIFIED: (_K.ASSIGN, _K.HANDLE, _K.CLASSIFY, _K.FEEDBACK),
    _S.ASSIGNED: (_K.HANDLE, _K.ASSIGN, _K.CLASSIFY, _K.CONTACT, _K.FEEDBACK),
    _S.HANDLED: (_K.FEEDBACK, _K.ASSIGN, _K.CLASSIFY),
    _S.FEEDBACK_GIVEN: (_K.RESOLVE, _K.ASSIGN),
    _S.RESOLVED: (_K.VISIT, _K.CLOSE, _K.REOPEN),
    _S.VISITED: (_K.CLOSE, _K.REOPEN),
    _S.CLOSED: (_K.REOPEN,),
    _S.REOPENED: (_K.CLASSIFY, _K.ASSIGN, _K.CONTACT, _K.FEEDBACK),
}
# Other kinds may be dispatched straight away (a repair goes to 工程部 before anyone
# is on site), and judging valid/invalid is optional for them.
_OTHER_FLOW: dict[RequestState, tuple[StepKind, ...]] = {
    **_COMPLAINT_FLOW,
    _S.RECEIVED: (_K.CONTACT, _K.CLASSIFY, _K.ASSIGN, _K.FEEDBACK),
    _S.CONTACTED: (_K.CLASSIFY, _K.ASSIGN, _K.FEEDBACK),
    _S.CLASSIFIED: (_K.ASSIGN, _K.HANDLE, _K.CLASSIFY, _K.CONTACT, _K.FEEDBACK),
}
# An enquiry is often answered on the spot by the butler.
_ENQUIRY_FLOW: dict[RequestState, tuple[StepKind, ...]] = {
    **_OTHER_FLOW,
    _S.RECEIVED: (_K.CONTACT, _K.CLASSIFY, _K.ASSIGN, _K.HANDLE, _K.FEEDBACK, _K.RESOLVE),
    _S.CONTACTED: (_K.CLASSIFY, _K.ASSIGN, _K.HANDLE, _K.FEEDBACK, _K.RESOLVE),
    _S.CLASSIFIED: (*_OTHER_FLOW[_S.CLASSIFIED], _K.RESOLVE),
}
# Judged invalid: no dispatch or resolution; tell the resident and close, or re-judge.
_INVALID_FLOW: dict[RequestState, tuple[StepKind, ...]] = {
    **{state: (_K.FEEDBACK, _K.CLOSE, _K.CLASSIFY) for state in _BEFORE_FEEDBACK},
    _S.FEEDBACK_GIVEN: (_K.CLOSE, _K.CLASSIFY),
    _S.CLOSED: (_K.REOPEN,),
}

_STEP_TARGET = {
    _K.CONTACT: _S.CONTACTED,
    _K.CLASSIFY: _S.CLASSIFIED,
    _K.ASSIGN: _S.ASSIGNED,
    _K.HANDLE: _S.HANDLED,
    _K.FEEDBACK: _S.FEEDBACK_GIVEN,
    _K.RESOLVE: _S.RESOLVED,
    _K.VISIT: _S.VISITED,
    _K.CLOSE: _S.CLOSED,
    _K.REOPEN: _S.REOPENED,
}


def allowed_next_steps(
    state: RequestState, kind: RequestKind, valid: bool | None = None
) -> list[StepKind]:
    """The steps that may be recorded next; ``valid`` is the latest judgement (None: not judged)."""
    if valid is False and state in _INVALID_FLOW:
        steps = list(_INVALID_FLOW[state])
    elif kind is RequestKind.COMPLAINT:
        steps = list(_COMPLAINT_FLOW[state])
    elif kind is RequestKind.ENQUIRY:
        steps = list(_ENQUIRY_FLOW[state])
    else:
        steps = list(_OTHER_FLOW[state])
    if state.is_open:
        steps.append(StepKind.FOLLOW_UP)
    return steps


def _state_after(state: RequestState, step: StepKind, valid: bool | None) -> RequestState:
    if step is StepKind.FOLLOW_UP:
        return state
    if step is StepKind.CONTACT and state is not RequestState.RECEIVED:
        return state  # a further call or visit; the request does not go back
    if step is StepKind.CLASSIFY and state in (_S.ASSIGNED, _S.HANDLED) and valid is not False:
        return state  # re-judged while in hand, e.g. upgraded to 严重
    if step is StepKind.FEEDBACK and valid is not False and state is not _S.HANDLED:
        return state  # progress told before the work is done: the 4-hour feedback often comes first
    return _STEP_TARGET[step]


@dataclass(frozen=True)
class RequestProgress:
    """Where a request stands, folded from its steps; the steps themselves are the history."""

    kind: RequestKind
    received_at: datetime
    state: RequestState = RequestState.RECEIVED
    valid: bool | None = None
    invalid_reason: str = ""
    severity: Severity | None = None
    department: str | None = None
    assignee: str | None = None
    contacted_at: datetime | None = None
    first_feedback_at: datetime | None = None
    handled_at: datetime | None = None
    resolved_at: datetime | None = None
    visited_at: datetime | None = None
    closed_at: datetime | None = None
    satisfaction: Satisfaction | None = None
    resident_signed: bool | None = None
    reopen_count: int = 0
    last_step_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.state.is_open

    def next_steps(self) -> list[StepKind]:
        return allowed_next_steps(self.state, self.kind, self.valid)


def start_request(kind: RequestKind, received_at: datetime) -> RequestProgress:
    """A newly received request."""
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    return RequestProgress(kind=kind, received_at=received_at)


def _required_text(value: str | None, what: str, field: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise BadInput(f"请填写{what}。", field=field)
    return cleaned


def _check_fields(progress: RequestProgress, step: Step) -> None:
    kind = progress.kind
    if step.kind is StepKind.CONTACT and step.on_site is None:
        raise BadInput("请选择是到达现场还是电话联系。", field="on_site")
    if step.kind is StepKind.CLASSIFY:
        if step.valid is None:
            raise BadInput("请判定是有效还是无效。", field="valid")
        if step.valid is False:
            _required_text(step.invalid_reason, "判定无效的理由", "invalid_reason")
        elif kind is RequestKind.COMPLAINT and step.severity is None:
            raise BadInput("有效投诉请选择一般投诉或严重投诉。", field="severity")
        if step.severity is not None and kind is not RequestKind.COMPLAINT:
            raise BadInput("只有投诉需要区分一般/严重，请不要为其他工单选择。", field="severity")
    if step.kind is StepKind.ASSIGN:
        _required_text(step.department, "责任部门", "department")
        _required_text(step.assignee, "责任人", "assignee")
    if step.kind is StepKind.HANDLE:
        _required_text(step.note, "部门的处理结果", "note")
    if step.kind is StepKind.FEEDBACK:
        _required_text(step.note, "向业户反馈的内容", "note")
    if step.kind in (StepKind.REOPEN, StepKind.FOLLOW_UP):
        what = "重新打开的原因" if step.kind is StepKind.REOPEN else "跟进内容"
        _required_text(step.note, what, "note")
    if step.kind is StepKind.VISIT:
        if step.satisfaction is None:
            raise BadInput("请选择业户的满意度。", field="satisfaction")
        ratings = (step.attitude, step.quality, step.manners)
        if kind is RequestKind.REPAIR and None in ratings:
            raise BadInput("报修回访请分别评价维修人员的态度、质量和礼节。", field="attitude")
    if step.kind is StepKind.CLOSE:
        if kind is RequestKind.COMPLAINT and step.resident_signed is None:
            raise BadInput("请注明业户是否已在《投诉记录表》上签字。", field="resident_signed")


def _refuse(progress: RequestProgress, step: Step) -> BadInput:
    state, label = progress.state, step.kind.label
    if state is RequestState.CLOSED:
        return BadInput("该工单已关闭，请先重新打开。", field="kind")
    if progress.valid is False and step.kind in (StepKind.ASSIGN, StepKind.HANDLE, StepKind.RESOLVE):
        return BadInput(
            f"该工单已判定为无效，不能“{label}”；可直接反馈业户后关闭，或重新定性为有效。",
            field="kind",
        )
    if step.kind is StepKind.REOPEN:
        return BadInput("只有已解决、已回访或已关闭的工单才能重新打开。", field="kind")
    if step.kind is StepKind.VISIT and state is RequestState.VISITED:
        return BadInput("该工单已经回访过；如业户仍不满意，请重新打开。", field="kind")
    choices = "、".join(f"“{s.label}”" for s in progress.next_steps())
    return BadInput(
        f"工单当前为“{state.label}”，不能“{label}”，现在可以：{choices}。", field="kind"
    )


def apply_step(progress: RequestProgress, step: Step) -> RequestProgress:
    """The request after ``step``; BadInput in Chinese when the step is impossible or incomplete."""
    if step.kind not in progress.next_steps():
        raise _refuse(progress, step)
    if step.at.tzinfo is None:
        raise ValueError("step.at must be timezone-aware")
    _required_text(step.operator, "经办人", "operator")
    if step.at < progress.received_at:
        raise BadInput("办理时间不能早于受理时间，请检查时间。", field="at")
    if progress.last_step_at is not None and step.at < progress.last_step_at:
        raise BadInput("办理时间不能早于上一步的时间，请按先后顺序登记。", field="at")
    _check_fields(progress, step)

    changes: dict[str, object] = {"last_step_at": step.at}
    valid = progress.valid
    match step.kind:
        case StepKind.CONTACT:
            if progress.contacted_at is None:
                changes["contacted_at"] = step.at
        case StepKind.CLASSIFY:
            valid = step.valid
            changes["valid"] = step.valid
            changes["invalid_reason"] = "" if step.valid else step.invalid_reason.strip()
            changes["severity"] = step.severity if step.valid else None
        case StepKind.ASSIGN:
            changes["department"] = (step.department or "").strip()
            changes["assignee"] = (step.assignee or "").strip()
        case StepKind.HANDLE:
            changes["handled_at"] = step.at
            if step.department:
                changes["department"] = step.department.strip()
        case StepKind.FEEDBACK:
            if progress.first_feedback_at is None:
                changes["first_feedback_at"] = step.at
        case StepKind.RESOLVE:
            changes["resolved_at"] = step.at
        case StepKind.VISIT:
            changes["visited_at"] = step.at
            changes["satisfaction"] = step.satisfaction
        case StepKind.CLOSE:
            changes["closed_at"] = step.at
            changes["resident_signed"] = step.resident_signed
        case StepKind.REOPEN:
            # The earlier outcome stays in the steps; the request must earn it again.
            changes.update(
                reopen_count=progress.reopen_count + 1,
                handled_at=None,
                resolved_at=None,
                visited_at=None,
                closed_at=None,
                satisfaction=None,
                resident_signed=None,
            )
    changes["state"] = _state_after(progress.state, step.kind, valid)
    return replace(progress, **changes)  # type: ignore[arg-type]


def replay(kind: RequestKind, received_at: datetime, steps: Iterable[Step]) -> RequestProgress:
    """The progress after recording ``steps`` in order; BadInput names the first impossible one."""
    progress = start_request(kind, received_at)
    for number, step in enumerate(steps, start=1):
        try:
            progress = apply_step(progress, step)
        except BadInput as exc:
            raise BadInput(f"第{number}步（{step.kind.label}）：{exc.message}", field=exc.field) from None
    return progress
