"""The vacancy round on a real SQLite file: who is due, walking order, recording, and the repair to 工程部."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from butler_desk.domain import clock
from butler_desk.domain.errors import BadInput
from butler_desk.domain.vacancy import ItemResult, RoundStatus
from butler_desk.services import Services
from butler_desk.services.ledger.views import UnitInput
from butler_desk.services.vacancy import InspectionInput

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)


@pytest.fixture
def services(ctx):
    with clock.use(NOW):
        s = Services(ctx)
        ledger = s.ledger
        ids = {code: ledger.save_unit(UnitInput(code, cluster=cl, status=st)) for code, cl, st in [
            ("3-2-1201", "一组团", "空置"), ("3-1-301", "一组团", "已交房未入住"), ("3-1-1201", "一组团", "空置"),
            ("5-101", "二组团", "已入住"), ("10-1-101", "二组团", "空置")]}
        s.ids = ids  # type: ignore[attr-defined]
        yield s


def test_round_lists_vacant_units_in_walking_order_with_filters(services):
    with clock.use(NOW):
        rows = services.vacancy.round()
        assert [r.code for r in rows] == ["3-1-301", "3-1-1201", "3-2-1201", "10-1-101"]
        assert all(r.status is RoundStatus.DUE for r in rows)
        assert [r.code for r in services.vacancy.round(cluster="二组团")] == ["10-1-101"]
        assert [r.code for r in services.vacancy.round(building="3")][0] == "3-1-301"


def test_clean_inspection_with_defaults_and_next_due(services):
    with clock.use(NOW):
        v = services.vacancy
        v.record(InspectionInput(services.ids["3-1-301"]))
        rows = {r.code: r for r in v.round()}
        assert rows["3-1-301"].status is RoundStatus.DONE
        assert rows["3-1-301"].last_inspected == NOW
        assert v.next_due(after_unit=services.ids["3-1-301"]).code == "3-1-1201"
        assert v.next_due().code == "3-1-1201"


def test_failed_item_opens_a_repair_to_engineering(services):
    with clock.use(NOW):
        v = services.vacancy
        iid = v.record(InspectionInput(services.ids["3-2-1201"],
                                       [ItemResult("leaks", False, "", "卫生间天花渗水")]))
        assert {r.code: r.status for r in v.round()}["3-2-1201"] is RoundStatus.FAILED
        with services.ctx.db.reading() as session:
            from butler_desk.storage.models_vacancy import VacancyInspection
            ins = session.get(VacancyInspection, iid)
            request_id = ins.request_id
            assert ins.passed is False and len(ins.items) == len(v.checklist())
        detail = services.requests.detail(request_id)
        assert "卫生间天花渗水" in repr(detail) and "工程维修部" in repr(detail)  # the office's engineering dept
        assert v.inspection_of_request(request_id) == iid


def test_bad_input_is_refused_in_chinese_and_writes_nothing(services):
    with clock.use(NOW):
        v = services.vacancy
        with pytest.raises(BadInput, match="情况说明"):
            v.record(InspectionInput(services.ids["3-2-1201"], [ItemResult("leaks", False)]))
        with pytest.raises(BadInput, match="已不是空置房"):
            v.record(InspectionInput(services.ids["5-101"]))
        assert all(r.status is RoundStatus.DUE for r in v.round())
        with services.ctx.db.reading() as session:
            from sqlalchemy import func, select

            from butler_desk.storage.models_requests import Request
            from butler_desk.storage.models_vacancy import VacancyInspection
            assert session.scalar(select(func.count()).select_from(Request)) == 0
            assert session.scalar(select(func.count()).select_from(VacancyInspection)) == 0
