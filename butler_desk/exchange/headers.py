"""Header rows: normalise header spellings, map them to column keys, find a sheet's header row."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from butler_desk.exchange.sheets import SheetRow

_HEADER_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】|<[^>]*>|〔[^〕]*〕")
_HEADER_MARKS = "*※★☆#:：.、"
_HEADER_UNIT_SUFFIX = re.compile(r"(?:/|每)?(?:m2|平方米|平米|元/m2·月|元/m2/月|元/平方米/月|元/平米/月|元/月)$")
_HEADER_NUMBER_SUFFIX = re.compile(r"\d+$")
_HEADER_NUMBER_PREFIX = re.compile(r"^\d+[.、)]")


def header_candidates(text: str) -> list[str]:
    """Spellings to look a header cell up by, most literal first.

    "联系\\n电话", "面积（㎡）", "*房号", "电话2" and "物业费单价(元/㎡·月)" reduce to
    "联系电话", "面积", "房号", "电话" and "物业费单价".
    """
    base = unicodedata.normalize("NFKC", text)
    base = "".join(base.split()).lower()
    base = _HEADER_NUMBER_PREFIX.sub("", base).strip(_HEADER_MARKS)
    out = [base]
    no_brackets = _HEADER_BRACKETS.sub("", base).strip(_HEADER_MARKS)
    no_unit = _HEADER_UNIT_SUFFIX.sub("", no_brackets).strip(_HEADER_MARKS)
    no_number = _HEADER_NUMBER_SUFFIX.sub("", no_unit)
    for candidate in (no_brackets, no_unit, no_number):
        if candidate and candidate not in out:
            out.append(candidate)
    return out


def header_display(value: object) -> str:
    """A header cell as people read it: one line, no padding ("联系\\n电话" → "联系电话")."""
    text = "" if value is None else str(value)
    parts = text.split()
    if not parts:
        return ""
    joined = parts[0]
    for part in parts[1:]:
        # Keep the space only between two Latin words ("E mail" stays readable).
        joined += (" " if joined[-1].isascii() and part[0].isascii() else "") + part
    return joined


@dataclass(frozen=True)
class Header:
    """The header row found in a sheet."""

    row: int
    cells: tuple[Any, ...]  # the header cells as stored (merges filled in)
    columns: dict[str, list[int]]  # column key -> 0-based indexes, in sheet order

    def text(self, index: int) -> str:
        return header_display(self.cells[index]) if index < len(self.cells) else ""


class HeaderMatcher:
    """Maps header cells to column keys through normalised synonyms."""

    def __init__(self, specs: Iterable[tuple[str, Iterable[str], bool]]) -> None:
        """``specs``: (column key, header spellings, whether several columns may feed the key)."""
        self._multiple: dict[str, bool] = {}
        self._by_spelling: dict[str, str] = {}
        for key, spellings, multiple in specs:
            self._multiple[key] = multiple
            for spelling in spellings:
                # The first column that claims a spelling keeps it; the order of specs decides.
                self._by_spelling.setdefault(header_candidates(spelling)[0], key)
        self._cache: dict[str, str | None] = {}

    def key_of(self, value: object) -> str | None:
        if not isinstance(value, str) or not value.strip():
            return None
        if value not in self._cache:
            self._cache[value] = next(
                (self._by_spelling[c] for c in header_candidates(value) if c in self._by_spelling), None
            )
        return self._cache[value]

    def match(self, cells: list[Any] | tuple[Any, ...]) -> dict[str, list[int]]:
        columns: dict[str, list[int]] = {}
        for index, value in enumerate(cells):
            key = self.key_of(value)
            if key is None:
                continue
            if key in columns and not self._multiple[key]:
                continue  # a second 姓名 column: the first one is the one we read
            columns.setdefault(key, []).append(index)
        return columns


def locate_header(
    rows: Iterator[SheetRow],
    matcher: HeaderMatcher,
    accept: Callable[[dict[str, list[int]]], bool],
    *,
    scan_rows: int = 30,
) -> tuple[Header | None, Header | None, Iterator[SheetRow]]:
    """Find the header among the first ``scan_rows`` rows.

    Returns ``(header, near_miss, remaining rows)``: the accepted row that names the most
    known columns (the earliest on a tie), the best rejected candidate (at least two known
    columns, for the error message), and the rows after the header.
    """
    buffered: list[SheetRow] = []
    for row in rows:
        buffered.append(row)
        if len(buffered) >= scan_rows:
            break
    best: tuple[int, Header] | None = None
    near: Header | None = None
    for position, (number, values, _own) in enumerate(buffered):
        columns = matcher.match(values)
        if len(columns) < 2:
            continue
        candidate = Header(number, tuple(values), columns)
        if accept(columns):
            if best is None or len(columns) > len(best[1].columns):
                best = (position, candidate)
        elif near is None or len(columns) > len(near.columns):
            near = candidate
    if best is None:
        return None, near, iter(())
    return best[1], near, itertools.chain(buffered[best[0] + 1 :], rows)
