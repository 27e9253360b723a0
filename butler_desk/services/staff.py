"""The office's staff list: who can be picked as the operator at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from butler_desk.domain.errors import BadInput
from butler_desk.domain.text import clean_text
from butler_desk.services.context import AppContext
from butler_desk.storage import repositories as repo
from butler_desk.storage.models import Staff

DEFAULT_ROLES = ("客服管家", "客服主管", "前台", "其他")


@dataclass(frozen=True)
class StaffMember:
    staff_id: int
    name: str
    role: str
    active: bool


class StaffService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def list(self, include_inactive: bool = False) -> list[StaffMember]:
        with self.ctx.db.reading() as session:
            return [StaffMember(s.id, s.name, s.role, s.active) for s in repo.staff_list(session, include_inactive)]

    def add(self, name: str, role: str = "客服管家") -> StaffMember:
        name = clean_text(name)
        if not name:
            raise BadInput("请填写员工姓名", field="name")
        if len(name) > 50:
            raise BadInput("员工姓名过长（最多 50 字）", field="name")
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            existing = repo.staff_by_name(session, name)
            if existing is not None:
                if existing.active:
                    raise BadInput(f"员工“{name}”已在名单中", field="name")
                existing.active = True
                return StaffMember(existing.id, existing.name, existing.role, True)
            staff = Staff(name=name, role=clean_text(role) or "客服管家", active=True)
            session.add(staff)
            session.flush()
            return StaffMember(staff.id, staff.name, staff.role, True)

    def deactivate(self, staff_id: int) -> None:
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            staff = session.get(Staff, staff_id)
            if staff is None:
                raise BadInput("找不到该员工")
            staff.active = False
