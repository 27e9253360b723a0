"""PDF output with reportlab: fonts, declarative forms, letters, notices, envelopes.

Every renderer takes plain dataclasses/dicts, writes one PDF (atomically) and returns a
RenderResult with the page count and any characters no installed font could print.
"""

from __future__ import annotations

from butler_desk.reporting.document import CompanyInfo, Recipient, RenderResult
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
