"""Issuing a notice in one action: the board notice, a letter and an envelope per household in room
order, the sign-off sheet, and the batch recorded in the document register."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from butler_desk.domain import clock
from butler_desk.domain.documents import Audience, DeliveryMethod, DocumentKind, audience_for, kind_of_template
from butler_desk.domain.errors import BadInput, Cancelled
from butler_desk.reporting import (
    EnvelopeOptions,
    NoticeTemplate,
    RenderResult,
    check_values,
    describe_missing,
    list_notices,
    load_notice,
    missing_glyphs,
    render_form,
    render_letters,
    render_notice,
)
from butler_desk.reporting.document import strings_in
from butler_desk.reporting.envelopes import envelope_texts
from butler_desk.reporting.fonts import refuse_missing
from butler_desk.reporting.notices import value_texts
from butler_desk.reporting.noticespec import field_defaults, with_defaults  # field_defaults: the notice form's pre-fill, for the ui
from butler_desk.services.context import AppContext
from butler_desk.services.documents.service import record_batch, signoff_rows
from butler_desk.services.printing.service import IsCancelled, PrintService, Progress, guarded
from butler_desk.services.documents.recipients import HouseholdList, Selection, company_info, estate_placeholders, resolve
from butler_desk.storage import repositories_documents as docs_repo
from butler_desk.storage.files import Journal, StagedFiles, recover

_MIN_NAME = 2  # one-character "names" would match ordinary words of a notice


@dataclass(frozen=True)
class TemplateField:
    """One value a template asks for, as an input form shows it."""

    key: str
    label: str
    type: str
    required: bool
    options: tuple[str, ...] = ()
    hint: str = ""
    after: str = ""  # must not be earlier than this field (end after start)
    columns: tuple[tuple[str, str], ...] = ()  # (key, label) of a table field's columns


@dataclass(frozen=True)
class TemplateInfo:
    """A notice template: what it is called, whom it is written to, what it asks for."""

    id: str
    title: str
    kind: DocumentKind
    audience: Audience
    fields: tuple[TemplateField, ...]

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields if f.required)


@dataclass(frozen=True)
class BatchFiles:
    """Where the four PDFs of a batch go."""

    notice: Path
    letters: Path
    envelopes: Path
    signoff: Path

    @classmethod
    def beside(cls, notice: Path | str, *, letters: Path | str | None = None, envelopes: Path | str | None = None,
               signoff: Path | str | None = None) -> BatchFiles:
        """The notice where asked; the others named after it ("停水-信件.pdf") unless given."""
        notice = Path(notice)
        stem = notice.with_suffix("")
        return cls(notice, Path(letters) if letters else Path(f"{stem}-信件.pdf"),
                   Path(envelopes) if envelopes else Path(f"{stem}-信封.pdf"),
                   Path(signoff) if signoff else Path(f"{stem}-签收单.pdf"))

    @classmethod
    def in_folder(cls, folder: Path | str, issued_on: date, title: str) -> BatchFiles:
        """Dated names in ``folder`` ("20261201-停水通知-公告.pdf"), never overwriting an earlier batch."""
        folder = Path(folder)
        base = f"{issued_on:%Y%m%d}-{title}"
        n = 1
        while True:
            tag = f"{base}-{n}" if n > 1 else base
            files = cls(folder / f"{tag}-公告.pdf", folder / f"{tag}-信件.pdf", folder / f"{tag}-信封.pdf",
                        folder / f"{tag}-签收单.pdf")
            if not any(p.exists() for p in files.paths()):
                return files
            n += 1

    def paths(self) -> tuple[Path, Path, Path, Path]:
        return (self.notice, self.letters, self.envelopes, self.signoff)

    def as_dict(self) -> dict[str, Path]:
        return {"notice": self.notice, "letters": self.letters, "envelopes": self.envelopes, "signoff": self.signoff}


@dataclass(frozen=True)
class NoticeBatch:
    """What one ``issue`` produced: the register entry, the households in order, the four PDFs."""

    document_id: int
    template_id: str
    kind: DocumentKind
    title: str
    households: HouseholdList
    notice: RenderResult
    letters: RenderResult
    envelopes: RenderResult
    signoff: RenderResult
    missing_chars: dict[str, list[str]] = field(default_factory=dict)

    @property
    def files(self) -> dict[str, Path]:
        return {"notice": self.notice.path, "letters": self.letters.path, "envelopes": self.envelopes.path,
                "signoff": self.signoff.path}

    @property
    def warning(self) -> str:
        """Characters no font could print, in Chinese; "" when every character printed."""
        return describe_missing(self.missing_chars) if self.missing_chars else ""

    def notes(self) -> list[str]:
        """Households to look at before handing out (no address, skipped units…)."""
        return self.households.notes()


def template_info(spec: NoticeTemplate) -> TemplateInfo:
    kind = kind_of_template(spec.id)
    fields = tuple(TemplateField(f.key, f.label, f.type, f.required, f.options, f.hint, f.after,
                                 tuple((c.key, c.label) for c in f.columns)) for f in spec.fields)
    return TemplateInfo(spec.id, spec.title, kind, audience_for(kind), fields)


def _merge(*results: RenderResult) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for result in results:
        for ch, texts in result.missing_chars.items():
            holders = merged.setdefault(ch, [])
            holders += [t for t in texts if t not in holders]
    return merged


def _check_board_privacy(values: Mapping[str, Any], households: HouseholdList, spec: NoticeTemplate) -> None:
    """The board notice names rooms, never people: refuse values that carry an addressee's name."""
    names = {h.addressee for h in households.households if len(h.addressee) >= _MIN_NAME}
    if not names:
        return
    for key, value in values.items():
        for text in strings_in(value):
            found = next((n for n in names if n in text), None)
            if found is not None:
                label = spec.field(key).label if spec.field(key) else key
                raise BadInput(f"“{label}”中出现了住户姓名“{found}”：公告栏通知只写楼栋、房号，不写姓名，请修改。",
                               field=key)


class NoticeService:
    """Notice templates and issuing a batch; ``issue`` is one action the butler can cancel."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    @staticmethod
    def templates() -> list[TemplateInfo]:
        """Every template in forms/notices/, with its fields (labels, required flags) for the input form."""
        return [template_info(t) for t in list_notices()]

    @staticmethod
    def template(template_id: str) -> TemplateInfo:
        return template_info(load_notice(template_id))

    def households(self, template_id: str, selection: Selection, *,
                   hand_method: DeliveryMethod | None = None) -> HouseholdList:
        """Who ``issue`` would write to, and how, for the butler to check before printing."""
        kind = kind_of_template(load_notice(template_id).id)
        with self.ctx.db.reading() as session:
            return resolve(session, selection, kind, hand_method=hand_method)

    def recover(self, files: BatchFiles) -> list[Path]:
        """Finish or undo what a killed batch left in the folders of ``files``; returns what was touched.

        A batch whose register record was committed gets its last renames done; one that
        was not has its temporary files removed (see storage.files). Runs before every batch.
        """
        folders = [p.parent for p in files.paths()]

        def committed(journal: Journal) -> bool:
            with self.ctx.db.reading() as session:
                doc = docs_repo.document(session, journal.record_id) if journal.record_id is not None else None
                if doc is None:
                    return False
                recorded = set(json.loads(doc.files or "{}").values())
            # Names, not whole paths: the register keeps them as the butler typed them (maybe relative).
            return {Path(p).name for p in recorded} == {target.name for _, target in journal.pairs}

        return recover(folders, committed, part_stems=[p.stem for p in files.paths()])

    def issue(self, template_id: str, values: Mapping[str, Any], selection: Selection,
              out_dir: Path | str | None = None, envelope_options: EnvelopeOptions | None = None,
              strict: bool = False, *, files: BatchFiles | None = None, issued_on: date | None = None,
              hand_method: DeliveryMethod | None = None, printer: str | None = None,
              progress: Progress | None = None, is_cancelled: IsCancelled | None = None) -> NoticeBatch:
        """Print the whole batch and record it in the register.

        Everything is checked before the first file is written (values, selection, postcodes;
        with ``strict``, every character); a failure or a cancel (``exchange.Cancelled``)
        removes the files of this batch and records nothing. The four PDFs are written under
        hidden temporary names in their folders and synced; the register's commit is the one
        moment the batch happens; the renames follow. A kill before the commit leaves the old
        state (its temporaries are removed at the next batch into the folder); a kill after it
        leaves the new state, whose remaining renames that next batch finishes.
        """
        spec = load_notice(template_id)
        values = with_defaults(spec, values, estate_placeholders(self.ctx))  # 咨询电话 ← 小区信息's 服务电话
        checked = check_values(spec, values)
        kind = kind_of_template(spec.id)
        day = issued_on or clock.today()
        if files is None:
            if out_dir is None:
                raise BadInput("请选择保存打印文件的文件夹。", field="out_dir")
            files = BatchFiles.in_folder(out_dir, day, spec.title)
        if len({p.resolve() for p in files.paths()}) < 4:
            raise BadInput("公告、信件、信封和签收单要保存为四个不同的文件，请换文件名。", field="out")
        with self.ctx.db.reading() as session:
            households = resolve(session, selection, kind, hand_method=hand_method)
            company = company_info(session)
        if not households.households:
            raise BadInput("所选房屋都没有可发放的业主或住户资料：" + "；".join(households.skipped[:3]),
                           field="selection")
        _check_board_privacy(values, households, spec)
        printing = PrintService(self.ctx)
        fonts = printing.fonts()
        options = (envelope_options or printing.envelope_options(printer)).checked()
        people = [h.recipient() for h in households.households]
        if strict:
            missing = missing_glyphs([*value_texts(spec, values), *envelope_texts(people)], fonts)
            if missing:
                raise refuse_missing(missing)
        total = 2 * len(people) + 2
        step = guarded(progress, is_cancelled, total=total)
        try:
            self.recover(files)
            staged = StagedFiles(files.as_dict())
        except OSError as exc:
            folder = files.notice.parent
            raise BadInput(f"无法在“{folder}”中保存文件（{exc.strerror}）：请换一个保存位置。", field="out") from exc
        committed = False
        try:
            notice = render_notice(spec, checked, company, staged.path("notice"), issued_on=day, strict=strict,
                                   fonts=fonts)
            if step is not None:
                step(1, 1)
            letters = render_letters(spec, checked, people, company, staged.path("letters"),
                                     envelopes_out=staged.path("envelopes"), envelope=options, issued_on=day,
                                     strict=strict, fonts=fonts,
                                     progress=guarded(progress, is_cancelled, offset=1, total=total))
            assert letters.envelopes is not None
            signoff = render_form("sign-off-sheet", staged.path("signoff"), company=company,
                                  records=signoff_rows(households.households, spec.title),
                                  header={"document": spec.title, "issued_on": day, "issuer": self.ctx.operator},
                                  strict=strict, fonts=fonts)
            if is_cancelled is not None and is_cancelled():
                raise Cancelled()
            # The register's commit decides: before it, the batch never happened (the staged
            # files go); after it, it did, and a kill before the renames are done is finished
            # by ``recover`` at the next batch into this folder.
            with self.ctx.db.unit_of_work(self.ctx.operator) as session:
                document_id = record_batch(session, kind, spec.title, households.households,
                                           operator=self.ctx.operator, template_id=spec.id, issued_on=day,
                                           files=files.as_dict(), values=checked, scope=households.scope)
                staged.record(document_id)
            committed = True
            staged.publish()
        except OSError as exc:
            if not committed:
                staged.discard()
                raise
            # Recorded, but a rename failed (a PDF open in a viewer on Windows): the next batch
            # into the folder finishes it, as after a kill.
            staged.keep_for_recovery()
            name = Path(exc.filename2 or exc.filename or files.notice).name
            raise BadInput(f"这批通知已登记（发放记录 {document_id}），但文件“{name}”未能保存（{exc.strerror}）："
                           "请关闭正在打开它的程序；下次向这个文件夹发通知时会自动补齐。", field="out") from exc
        except BaseException:
            if committed:
                staged.keep_for_recovery()
            else:
                staged.discard()
            raise
        if progress is not None:
            progress(total, total)
        results = tuple(replace(r, path=files.as_dict()[key]) for key, r in
                        zip(("notice", "letters", "envelopes", "signoff"),
                            (notice, letters.letters, letters.envelopes, signoff), strict=True))
        return NoticeBatch(document_id, spec.id, kind, spec.title, households, *results, missing_chars=_merge(*results))
