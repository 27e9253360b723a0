"""Contact data rules: phone numbers (mobile, landline, service), ID numbers and postcodes.

Canonical phone forms: mobile ``13812345678``; landline ``0755-88889999`` (010 and 02x are
three-digit area codes, every other 0xxx four); an extension is appended as
``0755-88889999-123``; 400/800 numbers ``400-810-8888``; short service numbers (95588, 12345,
96xxx) as digits; numbers abroad (an owner living in Hong Kong) in E.164 form ``+85291234567``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from butler_desk.domain import clock
from butler_desk.domain.enums import IdType
from butler_desk.domain.errors import BadInput
from butler_desk.domain.text import clean_text, to_halfwidth

MOBILE = "mobile"
LANDLINE = "landline"
SERVICE = "service"
INTERNATIONAL = "international"

_ASCII_DIGITS = "0123456789"
_PHONE_HINT = "手机号为 11 位（如 13812345678），座机请带区号（如 0755-88889999）"
_LABEL = re.compile(
    r"^(?:联系电话|移动电话|固定电话|手机号码|手机号|手机|电话号码|电话|座机|固话|"
    r"TEL|PHONE|MOBILE|MOB|CELL)\s*[:.]?\s*",
    re.I,
)
_EXTENSION_WORD = re.compile(r"\s*(?:转|分机|EXT\.?|X)\s*(\d{1,6})\s*$", re.I)
_PHONE_CHARS = re.compile(r"[0-9+\s\-().]+")
_BRACKETED_COUNTRY = re.compile(r"^\(\s*(\+\s*86|0086)\s*\)")
_GROUP_SPLIT = re.compile(r"[\s\-().]+")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_TOLL_FREE = re.compile(r"(400|800)([0-9]{3})([0-9]{4})")
_SHORT_SERVICE = re.compile(r"95[0-9]{3,4}|96[0-9]{3,4}|1[0-2][0-9]{3}")
_THREE_DIGIT_AREA = re.compile(r"0(?:10|2[0-9])")
_FOUR_DIGIT_AREA = re.compile(r"0[3-9][0-9]{2}")
_LOCAL = re.compile(r"[2-9][0-9]{6,7}")
_PHONE_SEPARATORS = re.compile(r"[,;/、|\n\r]+")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
# GB/T 2260 province-level codes; 71/81/82/83 appear on 台湾/港澳 residence permits.
_PROVINCE_CODES = frozenset(
    (
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
        83,
    )
)


@dataclass(frozen=True)
class PhoneNumber:
    """A phone number in canonical form and its kind: mobile, landline, service or international."""

    number: str
    kind: str

    def __str__(self) -> str:
        return self.number


def normalize_phone(text: str, *, default_area_code: str | None = None) -> PhoneNumber:
    """Read one phone number however it was typed; raise ``BadInput`` saying how to write it.

    Accepts spaces, dashes, dots, brackets ``(0755)``, +86 / 0086 / 86 prefixes, full-width
    digits, a leading label (手机: / Tel:) and an extension (``转123``, ``分机123``, ``ext 123``,
    ``x123`` or a trailing ``-123`` after a complete landline). A 7–8 digit local number is
    accepted only when ``default_area_code`` (e.g. ``"0755"``) says where it is.
    """
    raw = clean_text(text)
    if not raw:
        raise BadInput(f"电话号码不能为空：{_PHONE_HINT}", field="phone")
    body = _LABEL.sub("", raw)
    extension = ""
    word = _EXTENSION_WORD.search(body)
    if word is not None and word.start() > 0:
        extension, body = word.group(1), body[: word.start()]
    body = _BRACKETED_COUNTRY.sub(r"\1 ", body)
    if not any(char in _ASCII_DIGITS for char in body):
        raise BadInput(f"电话号码“{raw}”里没有号码：{_PHONE_HINT}", field="phone")
    if not _PHONE_CHARS.fullmatch(body) or "+" in body[1:]:
        bad = next((c for c in body if c not in _ASCII_DIGITS and c not in "+ -()."), "+")
        raise BadInput(
            f"电话号码“{raw}”含有无法识别的字符“{bad}”：只能填写数字、空格、括号和短横线，分机可写成“转123”",
            field="phone",
        )
    groups = [group for group in _GROUP_SPLIT.split(body.lstrip("+ ")) if group]
    digits = "".join(groups)
    if body.startswith("+") or digits.startswith("00"):
        if not body.startswith("+"):
            groups = _drop_leading_digits(groups, 2)
            digits = digits[2:]
        if not digits.startswith("86"):
            return _international(raw, digits, extension)
        groups = _drop_leading_digits(groups, 2)
        digits = digits[2:]
        national_as_is = _MOBILE.fullmatch(digits) or _TOLL_FREE.fullmatch(digits)
        if digits and not digits.startswith("0") and not national_as_is:
            groups = ["0" + groups[0], *groups[1:]]
            digits = "0" + digits
    elif len(digits) == 13 and digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
        groups = _drop_leading_digits(groups, 2)
        digits = digits[2:]
    return _national(raw, digits, groups, extension, default_area_code)


def split_phones(text: object) -> list[str]:
    """Split a cell that may hold several phones into raw pieces (the caller normalizes them).

    Splits on , ， ; ； / 、 | and newlines; splits on spaces only where every resulting piece is
    a phone by itself, using as few pieces as possible, so ``138 1234 5678`` stays whole and
    ``13812345678 13987654321`` becomes two.
    """
    if text is None:
        return []
    pieces: list[str] = []
    for chunk in _PHONE_SEPARATORS.split(to_halfwidth(str(text))):
        cleaned = clean_text(chunk)
        if cleaned:
            pieces.extend(_split_on_spaces(cleaned))
    return pieces


def parse_phones(text: object, *, default_area_code: str | None = None) -> list[PhoneNumber]:
    """Split and normalize a phone cell, dropping duplicates; ``BadInput`` names the bad piece.

    A bare local number after a landline borrows its area code (``0755-88889999/88887777``).
    """
    pieces = split_phones(text)
    phones: list[PhoneNumber] = []
    seen: set[str] = set()
    area_code = default_area_code
    for position, piece in enumerate(pieces, start=1):
        try:
            phone = normalize_phone(piece, default_area_code=area_code)
        except BadInput as exc:
            if len(pieces) == 1:
                raise
            raise BadInput(f"第 {position} 个电话号码有误：{exc.message}", field="phone") from None
        if phone.kind == LANDLINE:
            area_code = phone.number.split("-", 1)[0]
        if phone.number not in seen:
            seen.add(phone.number)
            phones.append(phone)
    return phones


def validate_id_number(
    text: str, id_type: IdType = IdType.RESIDENT_ID, *, today: date | None = None
) -> str:
    """Return the ID number in canonical form (upper case, no spaces) or raise ``BadInput``.

    A resident ID (身份证) must be 18 characters with a real province code, a birth date from
    1900 up to ``today`` and the GB 11643-1999 check character; other documents 5–30 letters
    or digits.
    """
    raw = clean_text(text)
    number = raw.replace(" ", "").upper()
    if not number:
        raise BadInput("证件号码不能为空", field="id_number")
    if re.fullmatch(r"[0-9.]+E\+?[0-9]+", number):
        raise BadInput(
            f"证件号码“{raw}”被 Excel 显示成了科学计数法，后几位已丢失："
            "请把该列设为文本格式后重新填写",
            field="id_number",
        )
    if id_type is not IdType.RESIDENT_ID:
        if not re.fullmatch(r"[0-9A-Z]{5,30}", number):
            raise BadInput(
                f"{id_type.label}号码“{raw}”不正确：应为 5–30 位字母或数字", field="id_number"
            )
        return number
    if len(number) == 15 and number.isdigit():
        raise BadInput(
            f"身份证号“{raw}”是 15 位的旧号码：请填写 18 位的新身份证号", field="id_number"
        )
    if len(number) != 18:
        raise BadInput(
            f"身份证号“{raw}”应为 18 位，现在是 {len(number)} 位：请核对后重新填写",
            field="id_number",
        )
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise BadInput(
            f"身份证号“{raw}”格式不对：前 17 位应为数字，最后一位是数字或 X", field="id_number"
        )
    if int(number[:2]) not in _PROVINCE_CODES:
        raise BadInput(
            f"身份证号“{raw}”的前两位“{number[:2]}”不是有效的省份代码：请核对后重新填写",
            field="id_number",
        )
    birth = _birth_date_or_none(number)
    limit = today or clock.today()
    if birth is None or birth.year < 1900 or birth > limit:
        raise BadInput(
            f"身份证号“{raw}”中的出生日期“{number[6:14]}”不正确：第 7–14 位应为真实的出生年月日",
            field="id_number",
        )
    if id_check_char(number[:17]) != number[17]:
        raise BadInput(
            f"身份证号“{raw}”的校验位不对：可能有数字抄错了，请对照证件重新填写", field="id_number"
        )
    return number


def id_check_char(first17: str) -> str:
    """The 18th character of a resident ID under ISO 7064 MOD 11-2 (GB 11643-1999)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def id_birth_date(number: str) -> date:
    """Birth date encoded in a resident ID; ``BadInput`` when the number is not valid."""
    valid = validate_id_number(number, IdType.RESIDENT_ID)
    birth = _birth_date_or_none(valid)
    assert birth is not None  # validate_id_number has checked it
    return birth


def id_gender(number: str) -> str:
    """``"male"`` or ``"female"`` from a resident ID's 17th digit (odd is male), for salutations."""
    valid = validate_id_number(number, IdType.RESIDENT_ID)
    return "male" if int(valid[16]) % 2 else "female"


def validate_postcode(text: str) -> str:
    """Return a six-digit Chinese postcode (full-width digits and spaces tolerated) or raise."""
    raw = clean_text(text)
    code = raw.replace(" ", "")
    if not re.fullmatch(r"[0-9]{6}", code) or code == "000000":
        shown = f"，现在是“{raw}”" if raw else ""
        raise BadInput(f"邮政编码应为 6 位数字（如 518000）{shown}", field="postcode")
    return code


# --- internals -------------------------------------------------------------------------------


def _national(
    raw: str, digits: str, groups: list[str], extension: str, default_area_code: str | None
) -> PhoneNumber:
    if _MOBILE.fullmatch(digits):
        if extension:
            raise BadInput(f"手机号“{raw}”不能带分机号", field="phone")
        return PhoneNumber(digits, MOBILE)
    toll_free = _TOLL_FREE.fullmatch(digits)
    if toll_free:
        number = "-".join(toll_free.groups())
        return PhoneNumber(f"{number}-{extension}" if extension else number, SERVICE)
    if _SHORT_SERVICE.fullmatch(digits) and not extension:
        return PhoneNumber(digits, SERVICE)
    if digits.startswith("0"):
        return _landline(raw, digits, groups, extension)
    if _LOCAL.fullmatch(digits):
        if default_area_code:
            area = default_area_code.strip()
            if not (_THREE_DIGIT_AREA.fullmatch(area) or _FOUR_DIGIT_AREA.fullmatch(area)):
                raise ValueError(f"default_area_code {default_area_code!r} is not an area code")
            return _landline(raw, area + digits, [area, *groups], extension)
        raise BadInput(
            f"座机号“{raw}”缺少区号：请写成 0755-88889999 这样带区号的格式", field="phone"
        )
    tail = groups[-1] if len(groups) >= 2 else ""
    if tail and len(tail) <= 6 and _MOBILE.fullmatch(digits[: -len(tail)]):
        raise BadInput(f"手机号“{raw}”不能带分机号", field="phone")
    if digits.startswith("1") and len(digits) in (10, 12):
        raise BadInput(f"手机号“{raw}”应为 11 位数字，现在是 {len(digits)} 位", field="phone")
    raise BadInput(f"电话号码“{raw}”无法识别：{_PHONE_HINT}", field="phone")


def _landline(raw: str, digits: str, groups: list[str], extension: str) -> PhoneNumber:
    area_length = 3 if _THREE_DIGIT_AREA.match(digits) else 4
    area, local = digits[:area_length], digits[area_length:]
    if area_length == 4 and not _FOUR_DIGIT_AREA.fullmatch(area):
        raise BadInput(f"座机号“{raw}”的区号“{area}”不正确：{_PHONE_HINT}", field="phone")
    if not _LOCAL.fullmatch(local):
        # A trailing group typed apart from the rest ("0755-88889999-123") is an extension.
        tail = groups[-1] if len(groups) >= 2 else ""
        if not extension and 1 <= len(tail) <= 6 and _LOCAL.fullmatch(local[: -len(tail)]):
            local, extension = local[: -len(tail)], tail
        else:
            raise BadInput(
                f"座机号“{raw}”的号码部分应为 7–8 位（不以 0 或 1 开头）：{_PHONE_HINT}",
                field="phone",
            )
    number = f"{area}-{local}"
    return PhoneNumber(f"{number}-{extension}" if extension else number, LANDLINE)


def _international(raw: str, digits: str, extension: str) -> PhoneNumber:
    if not re.fullmatch(r"[1-9][0-9]{7,14}", digits):
        raise BadInput(
            f"境外电话“{raw}”无法识别：请写成 +852 91234567 这样带国家或地区代码的格式",
            field="phone",
        )
    number = "+" + digits
    return PhoneNumber(f"{number}-{extension}" if extension else number, INTERNATIONAL)


def _drop_leading_digits(groups: list[str], count: int) -> list[str]:
    """Remove ``count`` digits from the front of the digit groups (a country prefix)."""
    remaining = list(groups)
    while count and remaining:
        first = remaining[0]
        if len(first) <= count:
            count -= len(first)
            remaining.pop(0)
        else:
            remaining[0] = first[count:]
            count = 0
    return remaining


def _is_phone(text: str) -> bool:
    try:
        normalize_phone(text)
    except BadInput:
        return False
    return True


def _split_on_spaces(cleaned: str) -> list[str]:
    words = cleaned.split(" ")
    if len(words) == 1 or len(words) > 12 or _is_phone(cleaned):
        return [cleaned]
    # Fewest pieces such that every piece is a phone on its own (small dynamic programme).
    best: list[list[str] | None] = [None] * (len(words) + 1)
    best[0] = []
    for end in range(1, len(words) + 1):
        for start in range(end):
            prefix = best[start]
            if prefix is None:
                continue
            candidate = " ".join(words[start:end])
            if _is_phone(candidate) and (best[end] is None or len(prefix) + 1 < len(best[end])):
                best[end] = [*prefix, candidate]
    return best[-1] or [cleaned]


def _birth_date_or_none(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
