"""Streaming an .xlsx worksheet's rows through openpyxl in one pass, and its merged ranges from the raw part."""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from lxml import etree
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

# Merged ranges wider than this are clipped: a roster never has more columns, and a
# "whole row" merge (A1:XFD1) must not turn every row into a 16,384-cell list.
_MAX_MERGE_COLUMNS = 256
_MERGE_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)")
_ROOT_TAG = re.compile(rb"<(?:[\w.-]+:)?worksheet\b[^>]*>")
_SHEET_DATA_START = re.compile(rb"<(?:[\w.-]+:)?sheetData\b")
_SHEET_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>|<(?:[\w.-]+:)?sheetData\s*/>")
_DIMENSION_REF = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_LAST_ROW = re.compile(r"\$?(\d+)$")
_SHEET_HEAD_LIMIT = 1 << 20
_TEXT_TAG = "{%s}t" % SHEET_MAIN_NS
_RUN_TAG = "{%s}r" % SHEET_MAIN_NS
_SHARED_STRING_TAG = "{%s}si" % SHEET_MAIN_NS


class _Uncalculated:
    """The value of a formula cell saved with no result (a program wrote it; Excel never calculated it)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNCALCULATED"


# Read as blank by openpyxl, which would silently drop what the formula was meant to give.
UNCALCULATED = _Uncalculated()


def load_streaming_workbook(source: IO[bytes]) -> Workbook:
    """``openpyxl.load_workbook(source, read_only=True, data_only=True, keep_links=False)``
    with ``StreamingWorksheet`` sheets."""
    reader = _StreamingExcelReader(source, read_only=True, data_only=True, keep_links=False)
    reader.read()
    return reader.wb


class StreamingWorksheet(ReadOnlyWorksheet):
    """A read-only sheet that is neither sized when opened nor read through cell objects.

    openpyxl sizes each sheet from its ``<dimension>`` record and, when a file has none
    (openpyxl's own write-only files, some exporters), by parsing the sheet up to the end
    of its rows: a whole extra pass. The reader streams every row anyway and needs the size
    only as a progress estimate, which ``dimension_rows`` reads from the head of the part.
    """

    def _get_size(self) -> None:
        pass

    def values_by_row(self) -> Iterator[tuple[int, list[Any]]]:
        """(Excel row number, cell values) for every row from 1 to the last; a missing row is [].

        The same rows and values as ``iter_rows(values_only=True)`` on an unsized sheet, as
        new lists the caller may change.
        """
        wb = self.parent
        with self._get_source() as source:
            parser = _InlineTextParser(source, self._shared_strings, data_only=wb.data_only, epoch=wb.epoch,
                                       date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
            expected = 1
            for number, cells in parser.parse():
                while expected < number:
                    yield expected, []
                    expected += 1
                if number < expected:
                    continue  # a repeated or out-of-order row number: openpyxl skips it too
                values: list[Any] = [None] * cells[-1]["column"] if cells else []
                for cell in cells:
                    values[cell["column"] - 1] = cell["value"]
                yield number, values
                expected += 1


class _StreamingExcelReader(ExcelReader):
    """openpyxl's workbook reader in read-only mode, with ``StreamingWorksheet`` sheets."""

    def read_strings(self) -> None:
        # openpyxl's method for plain (not rich) text, with the faster table reader.
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = read_shared_strings(source)

    def read_worksheets(self) -> None:
        # openpyxl's read-only branch of this method, building the streaming sheet instead.
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue  # a chartsheet holds no cells
            ws = StreamingWorksheet(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


class _InlineTextParser(WorkSheetParser):
    """openpyxl's sheet parser, reading inline-string cells without building ``Text`` objects.

    Files written by programs (openpyxl among them) store text in the cell as
    ``<is><t>…</t></is>``; openpyxl builds a rich-text object for each such cell only to
    take its plain text, which is most of the reading time of those files. The text is
    the same: the ``t`` of the cell followed by the ``t`` of each formatted run, phonetic
    runs left out. Every other cell goes through openpyxl's own ``parse_cell``.
    """

    def parse_cell(self, element: Any) -> dict[str, Any]:
        if element.get("t") != "inlineStr" or not self.data_only or self.rich_text:
            cell = super().parse_cell(element)
            # A formula with an empty <v> and no text type has never been calculated (an
            # empty text result is saved as t="str").
            if (cell["value"] is None and self.data_only and element.get("t", "n") != "str"
                    and element.find(FORMULA_TAG) is not None):
                cell["value"] = UNCALCULATED
            return cell
        coordinate = element.get("r")
        style_id = element.get("s", 0)
        if style_id:
            style_id = int(style_id)
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        value, data_type = None, "inlineStr"
        inline = element.find(INLINE_STRING)
        if inline is not None:
            value, data_type = _inline_text(inline), "s"
        return {"row": row, "column": column, "value": value, "data_type": data_type, "style_id": style_id}


def read_shared_strings(source: IO[bytes]) -> list[str]:
    """The shared-string table of a workbook, as openpyxl's ``read_string_table`` reads it.

    Excel and WPS keep every text cell's text here, one ``<si>`` per distinct text; openpyxl
    builds a rich-text object for each only to take its plain text.
    """
    strings: list[str] = []
    for _event, node in iterparse(source):
        if node.tag == _SHARED_STRING_TAG:
            strings.append(_inline_text(node).replace("x005F_", ""))  # openpyxl drops this escape
            node.clear()
    return strings


def _inline_text(inline: Any) -> str:
    plain: str | None = None
    runs: list[str] = []
    for child in inline:
        if child.tag == _TEXT_TAG:
            plain = child.text  # openpyxl keeps the last <t> when there are several
        elif child.tag == _RUN_TAG:
            text = None
            for part in child:
                if part.tag == _TEXT_TAG:
                    text = part.text
            if text is not None:
                runs.append(text)
    if not runs:
        return plain or ""
    return "".join(runs) if plain is None else plain + "".join(runs)


def dimension_rows(stream: IO[bytes]) -> int:
    """The last row of a worksheet part's ``<dimension ref="A1:N2003">`` record; 0 if it has none.

    The record comes before ``<sheetData>``, so only the head of the part is read.
    """
    head = b""
    while len(head) < _SHEET_HEAD_LIMIT:
        chunk = stream.read(1 << 16)
        if not chunk:
            break
        head += chunk
        rows_start = _SHEET_DATA_START.search(head)
        if rows_start is not None:
            head = head[: rows_start.start()]
            break
    found = _DIMENSION_REF.search(head)
    last = _LAST_ROW.search(found.group(1).decode("ascii", "replace").strip()) if found else None
    return int(last.group(1)) if last else 0


@dataclass(frozen=True, slots=True)
class MergedRange:
    """A merged range in 1-based Excel coordinates."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int


def read_merged_ranges(open_part: Callable[[], IO[bytes]]) -> list[MergedRange]:
    """Return the ``<mergeCell ref=…>`` ranges of one worksheet XML part.

    openpyxl's read-only mode does not expose merged cells. They come after ``<sheetData>``
    in the part, so the fast path skips the rows as raw bytes and lets lxml parse only the
    root tag plus what follows the rows; if that shortcut fails, lxml streams the whole
    part, dropping rows as they end so memory stays flat.
    """
    with open_part() as stream:
        tail = _after_sheet_data(stream)
    if tail is not None:
        try:
            return _merges_in(io.BytesIO(tail), whole_part=False)
        except etree.XMLSyntaxError:
            pass
    with open_part() as stream:
        return _merges_in(stream, whole_part=True)


def _after_sheet_data(stream: IO[bytes]) -> bytes | None:
    """The part's root start tag followed by everything after ``</sheetData>``, or None."""
    head = stream.read(1 << 16)
    root = _ROOT_TAG.search(head)
    if root is None:
        return None
    buffer = head[root.end() :]
    while True:
        end = _sheet_data_end(buffer)
        if end is not None:
            return root.group() + buffer[end:] + stream.read()
        chunk = stream.read(1 << 20)
        if not chunk:
            return None
        buffer = buffer[-64:] + chunk  # the closing tag may straddle two chunks


def _sheet_data_end(buffer: bytes) -> int | None:
    # bytes.find is far faster than a regex search over megabytes of cells.
    position = buffer.find(b"sheetData")
    while position != -1:
        start = buffer.rfind(b"<", max(0, position - 40), position)
        found = _SHEET_DATA_END.match(buffer, start) if start != -1 else None
        if found is not None:
            return found.end()
        position = buffer.find(b"sheetData", position + 9)
    return None


def _merges_in(stream: IO[bytes], *, whole_part: bool) -> list[MergedRange]:
    ranges: list[MergedRange] = []
    tags = ("{*}row", "{*}mergeCell") if whole_part else "{*}mergeCell"
    for _event, elem in etree.iterparse(stream, events=("end",), tag=tags, huge_tree=True):
        if elem.tag.endswith("mergeCell"):
            merged = _merged_range(elem.get("ref") or "")
            if merged is not None:
                ranges.append(merged)
        elif whole_part:
            elem.clear()  # drop each row as it ends so memory stays flat
            while elem.getprevious() is not None:
                del elem.getparent()[0]
    return ranges


def _merged_range(ref: str) -> MergedRange | None:
    found = _MERGE_REF.fullmatch(ref.upper())
    if found is None:
        return None  # a damaged or whole-column ref only loses that merge
    first_col, first_row, last_col, last_row = found.groups()
    min_col, max_col = _column_number(first_col), _column_number(last_col)
    min_row, max_row = int(first_row), int(last_row)
    if min_row > max_row or min_col > max_col:
        return None
    return MergedRange(min_row, min_col, max_row, min(max_col, min_col + _MAX_MERGE_COLUMNS))


@functools.lru_cache(maxsize=1024)
def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number
