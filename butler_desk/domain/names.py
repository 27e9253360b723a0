"""Personal names: surname splitting and the pinyin keys the search box matches as the user types.

Surname readings (``SURNAME_READINGS``): a surname is read the way its bearers say it, which
for 多音字 differs from pypinyin's everyday default. The first reading is the proper one;
a second is listed only where that spelling is also in real use for the surname (two
families, or a reading most people use), so the search still finds the person:

=====  ==========  =================================================
曾     zeng        never ceng as a surname
单     shan        (单于 chanyu is a compound surname)
解     xie         仇 qiu, 区 ou, 朴 piao, 翟 zhai, 缪 miao, 种 chong,
                   秘 bi, 召 shao, 员 yun, 繁 po: the surname reading only
查     zha, cha    zha is proper; cha is heard in Taiwan and the south
盖     ge, gai     both used by 盖 families
覃     qin, tan    two distinct surnames written alike
乐     yue, le     two distinct surnames written alike
尉     wei, yu     wei alone; yu as in 尉迟
隗     wei, kui    both used
黑     he, hei     he is the surname reading; hei is what most people say
=====  ==========  =================================================

and more in the table (卜 bu, 长 chang, 重 chong, 能 nai, 句 gou, 阚 kan, 藏 zang …).
Compound surnames (万俟 moqi, 尉迟 yuchi, 长孙 zhangsun, 单于 chanyu, 澹台 tantai …) are taken as
one surname when the name has at least three characters. Where the first character is also a
common surname read differently alone (单于 长孙 万俟 尉迟), keys for the single-character split
are added too, so 单于洋 (more likely 单 + 于洋) is found by both ``chanyu…`` and ``shanyu…``.
Given names get pypinyin's phrase-aware default reading. ``ü`` is written ``v`` (as pinyin
keyboards type it) with a ``u`` variant key. Characters pypinyin does not know are skipped.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.phrases_dict import phrases_dict

from butler_desk.domain.text import clean_text

COMPOUND_SURNAMES: frozenset[str] = frozenset(
    {
        "欧阳",
        "太史",
        "端木",
        "上官",
        "司马",
        "东方",
        "独孤",
        "南宫",
        "万俟",
        "闻人",
        "夏侯",
        "诸葛",
        "尉迟",
        "公羊",
        "赫连",
        "澹台",
        "皇甫",
        "宗政",
        "濮阳",
        "公冶",
        "太叔",
        "申屠",
        "公孙",
        "慕容",
        "仲孙",
        "钟离",
        "长孙",
        "宇文",
        "司徒",
        "鲜于",
        "司空",
        "闾丘",
        "子车",
        "亓官",
        "司寇",
        "巫马",
        "公西",
        "颛孙",
        "壤驷",
        "公良",
        "漆雕",
        "乐正",
        "宰父",
        "谷梁",
        "拓跋",
        "夹谷",
        "轩辕",
        "令狐",
        "段干",
        "百里",
        "呼延",
        "东郭",
        "南门",
        "羊舌",
        "微生",
        "公户",
        "公玉",
        "公仪",
        "梁丘",
        "公仲",
        "公上",
        "公门",
        "公山",
        "公坚",
        "左丘",
        "公伯",
        "西门",
        "公祖",
        "第五",
        "公乘",
        "贯丘",
        "公皙",
        "南荣",
        "东里",
        "东宫",
        "仲长",
        "子书",
        "子桑",
        "即墨",
        "达奚",
        "褚师",
        "单于",
        "纳兰",
        "完颜",
    }
)

SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    # single-character surnames whose reading differs from the everyday default
    "曾": ("zeng",),
    "单": ("shan",),
    "解": ("xie",),
    "仇": ("qiu",),
    "区": ("ou",),
    "查": ("zha", "cha"),
    "朴": ("piao",),
    "翟": ("zhai",),
    "盖": ("ge", "gai"),
    "覃": ("qin", "tan"),
    "缪": ("miao",),
    "乐": ("yue", "le"),
    "尉": ("wei", "yu"),
    "种": ("chong",),
    "秘": ("bi",),
    "召": ("shao",),
    "员": ("yun",),
    "繁": ("po",),
    "黑": ("he", "hei"),
    "隗": ("wei", "kui"),
    "卜": ("bu",),
    "长": ("chang",),
    "重": ("chong",),
    "能": ("nai",),
    "句": ("gou",),
    "阚": ("kan",),
    "藏": ("zang",),
    "洗": ("xian",),
    "粘": ("nian",),
    "佴": ("nai",),
    "牟": ("mou", "mu"),
    "郇": ("xun", "huan"),
    "薄": ("bo",),
    "都": ("du",),
    "祭": ("zhai",),
    "宓": ("mi", "fu"),
    "炅": ("gui", "jiong"),
    "便": ("pian",),
    "折": ("she",),
    "柏": ("bai", "bo"),
    "莘": ("shen", "xin"),
    "蔚": ("yu", "wei"),
    "朝": ("chao",),
    "𠮷": ("ji",),
    # compound surnames whose characters are polyphonic
    "万俟": ("mo qi",),
    "尉迟": ("yu chi",),
    "长孙": ("zhang sun",),
    "单于": ("chan yu",),
    "澹台": ("tan tai",),
    "乐正": ("yue zheng",),
    "令狐": ("ling hu",),
    "亓官": ("qi guan",),
}

# Compounds whose first character is also a common single surname read differently on its
# own: 单于洋 is more likely 单 (shan) + 于洋, so both splits get keys. Other compounds read
# the same either way (欧阳) or their first character is no surname by itself (澹台).
_ALSO_SINGLE_SURNAME_SPLIT = frozenset({"单于", "长孙", "万俟", "尉迟"})

# Readings for characters pypinyin lacks that do turn up in names (𠮷 is a variant of 吉).
_EXTRA_READINGS: dict[str, str] = {"𠮷": "ji"}

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_SEGMENT = re.compile(rf"([{_HAN}]+)|([A-Za-z0-9]+)")
_HAN_CHAR = re.compile(rf"[{_HAN}]")
_NO_SURNAME_MARK = re.compile("[·•・‧．.]")


def split_surname(name: str) -> tuple[str, str]:
    """Split a name into surname and given name: ``欧阳娜娜`` → ``("欧阳", "娜娜")``.

    A compound surname counts only when at least one character follows it (``司马`` alone is
    司 + 马). Transliterated names with a middle dot (``买买提·艾力``) and names not starting
    with a Chinese character have no surname to split: ``("", name)``.
    """
    return _split(clean_text(name))


def _split(text: str) -> tuple[str, str]:
    if not text:
        return "", ""
    if not _HAN_CHAR.match(text) or _NO_SURNAME_MARK.search(text):
        return "", text
    if len(text) >= 3 and text[:2] in COMPOUND_SURNAMES:
        return text[:2], text[2:].lstrip()
    return text[0], text[1:].lstrip()


def name_search_keys(name: str) -> tuple[str, ...]:
    """Lower-case ASCII keys for search-as-you-type: full pinyin and initials, per reading.

    ``张三`` → ``("zhangsan", "zs")``; ``乐乐`` → ``("yuele", "yl", "lele", "ll")``. The primary
    reading comes first. Latin letters and digits are kept, lower-cased; a Latin word
    contributes its first letter to the initials.
    """
    return _name_search_keys(clean_text(name))


@lru_cache(maxsize=131072)
def _name_search_keys(text: str) -> tuple[str, ...]:
    if not text:
        return ()
    surname, given = _split(text)
    splits = [(surname, given)]
    compound = text[:2] if text[:2] in COMPOUND_SURNAMES else ""
    if compound in _ALSO_SINGLE_SURNAME_SPLIT and surname == compound:
        splits.append((text[0], text[1:]))
    elif compound and len(text) == 2:
        splits.append((compound, ""))
    keys: list[str] = []
    for split_surname_part, given_part in splits:
        given_full, given_initials, given_plain_u = _spellings(given_part)
        for surname_full, surname_initials, surname_plain_u in _surname_spellings(split_surname_part):
            full = surname_full + given_full
            if not full:
                continue  # no syllable and no Latin word at all
            for key in (full, surname_initials + given_initials, surname_plain_u + given_plain_u):
                if key not in keys:
                    keys.append(key)
    return tuple(keys)


@lru_cache(maxsize=4096)
def _surname_spellings(surname: str) -> tuple[tuple[str, str, str], ...]:
    """(full pinyin, initials, pinyin with ü as u) of each reading of ``surname``."""
    return tuple(_spelled([(word, True) for word in words]) for words in _surname_variants(surname))


@lru_cache(maxsize=65536)
def _spellings(text: str) -> tuple[str, str, str]:
    """(full pinyin, initials, pinyin with ü as u) of a given name; Latin words as they are."""
    return _spelled(_words(text))


def _spelled(words: list[tuple[str, bool]] | tuple[tuple[str, bool], ...]) -> tuple[str, str, str]:
    # Every syllable and word is non-empty, so keys concatenate part by part.
    full = "".join(word for word, _ in words)
    initials = "".join(word[0] for word, _ in words)
    # pypinyin writes ü as v (lv, nv, lve), as pinyin keyboards type it; some type u.
    plain_u = "".join(word.replace("v", "u") if is_han else word for word, is_han in words)
    return full, initials, plain_u


def _surname_variants(surname: str) -> list[list[str]]:
    if not surname:
        return [[]]
    readings = SURNAME_READINGS.get(surname)
    if readings:
        return [reading.split(" ") for reading in readings]
    return [list(_han_syllables(surname))]


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[tuple[str, bool], ...]:
    """Syllables and Latin words of ``text``, each flagged True when it came from Chinese."""
    words: list[tuple[str, bool]] = []
    for han, latin in _SEGMENT.findall(text):
        if han:
            words.extend((syllable, True) for syllable in _han_syllables(han))
        else:
            words.append((latin.lower(), False))
    return tuple(words)


@lru_cache(maxsize=65536)
def _han_syllables(run: str) -> tuple[str, ...]:
    """Default toneless pinyin of a run of Chinese characters; unknown characters are skipped.

    Same result as ``lazy_pinyin(run)``, but a run of one or two characters that is not a
    dictionary phrase is read character by character from a cache, which avoids pypinyin's
    segmenter for nearly every given name (26,000 names at start-up).
    """
    if len(run) <= 2 and run not in phrases_dict:
        return tuple(syllable for char in run for syllable in _char_syllable(char))
    return _pypinyin_syllables(run)


@lru_cache(maxsize=16384)
def _char_syllable(char: str) -> tuple[str, ...]:
    return _pypinyin_syllables(char)


def _pypinyin_syllables(text: str) -> tuple[str, ...]:
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors=_unknown_readings)
    return tuple(syllable for syllable in syllables if syllable and syllable.isascii())


def _unknown_readings(chars: str) -> list[str]:
    return [_EXTRA_READINGS.get(char, "") for char in chars]
