"""Envelope fronts after GB/T 1416-2021: postcode boxes, stamp box, addressee, sender; offsets and calibration.

Geometry (millimetres from the envelope's top-left corner, landscape). The six recipient
postcode boxes are 8 × 10 mm (w × h), 2 mm apart, the first 20 mm from the left and 15 mm
from the top edge, so they end at 78 × 25 mm inside the 90 × 26 mm zone the standard
reserves. These are the figures commonly reproduced from GB/T 1416; the standard's text was
not at hand, which is one more reason every printer gets an offset and a calibration page.
The stamp box (decision: 24 × 28 mm) sits 10 mm from the top and right edges. Nothing is
printed in the bottom 20 mm band, which the post office keeps for its barcode.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from butler_desk.domain.errors import BadInput
from butler_desk.reporting.document import (
    CompanyInfo,
    Recipient,
    RenderResult,
    check_inputs,
    merge_missing,
    pdf_canvas,
    resolve_fonts,
)
from butler_desk.reporting.fonts import FontSet
from butler_desk.reporting.text import Line, Pen

ENVELOPE_SIZES: dict[str, tuple[float, float]] = {  # mm, length × height
    "DL": (220, 110), "ZL": (230, 120), "C5": (229, 162), "B6": (176, 125), "C4": (324, 229),
}
ENVELOPE_NAMES = {"DL": "5号（DL）", "ZL": "6号（ZL）", "C5": "7号（C5）", "B6": "3号（B6）", "C4": "9号（C4）"}
POSTCODE_RED = Color(0.85, 0.12, 0.10)  # the standard's 金红色
BOX_W, BOX_H, BOX_GAP, BOX_LEFT, BOX_TOP = 8.0, 10.0, 2.0, 20.0, 15.0
STAMP_W, STAMP_H, STAMP_MARGIN = 24.0, 28.0, 10.0
BARCODE_BAND = 20.0
MAX_OFFSET = 20.0
_POSTCODE = re.compile(r"\d{6}")


@dataclass(frozen=True)
class EnvelopeOptions:
    """Size, what to print, and this printer's correction: dx to the right, dy downwards, in mm."""

    size: str = "DL"
    mode: str = "full"  # full: boxes, labels and text; preprinted: text and digits only
    offset_mm: tuple[float, float] = (0.0, 0.0)
    print_sender: bool | None = None  # None: only in full mode (company envelopes carry it pre-printed)

    def checked(self) -> EnvelopeOptions:
        if self.size not in ENVELOPE_SIZES:
            raise BadInput(f"不认识的信封规格“{self.size}”：可选 {'、'.join(ENVELOPE_SIZES)}", field="size")
        if self.mode not in ("full", "preprinted"):
            raise BadInput("信封打印方式应为“完整打印”（full）或“套打”（preprinted）", field="mode")
        dx, dy = self.offset_mm
        if abs(dx) > MAX_OFFSET or abs(dy) > MAX_OFFSET:
            raise BadInput(f"打印偏移 dx={dx}、dy={dy} 毫米过大：请用校准页重新测量，偏移应在 ±{MAX_OFFSET:g} 毫米以内",
                           field="offset_mm")
        return self

    @property
    def sender(self) -> bool:
        return self.mode == "full" if self.print_sender is None else self.print_sender


DEFAULT_OPTIONS = EnvelopeOptions()


@dataclass(frozen=True)
class EnvelopeGeometry:
    """Where things go on one envelope size, in mm from the top-left corner."""

    width: float
    height: float
    boxes: tuple[tuple[float, float, float, float], ...]  # x, y, w, h
    stamp: tuple[float, float, float, float]
    address_baseline: float
    name_baseline: float
    phone_baseline: float
    sender_baselines: tuple[float, float, float]  # address, name, postcode
    left: float
    right: float
    scale: float


def geometry(size: str) -> EnvelopeGeometry:
    width, height = ENVELOPE_SIZES[size]
    boxes = tuple((BOX_LEFT + i * (BOX_W + BOX_GAP), BOX_TOP, BOX_W, BOX_H) for i in range(6))
    stamp = (width - STAMP_MARGIN - STAMP_W, STAMP_MARGIN, STAMP_W, STAMP_H)
    scale = min(1.3, max(1.0, height / 110))
    address = max(STAMP_MARGIN + STAMP_H + 7, height * 0.40)
    bottom = height - BARCODE_BAND
    return EnvelopeGeometry(width, height, boxes, stamp, address, address + 13 * scale, address + 22 * scale,
                            (bottom - 14 * scale, bottom - 8 * scale, bottom - 2.5), 25.0, width - 15.0, scale)


def check_postcode(code: str, who: str) -> str:
    code = code.strip()
    if code and not _POSTCODE.fullmatch(code):
        raise BadInput(f"{who}的邮政编码“{code}”应为 6 位数字，请改正后再打印。", field="postcode")
    return code


def envelope_texts(people: Iterable[Recipient]) -> list[tuple[str, str]]:
    """What an envelope prints of each person, labelled for the missing-glyph message."""
    return [pair for p in people for pair in (("收件人", p.name), ("地址", p.address), ("房号", p.room))]


def check_recipients(recipients: Iterable[Recipient | Mapping[str, object]], *, postcodes: bool) -> list[Recipient]:
    """The batch as Recipients; refuses an empty batch and (for envelopes) malformed postcodes."""
    people = [Recipient.coerce(r) for r in recipients]
    if not people:
        raise BadInput("没有收件人：请至少选择一户后再打印。", field="recipients")
    if postcodes:
        for person in people:
            check_postcode(person.postcode, person.name or person.room or "收件人")
    return people


class EnvelopeWriter:
    """Draws envelope fronts on a canvas whose page size is the envelope (landscape)."""

    def __init__(self, pen: Pen, sender: CompanyInfo, options: EnvelopeOptions) -> None:
        self.pen = pen
        self.sender = sender
        self.options = options.checked()
        self.geo = geometry(options.size)
        self.page_size = (self.geo.width * mm, self.geo.height * mm)
        self.sender_postcode = check_postcode(sender.postcode, "寄件单位")
        self.sender_name = f"{sender.name}{sender.service_centre}" if sender.service_centre else sender.name

    def y(self, from_top_mm: float) -> float:
        return (self.geo.height - from_top_mm) * mm

    def address_for(self, recipient: Recipient) -> str:
        if recipient.address.strip():
            return recipient.address.strip()
        return f"{self.sender.estate}{recipient.room}"  # hand delivery inside the estate

    def address_lines(self, recipient: Recipient, size: float, width: float,
                      narrow: float) -> tuple[float, tuple[Line, ...]]:
        """The address on its rule: one line, shrinking the type down to 9 pt; else two (three at 8 pt).

        Lines stack upwards so the last one sits on the rule (pre-printed envelopes have it
        printed); lines above the rule reach the stamp box's height, so they are wrapped to
        ``narrow``, the width left of the stamp box.
        """
        address = self.address_for(recipient)
        for candidate in (size, size * 0.9, size * 0.8, 9.0):
            if self.pen.width(address, candidate) <= width:
                return candidate, (Line(address, True),)
        for candidate in (size, size * 0.9, size * 0.8, 9.0, 8.0):
            lines = self.pen.wrap(address, candidate, narrow)
            if len(lines) <= 2:
                return candidate, lines
        if len(lines) > 3:
            raise BadInput(f"{recipient.name or recipient.room}的地址太长，信封上放不下：请精简到 80 字以内。",
                           field="address")
        return 8.0, lines

    def draw(self, c: Canvas, recipient: Recipient) -> None:
        """One envelope front for ``recipient`` (postcode already checked by the caller)."""
        geo, pen, k = self.geo, self.pen, self.geo.scale
        full = self.options.mode == "full"
        dx, dy = self.options.offset_mm
        if dx or dy:
            c.saveState()
            c.translate(dx * mm, -dy * mm)
        if full:
            self._draw_frames(c)
        for (x, top, w, h), digit in zip(geo.boxes, recipient.postcode.strip()):
            pen.draw(c, (x + w / 2) * mm, self.y(top + h / 2 + 2.2), digit, 16, align="center")
        left, right = geo.left * mm, geo.right * mm
        label_size, text_size, name_size = 10 * k, 12 * k, 16 * k
        # The labels stand at 25 mm whether we print them or the envelope has them pre-printed:
        # the text starts after the widest label in both modes.
        indent = pen.width("收件人：", label_size) + 2
        if full:
            pen.draw(c, left, self.y(geo.address_baseline), "地址：", label_size)
            pen.draw(c, left, self.y(geo.name_baseline), "收件人：", label_size)
            pen.draw(c, left, self.y(geo.phone_baseline), "电话(选填)：", label_size)
        avail = right - left - indent
        narrow = min(right, (geo.stamp[0] - 3) * mm) - left - indent
        size, lines = self.address_lines(recipient, text_size, avail, narrow)
        for n, line in enumerate(lines):
            above = len(lines) - 1 - n
            pen.draw(c, left + indent, self.y(geo.address_baseline) + above * size * 1.2, line.text, size)
        name = recipient.name.strip() or f"{recipient.room}业主"
        name_line = f"{name}　收"
        name_size = pen.fit_size(name_line, name_size, avail, 10)
        pen.draw(c, max(left + indent, (geo.width * mm - pen.width(name_line, name_size)) / 2),
                 self.y(geo.name_baseline), name_line, name_size)
        if self.options.sender:
            self._draw_sender(c, full)
        if dx or dy:
            c.restoreState()

    def _draw_frames(self, c: Canvas) -> None:
        geo, pen = self.geo, self.pen
        c.saveState()
        c.setStrokeColor(POSTCODE_RED)
        c.setLineWidth(1.0)
        for x, top, w, h in geo.boxes:
            c.rect(x * mm, self.y(top + h), w * mm, h * mm, stroke=1, fill=0)
        x, top, w, h = geo.stamp
        c.setLineWidth(0.6)
        c.setDash(2, 1.5)
        c.rect(x * mm, self.y(top + h), w * mm, h * mm, stroke=1, fill=0)
        c.setFillColor(POSTCODE_RED)
        pen.draw(c, (x + w / 2) * mm, self.y(top + h / 2 - 1), "贴邮票处", 9, align="center")
        pen.draw(c, (x + w / 2) * mm, self.y(top + h / 2 + 4), "STAMP", 6, align="center")
        c.restoreState()
        c.setLineWidth(0.4)
        left, right = geo.left * mm, geo.right * mm
        for baseline in (geo.address_baseline, geo.name_baseline, geo.phone_baseline):
            c.line(left, self.y(baseline + 1.5), right - 40 * mm if baseline == geo.phone_baseline else right,
                   self.y(baseline + 1.5))

    def _draw_sender(self, c: Canvas, full: bool) -> None:
        geo, pen, k = self.geo, self.pen, self.geo.scale
        right = geo.right * mm
        address_bl, name_bl, code_bl = geo.sender_baselines
        size = 9 * k
        max_w = geo.width * mm * 0.55
        if self.sender.address:
            fit = pen.fit_size(self.sender.address, size, max_w, 7)
            pen.draw(c, right, self.y(address_bl), self.sender.address, fit, align="right")
        if self.sender_name:
            fit = pen.fit_size(self.sender_name, size + 1, max_w, 7)
            pen.draw(c, right, self.y(name_bl), self.sender_name, fit, align="right")
        if self.sender_postcode or full:
            pen.draw(c, right, self.y(code_bl), f"邮政编码：{self.sender_postcode or '　' * 6}", size, align="right")


def render_envelopes(recipients: Iterable[Recipient | Mapping[str, object]], sender: CompanyInfo | Mapping[str, object],
                     out: str | os.PathLike[str], *, options: EnvelopeOptions = DEFAULT_OPTIONS,
                     strict: bool = False, fonts: FontSet | None = None,
                     progress: Callable[[int, int], None] | None = None) -> RenderResult:
    """One envelope page per recipient, in the order given (the letters' order).

    ``progress(done, total)`` is called after each envelope; an exception it raises (a
    cancel) stops the run and leaves no file behind.
    """
    people = check_recipients(recipients, postcodes=True)
    fontset = resolve_fonts(fonts)
    missing = check_inputs(envelope_texts(people), fontset, strict)
    pen = Pen(fontset)
    writer = EnvelopeWriter(pen, CompanyInfo.coerce(sender), options)
    with pdf_canvas(out, writer.page_size, pen, title="信封", strict=strict) as c:
        for done, person in enumerate(people, start=1):
            writer.draw(c, person)
            c.showPage()
            if progress is not None:
                progress(done, len(people))
    return RenderResult(Path(out), len(people), merge_missing(missing, pen.missing))


def render_calibration_page(out: str | os.PathLike[str], *, options: EnvelopeOptions = DEFAULT_OPTIONS,
                            sender: CompanyInfo | Mapping[str, object] | None = None,
                            fonts: FontSet | None = None) -> RenderResult:
    """A test print: rulers in mm, crosshairs on each postcode box and the stamp box, sample text.

    Print it on plain paper laid over an envelope (or on an envelope): where the crosshairs
    miss the pre-printed boxes, the rulers give the dx/dy to enter for this printer.
    """
    options = options.checked()
    pen = Pen(resolve_fonts(fonts))
    info = CompanyInfo.coerce(sender) if sender is not None else CompanyInfo("物业服务有限公司", "示例小区")
    writer = EnvelopeWriter(pen, info, options)
    geo = writer.geo
    with pdf_canvas(out, writer.page_size, pen, title="信封校准页") as c:
        dx, dy = options.offset_mm
        _rulers(c, pen, writer)  # the rulers stay on the paper's own frame; the marks carry the offset
        c.saveState()
        c.translate(dx * mm, -dy * mm)
        c.setLineWidth(0.3)
        for x, top, w, h in geo.boxes:
            c.rect(x * mm, writer.y(top + h), w * mm, h * mm, stroke=1, fill=0)
            _crosshair(c, (x + w / 2) * mm, writer.y(top + h / 2), 3 * mm)
        sx, stop, sw, sh = geo.stamp
        c.rect(sx * mm, writer.y(stop + sh), sw * mm, sh * mm, stroke=1, fill=0)
        for cx, cy in ((sx, stop), (sx + sw, stop), (sx, stop + sh), (sx + sw, stop + sh)):
            _crosshair(c, cx * mm, writer.y(cy), 2.5 * mm)
        c.setDash(3, 2)
        c.line(0, BARCODE_BAND * mm, geo.width * mm, BARCODE_BAND * mm)
        c.setDash()
        pen.draw(c, geo.width * mm / 2, BARCODE_BAND * mm - 5 * mm,
                 "以下 20 毫米为邮政条码区，正式打印时不印任何内容", 7, align="center")
        c.restoreState()
        sample = EnvelopeOptions(options.size, "preprinted", options.offset_mm, print_sender=False)
        EnvelopeWriter(pen, info, sample).draw(c, Recipient("张三", "", "示例省示例市示例路 1 号", "123456"))
        notes = (f"信封校准页 · {ENVELOPE_NAMES[options.size]} {geo.width:g}×{geo.height:g} 毫米 · "
                 f"当前偏移 dx={dx:+g} dy={dy:+g} 毫米（向右、向下为正）",
                 "十字线应落在信封预印邮编方框的中心：若偏右 2 毫米，把 dx 减 2；偏下 2 毫米，把 dy 减 2。")
        for n, note in enumerate(notes):
            pen.draw(c, geo.width * mm / 2, writer.y(geo.phone_baseline + 7 + 4 * n), note, 7, align="center")
        c.showPage()
    return RenderResult(Path(out), 1, dict(pen.missing))


def _crosshair(c: Canvas, x: float, y: float, arm: float) -> None:
    c.line(x - arm, y, x + arm, y)
    c.line(x, y - arm, x, y + arm)


def _rulers(c: Canvas, pen: Pen, writer: EnvelopeWriter) -> None:
    geo = writer.geo
    c.setLineWidth(0.25)
    for n in range(int(geo.width) + 1):
        tick = 4 if n % 10 == 0 else 2.5 if n % 5 == 0 else 1.2
        c.line(n * mm, geo.height * mm, n * mm, (geo.height - tick) * mm)
        if n % 10 == 0 and 0 < n < geo.width - 5:
            pen.draw(c, n * mm, (geo.height - 7) * mm, str(n), 5, align="center")
    for n in range(int(geo.height) + 1):
        tick = 4 if n % 10 == 0 else 2.5 if n % 5 == 0 else 1.2
        c.line(0, writer.y(n), tick * mm, writer.y(n))
        if n % 10 == 0 and 5 < n < geo.height - 5:
            pen.draw(c, 5 * mm, writer.y(n) - 1.8, str(n), 5)
