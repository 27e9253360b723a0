"""Service requests (投诉报修): intake, the step timeline, deadlines, the list and attachments.

The steps are the record; what a request's row says about its progress is their
replay, rewritten after each step, so lists and counts are plain indexed queries.
Statistics, the agenda, printing and export live in ``request_reports`` and are
reached through the same ``RequestService``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from butler_desk.domain.contacts import normalize_phone
from butler_desk.domain.enums import LabelledEnum
from butler_desk.domain.errors import BadInput, for_field
from butler_desk.domain.requests import (
    FaultKind,
    RequestKind,
    RequestSource,
    RequestState,
    Satisfaction,
    Severity,
    Step,
    StepKind,
    apply_step,
    check_department,
    parse_request_number,
    replay,
    request_number,
    start_request,
)
from butler_desk.domain.rooms import normalize_room_query
from butler_desk.domain.text import clean_prose, clean_text
from butler_desk.domain.workdays import CHINA_TZ
from butler_desk.services.requests import reports as request_reports
from butler_desk.services.context import AppContext
from butler_desk.services.requests.records import (
    Lookups,
    RequestRules,
    build_detail,
    deadline_basis_current,
    list_rows,
    local_time,
    mark_deadline_basis,
    next_due,
    progress_columns,
    request_deadlines,
    request_rules,
    step_columns,
    step_of,
)
from butler_desk.services.requests.views import (
    AttachmentView,
    IntakeInput,
    RequestCounts,
    RequestDetail,
    RequestFilter,
    RequestList,
    RequestRow,
    ReturnVisitItem,
    StepInput,
)
from butler_desk.storage import repositories_requests as rq
from butler_desk.storage.audit import record_event
from butler_desk.storage.models import Party, Unit
from butler_desk.storage.models_requests import Attachment, Request, RequestStep
from butler_desk.domain.clock import utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from butler_desk.domain.agenda import DueItem
    from butler_desk.domain.service_stats import ServiceStats

LIST_LIMIT = 2000
# A clock a minute or two ahead on one desk must not refuse a step typed "now" on another.
FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_DESCRIPTION = 2000
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
_BUILDING_IN_AREA = re.compile(r"^\s*([0-9]{1,4}[A-Za-z]?|[A-Za-z][0-9]?)\s*(?:栋|号楼|幢|座|#)")
_E = TypeVar("_E", bound=LabelledEnum)


def _moment(value: datetime | None, now: datetime, what: str, field: str) -> datetime:
    """A time the user gave (naive means 北京时间), refused when it lies in the future."""
    if value is None:
        return now
    moment = value if value.tzinfo is not None else value.replace(tzinfo=CHINA_TZ)
    if moment > now + FUTURE_TOLERANCE:
        raise BadInput(f"{what}（{moment.astimezone(CHINA_TZ):%Y-%m-%d %H:%M}）晚于现在，请检查日期和时间。",
                       field=field)
    return moment


def _parse(cls: type[_E], value: _E | str | None, field: str, *, required: bool = True) -> _E | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise BadInput(f"请选择{cls.kind_label()}。", field=field)
        return None
    if isinstance(value, cls):
        return value
    with for_field(field):
        return cls.parse(value)


def _day_bounds(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    start = datetime.combine(first, time(0), tzinfo=CHINA_TZ) if first else None
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=CHINA_TZ) if last else None
    return start, end


class RequestService:
    """Every public method is one unit of work and returns plain dataclasses."""

    def __init__(self, ctx: AppContext, clock: Callable[[], datetime] = utcnow) -> None:
        """``clock`` gives the current UTC time; tests pass their own to stand in another year."""
        self.ctx = ctx
        self.clock = clock

    def today(self) -> date:
        """The estate's date by this service's clock (what the requests tab and its actions show)."""
        return self.clock().astimezone(CHINA_TZ).date()

    # ----- the list -------------------------------------------------------------------
    def list(self, flt: RequestFilter | None = None, *, limit: int = LIST_LIMIT, offset: int = 0,
             now: datetime | None = None) -> RequestList:
        """The newest ``limit`` requests matching ``flt`` (from ``offset``) and how many match in all."""
        flt = flt or RequestFilter()
        now = now or self.clock()
        if flt.date_from and flt.date_to and flt.date_to < flt.date_from:
            raise BadInput("结束日期早于开始日期，请调换一下。", field="date_to")
        self.ensure_deadlines_current()
        with self.ctx.db.reading() as session:
            rules = request_rules(session)
            query = self._query(flt, rules, now)
            rows, total = rq.request_rows(session, query, limit=max(1, limit), offset=max(0, offset))
            return RequestList(list_rows(session, rows, rules, now), total, max(0, offset), limit)

    def counts(self, today: date | datetime | None = None) -> RequestCounts:
        """Open, overdue (at ``today``: now, or the end of a past day) and awaiting a return visit."""
        moment = self.moment_of(today)
        self.ensure_deadlines_current()
        with self.ctx.db.reading() as session:
            rules = request_rules(session)
            return RequestCounts(
                open=rq.count_requests(session, rq.RequestQuery(open_only=True)),
                overdue=rq.count_requests(session, rq.RequestQuery(overdue_at=moment)),
                awaiting_visit=rq.count_requests(session, rq.RequestQuery(awaiting_visit_kinds=rules.visit_kinds)),
            )

    def recent_for_unit(self, unit_id: int, limit: int = 10) -> list[RequestRow]:
        """The unit's latest requests, newest first (for the ledger's detail and the intake dialog)."""
        now = self.clock()
        with self.ctx.db.reading() as session:
            rules = request_rules(session)
            rows, _total = rq.request_rows(session, rq.RequestQuery(unit_id=unit_id), limit=limit)
            return list_rows(session, rows, rules, now)

    def return_visit_queue(self, now: datetime | None = None) -> list[ReturnVisitItem]:
        """Resolved requests waiting for their 回访, longest waiting first, with the day it is due."""
        now = now or self.clock()
        with self.ctx.db.reading() as session:
            rules = request_rules(session)
            query = rq.RequestQuery(awaiting_visit_kinds=rules.visit_kinds)
            rows, _total = rq.request_rows(session, query, limit=100_000, order_by_resolved=True)
            items = []
            for row in list_rows(session, rows, rules, now):
                due = (row.resolved_at or row.received_at) + timedelta(days=rules.visit_days)
                items.append(ReturnVisitItem(row, due, due < now))
            return items

    def departments(self) -> list[str]:
        with self.ctx.db.reading() as session:
            return list(request_rules(session).departments)

    def calendar_notice(self, dates: Iterable[date | datetime]) -> str | None:
        """The Chinese sentence to show when any of ``dates`` falls in a year without statutory data."""
        with self.ctx.db.reading() as session:
            return request_rules(session).calendar.fallback_notice(dates)

    def moment_of(self, today: date | datetime | None) -> datetime:
        """now for None or today's date; the end of the day for another date; a datetime as given."""
        now = self.clock()
        if today is None or isinstance(today, datetime):
            return today or now
        if today == now.astimezone(CHINA_TZ).date():
            return now
        return datetime.combine(today + timedelta(days=1), time(0), tzinfo=CHINA_TZ) - timedelta(microseconds=1)

    # ----- one request ------------------------------------------------------------------
    def detail(self, request_id: int, now: datetime | None = None) -> RequestDetail:
        """Everything about one request: fields, timeline, deadlines at ``now``, next steps, attachments."""
        now = now or self.clock()
        with self.ctx.db.reading() as session:
            req = self._request(session, request_id)
            attachments = tuple(self._attachment_view(a) for a in req.attachments)
            return build_detail(req, req.steps, request_rules(session), now, Lookups.of(session, [req]), attachments)

    def id_of(self, text: str | int) -> int:
        """The id of a request given by its number ("TS-2026-000123", case and spaces forgiven) or its id."""
        shown = str(text).strip()
        with self.ctx.db.reading() as session:
            if shown.isdigit():
                return self._request(session, int(shown)).id
            number = request_number(*parse_request_number(shown))
            found = rq.request_id_by_number(session, number)
            if found is None:
                raise BadInput(f"没有编号为 {number} 的工单，请核对编号。", field="number")
            return found

    def intake(self, data: IntakeInput) -> int:
        """Register a new request; returns its id. The number is drawn in the same transaction."""
        now = self.clock()
        kind = _parse(RequestKind, data.kind, "kind")
        source = _parse(RequestSource, data.source, "source")
        fault = _parse(FaultKind, data.fault, "fault", required=False)
        description = clean_prose(data.description)
        area = clean_text(data.area_text)
        received = _moment(data.received_at, now, "受理时间", "received_at")
        if not description:
            raise BadInput("请填写报事内容：业户反映了什么问题。", field="description")
        if len(description) > MAX_DESCRIPTION:
            raise BadInput(f"报事内容最多 {MAX_DESCRIPTION} 字，请精简后再保存。", field="description")
        if len(area) > 100:
            raise BadInput("公共区域位置最多 100 字。", field="area_text")
        if data.unit_id is None and not area:
            raise BadInput("请选择房号，或填写公共区域位置（如“3栋大堂”）。", field="unit_id")
        if (data.urgent or fault) and kind is not RequestKind.REPAIR:
            raise BadInput("只有报修可以标为急修或选择故障类别。", field="urgent" if data.urgent else "fault")
        contact_name = clean_text(data.contact_name)[:50]
        contact_phone = ""
        if clean_text(data.contact_phone):
            with for_field("contact_phone"):
                contact_phone = normalize_phone(data.contact_phone).number
        year = received.astimezone(CHINA_TZ).year
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            seq = rq.next_sequence(session, kind.value, year)  # first: it takes the write lock
            cluster_id = self._place(session, data, area)
            rules = request_rules(session)
            progress = start_request(kind, received)
            req = Request(
                number=request_number(kind, year, seq), kind=kind.value, source=source.value,
                unit_id=data.unit_id, party_id=data.party_id, cluster_id=cluster_id, area_text=area,
                contact_name=contact_name, contact_phone=contact_phone, description=description,
                urgent=bool(data.urgent), fault=fault.value if fault else None, received_at=received,
                received_by=self.ctx.operator, version=0, **progress_columns(progress),
            )
            req.next_due_at, req.next_due_key = next_due(progress.state, request_deadlines(req, [], rules, now))
            session.add(req)
            session.flush()
            return req.id

    def add_step(self, request_id: int, data: StepInput) -> None:
        """Record one step; BadInput in Chinese when the lifecycle does not allow it or a field is missing."""
        self.add_steps(request_id, data)

    def add_steps(self, request_id: int, *steps: StepInput) -> None:
        """Record several steps in one transaction (a satisfied 回访 and its 关闭): all or none."""
        now = self.clock()
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            for data in steps:
                self._record_step(session, request_id, data, now)

    def _record_step(self, session, request_id: int, data: StepInput, now: datetime) -> None:
        kind = _parse(StepKind, data.kind, "kind")
        at = _moment(data.at, now, "办理时间", "at")
        if not rq.claim_request(session, request_id):
            raise BadInput("找不到该工单，可能已被删除，请刷新列表。")
        req = self._request(session, request_id)
        rules = request_rules(session)
        department = data.department
        if kind is StepKind.ASSIGN or (kind is StepKind.HANDLE and (department or "").strip()):
            department = check_department(department or "", rules.departments)
        step = Step(
            kind=kind, at=at, operator=self.ctx.operator, note=clean_prose(data.note),
            on_site=data.on_site, valid=data.valid, invalid_reason=clean_prose(data.invalid_reason),
            severity=_parse(Severity, data.severity, "severity", required=False),
            department=department, assignee=clean_text(data.assignee) or None,
            satisfaction=_parse(Satisfaction, data.satisfaction, "satisfaction", required=False),
            resident_words=clean_prose(data.resident_words),
            attitude=_parse(Satisfaction, data.attitude, "attitude", required=False),
            quality=_parse(Satisfaction, data.quality, "quality", required=False),
            manners=_parse(Satisfaction, data.manners, "manners", required=False),
            resident_signed=data.resident_signed,
        )
        history = [step_of(row) for row in req.steps]
        progress = apply_step(replay(RequestKind(req.kind), req.received_at, history), step)
        req.steps.append(RequestStep(recorded_at=now, **step_columns(step)))
        for name, value in progress_columns(progress).items():
            setattr(req, name, value)
        req.next_due_at, req.next_due_key = next_due(
            progress.state, request_deadlines(req, [*history, step], rules, now)
        )

    def reveal_phone(self, request_id: int, reason: str = "") -> str:
        """The caller's phone in full (recorded in the audit trail, like the ledger's reveal)."""
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            req = self._request(session, request_id)
            phone = rq.first_phone(session, req.party_id) if req.party_id else req.contact_phone
            record_event(session, "reveal", "requests", req.id, req.number, unit_id=req.unit_id,
                         party_id=req.party_id, detail={"field": "电话", "reason": reason})
            return phone

    def refresh_deadlines(self, now: datetime | None = None) -> int:
        """Recompute the cached next deadline of every open request (after the time limits or holidays change).

        Returns how many changed. The list also calls it by itself when it finds the
        cache was computed under other settings.
        """
        now = now or self.clock()
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            rules = request_rules(session)
            mark_deadline_basis(session, rules)  # first write: holds off other desks' steps until done
            requests = rq.open_requests(session)
            steps = rq.steps_of(session, [r.id for r in requests])
            changes = []
            for req in requests:
                history = [step_of(row) for row in steps.get(req.id, [])]
                due, key = next_due(RequestState(req.state), request_deadlines(req, history, rules, now))
                if (due, key) != (req.next_due_at, req.next_due_key):
                    changes.append({"id": req.id, "next_due_at": due, "next_due_key": key})
            rq.update_next_due(session, changes)
            return len(changes)

    # ----- attachments -------------------------------------------------------------------
    def attach(self, request_id: int, file_path: Path | str, note: str = "") -> AttachmentView:
        """Copy a photo or file into the data folder beside the database and list it with the request."""
        source = Path(file_path).expanduser()
        if not source.is_file():
            raise BadInput(f"找不到文件“{source}”，请重新选择。", field="file")
        size = source.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            raise BadInput(f"文件“{source.name}”超过 {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB，请压缩后再添加。",
                           field="file")
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            if not rq.claim_request(session, request_id):
                raise BadInput("找不到该工单，可能已被删除，请刷新列表。")
            req = self._request(session, request_id)
            folder = self.attachments_root() / req.number
            folder.mkdir(parents=True, exist_ok=True)
            target = _free_name(folder, _safe_name(source.name))
            shutil.copy2(source, target)
            try:
                row = Attachment(request_id=req.id, file_name=source.name[:200],
                                 stored_path=f"{req.number}/{target.name}", size_bytes=size,
                                 note=clean_prose(note)[:200], added_at=self.clock(), added_by=self.ctx.operator)
                session.add(row)
                session.flush()
                return self._attachment_view(row)
            except Exception:
                target.unlink(missing_ok=True)
                raise

    def attachments(self, request_id: int) -> list[AttachmentView]:
        with self.ctx.db.reading() as session:
            self._request(session, request_id)
            return [self._attachment_view(a) for a in rq.attachments_of(session, request_id)]

    def remove_attachment(self, attachment_id: int) -> None:
        """Drop an attachment from the request (audited) and delete its copy in the data folder."""
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            row = session.get(Attachment, attachment_id)
            if row is None:
                raise BadInput("找不到该附件，可能已被删除，请刷新。")
            path = self.attachments_root() / row.stored_path
            session.delete(row)
        path.unlink(missing_ok=True)

    def attachments_root(self) -> Path:
        from butler_desk import paths

        if self.ctx.db_path is not None:
            return paths.attachments_dir_for(self.ctx.db_path)
        root = (self.ctx.data_dir or paths.data_dir()) / "attachments"
        root.mkdir(parents=True, exist_ok=True)
        return root

    # ----- statistics, agenda, paper, export (request_reports) ---------------------------
    def stats(self, first: date, last: date) -> ServiceStats:
        """Statistics of the requests of the days first..last (the weekly HQ workbook uses the same)."""
        return request_reports.period_stats(self, first, last)

    def due_items(self, today: date | datetime | None = None) -> list[DueItem]:
        """Overdue requests, deadlines due by the end of ``today`` and 回访 due, in agenda order."""
        return request_reports.due_items(self, today)

    def complaint_record(self, request_id: int) -> dict[str, str]:
        """The 投诉记录表's values for ``print form complaint-record`` (phone masked)."""
        return request_reports.complaint_record(self, request_id)

    def work_order(self, request_id: int, *, reveal_reason: str | None = None) -> dict[str, str]:
        """The 派工单's values; with ``reveal_reason`` the phone in full, the reveal recorded with it."""
        return request_reports.work_order(self, request_id, reveal_reason=reveal_reason)

    def register_rows(self, first: date, last: date) -> list[dict[str, str]]:
        """The 报事报修登记表's lines for requests received first..last (phones masked)."""
        return request_reports.register_rows(self, first, last)

    def export(self, first: date, last: date, out: Path, *, masked: bool = True,
               progress: Callable[[int, int], None] | None = None,
               is_cancelled: Callable[[], bool] | None = None) -> Path:
        """Write the register and the statistics of first..last to an .xlsx (phones masked unless asked)."""
        return request_reports.export_register(self, first, last, Path(out), masked=masked, progress=progress,
                                               is_cancelled=is_cancelled)

    # ----- helpers ----------------------------------------------------------------------
    def ensure_deadlines_current(self) -> None:
        """Redo the cached deadlines when they were computed under other time limits or holidays."""
        with self.ctx.db.reading() as session:
            current = deadline_basis_current(session, request_rules(session))
        if not current:
            self.refresh_deadlines()

    def _query(self, flt: RequestFilter, rules: RequestRules, now: datetime) -> rq.RequestQuery:
        start, end = _day_bounds(flt.date_from, flt.date_to)
        text = clean_text(flt.query)
        room = normalize_room_query(text) if text else None
        digits = text.replace("-", "").replace(" ", "")
        is_ascii_word = text.isascii() and text.replace(" ", "").isalpha()
        coded = room is not None and "-" in room  # "3-2-12" is a room code, not words to look for
        return rq.RequestQuery(
            kind=flt.kind.value if flt.kind else None,
            state=flt.state.value if flt.state else None,
            open_only=flt.open_only,
            department=flt.department or None,
            overdue_at=now if flt.overdue_only else None,
            received_from=start, received_before=end, cluster_id=flt.cluster_id,
            awaiting_visit_kinds=rules.visit_kinds if flt.awaiting_visit else None,
            text=text if text and not coded else None,
            # Numbers are stored upper-case ("TS-2026-…").
            number=text.upper() if text and text.isascii() else None,
            room_prefix=room,
            pinyin=text.lower().replace(" ", "") if is_ascii_word else None,
            phone_digits=digits if digits.isdigit() and len(digits) >= 3 else None,
        )

    def _attachment_view(self, row: Attachment) -> AttachmentView:
        return AttachmentView(row.id, row.file_name, self.attachments_root() / row.stored_path, row.size_bytes,
                              row.note, local_time(row.added_at), row.added_by)

    @staticmethod
    def _request(session: Session, request_id: int) -> Request:
        req = rq.request_by_id(session, request_id)
        if req is None:
            raise BadInput("找不到该工单，可能已被删除，请刷新列表。")
        return req

    @staticmethod
    def _place(session: Session, data: IntakeInput, area: str) -> int | None:
        """Check the unit and party, and find the request's cluster (from the unit, the area text or as given)."""
        if data.unit_id is not None and session.get(Unit, data.unit_id) is None:
            raise BadInput("找不到该房屋，可能已被删除，请重新选择房号。", field="unit_id")
        if data.party_id is not None:
            party = session.get(Party, data.party_id)
            if party is None:
                raise BadInput("找不到该业户，可能已被删除，请重新选择。", field="party_id")
            if data.unit_id is not None and not rq.party_ever_at_unit(session, data.party_id, data.unit_id):
                raise BadInput(f"{party.name} 不是该房屋的业户或住户，请核对房号和报事人。", field="party_id")
        if data.unit_id is not None:
            return rq.cluster_of_unit(session, data.unit_id)
        match = _BUILDING_IN_AREA.match(area)
        found = rq.cluster_of_building_code(session, match.group(1).upper()) if match else None
        return found if found is not None else data.cluster_id


def _safe_name(name: str) -> str:
    """A file name that is legal on Windows too, keeping its Chinese characters and suffix."""
    cleaned = "".join("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in name).strip(" .")
    return cleaned[:120] or "附件"


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = target.stem, target.suffix
    counter = 1
    while target.exists():
        counter += 1
        target = folder / f"{stem}({counter}){suffix}"
    return target
