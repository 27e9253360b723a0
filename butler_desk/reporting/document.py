"""What every renderer shares: company details, the render result, safe PDF writing, the strict check."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, A5, landscape, portrait
from reportlab.pdfgen.canvas import Canvas

from butler_desk import __version__
from butler_desk.domain.errors import BadInput
from butler_desk.reporting.records import CompanyInfo, Recipient  # noqa: F401 - re-exported for the renderers
from butler_desk.reporting.fonts import (
    FontSet,
    Labelled,
    describe_missing,
    get_fontset,
    missing_glyphs,
    refuse_missing,
)
from butler_desk.reporting.text import Pen

PAPER = {"A4": A4, "A5": A5}

# Binary (Flate-only) streams: ASCII85 on top makes files ~25% larger and, without reportlab's
# optional C accelerator, is the single most expensive step of a 5,000-letter batch.
rl_config.useA85 = 0


def page_size(paper: str, orientation: str) -> tuple[float, float]:
    size = PAPER[paper]
    return landscape(size) if orientation == "landscape" else portrait(size)


@dataclass(frozen=True)
class RenderResult:
    """A written PDF: where, how many pages, and characters no font could print (char → texts)."""

    path: Path
    pages: int
    missing_chars: dict[str, list[str]] = field(default_factory=dict)

    @property
    def warning(self) -> str:
        """The Chinese warning to show before printing, or "" when every character printed."""
        return describe_missing(self.missing_chars) if self.missing_chars else ""


def resolve_fonts(fonts: FontSet | None) -> FontSet:
    return fonts if fonts is not None else get_fontset()


def check_inputs(texts: Iterable[str | Labelled], fonts: FontSet, strict: bool) -> dict[str, list[str]]:
    """Characters of the caller's texts no font can print; in strict mode, refuse before drawing."""
    missing = missing_glyphs(texts, fonts)
    if strict and missing:
        raise refuse_missing(missing)
    return missing


def merge_missing(inputs: dict[str, list[str]], drawn: dict[str, list[str]]) -> dict[str, list[str]]:
    """Report unprintable characters by the caller's own texts ("张𠮷"), falling back to drawn lines."""
    merged = {ch: list(texts) for ch, texts in inputs.items()}
    for ch, texts in drawn.items():
        merged.setdefault(ch, list(texts))
    return merged


def strings_in(value: object) -> Iterator[str]:
    """Every string inside a record: mapping values, list items, recursively."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)
    elif hasattr(value, "__dataclass_fields__"):
        for f in fields(value):  # type: ignore[arg-type]
            yield from strings_in(getattr(value, f.name))


def labelled_strings(value: object, labels: Mapping[str, str], label: str = "") -> Iterator[Labelled]:
    """Every string inside a record with the Chinese label of the field holding it (the key when unknown)."""
    if isinstance(value, str):
        yield (label, value)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from labelled_strings(item, labels, labels.get(str(key), label or str(key)))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from labelled_strings(item, labels, label)


@contextlib.contextmanager
def pdf_canvas(out: str | os.PathLike[str], pagesize: tuple[float, float], pen: Pen, *, title: str,
               strict: bool = False) -> Iterator[Canvas]:
    """A canvas writing to a temporary file beside ``out``, moved into place only on success.

    A failed or refused render never leaves a half-written PDF under the final name; in
    strict mode, characters recorded as unprintable during drawing refuse the file.
    """
    target = Path(out)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".pdf.part", dir=target.parent)
    except OSError as exc:
        raise BadInput(f"无法在“{target.parent}”中保存文件（{exc.strerror}）：请换一个保存位置。", field="out") from exc
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        # The initial font must be ours: reportlab otherwise references a non-embedded Helvetica.
        c = Canvas(str(tmp), pagesize=pagesize, initialFontName=pen.fonts.main_name, pageCompression=1)
        c.setTitle(title)
        c.setCreator(f"Butler Desk 管家台 {__version__}")
        c.setProducer("Butler Desk (reportlab)")
        yield c
        if strict and pen.missing:
            raise refuse_missing(pen.missing)
        c.save()
        # mkstemp makes the file private (0600); a saved PDF should get the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        try:
            os.replace(tmp, target)
        except PermissionError as exc:  # on Windows: the previous copy is open in a PDF viewer
            raise BadInput(f"文件“{target.name}”正被其他程序打开或没有写入权限：请关闭预览后重试，或换一个文件名。",
                           field="out") from exc
    finally:
        tmp.unlink(missing_ok=True)


def fill_placeholders(template: str, values: Mapping[str, str]) -> str:
    """``str.format_map`` that leaves unknown {names} visible instead of failing mid-batch."""

    class _Keep(dict[str, str]):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return template.format_map(_Keep(values))

