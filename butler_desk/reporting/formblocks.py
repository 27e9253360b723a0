"""The measured pieces of a form page: field grids, checklists, writing boxes, paragraphs, tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from butler_desk.reporting.document import fill_placeholders
from butler_desk.reporting.formspec import (
    BoxBlock,
    ChecklistBlock,
    ColumnSpec,
    FieldsBlock,
    FieldSpec,
    ParagraphBlock,
    TableBlock,
    Width,
    resolve_widths,
)
from butler_desk.reporting.tables import (
    HEADER_FILL,
    LINE_WIDTH,
    PAD_X,
    PAD_Y,
    Cell,
    Row,
    blank_row,
    draw_cell_text,
    draw_rows,
    leading,
    measure_row,
    split_row,
)
from butler_desk.reporting.text import Line, Pen
from butler_desk.reporting.values import format_value, plain


class Piece(Protocol):
    """A block measured for one record: its height, how to cut it at a page end, how to draw it."""

    height: float
    grow: bool

    def split(self, avail: float) -> tuple[Piece, Piece] | None: ...

    def draw(self, c: Canvas, pen: Pen, x: float, y_top: float, height: float) -> None: ...


def layout_choice(pen: Pen, options: Sequence[str], size: float, width: float) -> list[list[tuple[str, float]]]:
    """Options flowed into lines that fit ``width``: [[(option, x offset), …], …]."""
    box, gap = size * 0.85, size * 0.3
    lines: list[list[tuple[str, float]]] = [[]]
    x = 0.0
    for option in options:
        step = box + gap + pen.width(option, size)
        if lines[-1] and x + step > width:
            lines.append([])
            x = 0.0
        lines[-1].append((option, x))
        x += step + size * 1.2
    return lines


def draw_choice(c: Canvas, pen: Pen, x: float, first_baseline: float, lines: list[list[tuple[str, float]]],
                chosen: str | None, size: float) -> None:
    """□有效 □无效 with a drawn tick in the chosen box (graphics, so any font works)."""
    box = size * 0.85
    for n, line in enumerate(lines):
        baseline = first_baseline - n * leading(size)
        for option, dx in line:
            bx, by = x + dx, baseline - size * 0.1
            c.setLineWidth(0.7)
            c.rect(bx, by, box, box, stroke=1, fill=0)
            if chosen == option:
                c.setLineWidth(1.2)
                c.lines([(bx + box * 0.18, by + box * 0.5, bx + box * 0.42, by + box * 0.2),
                         (bx + box * 0.42, by + box * 0.2, bx + box * 0.9, by + box * 0.95)])
            pen.draw(c, bx + box + size * 0.3, baseline, option, size)
    c.setLineWidth(LINE_WIDTH)


def draw_sign(c: Canvas, pen: Pen, x: float, baseline: float, label: str, line_length: float,
              size: float) -> float:
    """"业主签字：________" (or "日期：____年__月__日"); returns the x where the line ends."""
    drawn = pen.draw(c, x, baseline, f"{label}：", size)
    start, end = x + drawn, x + drawn + line_length
    c.setLineWidth(0.5)
    c.line(start, baseline - 1.5, end, baseline - 1.5)
    if label == "日期":
        for frac, unit in ((0.5, "年"), (0.75, "月"), (1.0, "日")):
            pen.draw(c, start + line_length * frac, baseline, unit, size, align="right")
    c.setLineWidth(LINE_WIDTH)
    return end


def chosen_option(value: object, options: Sequence[str]) -> str | None:
    """A record value as one of the options: the option text itself, or True/False for the first two."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) and len(options) >= 2:
        return options[0] if value else options[1]
    text = plain(value)
    return text if text in options else None


# -- field grid ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _GridCell:
    spec: FieldSpec
    x: float
    width: float  # value part, label excluded
    label: tuple[Line, ...]
    lines: tuple[Line, ...]
    chosen: str | None
    choices: list[list[tuple[str, float]]]


@dataclass
class FieldsPiece:
    block: FieldsBlock
    rows: list[tuple[list[_GridCell], float]]
    size: float
    grow: bool = False

    @property
    def height(self) -> float:
        return sum(h for _, h in self.rows)

    @classmethod
    def build(cls, pen: Pen, block: FieldsBlock, values: Mapping[str, object], width: float,
              size: float) -> FieldsPiece:
        pair = width / block.columns
        packed: list[list[tuple[FieldSpec, int]]] = [[]]
        used = 0
        for spec in block.fields:
            if used + spec.span > block.columns:
                packed.append([])
                used = 0
            packed[-1].append((spec, spec.span))
            used += spec.span
        rows = []
        for group in packed:
            spare = block.columns - sum(span for _, span in group)
            cells, x = [], 0.0
            for i, (spec, span) in enumerate(group):
                span += spare if i == len(group) - 1 else 0  # the last field takes the row's rest
                value_w = span * pair - block.label_width
                label = pen.wrap(spec.label, size, block.label_width - 2 * PAD_X)
                raw = values.get(spec.key)
                lines: tuple[Line, ...] = ()
                chosen, choices = None, []
                if spec.type == "choice":
                    chosen = chosen_option(raw, spec.options)
                    choices = layout_choice(pen, spec.options, size, value_w - 2 * PAD_X)
                else:
                    text = format_value(raw, spec.type, reveal=spec.reveal, unit=spec.unit)
                    lines = pen.wrap(text, size, value_w - 2 * PAD_X)
                cells.append(_GridCell(spec, x, value_w, label, lines, chosen, choices))
                x += span * pair
            needed = max(max(len(cell.lines), len(cell.label), len(cell.choices), 1) * leading(size) + 2 * PAD_Y
                         for cell in cells)
            rows.append((cells, max(block.row_height, needed)))
        return cls(block, rows, size)

    def split(self, avail: float) -> tuple[Piece, Piece] | None:
        used, cut = 0.0, 0
        for _, h in self.rows:
            if used + h > avail:
                break
            used += h
            cut += 1
        if cut == 0 or cut == len(self.rows):
            return None
        return replace(self, rows=self.rows[:cut]), replace(self, rows=self.rows[cut:])

    def draw(self, c: Canvas, pen: Pen, x: float, y_top: float, height: float) -> None:
        lw = self.block.label_width
        extra = (height - self.height) / len(self.rows)
        y = y_top
        c.setLineWidth(LINE_WIDTH)
        for cells, h in self.rows:
            h += extra
            for cell in cells:
                cx = x + cell.x
                c.setFillColor(HEADER_FILL)
                c.rect(cx, y - h, lw, h, stroke=0, fill=1)
                c.setFillColorRGB(0, 0, 0)
                draw_cell_text(c, pen, Cell(cell.label, self.size, "center"), cx, y, lw, h)
                if cell.choices:
                    first = y - h / 2 + (len(cell.choices) - 1) * leading(self.size) / 2 - self.size * 0.36
                    draw_choice(c, pen, cx + lw + PAD_X, first, cell.choices, cell.chosen, self.size)
                else:
                    draw_cell_text(c, pen, Cell(cell.lines, self.size, "left"), cx + lw, y, cell.width, h)
                c.rect(cx, y - h, lw, h, stroke=1, fill=0)
                c.rect(cx + lw, y - h, cell.width, h, stroke=1, fill=0)
            y -= h


# -- tables (register rows and checklists) -------------------------------------------------------
@dataclass
class TablePiece:
    """Rows under a header that is repeated on every page the table continues to."""

    widths: list[float]
    header: Row
    rows: list[Row]
    marks: list[tuple[str | None, ...]]  # per row: the chosen option per checkbox column (checklists)
    option_columns: tuple[int, ...] = ()
    options: tuple[str, ...] = ()
    grow: bool = False

    @property
    def height(self) -> float:
        return self.header.height + sum(r.height for r in self.rows)

    def split(self, avail: float) -> tuple[Piece, Piece] | None:
        room = avail - self.header.height
        used, cut = 0.0, 0
        for row in self.rows:
            if used + row.height > room:
                break
            used += row.height
            cut += 1
        if cut == len(self.rows):
            return None
        if cut == 0:
            parts = split_row(self.rows[0], room)
            if parts is None:
                return None
            head_row, tail_row = parts
            return (replace(self, rows=[head_row], marks=self.marks[:1]),
                    replace(self, rows=[tail_row, *self.rows[1:]], marks=[(), *self.marks[1:]]))
        return (replace(self, rows=self.rows[:cut], marks=self.marks[:cut]),
                replace(self, rows=self.rows[cut:], marks=self.marks[cut:]))

    def add_blank_rows(self, count: int, height: float, size: float) -> None:
        self.rows.extend(blank_row(len(self.widths), height, size) for _ in range(count))
        self.marks.extend(() for _ in range(count))

    def draw(self, c: Canvas, pen: Pen, x: float, y_top: float, height: float) -> None:
        draw_rows(c, pen, x, y_top, self.widths, [self.header, *self.rows])
        if not self.option_columns:
            return
        y = y_top - self.header.height
        box = 3.2 * mm
        for row, marks in zip(self.rows, self.marks):
            for col, option in zip(self.option_columns, self.options):
                cx = x + sum(self.widths[:col]) + self.widths[col] / 2
                cy = y - row.height / 2
                c.rect(cx - box / 2, cy - box / 2, box, box, stroke=1, fill=0)
                if option in marks:
                    c.setLineWidth(1.2)
                    c.lines([(cx - box * 0.32, cy, cx - box * 0.08, cy - box * 0.3),
                             (cx - box * 0.08, cy - box * 0.3, cx + box * 0.4, cy + box * 0.45)])
                    c.setLineWidth(LINE_WIDTH)
            y -= row.height


def build_table(pen: Pen, block: TableBlock, records: Sequence[Mapping[str, object]] | None,
                width: float, size: float, *, blank_rows: int | None = None, first_seq: int = 1) -> TablePiece:
    texts = [[_column_text(col, rec, first_seq + i) for col in block.columns]
             for i, rec in enumerate(records or [])]
    widths = resolve_widths(_content_widths(pen, block, texts, width, size), width)
    aligns = [col.align for col in block.columns]
    header = measure_row(pen, [col.label for col in block.columns], widths, ["center"] * len(widths),
                         [True] * len(widths), size, 8 * mm, header=True)
    if records is None:
        count = block.blank_rows if blank_rows is None else blank_rows
        rows = [blank_row(len(widths), block.row_height, size) for _ in range(count)]
    else:
        rows = [measure_row(pen, row, widths, aligns, [col.wrap for col in block.columns], size, block.row_height)
                for row in texts]
    return TablePiece(widths, header, rows, [() for _ in rows])


# Room for a column's header when its values are short ("序号" over "1"): this many characters.
_MIN_HEADER_CHARS = 2
# Unwrapped columns fitted to their content may take at most this share of the table.
_MAX_FITTED_SHARE = 0.8


def _content_widths(pen: Pen, block: TableBlock, texts: Sequence[Sequence[str]], width: float,
                    size: float) -> list[Width]:
    """The file's widths, except in a filled table: an unwrapped column of absolute width (wrap = false,
    width = "22mm") is as wide as its longest value (dates stay on one line, room codes never break),
    and the relative columns (报事内容, 回访结果) share what is left in proportion to their longest
    values, so more rows fit a page."""
    specs = [col.width for col in block.columns]
    if not texts:
        return specs
    fitted = list(specs)
    for i, col in enumerate(block.columns):
        longest = max(pen.width(line, size) for row in texts for line in row[i].split("\n"))
        label = pen.width(col.label[:_MIN_HEADER_CHARS], size)
        if specs[i].relative:
            # Relative columns share the rest by what they hold, so the longest texts wrap (or, unwrapped,
            # shrink) least.
            fitted[i] = Width(max(longest, pen.width(col.label, size)) + 2 * PAD_X, True)
        elif not col.wrap:
            fitted[i] = Width(max(longest, label) + 2 * PAD_X + 1.0, False)
    if sum(w.value for w in fitted if not w.relative) > width * _MAX_FITTED_SHARE:
        return specs  # values too long to fit whole: keep the file's widths (the cells shrink their type)
    return fitted


def _column_text(col: ColumnSpec, record: Mapping[str, object], seq: int) -> str:
    if col.type == "seq":
        value = record.get(col.key) if col.key else None
        return plain(value) if value not in (None, "") else str(seq)
    return format_value(record.get(col.key), col.type, reveal=col.reveal, unit=col.unit)


def build_checklist(pen: Pen, block: ChecklistBlock, values: Mapping[str, object], width: float,
                    size: float) -> TablePiece:
    specs = [Width(10 * mm, False), Width(4, True), *[Width(16 * mm, False) for _ in block.options],
             Width(3, True)]
    widths = resolve_widths(specs, width)
    option_cols = tuple(range(2, 2 + len(block.options)))
    header = measure_row(pen, ["序号", block.item_label, *block.options, block.note_label], widths,
                         ["center"] * len(widths), [True] * len(widths), size, 8 * mm, header=True)
    rows, marks = [], []
    for i, item in enumerate(block.items, start=1):
        label = f"{item.label}（{item.hint}）" if item.hint else item.label
        note = plain(values.get(f"{item.key}_note"))
        texts = [str(i), label, *[""] * len(block.options), note]
        aligns = ["center", "left", *["center"] * len(block.options), "left"]
        rows.append(measure_row(pen, texts, widths, aligns, [True] * len(widths), size, block.row_height))
        marks.append((chosen_option(values.get(item.key), block.options),))
    return TablePiece(widths, header, rows, marks, option_cols, block.options)


# -- writing boxes and paragraphs ----------------------------------------------------------------
@dataclass
class BoxPiece:
    block: BoxBlock
    label: str
    lines: tuple[Line, ...]
    label_width: float
    width: float
    size: float
    height: float
    show_sign: bool = True

    @property
    def grow(self) -> bool:
        return self.block.grow

    @classmethod
    def build(cls, pen: Pen, block: BoxBlock, values: Mapping[str, object], width: float, size: float,
              label_width: float) -> BoxPiece:
        text = plain(values.get(block.key)) if block.key else ""
        lines = pen.wrap(text, size, width - label_width - 2 * PAD_X) if text else ()
        piece = cls(block, block.label, lines, label_width, width, size, 0.0)
        piece.height = max(block.height, piece.needed(len(lines), True))
        return piece

    def needed(self, count: int, sign: bool) -> float:
        return count * leading(self.size) + 2 * PAD_Y + (leading(self.size) * 1.6 if sign and self.block.sign else 0)

    def split(self, avail: float) -> tuple[Piece, Piece] | None:
        fit = int((avail - 2 * PAD_Y) // leading(self.size))
        if fit < 2 or fit >= len(self.lines):
            return None
        head = replace(self, lines=self.lines[:fit], show_sign=False, height=avail)
        tail_lines = self.lines[fit:]
        tail = replace(self, label=f"{self.block.label}（续）", lines=tail_lines,
                       height=max(self.needed(len(tail_lines), True), 12 * mm))
        return head, tail

    def draw(self, c: Canvas, pen: Pen, x: float, y_top: float, height: float) -> None:
        lw, width = self.label_width, self.width
        c.setFillColor(HEADER_FILL)
        c.rect(x, y_top - height, lw, height, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        draw_cell_text(c, pen, Cell(pen.wrap(self.label, self.size, lw - 2 * PAD_X), self.size, "center"),
                       x, y_top, lw, height)
        c.setLineWidth(LINE_WIDTH)
        c.rect(x, y_top - height, lw, height, stroke=1, fill=0)
        c.rect(x + lw, y_top - height, width - lw, height, stroke=1, fill=0)
        pen.draw_lines(c, x + lw + PAD_X, y_top - PAD_Y - self.size, self.lines, self.size,
                       leading(self.size), width - lw - 2 * PAD_X)
        if self.show_sign and self.block.sign:
            slots = [(label, 32 * mm if label == "日期" else 28 * mm) for label in self.block.sign]
            total = sum(pen.width(f"{label}：", self.size) + line + 4 * mm for label, line in slots)
            sx = x + width - total
            for label, line in slots:
                sx = draw_sign(c, pen, sx, y_top - height + PAD_Y + self.size * 0.5, label, line, self.size) + 4 * mm


@dataclass
class ParagraphPiece:
    lines: tuple[Line, ...]
    size: float
    align: str
    width: float
    height: float
    grow: bool = False

    @classmethod
    def build(cls, pen: Pen, block: ParagraphBlock, values: Mapping[str, str], width: float,
              size: float) -> ParagraphPiece:
        size = block.size or size
        lines = pen.wrap(fill_placeholders(block.text, values), size, width - 2 * PAD_X)
        return cls(lines, size, block.align, width, len(lines) * leading(size) + 2 * PAD_Y)

    def split(self, avail: float) -> tuple[Piece, Piece] | None:
        fit = int((avail - 2 * PAD_Y) // leading(self.size))
        if fit < 1 or fit >= len(self.lines):
            return None
        head, tail = self.lines[:fit], self.lines[fit:]
        return (replace(self, lines=head, height=len(head) * leading(self.size) + 2 * PAD_Y),
                replace(self, lines=tail, height=len(tail) * leading(self.size) + 2 * PAD_Y))

    def draw(self, c: Canvas, pen: Pen, x: float, y_top: float, height: float) -> None:
        pen.draw_lines(c, x + PAD_X, y_top - PAD_Y - self.size, self.lines, self.size, leading(self.size),
                       self.width - 2 * PAD_X, align=self.align)


def build_pieces(pen: Pen, blocks: Sequence[object], values: Mapping[str, object], text_values: Mapping[str, str],
                 width: float, size: float) -> list[Piece]:
    """Measure ``blocks`` for one record (record layout) or for the page header (table layout)."""
    label_width = next((b.label_width for b in blocks if isinstance(b, FieldsBlock)), 22 * mm)
    pieces: list[Piece] = []
    for block in blocks:
        if isinstance(block, FieldsBlock):
            pieces.append(FieldsPiece.build(pen, block, values, width, size))
        elif isinstance(block, ChecklistBlock):
            pieces.append(build_checklist(pen, block, values, width, size))
        elif isinstance(block, BoxBlock):
            pieces.append(BoxPiece.build(pen, block, values, width, size, label_width))
        elif isinstance(block, ParagraphBlock):
            pieces.append(ParagraphPiece.build(pen, block, text_values, width, size))
        elif isinstance(block, TableBlock):
            raw = values.get(block.key)
            rows = [r for r in raw if isinstance(r, Mapping)] if isinstance(raw, list | tuple) else None
            table = build_table(pen, block, rows, width, size)
            if rows is not None and len(rows) < block.blank_rows:
                table.add_blank_rows(block.blank_rows - len(rows), block.row_height, size)
            pieces.append(table)
    return pieces
