"""Drawing Chinese text on a reportlab canvas: cached widths, line breaking with 禁则, font fallback runs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from butler_desk.reporting.fonts import FontSet

# Characters that must not begin a line (closing punctuation) or end one (opening punctuation).
NO_LINE_START = frozenset("，。、；：？！）》」』】〕〗〉’”…—·～%‰,.;:?!)]}％、ー々〃")
NO_LINE_END = frozenset("（《「『【〔〖〈‘“([{")
# Runs of these stay together (numbers, dates, phone numbers, Latin words, room codes like 3-2-1201).
_WORD_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.,:/\\-+@#&*'¥$%=~^|<>")

_CACHE_LIMIT = 50_000


@dataclass(frozen=True)
class Line:
    """One wrapped line; ``last`` marks a paragraph's final line (never justified)."""

    text: str
    last: bool
    indent: float = 0.0


def _tokens(paragraph: str) -> list[str]:
    out: list[str] = []
    word = ""
    for ch in paragraph:
        if ch in _WORD_CHARS:
            word += ch
            continue
        if word:
            out.append(word)
            word = ""
        out.append(ch)
    if word:
        out.append(word)
    return out


class Pen:
    """Measures, wraps and draws text with a FontSet, remembering characters no font can draw.

    One Pen serves a whole batch: widths and wrapped paragraphs are cached, so the fixed
    body of 5,000 letters is measured once.
    """

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        self.missing: dict[str, list[str]] = {}
        self._em: dict[str, float] = {}
        self._wrapped: dict[tuple[str, float, float, float], tuple[Line, ...]] = {}

    # -- measuring ---------------------------------------------------------------------------
    def em_width(self, text: str) -> float:
        """Width of ``text`` in 1/1000 em, each character in the font that draws it."""
        width = self._em.get(text)
        if width is None:
            fonts = self.fonts
            if fonts.covers(text):
                main = fonts.main_name
                width = sum(fonts.char_width(ch, main) for ch in text)
            else:
                width = sum(fonts.char_width(ch, fonts.font_for(ch) or fonts.main_name) for ch in text)
            if len(self._em) > _CACHE_LIMIT:
                self._em.clear()
            self._em[text] = width
        return width

    def width(self, text: str, size: float) -> float:
        return self.em_width(text) * size / 1000.0

    def fit_size(self, text: str, size: float, max_width: float, min_size: float) -> float:
        """The largest size ≤ ``size`` (not below ``min_size``) at which ``text`` fits on one line."""
        width = self.width(text, size)
        if width <= max_width or width == 0:
            return size
        return max(min_size, size * max_width / width)

    # -- wrapping ----------------------------------------------------------------------------
    def wrap(self, text: str, size: float, max_width: float, first_indent: float = 0.0) -> tuple[Line, ...]:
        """Break ``text`` into lines no wider than ``max_width``; "\\n" starts a new paragraph.

        ``first_indent`` (points) indents each paragraph's first line, e.g. two characters
        for Chinese body text. A single character wider than the line still gets its own line.
        """
        key = (text, size, max_width, first_indent)
        cached = self._wrapped.get(key)
        if cached is not None:
            return cached
        lines: list[Line] = []
        for paragraph in text.split("\n"):
            lines.extend(self._wrap_paragraph(paragraph.rstrip(), size, max_width, first_indent))
        result = tuple(lines)
        if len(self._wrapped) > _CACHE_LIMIT:
            self._wrapped.clear()
        self._wrapped[key] = result
        return result

    def _wrap_paragraph(self, paragraph: str, size: float, max_width: float, indent: float) -> list[Line]:
        if not paragraph:
            return [Line("", True)]
        scale = size / 1000.0
        limit = max_width + 1e-6
        units: list[tuple[str, float]] = []
        for token in _tokens(paragraph):
            width = self.em_width(token) * scale
            if width <= max_width - indent or len(token) == 1:
                units.append((token, width))
            else:
                units.extend(self._split_long(token, scale, max_width - indent))

        lines: list[Line] = []
        current: list[tuple[str, float]] = []
        used = indent
        for unit in units:
            token, width = unit
            if not current and token == " ":
                continue
            if used + width <= limit or not current:
                current.append(unit)
                used += width
                continue
            carry: list[tuple[str, float]] = []
            carried = width
            # 禁则: closing punctuation takes the previous character down with it (repeatedly, for
            # "）。"), and an opening bracket left at a line end moves down to the text it opens.
            while (len(current) > 1 and (carry[0][0] if carry else token)[0] in NO_LINE_START
                   and carried + current[-1][1] <= max_width):
                carried += current[-1][1]
                carry.insert(0, current.pop())
            while (len(current) > 1 and current[-1][0][-1] in NO_LINE_END
                   and carried + current[-1][1] <= max_width):
                carried += current[-1][1]
                carry.insert(0, current.pop())
            lines.append(Line("".join(t for t, _ in current).rstrip(), False,
                              indent if not lines else 0.0))
            current = carry + [unit]
            used = sum(w for _, w in current)
        lines.append(Line("".join(t for t, _ in current).rstrip(), True, indent if not lines else 0.0))
        return lines

    def _split_long(self, token: str, scale: float, max_width: float) -> list[tuple[str, float]]:
        pieces: list[tuple[str, float]] = []
        piece, used = "", 0.0
        for ch in token:
            width = self.em_width(ch) * scale
            if piece and used + width > max_width + 1e-6:
                pieces.append((piece, used))
                piece, used = "", 0.0
            piece += ch
            used += width
        if piece:
            pieces.append((piece, used))
        return pieces

    # -- drawing -----------------------------------------------------------------------------
    def note_missing(self, text: str) -> None:
        for ch in self.fonts.missing(text):
            holders = self.missing.setdefault(ch, [])
            if text not in holders:
                holders.append(text)

    def draw(self, c: Canvas, x: float, y: float, text: str, size: float, *, align: str = "left",
             char_space: float = 0.0, bold: bool = False) -> float:
        """Draw one line with its baseline at ``y``; returns the drawn width.

        ``align`` is left / center / right relative to ``x``. Characters the main font lacks
        are drawn in the fallback font that has them; characters no font has are recorded
        in ``self.missing``.
        """
        if not text:
            return 0.0
        fonts = self.fonts
        width = self.width(text, size) + char_space * (len(text) - 1)
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        mode = None
        if bold:
            c.saveState()
            c.setLineWidth(size * 0.035)
            c.setStrokeColor(c._fillColorObj)
            mode = 2  # fill + stroke: a faux bold, since the bundled font has no bold face
        if fonts.covers(text):
            self._set_font(c, fonts.main_name, size)
            c.drawString(x, y, text, mode=mode, charSpace=char_space)
        else:
            self.note_missing(text)
            for name, chunk in fonts.runs(text):
                self._set_font(c, name, size)
                c.drawString(x, y, chunk, mode=mode, charSpace=char_space)
                x += self.width(chunk, size) + char_space * len(chunk)
        if bold:
            c.restoreState()
        return width

    @staticmethod
    def _set_font(c: Canvas, name: str, size: float) -> None:
        # Canvas keeps the current font in _fontname/_fontsize; skipping redundant setFont calls
        # keeps 5,000-letter content streams small.
        if c._fontname != name or c._fontsize != size:
            c.setFont(name, size)

    def draw_lines(self, c: Canvas, x: float, y: float, lines: Iterable[Line], size: float, leading: float,
                   width: float, *, align: str = "left", justify: bool = False) -> float:
        """Draw wrapped lines from baseline ``y`` downwards; returns the baseline after the last one.

        With ``justify`` every line but a paragraph's last is spread to the full width, as
        Chinese body text is typeset.
        """
        for line in lines:
            text = line.text
            if align == "left":
                space = 0.0
                if justify and not line.last and len(text) > 1:
                    slack = width - line.indent - self.width(text, size)
                    space = max(0.0, slack / (len(text) - 1))
                self.draw(c, x + line.indent, y, text, size, char_space=space)
            elif align == "center":
                self.draw(c, x + width / 2, y, text, size, align="center")
            else:
                self.draw(c, x + width, y, text, size, align="right")
            y -= leading
        return y
