"""Tests for butler_desk.domain.names: surname splitting and pinyin search keys."""

from __future__ import annotations

import random

import pytest
from pypinyin import Style, lazy_pinyin

from butler_desk.domain.names import (
    COMPOUND_SURNAMES,
    SURNAME_READINGS,
    name_search_keys,
    split_surname,
)


def test_given_an_ordinary_name_when_keyed_then_full_pinyin_and_initials() -> None:
    assert name_search_keys("张三") == ("zhangsan", "zs")
    assert name_search_keys("王小明") == ("wangxiaoming", "wxm")
    assert name_search_keys(" 李 四 ") == ("lisi", "ls")


# (name, keys that must be there, keys that must not be there)
POLYPHONIC_SURNAMES = [
    ("曾小贤", ["zengxiaoxian", "zxx"], ["cengxiaoxian", "cxx"]),
    ("单田芳", ["shantianfang", "stf"], ["dantianfang", "dtf"]),
    ("解缙", ["xiejin", "xj"], ["jiejin", "jj"]),
    ("仇英", ["qiuying", "qy"], ["chouying"]),
    ("区家明", ["oujiaming", "ojm"], ["qujiaming", "qjm"]),
    ("查良镛", ["zhaliangyong", "zly", "chaliangyong"], []),
    ("朴树", ["piaoshu", "ps"], ["pushu"]),
    ("翟志刚", ["zhaizhigang", "zzg"], ["dizhigang", "dzg"]),
    ("盖叫天", ["gejiaotian", "gjt", "gaijiaotian"], []),
    ("覃方明", ["qinfangming", "qfm", "tanfangming"], []),
    ("缪思", ["miaosi", "ms"], ["mousi", "miusi"]),
    ("乐嘉", ["yuejia", "yj", "lejia", "lj"], []),
    ("尉缭", ["weiliao", "wl", "yuliao", "yl"], []),
    ("种师道", ["chongshidao", "csd"], ["zhongshidao", "zsd"]),
    ("秘丽", ["bili", "bl"], ["mili", "ml"]),
    ("召明", ["shaoming", "sm"], ["zhaoming", "zm"]),
    ("员华", ["yunhua", "yh"], ["yuanhua"]),
    ("繁钦", ["poqin", "pq"], ["fanqin", "fq"]),
    ("黑明", ["heming", "hm", "heiming"], []),
    ("隗嚣", ["weixiao", "wx", "kuixiao", "kx"], []),
    ("万俟卨", ["moqixie", "mqx"], []),
    ("尉迟恭", ["yuchigong", "ycg"], []),
    ("长孙无忌", ["zhangsunwuji", "zswj"], []),
    ("单于洋", ["chanyuyang", "cyy", "shanyuyang", "syy"], ["danyuyang"]),
    ("卜凡", ["bufan", "bf"], ["bofan"]),
    ("长江", ["changjiang", "cj"], ["zhangjiang"]),
    ("澹台灭明", ["tantaimieming", "ttmm"], ["dantaimieming"]),
]


@pytest.mark.parametrize(
    ("name", "wanted", "unwanted"), POLYPHONIC_SURNAMES, ids=[n for n, _, _ in POLYPHONIC_SURNAMES]
)
def test_given_a_polyphonic_surname_when_keyed_then_read_as_people_say_it(
    name: str, wanted: list[str], unwanted: list[str]
) -> None:
    keys = name_search_keys(name)
    assert keys[0] == wanted[0], keys
    for key in wanted:
        assert key in keys
    for key in unwanted:
        assert key not in keys


def test_every_polyphonic_surname_of_the_table_leads_with_its_surname_reading() -> None:
    for surname, readings in SURNAME_READINGS.items():
        name = surname + "明" + ("明" if len(surname) == 2 else "")
        keys = name_search_keys(name)
        primary = readings[0].replace(" ", "")
        assert keys[0].startswith(primary), (surname, keys)
        for reading in readings:
            assert any(key.startswith(reading.replace(" ", "")) for key in keys), (surname, reading)


def test_the_surname_reading_table_is_consistent() -> None:
    for surname, readings in SURNAME_READINGS.items():
        assert len(surname) == 1 or surname in COMPOUND_SURNAMES, surname
        assert readings and len(set(readings)) == len(readings)
        for reading in readings:
            syllables = reading.split(" ")
            assert len(syllables) == len(surname)
            assert all(s.isascii() and s.isalpha() and s.islower() for s in syllables)


@pytest.mark.parametrize(
    "surname",
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "令狐",
        "慕容",
        "司徒",
        "夏侯",
        "公孙",
        "端木",
        "宇文",
        "万俟",
        "尉迟",
        "长孙",
        "单于",
        "澹台",
        "轩辕",
        "钟离",
        "呼延",
        "西门",
        "南宫",
        "第五",
        "百里",
    ],
)
def test_given_a_compound_surname_when_split_then_both_characters_form_the_surname(
    surname: str,
) -> None:
    assert surname in COMPOUND_SURNAMES
    assert split_surname(surname + "明") == (surname, "明")
    assert split_surname(surname + "小明") == (surname, "小明")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张三", ("张", "三")),
        ("张三丰", ("张", "三丰")),
        ("张", ("张", "")),
        ("张先生", ("张", "先生")),
        ("欧阳娜娜", ("欧阳", "娜娜")),
        ("司马", ("司", "马")),
        ("欧阳", ("欧", "阳")),
        ("  诸葛  亮 ", ("诸葛", "亮")),
        ("买买提·艾力", ("", "买买提·艾力")),
        ("阿卜杜拉•买买提", ("", "阿卜杜拉•买买提")),
        ("John Smith", ("", "John Smith")),
        ("Steve王", ("", "Steve王")),
        ("", ("", "")),
        ("𠮷野", ("𠮷", "野")),
    ],
)
def test_given_a_name_when_split_then_surname_and_given_name(
    name: str, expected: tuple[str, str]
) -> None:
    assert split_surname(name) == expected


def test_given_a_compound_surname_whose_characters_read_alike_then_no_duplicate_keys() -> None:
    assert name_search_keys("欧阳娜娜") == ("ouyangnana", "oynn")
    assert name_search_keys("诸葛亮") == ("zhugeliang", "zgl")
    assert name_search_keys("司马光") == ("simaguang", "smg")


def test_given_a_bare_compound_surname_then_both_splits_are_searchable() -> None:
    keys = name_search_keys("长孙")
    assert "changsun" in keys and "zhangsun" in keys


def test_given_u_umlaut_when_keyed_then_v_and_u_spellings() -> None:
    assert name_search_keys("吕布") == ("lvbu", "lb", "lubu")
    assert name_search_keys("女娲") == ("nvwa", "nw", "nuwa")
    # A Latin v is a letter, not a ü.
    assert name_search_keys("Steve王") == ("stevewang", "sw")


def test_given_latin_letters_in_a_name_then_kept_lower_case() -> None:
    assert name_search_keys("Tom Lee") == ("tomlee", "tl")
    assert name_search_keys("张Anna") == ("zhanganna", "za")
    assert name_search_keys("ＡＮＮＡ") == ("anna", "a")
    assert name_search_keys("王2号") == ("wang2hao", "w2h")


def test_given_a_transliterated_name_with_a_middle_dot_then_the_dot_is_ignored() -> None:
    assert name_search_keys("买买提·艾力") == ("maimaitiaili", "mmtal")


def test_given_rare_characters_pypinyin_lacks_then_known_ones_are_kept_without_crashing() -> None:
    unknown = "\U00020002"  # CJK Extension B, no reading in pypinyin
    assert lazy_pinyin(unknown, style=Style.NORMAL) == [unknown]
    assert name_search_keys(f"张{unknown}三") == ("zhangsan", "zs")
    assert name_search_keys(unknown) == ()
    assert name_search_keys(f"{unknown}{unknown}") == ()
    # 𠮷 (a variant of 吉 in names) is read ji by our own small table.
    assert name_search_keys("𠮷野家") == ("jiyejia", "jyj")
    assert name_search_keys("张𪚥") == ("zhangzhe", "zz")


@pytest.mark.parametrize("name", ["", "   ", "·", "--", "\u200b"])
def test_given_nothing_readable_then_no_keys(name: str) -> None:
    assert name_search_keys(name) == ()


def test_given_polyphonic_given_names_then_pypinyin_default_reading() -> None:
    assert name_search_keys("王长乐")[0] == "wang" + "".join(
        lazy_pinyin("长乐", style=Style.NORMAL)
    )
    assert name_search_keys("李行")[0] == "li" + lazy_pinyin("行", style=Style.NORMAL)[0]
    assert name_search_keys("曾重阳")[0] == "zeng" + "".join(
        lazy_pinyin("重阳", style=Style.NORMAL)
    )


def test_given_many_random_names_then_keys_are_lowercase_ascii_and_match_pypinyin() -> None:
    rng = random.Random(20261127)
    common = [chr(code) for code in range(0x4E00, 0x9FA6)]
    plain_surnames = (
        "王李刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓彭肖田董袁潘蒋蔡余杜叶程苏魏丁"
    )
    for _ in range(2000):
        given = "".join(rng.choice(common) for _ in range(rng.choice((1, 2, 3))))
        name = rng.choice(plain_surnames) + given
        keys = name_search_keys(name)
        syllables = [
            s
            for s in lazy_pinyin(name[0], style=Style.NORMAL)
            + lazy_pinyin(given, style=Style.NORMAL)
            if s.isascii()
        ]
        assert keys[0] == "".join(syllables)
        assert keys[1] == "".join(s[0] for s in syllables)
        for key in keys:
            assert key.isascii() and key == key.lower() and " " not in key


def test_a_search_box_finds_people_by_prefix_or_substring_of_a_key() -> None:
    people = ["张三", "曾国藩", "单田芳", "乐嘉", "欧阳娜娜", "尉迟恭", "吕布", "查良镛"]
    index = {name: name_search_keys(name) for name in people}

    def search(typed: str) -> list[str]:
        return [name for name, keys in index.items() if any(typed in key for key in keys)]

    assert search("zeng") == ["曾国藩"]
    assert search("shan") == ["单田芳"]
    assert search("yuej") == ["乐嘉"]
    assert search("lej") == ["乐嘉"]
    assert search("oyn") == ["欧阳娜娜"]
    assert search("yuchi") == ["尉迟恭"]
    assert search("lvb") == ["吕布"]
    assert search("lub") == ["吕布"]
    assert search("zly") == ["查良镛"]
    assert search("nana") == ["欧阳娜娜"]


def test_repeated_calls_return_the_same_keys() -> None:
    first = name_search_keys("覃方明")
    assert name_search_keys("覃方明") == first
    assert name_search_keys(" 覃方明 ") == first
