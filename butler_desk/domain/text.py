"""Text clean-up shared by every parser: full-width to half-width, invisible characters, spaces."""

from __future__ import annotations

import re
from decimal import Decimal

# Full-width ASCII block U+FF01..U+FF5E maps one-to-one onto U+0021..U+007E.
_HALFWIDTH_TABLE: dict[int, int] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALFWIDTH_TABLE[0x3000] = 0x20  # ideographic space

# Characters that are invisible in Excel and Word but break equality and regexes.
_INVISIBLE = {
    0x200B: None,  # zero-width space
    0x200C: None,  # zero-width non-joiner
    0x200D: None,  # zero-width joiner
    0x2060: None,  # word joiner
    0xFEFF: None,  # BOM / zero-width no-break space
    0x00AD: None,  # soft hyphen
}
# NBSP and its narrow cousin count as ordinary spaces, so "张\xa0三" keeps a word break.
_SPACE_LIKE = {0x00A0: 0x20, 0x202F: 0x20, 0x2007: 0x20}

_CLEAN_TABLE: dict[int, int | None] = {**_HALFWIDTH_TABLE, **_INVISIBLE, **_SPACE_LIKE}
_PROSE_TABLE: dict[int, int | None] = {**_INVISIBLE, **_SPACE_LIKE}
_WHITESPACE_RUN = re.compile(r"\s+")
_LINE_SPACE_RUN = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def to_halfwidth(s: str) -> str:
    """Turn full-width ASCII letters, digits, punctuation and U+3000 into their half-width forms.

    CJK punctuation that has no ASCII twin (。、「」) is left alone.
    """
    return s.translate(_HALFWIDTH_TABLE)


def clean_text(s: object) -> str:
    """Return ``s`` as one tidy line: half-width, no invisible characters, single inner spaces.

    ``None`` gives ``""``. Integral floats (what Excel hands over for a number typed in a
    cell, e.g. ``1201.0``) give their integer spelling ``"1201"``; other objects go through
    ``str()``. Newlines count as whitespace, so split multi-line cells *before* cleaning.
    """
    if s is None:
        return ""
    if isinstance(s, bool):
        text = str(s)
    elif isinstance(s, float):
        text = str(int(s)) if s.is_integer() else repr(s)
    elif isinstance(s, Decimal):
        text = format(s, "f")
    else:
        text = s if isinstance(s, str) else str(s)
    text = text.translate(_CLEAN_TABLE)
    return _WHITESPACE_RUN.sub(" ", text).strip()


def clean_prose(s: str | None) -> str:
    """Tidy free text a person wrote (what a resident reported, a reason, their words).

    Unlike ``clean_text`` it keeps the writer's full-width punctuation (，。：) and digits and
    their line breaks: it only drops invisible characters, turns odd spaces into plain ones,
    trims each line and keeps at most one empty line between paragraphs.
    """
    if not s:
        return ""
    text = s.replace("\r\n", "\n").replace("\r", "\n").translate(_PROSE_TABLE)
    lines = (_LINE_SPACE_RUN.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
