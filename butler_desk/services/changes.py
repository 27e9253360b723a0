"""What a write changed, announced to whoever listens (in the spirit of Anki's OpChanges).

A service call that writes returns or publishes a :class:`Changes` naming the area and the
ids it touched; views subscribe to the areas they show and refresh themselves. The bus is
plain Python (services never import Qt): ``ui/common/changes.py`` relays it to the GUI
thread. A read never publishes anything.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# The areas a change can name; a new area adds its name here.
AREAS = ("ledger", "requests", "documents", "settings", "staff", "vacancy", "arrears")


@dataclass(frozen=True)
class Changes:
    """One write's footprint: the area, the ids it touched (empty: "many, reload"), and who
    made it (so a view can skip reloading what it wrote itself)."""

    area: str
    ids: tuple[int, ...] = ()
    kind: str = "changed"  # "added" | "changed" | "removed" | "changed"
    source: object | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.area not in AREAS:
            raise ValueError(f"unknown area {self.area!r}; add it to services.changes.AREAS")

    @classmethod
    def of(cls, area: str, ids: Iterable[int] = (), kind: str = "changed", source: object | None = None) -> Changes:
        return cls(area, tuple(int(i) for i in ids), kind, source)


Listener = Callable[[Changes], None]


class ChangeBus:
    """Subscribers per area; ``publish`` calls each one, in the publishing thread.

    A listener that raises is logged and does not stop the others (a broken view must not
    undo a committed write)."""

    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = {}
        self._lock = threading.Lock()

    def subscribe(self, area: str, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` for every change in ``area`` ("*" for all); returns an unsubscribe."""
        if area != "*" and area not in AREAS:
            raise ValueError(f"unknown area {area!r}")
        with self._lock:
            self._listeners.setdefault(area, []).append(listener)

        def unsubscribe() -> None:
            with self._lock:
                listeners = self._listeners.get(area, [])
                if listener in listeners:
                    listeners.remove(listener)
        return unsubscribe

    def publish(self, changes: Changes) -> Changes:
        with self._lock:
            listeners = list(self._listeners.get(changes.area, ())) + list(self._listeners.get("*", ()))
        for listener in listeners:
            try:
                listener(changes)
            except Exception:  # noqa: BLE001 - one view's failure must not reach the writer
                log.exception("a listener failed on %s", changes)
        return changes
