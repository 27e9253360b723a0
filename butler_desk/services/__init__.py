"""Services: the one object that holds every area's front door, built once at start-up.

``Services(ctx)`` is made by the start-up sequence (``butler_desk/__main__.py`` via
``services.maintenance.open_services``) and handed to the GUI's main window or to the CLI
command; widgets and commands receive what they need from it and never construct a service.
Each area's service is created on first use (``cached_property``) so that the ledger can
paint before the other areas' modules are even imported, and then kept for the session.

Every public service call is one unit of work and returns dataclasses, never ORM objects;
a call that writes announces what it changed on ``services.changes``.

Adding an area (see ARCHITECTURE.md): a package ``services/<area>/`` whose ``__init__``
exports its service class, and one property here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from butler_desk.services.changes import ChangeBus, Changes
from butler_desk.services.context import AppContext

if TYPE_CHECKING:  # the areas are imported when first used, not when the program starts
    from butler_desk.services.arrears import ArrearsService
    from butler_desk.services.documents import DocumentService, NoticeService, RecipientService
    from butler_desk.services.ledger import LedgerExportService, LedgerService, RosterImportService
    from butler_desk.services.printing import PrintService
    from butler_desk.services.requests import RequestService
    from butler_desk.services.settings import SettingsService
    from butler_desk.services.staff import StaffService
    from butler_desk.services.vacancy import VacancyService

__all__ = ["Changes", "ChangeBus", "Services"]


class Services:
    """Every area's service for one open database and one operator."""

    def __init__(self, ctx: AppContext, *, changes: ChangeBus | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        self.ctx = ctx
        self.changes = changes or ChangeBus()
        self._now = now  # the one clock handed to the services that ask for one (tests fix it)

    # ----- who and where ------------------------------------------------------------------
    @property
    def operator(self) -> str:
        return self.ctx.operator

    def sign_in(self, operator: str) -> None:
        """The operator chosen at start-up; every later write is recorded under this name."""
        self.ctx.operator = operator

    def close(self) -> None:
        self.ctx.db.dispose()

    # ----- the areas (built on first use, then kept) --------------------------------------
    @cached_property
    def ledger(self) -> LedgerService:
        from butler_desk.services.ledger import LedgerService
        return LedgerService(self.ctx)

    @cached_property
    def roster_import(self) -> RosterImportService:
        from butler_desk.services.ledger import RosterImportService
        return RosterImportService(self.ctx)

    @cached_property
    def ledger_export(self) -> LedgerExportService:
        from butler_desk.services.ledger import LedgerExportService
        return LedgerExportService(self.ctx)

    @cached_property
    def requests(self) -> RequestService:
        from butler_desk.services.requests import RequestService
        return RequestService(self.ctx) if self._now is None else RequestService(self.ctx, clock=self._now)

    @cached_property
    def vacancy(self) -> VacancyService:
        from butler_desk.services.vacancy import VacancyService
        return VacancyService(self.ctx, self.requests)

    @cached_property
    def documents(self) -> DocumentService:
        from butler_desk.services.documents import DocumentService
        return DocumentService(self.ctx)

    @cached_property
    def notices(self) -> NoticeService:
        from butler_desk.services.documents import NoticeService
        return NoticeService(self.ctx)

    @cached_property
    def recipients(self) -> RecipientService:
        from butler_desk.services.documents import RecipientService
        return RecipientService(self.ctx)

    @cached_property
    def printing(self) -> PrintService:
        from butler_desk.services.printing import PrintService
        return PrintService(self.ctx)

    @cached_property
    def settings(self) -> SettingsService:
        from butler_desk.services.settings import SettingsService
        return SettingsService(self.ctx)

    @cached_property
    def staff(self) -> StaffService:
        from butler_desk.services.staff import StaffService
        return StaffService(self.ctx)

    @cached_property
    def arrears(self) -> ArrearsService:
        from butler_desk.services.arrears import ArrearsService
        return ArrearsService(self.ctx)
