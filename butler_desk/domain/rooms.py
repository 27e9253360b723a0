"""Room codes (房号): the canonical ``3-2-1201``, the many ways people spell it, search prefixes.

Decisions (the importer and the search box rely on them):

* Canonical parts have no leading zeros and upper-case letters: ``03`` → ``3``, ``A座`` → ``A``,
  and the room ``0101`` → ``101``. Excel has already dropped the zero of any room typed into a
  numeric cell, so stripping it everywhere is the only way ``0101`` and ``101`` meet.
* Accepted markers: building 栋/幢/座/号楼/号/#, unit 单元/单/门, room 室/房/房间/号; separators
  ``- / _ . #``, any dash look-alike and full-width forms. Spaces are ignored wherever they
  are and never separate parts (``3 2 1201`` is refused, not guessed). Chinese numerals
  (``三栋二单元``, ``十二栋``, ``一二零一室``) are read as numbers. A bare 楼 is refused because
  ``12楼`` usually means the 12th floor, not building 12.
* A dot is accepted only in the three-part form ``3.2.1201``: ``3.1201`` may be a number that
  Excel rewrote (``3.12010`` → ``3.1201``), so it is refused with a message saying so.
* A leading phase/area/cluster prefix (``一期``, ``A区``, ``2组团``) is never dropped silently:
  building 3 of phase 1 and building 3 of phase 2 are different homes. ``parse_room_code``
  refuses it with a message; ``split_area_prefix`` hands the prefix to a caller (the importer)
  that has somewhere to put it.
* ``A1201`` is refused rather than read as building A, room 1201 (``A1`` may be a building);
  ``A-1201`` and ``A座1201`` work.
* Limits that catch typos: building up to 4 digits (optionally one letter), unit up to 2 digits
  or one letter, room 1–5 digits with an optional trailing letter (``1201A``); none may be 0.
* Dataclass ordering compares strings (``"10" < "3"``); sort lists with ``RoomCode.sort_key``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from butler_desk.domain.errors import BadInput
from butler_desk.domain.text import clean_text

FORMAT_HINT = "请按 3-2-1201 或 3栋2单元1201 的格式填写"
_FIELD = "room_code"

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_CHARS = "".join(_CN_DIGITS) + "十百"
_CN_POSITIONAL = re.compile(
    r"(?:(?P<h>[一二三四五六七八九两])百)?"
    r"(?:(?P<t>[一二三四五六七八九两]?)十)?"
    r"(?:零?(?P<u>[一二三四五六七八九]))?"
)

# Traditional forms and dash look-alikes folded before tokenizing.
_FOLD = str.maketrans(
    {
        "棟": "栋",
        "單": "单",
        "號": "号",
        "樓": "楼",
        "門": "门",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        "﹣": "-",
        "\\": "/",
    }
)

_TOKEN = re.compile(
    r"(?P<value>[0-9]+[A-Z]?|[A-Z][0-9]*)"
    rf"|(?P<cn>[{_CN_CHARS}]+)"
    r"|(?P<building>号楼|栋|幢|座)"
    r"|(?P<hao>号)"
    r"|(?P<unit>单元|单|门)"
    r"|(?P<room>房间|室|房)"
    r"|(?P<area>期|区|组团)"
    r"|(?P<sep>[-#/_.])"
    r"|(?P<other>.)",
    re.S,
)
_AREA_PREFIX = re.compile(rf"^((?:[0-9A-Za-z]+|[{_CN_CHARS}]+)(?:期|区|组团))\s*(.+)$")

# Canonical part shapes: (digits-then-letter) or (letter-then-digits); the digit run has no
# leading zero. The limits are in digits.
_BUILDING_SHAPE = re.compile(r"[1-9][0-9]{0,3}[A-Z]?|[A-Z](?:[1-9][0-9]{0,2})?")
_UNIT_SHAPE = re.compile(r"[1-9][0-9]?|[A-Z]")
_ROOM_SHAPE = re.compile(r"[1-9][0-9]{0,4}[A-Z]?")
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")
_NATURAL_CHUNK = re.compile(r"[0-9]+|[^0-9]+")


class _Role(Enum):
    BUILDING = (
        "楼栋",
        ("号楼", "栋", "幢", "座", "号", "#"),
        _BUILDING_SHAPE,
        "楼栋为 1–4 位数字，可带一个字母，如 12、12A、A、A1",
    )
    UNIT = ("单元", ("单元", "单", "门"), _UNIT_SHAPE, "单元为 1–2 位数字或一个字母，如 2、B")
    ROOM = (
        "室号",
        ("房间", "室", "房", "号"),
        _ROOM_SHAPE,
        "室号为 1–5 位数字，可带一个字母，如 1201、1201A",
    )

    def __init__(
        self, noun: str, suffixes: tuple[str, ...], shape: re.Pattern[str], rule: str
    ) -> None:
        self.noun = noun
        self.suffixes = suffixes
        self.shape = shape
        self.rule = rule


@dataclass(frozen=True, order=True)
class RoomCode:
    """One home's address inside the estate: building, unit ("" when the building has none), room.

    Construction normalizes each part (``RoomCode("03", "二单元", "1201室")`` equals
    ``RoomCode("3", "2", "1201")``) and raises ``BadInput`` for a part that cannot be one.
    """

    building: str
    unit: str
    room: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "building", _normalize_part(self.building, _Role.BUILDING))
        if self.unit is None or clean_text(self.unit) == "":
            object.__setattr__(self, "unit", "")
        else:
            object.__setattr__(self, "unit", _normalize_part(self.unit, _Role.UNIT))
        object.__setattr__(self, "room", _normalize_part(self.room, _Role.ROOM))

    @property
    def code(self) -> str:
        """Canonical code stored in the database and typed at the desk: ``3-2-1201``, ``3-1201``."""
        if self.unit:
            return f"{self.building}-{self.unit}-{self.room}"
        return f"{self.building}-{self.room}"

    @property
    def display(self) -> str:
        """How letters and forms write it: ``3栋2单元1201`` / ``3栋1201``."""
        if self.unit:
            return f"{self.building}栋{self.unit}单元{self.room}"
        return f"{self.building}栋{self.room}"

    @property
    def floor(self) -> int | None:
        """Floor implied by the room number (``1201`` → 12, ``101`` → 1); None for short rooms."""
        digits = self.room.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return int(digits[:-2]) if len(digits) >= 3 else None

    @property
    def sort_key(self) -> tuple[tuple[tuple[int, int | str], ...], ...]:
        """Natural order key: building 2 before 10, numbers before letters."""
        return (_natural(self.building), _natural(self.unit), _natural(self.room))

    def __str__(self) -> str:
        return self.code


def parse_room_code(text: str) -> RoomCode:
    """Read any accepted spelling of a room code; raise ``BadInput`` saying how to write it."""
    shown = clean_text(text)
    if not shown:
        raise BadInput(f"房号不能为空：{FORMAT_HINT}", field=_FIELD)
    prefix, _rest = split_area_prefix(shown)
    if prefix:
        raise BadInput(
            f"房号“{shown}”带有分期/分区“{prefix}”：房号只写楼栋、单元和室号（如 3-2-1201），"
            "分期或分区请填在组团一栏",
            field=_FIELD,
        )
    tokens = _tokens(shown)
    if any(kind == "other" and text == "楼" for kind, text in tokens):
        raise BadInput(
            f"房号“{shown}”中的“楼”分不清是楼栋还是楼层：楼栋请写成“3栋”或“3号楼”，如 3栋2单元1201",
            field=_FIELD,
        )
    parts, trailing_sep = _split_parts(tokens)
    if parts is None or trailing_sep:
        if parts and trailing_sep:
            raise BadInput(f"房号“{shown}”不完整：{FORMAT_HINT}", field=_FIELD)
        raise BadInput(f"无法识别房号“{shown}”：{FORMAT_HINT}", field=_FIELD)
    roles = _assign_roles(parts)
    if roles is None:
        raise BadInput(_shape_message(shown, parts), field=_FIELD)
    if len(parts) == 2 and parts[0].sep == ".":
        building, room = _strip_zeros(parts[0].value), _strip_zeros(parts[1].value)
        raise BadInput(
            f"房号“{shown}”含小数点，可能被 Excel 当成了数字："
            f"请写成 {building}-{room} 或 {building}栋{room}",
            field=_FIELD,
        )
    values = {role: part.value for role, part in zip(roles, parts, strict=True)}
    try:
        return RoomCode(values[_Role.BUILDING], values.get(_Role.UNIT, ""), values[_Role.ROOM])
    except BadInput as exc:
        raise BadInput(f"房号“{shown}”中的{exc.message}", field=_FIELD) from None


def try_parse_room_code(text: str) -> RoomCode | None:
    """``parse_room_code`` that returns None instead of raising."""
    try:
        return parse_room_code(text)
    except BadInput:
        return None


def split_area_prefix(text: str) -> tuple[str, str]:
    """Split a leading phase/area/cluster (``一期``, ``A区``, ``2组团``) from the rest.

    Returns ``(prefix, rest)`` with the prefix as written, or ``("", text)`` when there is none.
    The importer uses it to move the prefix into the cluster column before parsing the room.
    """
    shown = clean_text(text)
    match = _AREA_PREFIX.match(shown)
    if match is None:
        return "", shown
    return match.group(1), match.group(2)


def normalize_room_query(text: str) -> str | None:
    """Turn what the user has typed so far into a canonical code prefix, or None.

    ``3栋2单元12`` → ``3-2-12``; ``3#2-`` → ``3-2-``; ``3栋`` → ``3-``; ``3-2`` → ``3-2`` (it
    prefixes both ``3-2-1201`` and ``3-201``). A bare number of up to 5 digits (``1201``,
    ``0101`` → ``101``) is returned without a dash: it may be a room or a phone fragment, so
    the caller matches it against the room part of codes *and* searches phones with the raw
    text. Six or more digits without separators (too long for a room: a phone fragment), names
    and anything with other characters give None.
    """
    shown = clean_text(text)
    if not shown:
        return None
    parts, trailing_sep = _split_parts(_tokens(shown))
    if not parts or len(parts) > 3 or any(part.marker == "area" for part in parts):
        return None
    if len(parts) == 1 and parts[0].marker is None and not trailing_sep:
        value = parts[0].value
        bare = _strip_zeros(value)
        return bare if bare and _looks_like_part(bare) else None
    count = len(parts)
    markers = [_marker_role(part, index, count, query=True) for index, part in enumerate(parts)]
    allowed = _QUERY_ROLES[count]
    if any(marker is not None and marker not in allowed[i] for i, marker in enumerate(markers)):
        return None
    pieces = [_strip_zeros(part.value) for part in parts]
    if not all(piece and _looks_like_part(piece) for piece in pieces[:-1]):
        return None
    last, last_marker = pieces[-1], markers[-1]
    if last and not _looks_like_part(last):
        return None
    closes_part = trailing_sep or last_marker in (_Role.BUILDING, _Role.UNIT)
    if closes_part and (not last or count == 3):
        return None  # "0栋", or a separator after the room: cannot be a code
    return "-".join(pieces) + ("-" if closes_part else "")


# Which roles a part may be given while typing, by number of parts: with two parts the second
# is a unit ("3栋2单元") or a room ("3栋1201").
_QUERY_ROLES: dict[int, tuple[frozenset[_Role], ...]] = {
    1: (frozenset({_Role.BUILDING}),),
    2: (frozenset({_Role.BUILDING}), frozenset({_Role.UNIT, _Role.ROOM})),
    3: (frozenset({_Role.BUILDING}), frozenset({_Role.UNIT}), frozenset({_Role.ROOM})),
}


# --- internals -------------------------------------------------------------------------------


@dataclass
class _Part:
    value: str
    marker: str | None = None  # token kind that followed the value: building/hao/unit/room/area
    sep: str | None = None  # separator character that followed the value (after any marker)


def _tokens(shown: str) -> list[tuple[str, str]]:
    compact = shown.upper().replace(" ", "").translate(_FOLD)
    tokens: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(compact):
        kind = match.lastgroup or "other"
        text = match.group()
        if kind == "cn":
            number = _cn_to_digits(text)
            if number is None:
                kind = "other"
            else:
                kind, text = "value", number
        tokens.append((kind, text))
    return tokens


def _split_parts(tokens: list[tuple[str, str]]) -> tuple[list[_Part] | None, bool]:
    """Group tokens into value parts; returns (None, False) when the sequence is malformed.

    The second item is True when the text ends in a separator (a code still being typed).
    """
    parts: list[_Part] = []
    expect_value = True
    index = 0
    while index < len(tokens):
        kind, text = tokens[index]
        if expect_value:
            if kind != "value":
                return None, False
            parts.append(_Part(text))
            expect_value = False
            index += 1
            continue
        if kind in ("building", "hao", "unit", "room", "area"):
            parts[-1].marker = kind
            index += 1
            if index < len(tokens) and tokens[index][0] == "sep":
                parts[-1].sep = tokens[index][1]
                index += 1
            expect_value = True
            continue
        if kind == "sep":
            parts[-1].sep = text
            expect_value = True
            index += 1
            continue
        return None, False
    trailing_sep = bool(parts) and parts[-1].sep is not None
    return parts, trailing_sep


def _marker_role(part: _Part, index: int, count: int, *, query: bool = False) -> _Role | None:
    marker = part.marker
    if marker == "building":
        return _Role.BUILDING
    if marker == "unit":
        return _Role.UNIT
    if marker == "room":
        return _Role.ROOM
    if marker == "hao":
        # "3号2单元", "3号1201": building. "1201号" at the end: room; while typing, "3号" is
        # most likely "3号楼" on its way.
        if index == 0 and (count > 1 or query):
            return _Role.BUILDING
        return _Role.ROOM if index == count - 1 else None
    return None


def _assign_roles(parts: list[_Part]) -> list[_Role] | None:
    """Roles for a complete code (2 or 3 parts), or None when the markers contradict them."""
    if len(parts) == 3:
        expected = [_Role.BUILDING, _Role.UNIT, _Role.ROOM]
    elif len(parts) == 2:
        expected = [_Role.BUILDING, _Role.ROOM]
    else:
        return None
    if any(part.marker == "area" for part in parts):
        return None
    for index, part in enumerate(parts):
        role = _marker_role(part, index, len(parts))
        if part.marker is not None and role is not expected[index]:
            return None
    return expected


def _shape_message(shown: str, parts: list[_Part]) -> str:
    count = len(parts)
    if count > 3:
        return f"房号“{shown}”的段数太多：{FORMAT_HINT}"
    markers = [_marker_role(part, index, count) for index, part in enumerate(parts)]

    def fits(roles: list[_Role]) -> bool:
        pairs = zip(markers, roles, strict=False)  # roles may be longer than the parts
        return all(marker is None or marker is role for marker, role in pairs)

    full = [_Role.BUILDING, _Role.UNIT, _Role.ROOM]
    if (count == 1 and markers[0] is _Role.BUILDING) or (count == 2 and fits(full[:2])):
        return f"房号“{shown}”缺少室号：{FORMAT_HINT}"
    if count == 1 or (count == 2 and fits(full[1:])):
        return f"房号“{shown}”缺少楼栋：{FORMAT_HINT}"
    return f"无法识别房号“{shown}”：{FORMAT_HINT}"


def _normalize_part(raw: object, role: _Role) -> str:
    if isinstance(raw, str) and role.shape.fullmatch(raw):
        return raw  # already canonical: the common case when loading from the database
    shown = clean_text(raw)
    text = shown.upper().replace(" ", "").translate(_FOLD)
    for suffix in role.suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    if text and all(char in _CN_CHARS for char in text):
        text = _cn_to_digits(text) or text
    if not text:
        raise BadInput(f"{role.noun}不能为空：{FORMAT_HINT}", field=_FIELD)
    if re.fullmatch(r"0+", text):
        raise BadInput(f"{role.noun}不能为 0：{FORMAT_HINT}", field=_FIELD)
    canonical = _strip_zeros(text)
    if not role.shape.fullmatch(canonical):
        raise BadInput(f"{role.noun}“{shown}”不合理：{role.rule}", field=_FIELD)
    return canonical


def _strip_zeros(value: str) -> str:
    stripped = _LEADING_ZEROS.sub("", value)
    return "" if re.fullmatch(r"0*", stripped) else stripped


def _looks_like_part(value: str) -> bool:
    return bool(_BUILDING_SHAPE.fullmatch(value) or _ROOM_SHAPE.fullmatch(value))


def _cn_to_digits(text: str) -> str | None:
    """Chinese numerals → digits: positional (十二, 一百零一) or digit by digit (一二零一)."""
    if "十" not in text and "百" not in text:
        return "".join(str(_CN_DIGITS[char]) for char in text)
    match = _CN_POSITIONAL.fullmatch(text)
    if match is None:
        return None
    hundreds, tens, units = match.group("h"), match.group("t"), match.group("u")
    total = _CN_DIGITS[hundreds] * 100 if hundreds else 0
    if tens is not None:
        total += (_CN_DIGITS[tens] if tens else 1) * 10
    if units:
        total += _CN_DIGITS[units]
    return str(total) if total else None


def _natural(part: str) -> tuple[tuple[int, int | str], ...]:
    return tuple(
        (0, int(chunk)) if chunk.isdigit() else (1, chunk) for chunk in _NATURAL_CHUNK.findall(part)
    )


def code_sort_text(code: str) -> str:
    """A string whose plain (database) ordering is the ledger's natural room order.

    Each part of ``3-2-1201`` becomes ``0`` + nine digits when numeric, else ``1`` + the
    text, joined by ``/`` (which sorts before every digit): so building 2 comes before
    10 and numbers before letters, as ``services.ledger.room_sort_key`` orders them.
    """
    return "/".join(("0" + part.zfill(9)) if part.isdigit() else ("1" + part) for part in code.split("-"))
