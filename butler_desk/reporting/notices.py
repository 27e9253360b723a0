"""Board notices and personal letters from notice templates, with matching envelopes in the same order.

Drawn straight on the canvas (no platypus): the body is wrapped and justified once per
batch and replayed for every household, so 5,000 letters cost little more than raw
reportlab drawing the same strings.
"""

from __future__ import annotations

import os
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from butler_desk.reporting.document import (
    CompanyInfo,
    Recipient,
    RenderResult,
    check_inputs,
    fill_placeholders,
    merge_missing,
    pdf_canvas,
    labelled_strings,
    resolve_fonts,
)
from butler_desk.reporting.envelopes import (
    DEFAULT_OPTIONS,
    EnvelopeOptions,
    EnvelopeWriter,
    check_recipients,
    envelope_texts,
)
from butler_desk.reporting.fonts import FontSet, missing_glyphs
from butler_desk.reporting.formblocks import build_table
from butler_desk.reporting.formspec import TableBlock
from butler_desk.reporting.noticespec import (
    NoticeField,
    NoticeTemplate,
    check_values,
    issued_text,
    load_notice,
    text_value,
)
from butler_desk.reporting.tables import draw_rows
from butler_desk.reporting.text import Pen

PAGE_W, PAGE_H = A4
MARGIN_X = 25 * mm
TOP = PAGE_H - 18 * mm
BOTTOM = 22 * mm
WIDTH = PAGE_W - 2 * MARGIN_X


@dataclass(frozen=True)
class Style:
    title: float
    body: float
    leading: float


# A line ending in one of these needs no "。" added (a colon introduces what follows).
_SENTENCE_END = frozenset("。！？；：…”’）)」』】.!?;:")
# The signature never stands alone at the top of a page: up to this many lines before it go along.
KEEP_WITH_SIGNATURE = 2

BOARD = Style(title=26, body=15, leading=15 * 1.8)
LETTER = Style(title=20, body=12, leading=12 * 1.8)

# A flow item: (height, kind, payload). Kinds: "text" (x, dy, text, size, char_space, align, bold),
# "rule", "thead"/"row" (widths, row), "sign" (lines, size, leading), "gap". Heights are points;
# items never straddle pages. Tuples, not objects: 5,000 letters replay the same items.
Item = tuple[float, str, tuple[Any, ...]]


@dataclass(frozen=True)
class LetterBatch:
    """The letters file and, when asked for, the envelopes file (same order, one per household)."""

    letters: RenderResult
    envelopes: RenderResult | None


def render_notice(template: NoticeTemplate | str, values: Mapping[str, Any],
                  company: CompanyInfo | Mapping[str, object], out: str | os.PathLike[str], *,
                  issued_on: date | None = None, strict: bool = False, fonts: FontSet | None = None) -> RenderResult:
    """The A4 notice for the board: greets all residents, names buildings and rooms, never people."""
    spec = template if isinstance(template, NoticeTemplate) else load_notice(template)
    checked = check_values(spec, values)
    fontset = resolve_fonts(fonts)
    missing = check_inputs(value_texts(spec, values), fontset, strict)
    pen = Pen(fontset)
    composer = _Composer(pen, spec, checked, CompanyInfo.coerce(company), issued_on, BOARD)
    pages = _paginate(composer.head() + [composer.salutation(spec.board_salutation)] + composer.body())
    with pdf_canvas(out, A4, pen, title=spec.title, strict=strict) as c:
        _draw_pages(c, pen, pages)
    return RenderResult(Path(out), len(pages), merge_missing(missing, pen.missing))


def render_letters(template: NoticeTemplate | str, values: Mapping[str, Any],
                   recipients: Iterable[Recipient | Mapping[str, object]],
                   company: CompanyInfo | Mapping[str, object], out: str | os.PathLike[str], *,
                   envelopes_out: str | os.PathLike[str] | None = None,
                   envelope: EnvelopeOptions = DEFAULT_OPTIONS,
                   issued_on: date | None = None, strict: bool = False,
                   fonts: FontSet | None = None,
                   progress: Callable[[int, int], None] | None = None) -> LetterBatch:
    """One letter per household ("尊敬的张三先生/女士："), and their envelopes in the same order.

    Every recipient's postcode is checked before anything is drawn; with ``strict``, so are
    the characters of names and addresses. ``progress(done, total)`` is called after each
    letter and each envelope (total counts both); an exception it raises (a cancel) stops
    the batch and discards the file being written (a finished letters file stays: the
    caller decides).
    """
    spec = template if isinstance(template, NoticeTemplate) else load_notice(template)
    checked = check_values(spec, values)
    people = check_recipients(recipients, postcodes=envelopes_out is not None)
    info = CompanyInfo.coerce(company)
    if envelopes_out is not None:
        envelope = envelope.checked()
    fontset = resolve_fonts(fonts)
    on_envelope = envelope_texts(people)
    missing = check_inputs([*value_texts(spec, values), *on_envelope], fontset, strict)
    pen = Pen(fontset)
    composer = _Composer(pen, spec, checked, info, issued_on, LETTER)
    head, body = composer.head(), composer.body()
    total_pages = 0
    steps = len(people) * (1 if envelopes_out is None else 2)
    with pdf_canvas(out, A4, pen, title=spec.title, strict=strict) as c:
        for done, person in enumerate(people, start=1):
            own = [composer.reference(person), composer.salutation(f"尊敬的{person.addressee()}：")]
            pages = _paginate(head + own + body)
            head_line = f"{spec.title} · 房号：{person.room}" if person.room else spec.title
            _draw_pages(c, pen, pages, head_line)
            total_pages += len(pages)
            if progress is not None:
                progress(done, steps)
    letters = RenderResult(Path(out), total_pages, merge_missing(missing, pen.missing))
    if envelopes_out is None:
        return LetterBatch(letters, None)
    env_pen = Pen(fontset)
    writer = EnvelopeWriter(env_pen, info, envelope)
    with pdf_canvas(envelopes_out, writer.page_size, env_pen, title=f"{spec.title} 信封", strict=strict) as c:
        for done, person in enumerate(people, start=len(people) + 1):
            writer.draw(c, person)
            c.showPage()
            if progress is not None:
                progress(done, steps)
    envelopes = RenderResult(Path(envelopes_out), len(people),
                             merge_missing(missing_glyphs(on_envelope, fontset), env_pen.missing))
    return LetterBatch(letters, envelopes)


def value_texts(spec: NoticeTemplate, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The values typed for ``spec``, each labelled with its field (names it in the missing-glyph message)."""
    return list(labelled_strings(dict(values), {f.key: f.label for f in spec.fields}))


class _Composer:
    """Turns a checked template into flow items; the body is composed once per batch."""

    def __init__(self, pen: Pen, spec: NoticeTemplate, values: dict[str, Any], company: CompanyInfo,
                 issued_on: date | None, style: Style) -> None:
        self.pen, self.spec, self.values, self.company, self.style = pen, spec, values, company, style
        self.words = {f.key: text_value(f, values.get(f.key)) for f in spec.fields}
        for f in spec.fields:
            start, end = values.get(f.after), values.get(f.key)
            if f.type == "datetime" and isinstance(start, datetime) and isinstance(end, datetime) \
                    and start.date() == end.date():
                self.words[f.key] = f"{end:%H:%M}"  # "12月3日（星期四）08:00至17:00", not the date twice
        self.words.update(company.placeholders(), date=issued_text(issued_on), title=spec.title,
                          you="各位业主、住户" if style is BOARD else "您")

    def head(self) -> list[Item]:
        pen, style = self.pen, self.style
        items: list[Item] = []
        if self.company.name:
            size = pen.fit_size(self.company.name, 15, WIDTH, 9)
            items.append((8 * mm, "text", (PAGE_W / 2, 6 * mm, self.company.name, size, 0.0, "center", True)))
            items.append((5 * mm, "rule", ()))
        title_size = pen.fit_size(self.spec.title, style.title, WIDTH, 12)
        spacing = title_size * 0.3 if len(self.spec.title) <= 8 else 0.0
        items.append((title_size * 2.2, "text", (PAGE_W / 2, title_size * 1.45, self.spec.title, title_size,
                                                 spacing, "center", True)))
        return items

    def reference(self, person: Recipient) -> Item:
        text = f"房号：{person.room}" if person.room else ""
        return (6 * mm, "text", (PAGE_W - MARGIN_X, 3 * mm, text, 10, 0.0, "right", False))

    def salutation(self, text: str) -> Item:
        return (self.style.leading, "text", (MARGIN_X, self.style.body, text, self.style.body, 0.0, "left", False))

    def body(self) -> list[Item]:
        items: list[Item] = []
        for paragraph in self.spec.body:
            table_field = self._table_field(paragraph)
            if table_field is not None:
                items += self._table(table_field)
                continue
            names = [n for _, n, _, _ in string.Formatter().parse(paragraph) if n]
            if names and all(not self.words.get(n) for n in names) and not _literal(paragraph).strip():
                continue  # an optional paragraph left empty, e.g. {arrangement}
            items += self._paragraph(closed(fill_placeholders(paragraph, self.words)))
        if self.spec.closing:
            items += self._paragraph(self.spec.closing)
        items.append(self._signature())
        if self.spec.note:
            items += self._paragraph(fill_placeholders(self.spec.note, self.words), size=self.style.body * 0.75)
        return items

    def _paragraph(self, text: str, size: float | None = None) -> list[Item]:
        pen, style = self.pen, self.style
        size = size or style.body
        lead = style.leading * size / style.body
        items: list[Item] = []
        for line in pen.wrap(text, size, WIDTH, first_indent=2 * size):
            space = 0.0
            if not line.last and len(line.text) > 1:
                space = max(0.0, (WIDTH - line.indent - pen.width(line.text, size)) / (len(line.text) - 1))
            items.append((lead, "text", (MARGIN_X + line.indent, size, line.text, size, space, "left", False)))
        return items

    def _signature(self) -> Item:
        lines = [t for t in (self.company.name, self.company.service_centre, self.words["date"]) if t]
        lead = self.style.leading
        return (lead * (len(lines) + 1), "sign", (lines, self.style.body, lead))

    def _table_field(self, paragraph: str) -> NoticeField | None:
        name = paragraph.strip()[1:-1] if paragraph.strip().startswith("{") else ""
        field = self.spec.field(name)
        return field if field is not None and field.type == "table" else None

    def _table(self, field: NoticeField) -> list[Item]:
        rows = self.values.get(field.key) or []
        block = TableBlock(field.columns, field.key, blank_rows=0, row_height=9 * mm, pad=False)
        table = build_table(self.pen, block, rows, WIDTH, self.style.body * 0.8)
        items: list[Item] = [(3 * mm, "gap", ()), (table.header.height, "thead", (table.widths, table.header))]
        items += [(row.height, "row", (table.widths, row)) for row in table.rows]
        items.append((4 * mm, "gap", ()))
        return items


def closed(text: str) -> str:
    """Every line of a paragraph ends as a Chinese sentence does: "。" added where the typist left none."""
    return "\n".join(line + "。" if line.strip() and line.rstrip()[-1] not in _SENTENCE_END else line
                     for line in text.split("\n"))


def _literal(paragraph: str) -> str:
    return "".join(text for text, _, _, _ in string.Formatter().parse(paragraph))


def _paginate(items: Sequence[Item]) -> list[list[Item]]:
    """Fill pages top to bottom; a table header keeps with its first row and repeats on new pages."""
    avail = TOP - BOTTOM
    pages: list[list[Item]] = [[]]
    free = avail
    header: Item | None = None
    for i, item in enumerate(items):
        height, kind, _ = item
        need = height
        if kind == "thead":
            header = item
            need += items[i + 1][0] if i + 1 < len(items) else 0.0
        elif kind != "row":
            header = None
        if need > free and pages[-1]:
            carried: list[Item] = []
            if kind == "sign":  # the closing lines go over with the signature
                while (len(pages[-1]) > 1 and pages[-1][-1][1] == "text" and len(carried) < KEEP_WITH_SIGNATURE):
                    carried.insert(0, pages[-1].pop())
            pages.append(carried)
            free = avail - sum(h for h, _, _ in carried)
            if kind == "row" and header is not None:
                pages[-1].append(header)
                free -= header[0]
        pages[-1].append(item)
        free -= height
    return pages


def _draw_pages(c: Canvas, pen: Pen, pages: list[list[Item]], running_head: str = "") -> None:
    """Draw the pages; ``running_head`` (a letter's 房号) heads every page after the first."""
    for number, page in enumerate(pages, start=1):
        y = TOP
        if number > 1 and running_head:
            pen.draw(c, PAGE_W - MARGIN_X, PAGE_H - 12 * mm, f"{running_head}（续）", 9, align="right")
            c.setLineWidth(0.4)
            c.line(MARGIN_X, PAGE_H - 13.5 * mm, PAGE_W - MARGIN_X, PAGE_H - 13.5 * mm)
        for height, kind, payload in page:
            if kind == "text":
                x, dy, text, size, space, align, bold = payload
                if text:
                    pen.draw(c, x, y - dy, text, size, align=align, char_space=space, bold=bold)
            elif kind == "rule":
                c.setLineWidth(1.2)
                c.line(MARGIN_X, y - 1.5 * mm, PAGE_W - MARGIN_X, y - 1.5 * mm)
                c.setLineWidth(0.4)
                c.line(MARGIN_X, y - 2.4 * mm, PAGE_W - MARGIN_X, y - 2.4 * mm)
            elif kind in ("thead", "row"):
                widths, row = payload
                draw_rows(c, pen, MARGIN_X, y, widths, [row])
            elif kind == "sign":
                lines, size, lead = payload
                right = PAGE_W - MARGIN_X
                block = max(pen.width(t, size) for t in lines)
                for n, text in enumerate(lines, start=1):
                    pen.draw(c, right - block / 2, y - lead * n, text, size, align="center")
            y -= height
        if len(pages) > 1:
            pen.draw(c, PAGE_W / 2, 12 * mm, f"第 {number} 页 共 {len(pages)} 页", 9, align="center")
        c.showPage()
