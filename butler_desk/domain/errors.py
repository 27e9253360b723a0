"""The exceptions every layer shares: BadInput (a Chinese message for the user) and Cancelled."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class BadInput(ValueError):
    """Input the user can fix; ``str(exc)`` is a Chinese sentence saying what to fix.

    ``field`` names the offending field (a form field or a spreadsheet column) when
    there is one, so a dialog can show the message next to it.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Cancelled(Exception):
    """The user cancelled a long read, write or print; nothing was written and no result exists."""


@contextmanager
def for_field(field: str) -> Iterator[None]:
    """Re-raise a BadInput from inside the block as belonging to ``field`` (same message)."""
    try:
        yield
    except BadInput as exc:
        raise BadInput(exc.message, field=field) from None
