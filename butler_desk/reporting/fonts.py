"""Which TrueType fonts print Chinese: lookup order, registration, per-character fallback, missing glyphs."""

from __future__ import annotations

import logging
import os
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import reportlab.pdfbase.ttfonts as _ttfonts
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from butler_desk.domain.errors import BadInput
from butler_desk.paths import resource_path

log = logging.getLogger(__name__)

BUNDLED_FONT = ("fonts", "wqy-microhei.ttc")

# Windows ships these with every Chinese-capable install; all have TrueType outlines.
_WINDOWS_MAIN = ("simhei.ttf", "simsun.ttc", "msyh.ttc")
# For characters the main font lacks (𠮷 U+20BB7 and most 生僻字 in names are CJK Extension B+),
# sans faces come first so a rare character matches the 黑体 around it where a font has it:
# Microsoft YaHei / JhengHei (updated for GB18030-2022 on current Windows), then SimHei.
_WINDOWS_RARE_SANS = ("msyh.ttc", "msjh.ttc", "simhei.ttf")
# Serif only as the last resort: SimSun-ExtB (Ext B), SimSun-ExtG (Ext G, e.g. 𰻞), MingLiU-ExtB.
_WINDOWS_RARE_SERIF = ("simsunb.ttf", "SimsunExtG.ttf", "mingliub.ttc", "simsun.ttc")

_LINUX_MAIN = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
# Debian has no TrueType sans with Extension B: Noto Sans CJK covers it but has CFF outlines,
# which reportlab cannot embed. So after the sans main fonts come serif faces, Chinese glyph
# forms first (fonts-babelstone-han, fonts-arphic-uming/ukai), the Japanese Mincho HanaMin
# (fonts-hanazono: Ext A–F) last.
_LINUX_RARE_SERIF = (
    "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
)
SERIF_FALLBACKS = frozenset(Path(p).name for p in _LINUX_RARE_SERIF) | frozenset(_WINDOWS_RARE_SERIF)

# Control characters are never drawn, so they are never "missing".
_IGNORED = frozenset(chr(c) for c in range(0x20)) | {"\u00ad", "\u200b", "\u200c", "\u200d", "\ufeff"}


@dataclass(frozen=True)
class FontSource:
    """A font file (and the face inside a .ttc collection) that may print text."""

    path: Path
    subfont_index: int = 0
    origin: str = "system"  # setting / windows / system / bundled / fallback

    @property
    def font_name(self) -> str:
        # reportlab's registry is process-wide; the name must be unique per file and face.
        return f"BD-{self.path.stem}-{self.subfont_index}-{zlib.crc32(str(self.path).encode()):08x}"


def _windows_font_dirs() -> list[Path]:
    dirs = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return dirs


def _windows_sources(names: Sequence[str], origin: str) -> list[FontSource]:
    if os.name != "nt":
        return []
    return [FontSource(d / n, 0, origin) for n in names for d in _windows_font_dirs()]


def main_font_candidates(setting: str | os.PathLike[str] | None = None) -> list[FontSource]:
    """Every place a main font may come from, in the order they are tried."""
    found: list[FontSource] = []
    if setting:
        found.append(FontSource(Path(setting).expanduser(), 0, "setting"))
    found += _windows_sources(_WINDOWS_MAIN, "windows")
    found += [FontSource(Path(p), 0, "system") for p in _LINUX_MAIN]
    found.append(FontSource(resource_path(*BUNDLED_FONT), 0, "bundled"))
    return found


def rare_font_candidates(extra: Iterable[str | os.PathLike[str]] = ()) -> list[FontSource]:
    """Fonts consulted, in order, for characters the main font lacks: configured, sans, serif last.

    Windows before Linux paths, as for the main font; a file that is absent costs one stat.
    """
    found = [FontSource(Path(p).expanduser(), 0, "setting") for p in extra]
    found += _windows_sources(_WINDOWS_RARE_SANS, "windows")
    found += [FontSource(Path(p), 0, "system") for p in _LINUX_MAIN]
    found.append(FontSource(resource_path(*BUNDLED_FONT), 0, "bundled"))
    found += _windows_sources(_WINDOWS_RARE_SERIF, "windows")
    found += [FontSource(Path(p), 0, "system") for p in _LINUX_RARE_SERIF]
    return found


_font_lock = threading.RLock()
_loaded: dict[FontSource, TTFont | None] = {}


def load_font(source: FontSource) -> TTFont | None:
    """Parse and register ``source``; ``None`` when the file is absent or unusable (CFF, no embedding)."""
    with _font_lock:
        if source in _loaded:
            return _loaded[source]
        font: TTFont | None = None
        if source.path.is_file():
            try:
                font = TTFont(source.font_name, str(source.path), subfontIndex=source.subfont_index)
                pdfmetrics.registerFont(font)
            except (TTFError, OSError, ValueError, KeyError, IndexError) as exc:
                # CFF-outline fonts ("postscript outlines are not supported") land here.
                log.info("font %s skipped: %s", source.path, exc)
                font = None
        _loaded[source] = font
        return font


class FontSet:
    """A main font plus lazily loaded fallbacks; answers which font draws each character.

    Fallback files are parsed only when a character the main font lacks shows up, so the
    common case (every character in the main font) costs one set lookup per string.
    """

    def __init__(self, main: FontSource, main_font: TTFont, fallbacks: Sequence[FontSource]) -> None:
        self.main_source = main
        self.main_name = main_font.fontName
        self._main_chars = frozenset(chr(c) for c in main_font.face.charToGlyph)
        self._pending = [f for f in fallbacks if f != main]
        self._loaded_fallbacks: list[tuple[str, frozenset[str]]] = []
        self._char_font: dict[str, str | None] = {}
        self._widths: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()

    def covers(self, text: str) -> bool:
        """True when the main font alone draws ``text`` (the fast path)."""
        return self._main_chars.issuperset(text)

    def font_for(self, ch: str) -> str | None:
        """The registered font name that draws ``ch``, or None when no available font has it."""
        if ch in self._main_chars:
            return self.main_name
        try:
            return self._char_font[ch]
        except KeyError:
            pass
        with self._lock:
            name = next((n for n, chars in self._loaded_fallbacks if ch in chars), None)
            while name is None and self._pending:
                source = self._pending.pop(0)
                font = load_font(source)
                if font is None:
                    continue
                chars = frozenset(chr(c) for c in font.face.charToGlyph)
                self._loaded_fallbacks.append((font.fontName, chars))
                if ch in chars:
                    name = font.fontName
            self._char_font[ch] = name
            return name

    def runs(self, text: str) -> list[tuple[str, str]]:
        """Split ``text`` into (font name, chunk) runs; characters no font has stay in the main font."""
        if self.covers(text):
            return [(self.main_name, text)]
        out: list[tuple[str, str]] = []
        for ch in text:
            name = self.font_for(ch) or self.main_name
            if out and out[-1][0] == name:
                out[-1] = (name, out[-1][1] + ch)
            else:
                out.append((name, ch))
        return out

    def missing(self, text: str) -> list[str]:
        """Characters of ``text`` that no available font can draw, in order of first appearance."""
        if self.covers(text):
            return []
        seen: dict[str, None] = {}
        for ch in text:
            if ch not in _IGNORED and ch not in seen and self.font_for(ch) is None:
                seen[ch] = None
        return list(seen)

    def char_width(self, ch: str, font_name: str) -> float:
        """Advance width of ``ch`` in 1/1000 em of the font that draws it."""
        table = self._widths.get(font_name)
        if table is None:
            table = self._widths[font_name] = {}
        width = table.get(ch)
        if width is None:
            font = pdfmetrics.getFont(font_name)
            width = table[ch] = font.face.getCharWidth(ord(ch))
        return width


_fontsets: dict[tuple[str, tuple[str, ...]], FontSet] = {}


def get_fontset(setting: str | os.PathLike[str] | None = None,
                rare_fonts: Iterable[str | os.PathLike[str]] = ()) -> FontSet:
    """The font set for a configured font path (None: automatic), cached for the process.

    Raises BadInput when a configured font cannot be used, or when no Chinese font is found.
    """
    rare = tuple(str(p) for p in rare_fonts)
    key = (str(setting or ""), rare)
    with _font_lock:
        cached = _fontsets.get(key)
        if cached is not None:
            return cached
        for source in main_font_candidates(setting):
            font = load_font(source)
            if font is not None:
                break
            if source.origin == "setting":
                raise BadInput(
                    f"设置的打印字体“{source.path}”无法使用：文件不存在，或不是 TrueType 字体"
                    "（OpenType/CFF 字体如思源黑体不支持）。请改选 simhei.ttf、simsun.ttc 等字体，或清空该设置。",
                    field="font_path",
                )
        else:
            raise BadInput("找不到可打印中文的字体：请重新安装本软件，或在设置中指定一个 TrueType 中文字体文件。",
                           field="font_path")
        fontset = FontSet(source, font, rare_font_candidates(rare))
        _fontsets[key] = fontset
        return fontset


Labelled = tuple[str, str]  # (field label, text): the label names the field in the refusal


def _holder(item: str | Labelled, ch: str) -> str:
    """How a text holding ``ch`` is named: 收件人“张𰻞”; a long text by the few words around ``ch``."""
    label, text = item if isinstance(item, tuple) else ("", item)
    if len(text) > 24:
        at = text.index(ch)
        text = ("…" if at > 8 else "") + text[max(0, at - 8):at + 9] + ("…" if at + 9 < len(text) else "")
    return f"{label}“{text}”" if label else text


def missing_glyphs(texts: Iterable[str | Labelled | None], fonts: FontSet | None = None) -> dict[str, list[str]]:
    """Characters no available font can print, each mapped to the texts that contain it.

    ``{"𠮷": ["张𠮷"]}``; a text given as (label, text) is named with its field:
    ``{"𰻞": ["收件人“张𰻞”"]}``. Enough for "以下字符无法打印：𰻞（U+30EDE，收件人“张𰻞”）".
    """
    fonts = fonts or get_fontset()
    found: dict[str, list[str]] = {}
    for item in texts:
        text = item[1] if isinstance(item, tuple) else item
        if not text:
            continue
        for ch in fonts.missing(text):
            holders = found.setdefault(ch, [])
            name = _holder(item, ch)  # type: ignore[arg-type]
            if name not in holders:
                holders.append(name)
    return found


MISSING_ADVICE = "请安装含这些字的字体（如 Windows 的 SimSun-ExtB、SimSun-ExtG），或在打印设置中添加生僻字字体。"


def refuse_missing(missing: dict[str, list[str]]) -> BadInput:
    """The refusal of a strict print (the command line's default), saying how to print anyway."""
    return BadInput(describe_missing(missing)
                    + "确需照印（该字处留空，打印后手写补上），请加 --allow-missing-glyphs 重新打印。",
                    field="missing_glyphs")


def describe_missing(missing: dict[str, list[str]], *, limit: int = 10) -> str:
    """The Chinese message for ``missing_glyphs``' result: each character, its code point and where it is."""
    parts = []
    for ch, texts in list(missing.items())[:limit]:
        shown = "、".join(texts[:3]) + ("等" if len(texts) > 3 else "")
        parts.append(f"“{ch}”（U+{ord(ch):04X}，{shown}）")
    more = f" 等 {len(missing)} 个字符" if len(missing) > limit else ""
    return "以下字符无法打印：" + "，".join(parts) + more + "。没有字体有这些字，纸上会是空白。" + MISSING_ADVICE


def _to_unicode_hex(code: int) -> str:
    if code < 0x10000:
        return f"{code:04X}"
    code -= 0x10000
    return f"{0xD800 + (code >> 10):04X}{0xDC00 + (code & 0x3FF):04X}"


def _make_to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ToUnicode CMap with supplementary-plane characters written as UTF-16 pairs.

    reportlab 5.1 writes U+20BB7 as five hex digits, which readers take as U+20BB, so copied
    or extracted text shows ₻ instead of 𠮷; BMP entries come out byte-identical to reportlab's.
    """
    body = "\n".join(f"<{i:02X}> <{_to_unicode_hex(v)}>" for i, v in enumerate(subset))
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar",
        body, "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


_ttfonts.makeToUnicodeCMap = _make_to_unicode_cmap
