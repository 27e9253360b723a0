"""Printing a declarative form blank or filled: page header, flowing blocks, signatures, "第 N 页 共 M 页"."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from butler_desk.reporting.document import (
    CompanyInfo,
    RenderResult,
    check_inputs,
    merge_missing,
    pdf_canvas,
    labelled_strings,
    resolve_fonts,
)
from butler_desk.reporting.fonts import FontSet
from butler_desk.reporting.formblocks import Piece, TablePiece, build_pieces, build_table, draw_sign
from butler_desk.reporting.formspec import FormSpec, TableBlock, load_form
from butler_desk.reporting.text import Pen
from butler_desk.reporting.values import plain

FOOTER_SIZE = 8.0
Page = list[tuple[Piece, float]]  # (piece, drawn height)


def render_form(form: FormSpec | str | os.PathLike[str], out: str | os.PathLike[str], *,
                company: CompanyInfo | Mapping[str, object],
                records: Sequence[Mapping[str, object]] | None = None,
                header: Mapping[str, object] | None = None,
                blank_rows: int | None = None,
                strict: bool = False,
                fonts: FontSet | None = None) -> RenderResult:
    """Write ``form`` to ``out``: blank when ``records`` is None, else filled.

    Record forms print one record per page (a long record continues on more pages, numbered
    per record). Table forms print ``records`` as rows that continue over pages with the
    column header repeated; ``header`` fills the fields above the table; ``blank_rows``
    overrides the file's count of empty rows for a blank print. Unprintable characters are
    reported in the result, or refused with BadInput when ``strict``.
    """
    spec = form if isinstance(form, FormSpec) else load_form(form if isinstance(form, str) else Path(form))
    info = CompanyInfo.coerce(company)
    fontset = resolve_fonts(fonts)
    labels = spec.labels()
    missing = check_inputs([*labelled_strings(records or [], labels), *labelled_strings(header or {}, labels)],
                           fontset, strict)
    pen = Pen(fontset)
    renderer = _FormRenderer(spec, info, pen)
    if spec.layout == "table":
        documents = [renderer.table_pages(records, header or {}, blank_rows)]
    elif records:
        documents = [renderer.record_pages(record) for record in records]
    else:
        documents = [renderer.record_pages({})]
    pages = 0
    with pdf_canvas(out, spec.page_size, pen, title=f"{spec.title}（{spec.number}）", strict=strict) as c:
        for repeated, doc_pages in documents:
            for number, page in enumerate(doc_pages, start=1):
                renderer.draw_page(c, repeated, page, number, len(doc_pages))
                c.showPage()
                pages += 1
    return RenderResult(Path(out), pages, merge_missing(missing, pen.missing))


class _FormRenderer:
    def __init__(self, spec: FormSpec, company: CompanyInfo, pen: Pen) -> None:
        self.spec = spec
        self.company = company
        self.pen = pen
        self.width = spec.content_width
        self.size = spec.font_size
        # A5 sheets get a tighter masthead and margins; the proportions stay those of A4.
        self.scale = 1.0 if spec.paper == "A4" else 0.8
        self.top_margin = spec.margin * 0.8
        self.bottom_margin = spec.margin * 0.67
        page_h = spec.page_size[1]
        self.top = page_h - self.top_margin - self._masthead_height()
        signature_band = 11 * mm * self.scale if spec.signatures else 0.0
        self.body_height = self.top - (self.bottom_margin + 5 * mm + signature_band)

    # -- layout ------------------------------------------------------------------------------
    def _text_values(self, values: Mapping[str, object]) -> dict[str, str]:
        merged = {k: plain(v) for k, v in values.items()}
        merged.update(self.company.placeholders())
        merged.update(form_number=self.spec.number, title=self.spec.title)
        return merged

    def record_pages(self, record: Mapping[str, object]) -> tuple[list[Piece], list[Page]]:
        pieces = build_pieces(self.pen, self.spec.blocks, record, self._text_values(record), self.width, self.size)
        return [], self._paginate(pieces, self.body_height)

    def table_pages(self, records: Sequence[Mapping[str, object]] | None, header: Mapping[str, object],
                    blank_rows: int | None) -> tuple[list[Piece], list[Page]]:
        table_index = next(i for i, b in enumerate(self.spec.blocks) if isinstance(b, TableBlock))
        block = self.spec.blocks[table_index]
        assert isinstance(block, TableBlock)
        text_values = self._text_values(header)
        repeated = build_pieces(self.pen, self.spec.blocks[:table_index], header, text_values, self.width, self.size)
        after = build_pieces(self.pen, self.spec.blocks[table_index + 1:], header, text_values, self.width, self.size)
        table = build_table(self.pen, block, records, self.width, self.size, blank_rows=blank_rows)
        avail = self.body_height - sum(p.height for p in repeated)
        pages = self._paginate([table, *after], avail)
        if records is not None and block.pad:
            self._pad_last_table_page(pages, avail, block)
        return repeated, pages

    def _pad_last_table_page(self, pages: list[Page], avail: float, block: TableBlock) -> None:
        """Fill the rest of the table's last page with empty rows to write in by hand."""
        for page in reversed(pages):
            tables = [p for p, _ in page if isinstance(p, TablePiece)]
            if tables:
                spare = avail - sum(h for _, h in page)
                count = int(spare // block.row_height)
                if count > 0:
                    tables[-1].add_blank_rows(count, block.row_height, self.size)
                    page[:] = [(p, p.height if isinstance(p, TablePiece) else h) for p, h in page]
                return

    @staticmethod
    def _paginate(pieces: list[Piece], avail: float) -> list[Page]:
        pages: list[Page] = [[]]
        free = avail
        queue = list(pieces)
        while queue:
            piece = queue.pop(0)
            if piece.height <= free + 0.01:
                pages[-1].append((piece, piece.height))
                free -= piece.height
                continue
            parts = piece.split(free)
            if parts is not None:
                head, tail = parts
                pages[-1].append((head, head.height))
                queue.insert(0, tail)
            elif not pages[-1]:
                # Taller than a whole page and indivisible: print it cut at the page end.
                pages[-1].append((piece, free))
            else:
                queue.insert(0, piece)
            pages.append([])
            free = avail
        if not pages[-1] and len(pages) > 1:
            pages.pop()
        for page in pages:
            growers = [i for i, (p, _) in enumerate(page) if p.grow]
            spare = avail - sum(h for _, h in page)
            if growers and spare > 0:
                for i in growers:
                    piece, height = page[i]
                    page[i] = (piece, height + spare / len(growers))
        return pages

    # -- drawing -----------------------------------------------------------------------------
    def _masthead_height(self) -> float:
        height = 17 * mm  # title line, meta line
        if self.spec.company == "header":
            height += 7 * mm
        return height * self.scale

    def draw_page(self, c: Canvas, repeated: list[Piece], page: Page, number: int, total: int) -> None:
        spec, pen = self.spec, self.pen
        page_w, page_h = spec.page_size
        x0, k = spec.margin, self.scale
        y = page_h - self.top_margin
        if spec.company == "header" and self.company.name:
            pen.draw(c, page_w / 2, y - 5 * mm * k, self.company.name, 12 * k, align="center")
            y -= 7 * mm * k
        title = spec.title if spec.company != "title" else f"{self.company.name}{spec.title}"
        title_size = pen.fit_size(title, 17 * k, self.width, 11)
        pen.draw(c, page_w / 2, y - 7.5 * mm * k, title, title_size, align="center", bold=True,
                 char_space=title_size * 0.15 if len(title) <= 10 else 0.0)
        y -= 10 * mm * k
        if spec.estate == "meta" and self.company.estate:
            pen.draw(c, x0, y - 4.5 * mm * k, f"项目：{self.company.estate}", 9)
        pen.draw(c, x0 + self.width, y - 4.5 * mm * k, f"表号：{spec.number}", 9, align="right")
        y = self.top
        for piece in repeated:
            piece.draw(c, pen, x0, y, piece.height)
            y -= piece.height
        for piece, height in page:
            piece.draw(c, pen, x0, y, height)
            y -= height
        if spec.signatures:
            self._draw_signatures(c, x0, self.bottom_margin + 6 * mm * k)
        pen.draw(c, page_w / 2, self.bottom_margin, f"第 {number} 页 共 {total} 页", FOOTER_SIZE, align="center")

    def _draw_signatures(self, c: Canvas, x: float, baseline: float) -> None:
        """经办人：______  业主签字：______  日期：____年__月__日, spread over the width."""
        slot = self.width / len(self.spec.signatures)
        for i, label in enumerate(self.spec.signatures):
            line = slot - self.pen.width(f"{label}：", self.size) - 5 * mm
            draw_sign(c, self.pen, x + i * slot, baseline, label, line, self.size)
