"""The service log (投诉报修): intake, steps and time limits, 回访, statistics and its paper.

Front door: other areas, the ui and the cli import from here, not from the modules inside.
"""

from __future__ import annotations

import importlib

# name → module; loaded on first use so that importing one module of the area does not
# import all of it (the areas' import circles are being untangled: see ARCHITECTURE.md)
_EXPORTS = {
    "RequestService": "butler_desk.services.requests.service",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
