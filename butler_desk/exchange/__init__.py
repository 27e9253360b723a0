"""Excel and CSV in and out with openpyxl: parse to rows and row errors, never touch the database."""

from __future__ import annotations


class Cancelled(Exception):
    """The user cancelled a long read or write; nothing was written and no result exists."""
