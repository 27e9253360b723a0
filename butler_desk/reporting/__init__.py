"""PDF output with reportlab: fonts, declarative forms, letters, notices, envelopes.

Every renderer takes plain dataclasses/dicts, writes one PDF (atomically) and returns a
RenderResult with the page count and any characters no installed font could print.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Names are loaded on first use (PEP 562): the renderers pull in reportlab, which start-up of
# the window does not need; the plain records come from reporting.records.
_WHERE = {
    "CompanyInfo": "records",
    "Recipient": "records",
    "RenderResult": "document",
    "ENVELOPE_SIZES": "envelopes",
    "EnvelopeOptions": "envelopes",
    "render_calibration_page": "envelopes",
    "render_envelopes": "envelopes",
    "FontSet": "fonts",
    "describe_missing": "fonts",
    "get_fontset": "fonts",
    "missing_glyphs": "fonts",
    "render_form": "forms",
    "FormSpec": "formspec",
    "list_forms": "formspec",
    "load_form": "formspec",
    "LetterBatch": "notices",
    "render_letters": "notices",
    "render_notice": "notices",
    "NoticeTemplate": "noticespec",
    "check_values": "noticespec",
    "list_notices": "noticespec",
    "load_notice": "noticespec",
}
__all__ = [
    "ENVELOPE_SIZES",
    "CompanyInfo",
    "EnvelopeOptions",
    "FontSet",
    "FormSpec",
    "LetterBatch",
    "NoticeTemplate",
    "Recipient",
    "RenderResult",
    "check_values",
    "describe_missing",
    "get_fontset",
    "list_forms",
    "list_notices",
    "load_form",
    "load_notice",
    "missing_glyphs",
    "render_calibration_page",
    "render_envelopes",
    "render_form",
    "render_letters",
    "render_notice",
]

if TYPE_CHECKING:
    from butler_desk.reporting.document import RenderResult
    from butler_desk.reporting.envelopes import (
        ENVELOPE_SIZES,
        EnvelopeOptions,
        render_calibration_page,
        render_envelopes,
    )
    from butler_desk.reporting.fonts import FontSet, describe_missing, get_fontset, missing_glyphs
    from butler_desk.reporting.forms import render_form
    from butler_desk.reporting.formspec import FormSpec, list_forms, load_form
    from butler_desk.reporting.notices import LetterBatch, render_letters, render_notice
    from butler_desk.reporting.noticespec import NoticeTemplate, check_values, list_notices, load_notice
    from butler_desk.reporting.records import CompanyInfo, Recipient


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
