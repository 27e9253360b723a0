"""The ledger area (业户台账): estate, buildings, units, people, their history, roster import and export.

Front door: other areas, the ui and the cli import from here, not from the modules inside.
"""

from __future__ import annotations

import importlib

# name → module; loaded on first use so that importing one module of the area does not
# import all of it (the areas' import circles are being untangled: see ARCHITECTURE.md)
_EXPORTS = {
    "LedgerExportService": "butler_desk.services.ledger.export",
    "ImportSummary": "butler_desk.services.ledger.roster_import",
    "RosterImportService": "butler_desk.services.ledger.roster_import",
    "LedgerService": "butler_desk.services.ledger.service",
    "room_sort_key": "butler_desk.services.ledger.service",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
