"""De-identification of personal data for screens and paper (PIPL: masked unless the user asks).

Decisions: a landline's extension is dropped from the masked form (it identifies the switchboard
line, not the person, and the short form reads better); service numbers (400/95588) are a
business's, so they are shown whole; text that is not a recognisable number is masked in its
middle half, so odd input never reveals more than about half of itself.
"""

from __future__ import annotations

import re

from butler_desk.domain.contacts import INTERNATIONAL, LANDLINE, MOBILE, SERVICE, normalize_phone
from butler_desk.domain.errors import BadInput
from butler_desk.domain.text import clean_text

_STARS = "****"  # fixed width for recognised numbers, so the mask does not leak the length


_CANONICAL_MOBILE = re.compile(r"1[3-9]\d{9}")
_CANONICAL_LANDLINE = re.compile(r"(0\d{2,3})-(\d{7,8})(?:-\d+)?")


def mask_phone(number: str) -> str:
    """``13812345678`` → ``138****5678``; ``0755-88889999-123`` → ``0755-****9999``."""
    # Stored numbers are canonical already: mask them without re-parsing (the ledger masks
    # 20,000 of them at every start).
    if _CANONICAL_MOBILE.fullmatch(number):
        return f"{number[:3]}{_STARS}{number[-4:]}"
    landline = _CANONICAL_LANDLINE.fullmatch(number)
    if landline:
        return f"{landline[1]}-{_STARS}{landline[2][-4:]}"
    text = clean_text(number)
    if not text:
        return ""
    try:
        phone = normalize_phone(text)
    except BadInput:
        return _mask_middle(text.replace(" ", ""))
    canonical = phone.number
    if phone.kind == MOBILE:
        return f"{canonical[:3]}{_STARS}{canonical[-4:]}"
    if phone.kind == LANDLINE:
        area, local = canonical.split("-")[:2]
        return f"{area}-{_STARS}{local[-4:]}"
    if phone.kind == INTERNATIONAL:
        digits = canonical.split("-")[0]
        return f"{digits[:4]}{_STARS}{digits[-4:]}"
    assert phone.kind == SERVICE
    return canonical


def mask_id_number(number: str) -> str:
    """First 4 and last 4 characters visible (``4403**********1234``); 5–11 characters keep 2 and 2.

    Four characters or fewer are masked completely, since 2 + 2 would show everything.
    """
    text = clean_text(number).replace(" ", "").upper()
    length = len(text)
    if length >= 12:
        return text[:4] + "*" * (length - 8) + text[-4:]
    if length >= 5:
        return text[:2] + "*" * (length - 4) + text[-2:]
    return "*" * length


def mask_name(name: str) -> str:
    """Keep the surname, star the given name: ``张三`` → ``张*``, ``欧阳娜娜`` → ``欧阳**``."""
    from butler_desk.domain.names import split_surname  # names pulls in pypinyin; load it lazily

    text = clean_text(name)
    surname, given = split_surname(text)
    if not surname:
        return _mask_middle(text)
    return surname + "*" * len(given.replace(" ", "")) if given else surname + "*"


def _mask_middle(text: str) -> str:
    keep = min(len(text) // 4, 3)
    if keep == 0:
        return "*" * len(text)
    return text[:keep] + "*" * (len(text) - 2 * keep) + text[-keep:]
