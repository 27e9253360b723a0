"""The monthly round of vacant units: who is on it, recording an inspection, and the repair it may raise."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from butler_desk.domain import clock
from butler_desk.domain.enums import UnitStatus
from butler_desk.domain.errors import BadInput
from butler_desk.domain.rooms import parse_room_code
from butler_desk.domain.vacancy import (
    VACANT_STATUSES,
    ChecklistItem,
    ItemResult,
    RoundStatus,
    check_results,
    checklist_from_form,
    month_of,
    round_status,
    walking_key,
)
from butler_desk.paths import forms_dir
from butler_desk.storage.models import Building, Cluster, Unit
from butler_desk.storage.models_vacancy import VacancyInspection, VacancyInspectionItem, VacancyPeriod

if TYPE_CHECKING:
    from butler_desk.services.context import AppContext
    from butler_desk.services.requests import RequestService

ENGINEERING = "工程部"  # the seed's name; the office's list may call it 工程维修部


@dataclass(frozen=True)
class RoundRow:
    unit_id: int
    code: str
    cluster: str
    building: str
    reason: str
    since: date | None
    last_inspected: datetime | None
    status: RoundStatus


@dataclass
class InspectionInput:
    unit_id: int
    results: list[ItemResult] = field(default_factory=list)  # items left out are 正常
    note: str = ""
    occasion: str = "月度例行"
    # Who in engineering takes the repair; empty → the department itself (it dispatches its own staff).
    assignee: str = ""


class VacancyService:
    """Rounds and inspections; a failed item goes to 工程部 through the requests area's front door."""

    def __init__(self, ctx: AppContext, requests: RequestService) -> None:
        self.ctx = ctx
        self.requests = requests
        self._checklist: tuple[ChecklistItem, ...] | None = None

    def checklist(self) -> tuple[ChecklistItem, ...]:
        if self._checklist is None:
            form = tomllib.loads((forms_dir() / "vacant-inspection.toml").read_text(encoding="utf-8"))
            self._checklist = checklist_from_form(form)
        return self._checklist

    def round(self, month: date | None = None, *, cluster: str = "", building: str = "") -> list[RoundRow]:
        """This month's round in walking order: every unit vacant now, with its status this month."""
        today = clock.today()
        month = month_of(month or today)
        statuses = [s.value for s in VACANT_STATUSES]
        with self.ctx.db.reading() as session:
            q = (select(Unit.id, Unit.code, Unit.created_at, Cluster.name, Building.code)
                 .join(Building, Unit.building_id == Building.id).join(Cluster, Building.cluster_id == Cluster.id)
                 .where(Unit.status.in_(statuses)))
            if cluster:
                q = q.where(Cluster.name == cluster)
            if building:
                q = q.where(Building.code == building)
            units = session.execute(q).all()
            ids = [u[0] for u in units]
            periods = {p.unit_id: p for p in session.scalars(
                select(VacancyPeriod).where(VacancyPeriod.unit_id.in_(ids), VacancyPeriod.ended_on.is_(None)))}
            this_month: dict[int, list[bool]] = defaultdict(list)
            for uid, passed in session.execute(select(VacancyInspection.unit_id, VacancyInspection.passed).where(
                    VacancyInspection.round_month == month, VacancyInspection.unit_id.in_(ids))):
                this_month[uid].append(passed)
            last: dict[int, datetime] = {}
            for uid, at in session.execute(select(VacancyInspection.unit_id, VacancyInspection.inspected_at)
                                           .where(VacancyInspection.unit_id.in_(ids))):
                if uid not in last or at > last[uid]:
                    last[uid] = at
        rows = []
        for uid, code, created, cl, bd in units:
            period = periods.get(uid)
            rows.append(RoundRow(
                uid, code, cl, bd, period.reason if period else "其他",
                period.started_on if period else created.astimezone(clock.ESTATE_TZ).date(),
                last.get(uid), round_status(month, today, this_month.get(uid, [])),
            ))
        rows.sort(key=lambda r: walking_key(parse_room_code(r.code)))
        return rows

    def next_due(self, month: date | None = None, *, after_unit: int | None = None,
                 cluster: str = "", building: str = "") -> RoundRow | None:
        """The next unit still due in walking order (after ``after_unit`` when given, else the first)."""
        rows = self.round(month, cluster=cluster, building=building)
        start = next((i + 1 for i, r in enumerate(rows) if r.unit_id == after_unit), 0)
        return next((r for r in rows[start:] + rows[:start] if r.status is RoundStatus.DUE), None)

    def inspection_of_request(self, request_id: int) -> int | None:
        """The other direction of the link: the inspection that raised a repair request, if any."""
        with self.ctx.db.reading() as session:
            return session.scalar(select(VacancyInspection.id).where(VacancyInspection.request_id == request_id))

    def _engineering(self) -> str:
        """The office's engineering department (checked before anything is written)."""
        found = next((d for d in self.requests.departments() if "工程" in d), None)
        if found is None:
            raise BadInput("部门列表中没有工程部，请先在设置中添加，再保存有问题的巡视记录。")
        return found

    def record(self, data: InspectionInput) -> int:
        """Save one inspection (one call, all items); a failed item opens a repair request to 工程部."""
        results = check_results(self.checklist(), data.results)
        labels = {i.key: i.label for i in self.checklist()}
        now = clock.utcnow()
        with self.ctx.db.reading() as session:
            unit = session.get(Unit, data.unit_id)
            if unit is None:
                raise BadInput("找不到该房屋，请刷新列表。", field="unit_id")
            if UnitStatus(unit.status) not in VACANT_STATUSES:
                raise BadInput(f"{unit.code} 已不是空置房，无需巡视。", field="unit_id")
        passed = all(r.passed for r in results)
        request_id = None
        if not passed:
            # The front door exports only RequestService for now; the input dataclasses live in views.
            from butler_desk.services.requests.views import IntakeInput, StepInput

            department = self._engineering()
            problems = "；".join(f"{labels[r.key]}：{r.note}" for r in results if not r.passed)
            request_id = self.requests.intake(IntakeInput(
                unit_id=data.unit_id, party_id=None, area_text="", kind="报修", source="巡查",
                description=f"空置房巡视发现问题。{problems}", received_at=now))
            self.requests.add_step(request_id, StepInput(kind="派单", at=now, department=department,
                                                         assignee=data.assignee.strip() or department,
                                                         note="空置房巡视发现问题，请工程部处理"))
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            inspection = VacancyInspection(
                unit_id=data.unit_id, round_month=month_of(now.astimezone(clock.ESTATE_TZ).date()),
                occasion=data.occasion, inspector=self.ctx.operator, inspected_at=now, passed=passed,
                note=data.note.strip(), request_id=request_id,
                items=[VacancyInspectionItem(item_key=r.key, passed=r.passed, reading=r.reading, note=r.note)
                       for r in results],
            )
            session.add(inspection)
            session.flush()
            return inspection.id
