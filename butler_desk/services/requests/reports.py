"""What is made of the stored requests: period statistics, agenda items, printed-form fields, the Excel export.

Reached through ``RequestService`` (stats, due_items, complaint_record, work_order,
register_rows, export), and directly for the printed 派工单 and 登记表 (print_work_order,
print_register); kept apart so the service module stays about one request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from butler_desk.domain.agenda import DueItem, agenda_order, holiday_table_item
from butler_desk.domain.errors import BadInput
from butler_desk.domain.requests import RequestKind, Satisfaction, Severity, StepKind, replay
from butler_desk.domain.service_stats import RequestFacts, ServiceStats, service_stats
from butler_desk.domain.sla import DeadlineState
from butler_desk.domain.workdays import CHINA_TZ
from butler_desk.services.requests.records import (
    Lookups,
    RequestRules,
    build_detail,
    list_rows,
    request_deadlines,
    request_rules,
    step_of,
)
from butler_desk.services.requests.views import (
    DeadlineView,
    RequestDetail,
    paper_fields,
    paper_time,
    validity_label,
)
from butler_desk.storage import repositories as repo
from butler_desk.storage import repositories_requests as rq
from butler_desk.storage.audit import record_event

if TYPE_CHECKING:
    from sqlalchemy import Row
    from sqlalchemy.orm import Session

    from butler_desk.exchange.requests_export import RequestExportRow
    from butler_desk.reporting import RenderResult
    from butler_desk.services.requests.service import RequestService

AREA = "requests"
WORK_ORDER_REVEAL = "打印派工单"
FEEDBACK_LIMITS = frozenset({"complaint_feedback", "response_feedback"})


def _period(first: date, last: date) -> tuple[datetime, datetime]:
    if last < first:
        raise BadInput("结束日期早于开始日期，请调换一下。", field="last")
    start = datetime.combine(first, time(0), tzinfo=CHINA_TZ)
    return start, datetime.combine(last + timedelta(days=1), time(0), tzinfo=CHINA_TZ)


# -- statistics ----------------------------------------------------------------------


def period_facts(session: Session, rules: RequestRules, start: datetime, end: datetime,
                 moment: datetime) -> list[RequestFacts]:
    """Facts of every request the period [start, end) can count, as things stood at ``moment``.

    Steps recorded after ``moment`` are left out, so a past week's figures do not
    change when a request it counted is closed later.
    """
    requests = rq.requests_touching(session, start, end)
    clusters = rq.cluster_names(session)
    facts = []
    # When no step of a request was recorded after ``moment``, the columns that cache its
    # replay (progress_columns) already say how things stood then: no replay is needed.
    # A request received before the period counts only by kind, closing time, department
    # and cluster, so its steps need not even be read; one received in it needs its steps
    # for the deadlines.
    def settled(req: Row) -> bool:
        return req.last_step_at is not None and req.last_step_at <= moment

    wanted = [req.id for req in requests if req.received_at >= start or not settled(req)]
    steps = rq.steps_of(session, wanted)
    for req in requests:
        cluster = clusters.get(req.cluster_id) if req.cluster_id is not None else None
        if settled(req):
            received = req.received_at >= start
            history = [step_of(row) for row in steps.get(req.id, ())] if received else []
            facts.append(RequestFacts(
                kind=RequestKind(req.kind), received_at=req.received_at,
                severity=Severity(req.severity) if req.severity else None, valid=req.valid,
                department=req.department, closed_at=req.closed_at,
                deadlines=tuple(request_deadlines(req, history, rules, moment)) if received else (),
                satisfaction=Satisfaction(req.satisfaction) if req.satisfaction else None,
                visited=req.visited_at is not None, cluster=cluster,
            ))
            continue
        history = [step_of(row) for row in steps.get(req.id, ()) if row.at <= moment]
        progress = replay(RequestKind(req.kind), req.received_at, history)
        facts.append(RequestFacts(
            kind=progress.kind, received_at=req.received_at, severity=progress.severity, valid=progress.valid,
            department=progress.department, closed_at=progress.closed_at,
            deadlines=tuple(request_deadlines(req, history, rules, moment)),
            satisfaction=progress.satisfaction, visited=progress.visited_at is not None, cluster=cluster,
        ))
    return facts


def period_stats(service: RequestService, first: date, last: date, now: datetime | None = None) -> ServiceStats:
    """The statistics of the days first..last: as at their end, or now for a period not yet over."""
    start, end = _period(first, last)
    moment = min(now or service.clock(), end - timedelta(microseconds=1))
    with service.ctx.db.reading() as session:
        rules = request_rules(session)
        facts = period_facts(session, rules, start, end, moment)
        return service_stats(facts, first, last, departments=rules.departments, limits=rules.limits)


# -- the agenda ------------------------------------------------------------------------


def due_items(service: RequestService, today: date | datetime | None = None) -> list[DueItem]:
    """Overdue requests, deadlines (feedback above all) falling due by the end of ``today``, and 回访 due."""
    moment = service.moment_of(today)
    day_end = datetime.combine(moment.astimezone(CHINA_TZ).date() + timedelta(days=1), time(0), tzinfo=CHINA_TZ)
    service.ensure_deadlines_current()
    items: list[DueItem] = []
    with service.ctx.db.reading() as session:
        rules = request_rules(session)
        for row in list_rows(session, rq.due_candidates(session, day_end), rules, moment):
            if row.overdue:
                kind, title = "overdue", f"{row.number} {row.deadline_name}已超时"
            elif row.deadline_key in FEEDBACK_LIMITS:
                kind, title = "feedback_due", f"{row.number} 今天需反馈业户"
            else:
                kind, title = "deadline_due", f"{row.number} {row.deadline_name}今天到期"
            items.append(DueItem(AREA, kind, f"{title}（{row.kind_label}·{row.location}）", row.due_at,
                                 row.overdue, row.id, row.unit_code or None, row.summary))
    for visit in service.return_visit_queue(moment):
        if visit.due_at < day_end:
            row = visit.row
            items.append(DueItem(AREA, "return_visit", f"{row.number} 待回访（{row.kind_label}·{row.location}）",
                                 visit.due_at, visit.overdue, row.id, row.unit_code or None, row.summary))
    items.extend(filter(None, [holiday_table_item(rules.calendar, moment.astimezone(CHINA_TZ).date())]))
    return agenda_order(items)


# -- paper -----------------------------------------------------------------------------


# What each limit's clock waits for, in a word (the register's 时限 column: "30分钟内到场").
_LIMIT_ACTION = {
    "urgent_repair_on_site": "到场", "complaint_contact": "联系", "complaint_feedback": "反馈",
    "response_feedback": "反馈", "general_complaint_resolved": "解决", "serious_complaint_resolved": "解决",
    "utility_fault_handled": "处理", "lighting_fault_repaired": "修复", "lighting_complex_repaired": "修复",
    "hotline_response": "响应",
}


def _span(deadline: DeadlineView) -> str:
    """"30分钟内" from the title "急修到达现场（30分钟内）"."""
    return deadline.title.rsplit("（", 1)[-1].rstrip("）") if "（" in deadline.title else ""


def _outcome(deadline: DeadlineView) -> str:
    return {DeadlineState.MET: "按时", DeadlineState.MET_LATE: "超时", DeadlineState.OVERDUE: "已超时"}.get(
        deadline.state, "")


def headline_limit(detail: RequestDetail) -> DeadlineView | None:
    """The limit that governs the request: the first to fall due among those of its kind and urgency.

    The 15-minute hotline response applies to every call, so it speaks for the request only
    when nothing else does: a lift entrapment shows its 30 minutes on site, not 4 hours.
    """
    own = [d for d in detail.deadlines if d.key != "hotline_response"] or list(detail.deadlines)
    return min(own, key=lambda d: d.due_at, default=None)


def limit_text(detail: RequestDetail) -> str:
    """The register's 时限 cell: "30分钟到场 按时" (the 内 of the title is dropped: a narrow column)."""
    deadline = headline_limit(detail)
    if deadline is None:
        return ""
    outcome = _outcome(deadline)
    span = _span(deadline).removesuffix("内")
    return f"{span}{_LIMIT_ACTION.get(deadline.key, '')}" + (f" {outcome}" if outcome else "")


def _timed(moment: datetime | None, deadline: DeadlineView | None) -> str:
    """"2026-11-01 17:26（4小时内，按时）": when it was done, against its limit."""
    when = paper_time(moment)
    if deadline is None:
        return when
    verdict = "，".join(t for t in (_span(deadline), _outcome(deadline)) if t)
    if not when:
        return f"（{verdict}，到期 {paper_time(deadline.due_at)}）" if verdict else ""
    return f"{when}（{verdict}）" if verdict else when


def complaint_record(service: RequestService, request_id: int) -> dict[str, str]:
    """The 投诉记录表's values (phone masked): every step from 受理 to 确认已解决, each against its limit.

    The seed asks for the handling plan, the feedback to the resident within 4 hours, the
    resolution, and the correction and training of the department at fault; the last is
    written by that department by hand, so its box is left for them.
    """
    detail = service.detail(request_id)
    if detail.kind is not RequestKind.COMPLAINT:
        raise BadInput(f"{detail.number} 是{detail.kind.label}，《投诉记录表》只用于投诉；请打印《报修派工单》。")
    fields = paper_fields(detail, detail.phone_masked)
    by_key = {d.key: d for d in detail.deadlines}
    resolved = by_key.get("serious_complaint_resolved") or by_key.get("general_complaint_resolved")
    done = (StepKind.VISIT, StepKind.CLOSE)
    fields.update(
        recorder=detail.received_by,
        responded=_timed(detail.contacted_at, by_key.get("complaint_contact")),
        handling="\n".join(f"{paper_time(e.at)} {e.text}（{e.operator}）" for e in detail.timeline
                           if e.kind not in done),
        plan="\n".join(_plan_lines(detail)),
        result=_last_result(detail),
        feedback_time=_timed(detail.first_feedback_at, by_key.get("complaint_feedback")),
        resolved_time=_timed(detail.resolved_at, resolved),
        corrective="",
    )
    return fields


def _plan_lines(detail: RequestDetail) -> list[str]:
    """Who was to handle it and how: each dispatch with its note, and the notes of follow-ups."""
    lines = []
    for e in detail.timeline:
        note = e.step.note.strip()
        if e.kind is StepKind.ASSIGN:
            lines.append(f"{e.text}" + (f"：{note}" if note and note not in e.text else ""))
        elif e.kind is StepKind.FOLLOW_UP and note:
            lines.append(note)
    return lines


def _last_result(detail: RequestDetail) -> str:
    """The department's latest result (a reopened complaint's earlier result did not solve it)."""
    handled = [e for e in detail.timeline if e.kind is StepKind.HANDLE and e.step.note.strip()]
    if not handled:
        return ""
    last = handled[-1]
    return f"{last.step.note.strip()}（{paper_time(last.at)}，{last.operator}）"


def work_order(service: RequestService, request_id: int, *, reveal_reason: str | None = None) -> dict[str, str]:
    """The 派工单's values, the phone masked; with ``reveal_reason`` in full, recorded in the audit trail
    (an unmasked phone on paper is a reveal, and every reveal says why)."""
    detail = service.detail(request_id)
    if reveal_reason is None:
        return paper_fields(detail, detail.phone_masked)
    reason = reveal_reason.strip()
    if not reason:
        raise BadInput("派工单上打印完整电话需要写明原因，如“维修人员需电话预约上门时间”；"
                       "不写原因则打印脱敏电话。", field="reveal_reason")
    # A request without a phone has nothing to reveal, and so nothing to record.
    phone = service.reveal_phone(request_id, f"{WORK_ORDER_REVEAL}：{reason}") if detail.phone_masked else ""
    return paper_fields(detail, phone)


def details_received(service: RequestService, first: date, last: date,
                     now: datetime | None = None) -> tuple[list[RequestDetail], RequestRules, str]:
    """(details of the requests received first..last in order, the rules, the estate's name)."""
    start, end = _period(first, last)
    now = now or service.clock()
    with service.ctx.db.reading() as session:
        rules = request_rules(session)
        requests = rq.requests_received(session, start, end)
        steps = rq.steps_of(session, [r.id for r in requests])
        lookups = Lookups.of(session, requests)
        details = [build_detail(r, steps.get(r.id, []), rules, now, lookups) for r in requests]
        return details, rules, repo.estate_name(session)


def register_rows(service: RequestService, first: date, last: date) -> list[dict[str, str]]:
    """One dict per request received first..last (the 报事报修登记表), phones masked."""
    details, _rules, _estate = details_received(service, first, last)
    # The compact room code (3-2-1201) keeps the room on one line of a narrow column.
    return [{**paper_fields(d, d.phone_masked), "limit": limit_text(d), "room": d.unit_code or d.location,
             "kind": "急修" if d.urgent and d.kind is RequestKind.REPAIR else d.kind.label} for d in details]


def register_header(first: date, last: date, count: int) -> dict[str, str]:
    """The fields above the 登记表's table, repeated on every page: the period and how many requests."""
    return {"period": f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d}", "count": f"{count} 条"}


def print_register(service: RequestService, first: date, last: date, out: Path | str, *,
                   strict: bool = False) -> RenderResult:
    """The 报事报修登记表 of the requests received first..last, with its period printed at the top."""
    rows = register_rows(service, first, last)
    return _printing(service).print_form("request-register", out, records=rows,
                                         header=register_header(first, last, len(rows)), strict=strict)


def print_work_order(service: RequestService, request_id: int, out: Path | str, *,
                     reveal_reason: str | None = None, strict: bool = False) -> RenderResult:
    """The 报修派工单 of one request; the phone in full only with a reason (see ``work_order``)."""
    record = work_order(service, request_id, reveal_reason=reveal_reason)
    return _printing(service).print_form("work-order", out, records=[record], strict=strict)


def _printing(service: RequestService):
    # reportlab comes with the print service: loaded at the first print, not when the desk starts.
    from butler_desk.services.printing.service import PrintService

    return PrintService(service.ctx)


# -- Excel -------------------------------------------------------------------------------


def _naive(moment: datetime | None) -> datetime | None:
    return moment.astimezone(CHINA_TZ).replace(tzinfo=None, microsecond=0) if moment is not None else None


def export_row(detail: RequestDetail, phone: str) -> RequestExportRow:
    from butler_desk.exchange.requests_export import RequestExportRow

    visits = [e for e in detail.timeline if e.kind is StepKind.VISIT and e.step.resident_words]
    return RequestExportRow(
        number=detail.number, kind=detail.kind_label, source=detail.source.label,
        received_at=_naive(detail.received_at), cluster=detail.cluster, location=detail.location, who=detail.who,
        phone=phone, description=detail.description, state=detail.state.label,
        validity=validity_label(detail.kind, detail.valid), invalid_reason=detail.invalid_reason,
        severity=f"{detail.severity.label}投诉" if detail.severity else "", department=detail.department,
        assignee=detail.assignee, contacted_at=_naive(detail.contacted_at),
        first_feedback_at=_naive(detail.first_feedback_at), handled_at=_naive(detail.handled_at),
        resolved_at=_naive(detail.resolved_at), visited_at=_naive(detail.visited_at),
        closed_at=_naive(detail.closed_at),
        satisfaction=detail.satisfaction.label if detail.satisfaction else "",
        visit_opinion=visits[-1].step.resident_words if visits else "",
        signed={True: "已签字", False: "未签字"}.get(detail.resident_signed, ""),  # type: ignore[arg-type]
        reopen_count=detail.reopen_count,
        deadlines="；".join(f"{d.name}：{d.text}" for d in detail.deadlines),
        missed=any(d.missed for d in detail.deadlines), received_by=detail.received_by,
    )


def export_register(
    service: RequestService,
    first: date,
    last: date,
    out: Path,
    *,
    masked: bool = True,
    progress: Callable[[int, int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Write the register of requests received first..last and the period's statistics to ``out``.

    An export with phones in full is recorded in the audit trail, like any reveal.
    """
    # openpyxl is imported only when someone exports, not when the desk starts.
    from butler_desk.exchange.requests_export import write_requests

    details, _rules, estate = details_received(service, first, last)
    phones: dict[int, str] = {}
    if not masked:
        with service.ctx.db.unit_of_work(service.ctx.operator) as session:
            record_event(session, "reveal", "requests", None, "导出工单登记（含明文电话）",
                         detail={"field": "导出工单明文电话", "reason": str(out)})
            phones = _full_phones(session, details)
    stats = period_stats(service, first, last)
    rows = [export_row(d, phones.get(d.id, d.phone_masked)) for d in details]
    return write_requests(rows, stats, Path(out), masked=masked, estate_name=estate, progress=progress,
                          is_cancelled=is_cancelled)


def _full_phones(session: Session, details: list[RequestDetail]) -> dict[int, str]:
    requests = [rq.request_by_id(session, d.id) for d in details]
    contacts = Lookups.of(session, [r for r in requests if r is not None]).contacts
    phones = {}
    for req in requests:
        if req is not None:
            phones[req.id] = contacts.get(req.party_id or 0, ("", ""))[1] or req.contact_phone
    return phones
