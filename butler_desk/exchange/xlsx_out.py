"""The house style and streaming loop shared by every workbook we write (write-only mode)."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from butler_desk.domain.errors import Cancelled

_log = logging.getLogger(__name__)

TITLE_ROW, HEADER_ROW = 1, 2
CHECK_EVERY = 500  # rows between looks at the cancel flag and progress reports

TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="2F5597")
_THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    number_format: str | None = None
    wrap: bool = False


class _InMemorySheetWriter(WorksheetWriter):
    """openpyxl's sheet writer streaming into memory instead of a file in the system temp folder.

    A write-only sheet normally goes to ``tempfile`` (openpyxl/worksheet/_writer.py) until the
    workbook is saved; a process killed meanwhile leaves full phones and ID numbers there for
    good. In memory, a kill leaves nothing; the only file is the one ``save_workbook``
    writes beside the target and renames into place.
    """

    def __init__(self, ws: Any) -> None:
        super().__init__(ws, out=io.BytesIO())

    def cleanup(self) -> None:
        self.out = io.BytesIO()  # nothing on disk to remove; drop the bytes


class StreamingWorkbook(Workbook):
    """A write-only workbook whose sheets never touch the system temp folder."""

    def __init__(self) -> None:
        super().__init__(write_only=True)

    def create_sheet(self, title: str | None = None, index: int | None = None) -> Any:
        ws = super().create_sheet(title, index)

        def get_writer() -> None:
            # WriteOnlyWorksheet._get_writer, in memory: made at the first row, after the
            # column widths and frozen panes it writes at the top are set.
            if ws._writer is None:
                ws._writer = _InMemorySheetWriter(ws)
                ws._writer.write_top()

        ws._get_writer = get_writer
        return ws

    def save(self, filename: Any) -> None:
        """openpyxl's ``save_workbook``, taking each sheet from memory instead of from its temp file."""
        if not self.worksheets:
            self.create_sheet()
        archive = ZipFile(filename, "w", ZIP_DEFLATED, allowZip64=True)
        _InMemoryExcelWriter(self, archive).save()


class _InMemoryExcelWriter(ExcelWriter):
    def write_worksheet(self, ws: Any) -> None:
        # ExcelWriter.write_worksheet's write-only branch, with writestr for a file name.
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        if not ws.closed:
            ws.close()
        writer = ws._writer
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)
        writer.cleanup()


def new_workbook(title: str) -> Workbook:
    book = StreamingWorkbook()
    book.properties.creator = "管家台"
    book.properties.title = title.strip()
    return book


def page_setup(ws: Any, *, landscape: bool) -> None:
    """A4, as wide as one page, as long as it takes."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


def table_sheet(book: Workbook, name: str, columns: tuple[Column, ...], title: str, *,
                freeze_column: str = "A", header_height: float | None = None) -> Any:
    """A landscape sheet with a merged title row, then a frozen, repeated-on-print header row."""
    ws = book.create_sheet(name)
    page_setup(ws, landscape=True)
    last_letter = get_column_letter(len(columns))
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = f"{freeze_column}{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.merged_cells.add(f"A{TITLE_ROW}:{last_letter}{TITLE_ROW}")
    ws.row_dimensions[TITLE_ROW].height = 26
    ws.append([title_cell(ws, title)])
    if header_height:
        ws.row_dimensions[HEADER_ROW].height = header_height
    ws.append([header_cell(ws, column.header) for column in columns])
    return ws


def title_cell(ws: Any, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=text)
    cell.font = TITLE_FONT
    cell.alignment = Alignment(vertical="center")
    return cell


def header_cell(ws: Any, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=text)
    cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, CENTER, BORDER
    return cell


def clean(value: str | None) -> str:
    """Text without the control characters openpyxl refuses to write."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if value else ""


def data_cells(ws: Any, columns: tuple[Column, ...], values: list[Any]) -> list[Any]:
    """One row's cells: plain values where possible (styled cells are slow in write-only mode)."""
    cells: list[Any] = []
    for column, value in zip(columns, values, strict=True):
        if value is None or value == "":
            cells.append(None)
            continue
        if isinstance(value, str):
            value = clean(value)
        formula_like = isinstance(value, str) and value.startswith("=")
        if not (column.number_format or column.wrap or formula_like):
            cells.append(value)
            continue
        cell = WriteOnlyCell(ws, value=value)
        if formula_like:
            cell.data_type = "s"  # text someone typed, never a formula Excel would run
        if column.number_format:
            cell.number_format = column.number_format
        if column.wrap:
            cell.alignment = WRAP
        cells.append(cell)
    return cells


def stream_rows(ws: Any, rows: Iterable[Any], make_cells: Callable[[Any], list[Any]], *,
                progress: Callable[[int, int], None] | None, is_cancelled: Callable[[], bool] | None) -> int:
    """Append a row per item, looking at the cancel flag and reporting progress as it goes.

    ``progress(done, total)`` gets ``total`` = 0 when ``rows`` has no length. Returns the
    number of rows written.
    """
    total = len(rows) if hasattr(rows, "__len__") else 0  # type: ignore[arg-type]
    done = 0
    for item in rows:
        done += 1
        if done % CHECK_EVERY == 0:
            if is_cancelled is not None and is_cancelled():
                raise Cancelled()
            if progress is not None:
                progress(done, max(total, done))
        ws.append(make_cells(item))
    if is_cancelled is not None and is_cancelled():
        raise Cancelled()
    return done


def auto_filter(ws: Any, columns: int, rows: int) -> None:
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(columns)}{HEADER_ROW + max(rows, 1)}"


def discard(book: Workbook) -> None:
    """Finish and delete the sheets' temporary files, which a write-only workbook keeps until saved.

    Left alone, the half-written sheet streams complain when garbage-collected.
    """
    for sheet in book.worksheets:
        try:
            if not sheet.closed:
                sheet.close()
            writer = getattr(sheet, "_writer", None)
            if writer is not None:
                writer.cleanup()
        except Exception:  # noqa: BLE001 - best effort: the export is being abandoned anyway
            _log.debug("discarding a cancelled workbook failed", exc_info=True)
