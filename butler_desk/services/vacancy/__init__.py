"""Vacant-unit checks (空置房巡查): the area's front door."""

from __future__ import annotations

from butler_desk.services.vacancy.service import InspectionInput, RoundRow, VacancyService

__all__ = ["InspectionInput", "RoundRow", "VacancyService"]
