"""Ruled tables on the canvas: rows measured from wrapped cell text, split across pages, drawn with a grid."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from butler_desk.reporting.text import Line, Pen

PAD_X = 1.4 * mm
PAD_Y = 1.2 * mm
HEADER_FILL = Color(0.93, 0.93, 0.93)
LINE_WIDTH = 0.6
MIN_SHRINK = 0.7  # an unwrapped cell shrinks its text to this fraction before it is cut short


@dataclass(frozen=True)
class Cell:
    lines: tuple[Line, ...]
    size: float
    align: str = "center"


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    height: float
    header: bool = False


def leading(size: float) -> float:
    return size * 1.3


def pad_y(size: float) -> float:
    """A cell's top and bottom padding: PAD_Y, tighter for small type, so a register at 8 pt fits 25 rows."""
    return min(PAD_Y, size * 0.3)


def measure_cell(pen: Pen, text: str, width: float, size: float, align: str, wrap: bool) -> Cell:
    """Wrap ``text`` into the cell; an unwrapped cell shrinks, then ends in "…", but never overflows."""
    inner = max(1.0, width - 2 * PAD_X)
    if not text:
        return Cell((), size, align)
    if wrap:
        return Cell(pen.wrap(text, size, inner), size, align)
    lines = text.split("\n")
    longest = max(lines, key=lambda t: pen.width(t, size))
    fitted = pen.fit_size(longest, size, inner, size * MIN_SHRINK)
    out = []
    for line in lines:
        if pen.width(line, fitted) > inner:
            while line and pen.width(line + "…", fitted) > inner:
                line = line[:-1]
            line += "…"
        out.append(Line(line, True))
    return Cell(tuple(out), fitted, align)


def measure_row(pen: Pen, texts: Sequence[str], widths: Sequence[float], aligns: Sequence[str],
                wraps: Sequence[bool], size: float, min_height: float, *, header: bool = False) -> Row:
    cells = tuple(measure_cell(pen, t, w, size, a, wr) for t, w, a, wr in zip(texts, widths, aligns, wraps))
    needed = max((len(c.lines) * leading(c.size) for c in cells), default=0.0) + 2 * pad_y(size)
    return Row(cells, max(min_height, needed), header)


def blank_row(columns: int, height: float, size: float) -> Row:
    return Row(tuple(Cell((), size) for _ in range(columns)), height)


def split_row(row: Row, avail: float) -> tuple[Row, Row] | None:
    """Cut a row too tall for the page after as many lines as fit in ``avail``; None if none fit."""
    size = max((c.size for c in row.cells), default=0.0)
    pad = pad_y(size) if size else PAD_Y
    lines_fit = min(int((avail - 2 * pad) // leading(c.size)) for c in row.cells if c.lines) \
        if any(c.lines for c in row.cells) else 0
    if lines_fit < 1:
        return None
    head = tuple(replace(c, lines=c.lines[:lines_fit]) for c in row.cells)
    tail = tuple(replace(c, lines=c.lines[lines_fit:]) for c in row.cells)
    head_h = max(len(c.lines) * leading(c.size) for c in head) + 2 * pad
    tail_h = max((len(c.lines) * leading(c.size) for c in tail), default=0.0) + 2 * pad
    return Row(head, head_h), Row(tail, max(tail_h, 6 * mm))


def draw_cell_text(c: Canvas, pen: Pen, cell: Cell, x: float, y_top: float, width: float, height: float) -> None:
    """Cell lines centred vertically as a block, aligned horizontally inside the padding."""
    if not cell.lines:
        return
    lead = leading(cell.size)
    center = y_top - height / 2
    first = center + len(cell.lines) * lead / 2 - lead / 2
    for i, line in enumerate(cell.lines):
        baseline = first - i * lead - cell.size * 0.36
        if cell.align == "left":
            pen.draw(c, x + PAD_X, baseline, line.text, cell.size)
        elif cell.align == "right":
            pen.draw(c, x + width - PAD_X, baseline, line.text, cell.size, align="right")
        else:
            pen.draw(c, x + width / 2, baseline, line.text, cell.size, align="center")


def draw_rows(c: Canvas, pen: Pen, x: float, y_top: float, widths: Sequence[float], rows: Sequence[Row]) -> float:
    """Draw ``rows`` with a full grid from ``y_top`` down; returns the bottom edge."""
    total = sum(widths)
    y = y_top
    c.setLineWidth(LINE_WIDTH)
    for row in rows:
        if row.header:
            c.setFillColor(HEADER_FILL)
            c.rect(x, y - row.height, total, row.height, stroke=0, fill=1)
            c.setFillColorRGB(0, 0, 0)
        cx = x
        for cell, w in zip(row.cells, widths):
            draw_cell_text(c, pen, cell, cx, y, w, row.height)
            cx += w
        y -= row.height
    # Grid last, over the header fill: horizontal rules per row, vertical rules full height.
    c.rect(x, y, total, y_top - y, stroke=1, fill=0)
    yy = y_top
    for row in rows[:-1]:
        yy -= row.height
        c.line(x, yy, x + total, yy)
    cx = x
    for w in widths[:-1]:
        cx += w
        c.line(cx, y_top, cx, y)
    return y
