"""Printing as a service: the printing settings (font, envelope set-up per printer), the form list,
blank and filled forms, envelopes for a selection, the calibration page, and cancellable progress.

The settings' keys and checks live in services/print_settings and their defaults in
``services.settings.SETTINGS``, so ``SettingsService`` stores, checks and audits them like every
other office setting.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from butler_desk.domain.documents import Audience, DocumentKind
from butler_desk.domain.errors import BadInput, Cancelled
from butler_desk.domain.text import clean_text
from butler_desk.reporting import (
    ENVELOPE_SIZES,
    CompanyInfo,
    EnvelopeOptions,
    FontSet,
    RenderResult,
    get_fontset,
    list_forms,
    load_form,
    render_calibration_page,
    render_envelopes,
    render_form,
)
from butler_desk.reporting.envelopes import ENVELOPE_NAMES, MAX_OFFSET  # the settings dialog's choices and limits
from butler_desk.services.context import AppContext
from butler_desk.services.printing.settings import (  # the keys are part of this service's front door
    DEFAULT_PRINTER,
    DOCUMENTS_UNCOLLECTED_DAYS,
    ENVELOPE_PRINTERS,
    FONT_SUFFIXES,
    PRINT_FONT,
    PRINT_RARE_FONTS,
    check_font,
    envelope_profile,
    options_of,
)
from butler_desk.services.documents.recipients import HouseholdList, Selection, company_info, resolve
from butler_desk.services.settings import read_settings, write_setting

MODE_LABELS = {"full": "完整打印", "preprinted": "套打（公司信封）"}
CHINESE_PROBE = "尊敬的业主物业服务中心通知"
# The printing settings, declared with every other office setting in services/settings.SETTINGS.
PRINT_SETTINGS = (PRINT_FONT, PRINT_RARE_FONTS, ENVELOPE_PRINTERS, DOCUMENTS_UNCOLLECTED_DAYS)

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]


def guarded(progress: Progress | None, is_cancelled: IsCancelled | None, *, offset: int = 0,
            total: int | None = None) -> Progress | None:
    """A progress callback for the renderers that also stops them (``Cancelled``) when asked.

    ``offset``/``total`` place one renderer's steps inside a longer job.
    """
    if progress is None and is_cancelled is None:
        return None

    def report(done: int, steps: int) -> None:
        if is_cancelled is not None and is_cancelled():
            raise Cancelled()
        if progress is not None and (done == steps or done % 20 == 0):
            progress(offset + done, total if total is not None else steps)

    return report


@dataclass(frozen=True)
class FormInfo:
    """A printable form for the list: its file id, number, title and paper."""

    id: str
    number: str
    title: str
    paper: str
    layout: str

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}"


@dataclass(frozen=True)
class EnvelopeRun:
    """Envelopes printed for a selection: the file and the households in their order."""

    result: RenderResult
    households: HouseholdList


class PrintService:
    """Printing settings and the forms, envelopes and calibration page; each call one unit of work."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # -- settings --------------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        with self.ctx.db.reading() as session:
            values = read_settings(session)
        return {key: values[key] for key in PRINT_SETTINGS}

    def fonts(self) -> FontSet:
        """The font set the settings name (automatic when none is set)."""
        values = self.settings()
        return get_fontset(values[PRINT_FONT] or None, values[PRINT_RARE_FONTS])

    def set_font(self, path: str | Path | None) -> str:
        """Use this TrueType file for printing (None/"": automatic); refused unless it prints Chinese."""
        text = clean_text(str(path or ""))
        if text:
            check_font(text)
            if not get_fontset(text).covers(CHINESE_PROBE):  # BadInput first when reportlab cannot read it
                raise BadInput(f"字体“{Path(text).name}”不含中文字形，打印出来会缺字："
                               "请选择 simhei.ttf、simsun.ttc 等中文字体。", field=PRINT_FONT)
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            return write_setting(session, PRINT_FONT, text)

    def set_rare_fonts(self, paths: Sequence[str | Path]) -> list[str]:
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            return write_setting(session, PRINT_RARE_FONTS, [str(p) for p in paths])

    def printers(self) -> dict[str, EnvelopeOptions]:
        """Every printer with its own envelope set-up."""
        return {name: options_of(p, name) for name, p in self.settings()[ENVELOPE_PRINTERS].items()}

    def envelope_options(self, printer: str | None = None) -> EnvelopeOptions:
        """The set-up for ``printer``: its own, else the default one, else DL full print without offset."""
        profiles = self.printers()
        name = clean_text(printer) if printer else ""
        return profiles.get(name) or profiles.get(DEFAULT_PRINTER) or EnvelopeOptions()

    def set_envelope_options(self, printer: str | None, options: EnvelopeOptions) -> EnvelopeOptions:
        """Remember ``options`` (size, mode, offsets measured on the calibration page) for ``printer``."""
        name = clean_text(printer) or DEFAULT_PRINTER
        with self.ctx.db.unit_of_work(self.ctx.operator) as session:
            profiles = copy.deepcopy(read_settings(session)[ENVELOPE_PRINTERS])
            profiles[name] = envelope_profile(options)
            stored = write_setting(session, ENVELOPE_PRINTERS, profiles)
        return options_of(stored[name], name)

    def uncollected_days(self) -> int:
        return int(self.settings()[DOCUMENTS_UNCOLLECTED_DAYS])

    # -- forms -------------------------------------------------------------------------
    def company(self) -> CompanyInfo:
        with self.ctx.db.reading() as session:
            return company_info(session)

    @staticmethod
    def forms() -> list[FormInfo]:
        """Every form in forms/, ordered by form number."""
        return [FormInfo(f.id, f.number, f.title, f.paper, f.layout) for f in list_forms()]

    def print_form(self, form_id: str, out: Path | str, *, records: Sequence[Mapping[str, object]] | None = None,
                   header: Mapping[str, object] | None = None, blank_pages: int | None = None,
                   strict: bool = False) -> RenderResult:
        """A form filled with ``records``, or ``blank_pages`` blank sheets (1 when neither is given)."""
        spec = load_form(form_id)
        blank_rows = None
        if records is None and blank_pages is not None:
            if not 1 <= blank_pages <= 200:
                raise BadInput("空白表份数应在 1 到 200 之间。", field="blank")
            if spec.layout == "record":
                records = [{}] * blank_pages
            elif spec.table is not None:
                blank_rows = spec.table.blank_rows * blank_pages  # the file's count fills one page
        return render_form(spec, out, company=self.company(), records=records, header=header,
                           blank_rows=blank_rows, strict=strict, fonts=self.fonts())

    def print_request_form(self, form_id: str, request_id: int, out: Path | str, *,
                           strict: bool = False) -> RenderResult:
        """投诉记录表 (complaint-record) or 报修派工单 (work-order, phone masked) filled from one request.

        The register and a work order with the full phone go through services.request_reports.
        """
        from butler_desk.services.requests.service import RequestService

        service = RequestService(self.ctx)
        if form_id == "complaint-record":
            record = service.complaint_record(request_id)
        elif form_id == "work-order":
            record = service.work_order(request_id)
        else:
            raise BadInput(f"表单“{form_id}”不能按工单填写：只有 complaint-record（投诉记录表）"
                           "和 work-order（报修派工单）可以。", field="form")
        return self.print_form(form_id, out, records=[record], strict=strict)

    # -- envelopes -----------------------------------------------------------------------
    def print_envelopes(self, selection: Selection, out: Path | str, *, kind: DocumentKind = DocumentKind.OTHER,
                        audience: Audience | None = None, options: EnvelopeOptions | None = None,
                        printer: str | None = None, strict: bool = False, progress: Progress | None = None,
                        is_cancelled: IsCancelled | None = None) -> EnvelopeRun:
        """Envelopes alone for the selected households (room order), addressed as ``kind`` (or ``audience``) says."""
        with self.ctx.db.reading() as session:
            households = resolve(session, selection, kind, audience=audience)
            company = company_info(session)
        if not households.households:
            raise BadInput("所选房屋都没有可写信封的业主或住户资料。", field="selection")
        result = render_envelopes([h.recipient() for h in households.households], company, out,
                                  options=options or self.envelope_options(printer), strict=strict,
                                  fonts=self.fonts(), progress=guarded(progress, is_cancelled))
        return EnvelopeRun(result, households)

    def print_calibration(self, out: Path | str, *, options: EnvelopeOptions | None = None,
                          printer: str | None = None) -> RenderResult:
        """The calibration page for ``printer``'s envelope set-up (or the options given)."""
        with self.ctx.db.reading() as session:
            try:
                company: CompanyInfo | None = company_info(session)
            except BadInput:
                company = None  # a fresh install can calibrate before the estate is entered
        return render_calibration_page(out, options=options or self.envelope_options(printer), sender=company,
                                       fonts=self.fonts())


def parse_offset(text: str) -> tuple[float, float]:
    """"1.5,-2" → (1.5, -2.0): the dx, dy in mm the calibration page measured."""
    parts = [p for p in clean_text(text).replace("，", ",").replace(" ", ",").split(",") if p]
    try:
        dx, dy = (float(p) for p in parts)
    except ValueError:
        raise BadInput(f"偏移“{text}”应写成两个毫米数，如 1.5,-2（向右、向下为正）。", field="offset") from None
    return dx, dy


def size_choices() -> tuple[str, ...]:
    return tuple(ENVELOPE_SIZES)
