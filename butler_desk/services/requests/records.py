"""Stored requests read back: the office's rules, rows ⇄ domain steps, cached deadlines, list and detail views.

Shared by the request service, its reports and the demo generator, so that a request
is replayed, timed and worded the same way everywhere.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from butler_desk.domain.enums import LabelledEnum
from butler_desk.domain.masking import mask_phone
from butler_desk.domain.requests import (
    FaultKind,
    RequestKind,
    RequestProgress,
    RequestSource,
    RequestState,
    Satisfaction,
    Severity,
    Step,
    StepKind,
    replay,
)
from butler_desk.domain.rooms import RoomCode
from butler_desk.domain.sla import (
    Deadline,
    DeadlineState,
    TimeLimit,
    deadlines,
    format_deadline,
    format_time_left,
    limits_from_settings,
    next_deadline,
)
from butler_desk.domain.workdays import CHINA_TZ, PACKAGE_YEARS, WorkCalendar
from butler_desk.services import settings as cfg
from butler_desk.services.requests.views import (
    AttachmentView,
    DeadlineView,
    RequestDetail,
    RequestRow,
    StepChoice,
    TimelineEntry,
    describe_step,
    kind_label,
)
from butler_desk.storage import repositories_requests as rq
from butler_desk.storage.models_requests import Request, RequestStep

if TYPE_CHECKING:
    from sqlalchemy import Row
    from sqlalchemy.orm import Session

    # Bulk reads hand out plain rows of the tables, which read like the ORM objects.
    StoredRequest = Request | Row
    StoredStep = RequestStep | Row

DEADLINE_BASIS_KEY = "request_deadline_basis"
# Bump when the way next_due_at is computed changes, so stored caches are redone once.
_DEADLINE_RULES_VERSION = 2  # 2: the fallback years know the statutory holidays
_E = TypeVar("_E", bound=LabelledEnum)


# -- the rules of the office, read from settings -------------------------------------


@dataclass(frozen=True)
class RequestRules:
    """Settings as the request code uses them; one instance per distinct set of values."""

    limits: tuple[TimeLimit, ...]
    limit_by_key: dict[str, TimeLimit]
    calendar: WorkCalendar
    departments: tuple[str, ...]
    visit_days: int
    visit_kinds: tuple[str, ...]
    basis: str  # fingerprint of everything next_due_at depends on


_RULES_CACHE: dict[str, RequestRules] = {}


def request_rules(session: Session) -> RequestRules:
    """The office's current rules; the parsed calendar is reused while the settings stay the same."""
    values = cfg.read_settings(session)
    key = json.dumps(values, ensure_ascii=False, sort_keys=True)
    rules = _RULES_CACHE.get(key)
    if rules is None:
        limits = limits_from_settings(values[cfg.SLA_LIMITS])
        clock = [values[cfg.SLA_LIMITS], values[cfg.OFFICE_HOLIDAYS], values[cfg.BUSINESS_START],
                 [PACKAGE_YEARS.start, PACKAGE_YEARS.stop], _DEADLINE_RULES_VERSION]
        basis = hashlib.sha1(json.dumps(clock, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
        rules = RequestRules(
            limits=limits, limit_by_key={limit.key: limit for limit in limits},
            calendar=cfg.holiday_calendar(values), departments=tuple(values[cfg.DEPARTMENTS]),
            visit_days=int(values[cfg.RETURN_VISIT_DAYS]), visit_kinds=tuple(values[cfg.RETURN_VISIT_KINDS]),
            basis=basis,
        )
        _RULES_CACHE.clear()  # settings change rarely: keep only the current set
        _RULES_CACHE[key] = rules
    return rules


# -- stored rows ⇄ domain values ---------------------------------------------------


def _member(cls: type[_E], value: str | None) -> _E | None:
    return cls(value) if value else None


def step_of(row: StoredStep) -> Step:
    return Step(
        kind=StepKind(row.kind), at=row.at, operator=row.operator, note=row.note or "", on_site=row.on_site,
        valid=row.valid, invalid_reason=row.invalid_reason or "", severity=_member(Severity, row.severity),
        department=row.department, assignee=row.assignee, satisfaction=_member(Satisfaction, row.satisfaction),
        resident_words=row.resident_words or "", attitude=_member(Satisfaction, row.attitude),
        quality=_member(Satisfaction, row.quality), manners=_member(Satisfaction, row.manners),
        resident_signed=row.resident_signed,
    )


def step_columns(step: Step) -> dict[str, Any]:
    """The request_steps columns of a step (without request_id)."""
    def value(member: LabelledEnum | None) -> str | None:
        return member.value if member is not None else None

    return dict(
        kind=step.kind.value, at=step.at, operator=step.operator, note=step.note.strip(), on_site=step.on_site,
        valid=step.valid, invalid_reason=step.invalid_reason.strip(), severity=value(step.severity),
        department=(step.department or "").strip() or None, assignee=(step.assignee or "").strip() or None,
        satisfaction=value(step.satisfaction), resident_words=step.resident_words.strip(),
        attitude=value(step.attitude), quality=value(step.quality), manners=value(step.manners),
        resident_signed=step.resident_signed,
    )


def progress_columns(progress: RequestProgress) -> dict[str, Any]:
    """The requests columns that cache a replay."""
    return dict(
        state=progress.state.value, valid=progress.valid, invalid_reason=progress.invalid_reason,
        severity=progress.severity.value if progress.severity else None, department=progress.department,
        assignee=progress.assignee, contacted_at=progress.contacted_at,
        first_feedback_at=progress.first_feedback_at, handled_at=progress.handled_at,
        resolved_at=progress.resolved_at, visited_at=progress.visited_at, closed_at=progress.closed_at,
        satisfaction=progress.satisfaction.value if progress.satisfaction else None,
        resident_signed=progress.resident_signed, reopen_count=progress.reopen_count,
        last_step_at=progress.last_step_at,
    )


def request_deadlines(req: StoredRequest, steps: Sequence[Step], rules: RequestRules, now: datetime) -> list[Deadline]:
    return deadlines(
        RequestKind(req.kind), None, req.urgent, req.received_at, steps, rules.calendar, rules.limits,
        now=now, fault=_member(FaultKind, req.fault), source=RequestSource(req.source),
    )


def next_due(state: RequestState, items: Iterable[Deadline]) -> tuple[datetime | None, str | None]:
    """(due moment, limit key) of the first unmet deadline of an open request; (None, None) otherwise."""
    if not state.is_open:
        return None, None
    first = next_deadline(items)
    return (first.due_at, first.key) if first else (None, None)


def deadline_basis_current(session: Session, rules: RequestRules) -> bool:
    return rq.meta_value(session, DEADLINE_BASIS_KEY) == rules.basis


def mark_deadline_basis(session: Session, rules: RequestRules) -> None:
    rq.set_meta_value(session, DEADLINE_BASIS_KEY, rules.basis)


@dataclass(frozen=True)
class Lookups:
    """The ledger names a batch of requests refers to, fetched in a few queries."""

    places: dict[int, tuple[str, str, str, str]]  # unit id → (code, building code, entrance, room)
    contacts: dict[int, tuple[str, str]]  # party id → (name, first phone)
    clusters: dict[int, str]

    @classmethod
    def of(cls, session: Session, requests: Sequence[StoredRequest]) -> Lookups:
        return cls(
            rq.unit_places(session, [r.unit_id for r in requests if r.unit_id is not None]),
            rq.party_contacts(session, [r.party_id for r in requests if r.party_id is not None]),
            rq.cluster_names(session),
        )


def build_detail(req: StoredRequest, step_rows: Sequence[StoredStep], rules: RequestRules, now: datetime,
                 lookups: Lookups, attachments: tuple[AttachmentView, ...] = ()) -> RequestDetail:
    """A request as the detail pane, the printed forms and the export see it, with deadlines at ``now``."""
    kind = RequestKind(req.kind)
    steps = [step_of(row) for row in step_rows]
    progress = replay(kind, req.received_at, steps)
    items = request_deadlines(req, steps, rules, now)
    views = tuple(_deadline_view(d, now, rules) for d in items)
    first = next_deadline(items) if progress.is_open else None
    place = lookups.places.get(req.unit_id) if req.unit_id is not None else None
    name, phone = lookups.contacts.get(req.party_id, ("", "")) if req.party_id is not None else ("", "")
    phone = phone or req.contact_phone
    return RequestDetail(
        id=req.id, number=req.number, kind=kind, kind_label=kind_label(kind, req.urgent),
        source=RequestSource(req.source), urgent=req.urgent, fault=_member(FaultKind, req.fault),
        unit_id=req.unit_id, unit_code=place[0] if place else "",
        unit_display=RoomCode(place[1], place[2], place[3]).display if place else "",
        cluster=lookups.clusters.get(req.cluster_id or 0, ""), party_id=req.party_id, party_name=name,
        phone_masked=mask_phone(phone) if phone else "", contact_name=req.contact_name,
        area_text=req.area_text, description=req.description, received_at=local_time(req.received_at),
        received_by=req.received_by, state=progress.state, valid=progress.valid,
        invalid_reason=progress.invalid_reason, severity=progress.severity,
        department=progress.department or "", assignee=progress.assignee or "",
        satisfaction=progress.satisfaction, resident_signed=progress.resident_signed,
        reopen_count=progress.reopen_count, contacted_at=local_time(progress.contacted_at),
        first_feedback_at=local_time(progress.first_feedback_at), handled_at=local_time(progress.handled_at),
        resolved_at=local_time(progress.resolved_at), visited_at=local_time(progress.visited_at),
        closed_at=local_time(progress.closed_at),
        timeline=tuple(
            TimelineEntry(row.id, step.kind, step.kind.label, local_time(step.at), step.operator,
                          local_time(row.recorded_at), describe_step(step), step.note, step)
            for row, step in zip(step_rows, steps, strict=True)
        ),
        deadlines=views,
        next_deadline=next((v for v in views if first and v.key == first.key), None),
        allowed_steps=tuple(StepChoice(k, k.label) for k in progress.next_steps()),
        attachments=attachments,
        calendar_notice=rules.calendar.fallback_notice([req.received_at, now, *(d.due_at for d in items)]),
    )


def _deadline_view(item: Deadline, now: datetime, rules: RequestRules) -> DeadlineView:
    limit = rules.limit_by_key.get(item.key)
    title = limit.title if limit else item.label
    return DeadlineView(item.key, item.label, title, local_time(item.due_at), local_time(item.met_at), item.state,
                        format_deadline(item, now, rules.calendar))


def local_time(moment: datetime | None) -> datetime | None:
    return moment.astimezone(CHINA_TZ) if moment is not None else None


def list_rows(session: Session, rows: list[tuple], rules: RequestRules, now: datetime) -> list[RequestRow]:
    """RequestRow for each tuple of ``repositories_requests.request_rows``, deadlines worded at ``now``."""
    clusters = rq.cluster_names(session)
    out = []
    for (rid, number, kind, state, unit_id, unit_code, party_id, party_name, contact_name, area,
         summary, received, department, due_at, due_key, urgent, severity, valid, cluster_id,
         resolved, source) in rows:
        kind_member, state_member = RequestKind(kind), RequestState(state)
        name, text, overdue = "", "", False
        if due_at is not None and state_member.is_open:
            limit = rules.limit_by_key.get(due_key or "")
            overdue = due_at < now
            name = limit.label if limit else "处理时限"
            text = _due_text(limit, due_key or "", due_at, overdue, now, rules)
        out.append(RequestRow(
            id=rid, number=number, kind=kind_member, kind_label=kind_label(kind_member, urgent),
            state=state_member, state_label=state_member.label, unit_id=unit_id, unit_code=unit_code or "",
            party_id=party_id, party_name=party_name or contact_name or "", area_text=area or "",
            summary=(summary or "").split("\n", 1)[0][:60], received_at=local_time(received),
            department=department or "", cluster=clusters.get(cluster_id or 0, ""),
            deadline_key=(due_key or "") if name else "", deadline_name=name,
            deadline_text=text, due_at=local_time(due_at), overdue=overdue, urgent=bool(urgent),
            severity=_member(Severity, severity), valid=valid, resolved_at=local_time(resolved),
            source=RequestSource(source),
        ))
    return out


def _due_text(limit: TimeLimit | None, key: str, due_at: datetime, overdue: bool, now: datetime,
              rules: RequestRules) -> str:
    if limit is None or limit.span is None:
        return format_time_left(due_at - now)
    state = DeadlineState.OVERDUE if overdue else DeadlineState.OPEN
    return format_deadline(Deadline(key, limit.label, limit.span, due_at, None, state), now, rules.calendar)
