"""The office's printing settings: their keys and the checks that clean a new value.

Their defaults and Chinese names sit with every other office setting in
``services.settings.SETTINGS``; ``services.printing`` uses them. This module imports no other
service, so the settings table can import it without a circle, and it reaches reportlab (through
the lazy ``butler_desk.reporting``) only when an envelope set-up is checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from butler_desk import reporting
from butler_desk.domain.errors import BadInput
from butler_desk.domain.text import clean_text

if TYPE_CHECKING:
    from butler_desk.reporting import EnvelopeOptions

PRINT_FONT = "print_font_path"
PRINT_RARE_FONTS = "print_rare_fonts"
ENVELOPE_PRINTERS = "envelope_printers"
DOCUMENTS_UNCOLLECTED_DAYS = "documents_uncollected_days"
DEFAULT_PRINTER = "默认"
FONT_SUFFIXES = (".ttf", ".ttc", ".otf")


def check_font(value: Any) -> str:
    """Cheap enough for every settings read; ``PrintService.set_font`` also loads the font before storing it."""
    path = clean_text(value)
    if path and (Path(path).suffix.lower() not in FONT_SUFFIXES or not Path(path).expanduser().is_file()):
        raise BadInput(f"打印字体“{path}”不存在或不是 TrueType 字体文件（.ttf/.ttc），请重新选择。", field=PRINT_FONT)
    return path


def check_rare_fonts(value: Any) -> list[str]:
    paths = [clean_text(p) for p in ([value] if isinstance(value, str) else (value or ())) if clean_text(p)]
    for path in paths:
        if not Path(path).expanduser().is_file():
            raise BadInput(f"生僻字字体文件“{path}”不存在，请重新选择。", field=PRINT_RARE_FONTS)
    return paths


def envelope_profile(options: EnvelopeOptions) -> dict[str, Any]:
    """An envelope set-up as stored (plain JSON)."""
    return {"size": options.size, "mode": options.mode, "offset_mm": [options.offset_mm[0], options.offset_mm[1]],
            "print_sender": options.print_sender}


def options_of(profile: Mapping[str, Any], printer: str) -> EnvelopeOptions:
    unknown = set(profile) - {"size", "mode", "offset_mm", "print_sender"}
    if unknown:
        raise BadInput(f"打印机“{printer}”的信封设置含有未知项：{'、'.join(sorted(unknown))}", field=ENVELOPE_PRINTERS)
    offset = profile.get("offset_mm", (0, 0))
    try:
        dx, dy = (float(v) for v in offset)
    except (TypeError, ValueError):
        raise BadInput(f"打印机“{printer}”的偏移应为两个毫米数（dx, dy），如 1.5, -2",
                       field=ENVELOPE_PRINTERS) from None
    sender = profile.get("print_sender")
    if sender is not None and not isinstance(sender, bool):
        raise BadInput(f"打印机“{printer}”的“打印寄件人”应为是或否", field=ENVELOPE_PRINTERS)
    options = reporting.EnvelopeOptions(str(profile.get("size", "DL")).upper(), str(profile.get("mode", "full")),
                              (round(dx, 1), round(dy, 1)), sender)
    try:
        return options.checked()
    except BadInput as exc:
        raise BadInput(f"打印机“{printer}”：{exc.message}", field=ENVELOPE_PRINTERS) from None


def check_printers(value: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(value, Mapping):
        raise BadInput("信封打印设置应为“打印机 → 设置”的对照表。", field=ENVELOPE_PRINTERS)
    cleaned: dict[str, dict[str, Any]] = {}
    for name, profile in value.items():
        printer = clean_text(name) or DEFAULT_PRINTER
        if not isinstance(profile, Mapping):
            raise BadInput(f"打印机“{printer}”的信封设置格式不对。", field=ENVELOPE_PRINTERS)
        cleaned[printer] = envelope_profile(options_of(profile, printer))
    return cleaned


def check_uncollected_days(value: Any) -> int:
    try:
        days = int(str(value).strip())
    except ValueError:
        raise BadInput(f"未领取提醒天数“{value}”不是整数，请填写 1 到 60。", field=DOCUMENTS_UNCOLLECTED_DAYS) from None
    if not 1 <= days <= 60:
        raise BadInput(f"未领取提醒天数 {days} 超出范围，请填写 1 到 60。", field=DOCUMENTS_UNCOLLECTED_DAYS)
    return days
