"""The arrears register (欠费催收): bills, payments, the collection log, the register and period figures.

Front door: other areas, the ui and the cli import from here, not from the modules inside.
"""

from __future__ import annotations

import importlib

# name → module; loaded on first use, as the other areas' front doors do
_EXPORTS = {
    "ArrearsService": "butler_desk.services.arrears.service",
    "AttemptInput": "butler_desk.services.arrears.views",
    "ImportReport": "butler_desk.services.arrears.imports",
    "GenerateResult": "butler_desk.services.arrears.views",
    "PaymentResult": "butler_desk.services.arrears.views",
    "PeriodStats": "butler_desk.services.arrears.views",
    "Register": "butler_desk.services.arrears.views",
    "RegisterRow": "butler_desk.services.arrears.views",
    "UnitAccount": "butler_desk.services.arrears.views",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
