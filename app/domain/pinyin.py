"""拼音首字母 — the pinyin initials of a name, for finding a party by typing "lxy" for 李秀英.

A name gets one string of initials per way it can be read, "|"-separated and capped
(`MAX_VARIANTS`, `MAX_LENGTH`): 张行 → "zx|zh", since 行 is xíng or háng and the program cannot
know which one this person says. The most likely reading comes first.

Surnames are read as surnames: pypinyin reads 曾 as céng, 单 as dān, 解 as jiě, 区 as qū — a
surname table (`SURNAMES`) overrides that for the first character (or the first two, for a
compound surname such as 尉迟 yùchí or 万俟 mòqí) of a person's name; any other surname is
read the way pypinyin reads the character first (王 wáng, not yù), while every character of the
given name contributes all its readings. Latin letters and digits
stay as they are, lowercased ("Tom" → "tom"); spaces, dots (阿依古丽·买买提) and other marks are
left out.

pypinyin is imported the first time a Chinese character needs it, with its phrase dictionary
switched off (`PYPINYIN_NO_PHRASES`): it is not needed for single characters and takes most of
the import time (design guide, "Search").
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

#: At most this many readings of one name are kept (a long organisation name full of
#: polyphonic characters could otherwise have hundreds).
MAX_VARIANTS = 8
#: The column holding them is String(200).
MAX_LENGTH = 200
SEPARATOR = "|"

#: Surnames pypinyin reads wrong as the first character of a name, with their readings as
#: a surname (most common first). Only the initial letters are stored; the whole syllables
#: are kept here so that a maintainer can check them.
SURNAMES: dict[str, tuple[str, ...]] = {
    "曾": ("zeng",),
    "单": ("shan",),
    "解": ("xie",),
    "查": ("zha",),
    "仇": ("qiu",),
    "乐": ("yue", "le"),
    "区": ("ou",),
    "朴": ("piao",),
    "覃": ("qin",),
    "缪": ("miao",),
    "盖": ("ge",),
    "翟": ("zhai",),
    "黑": ("he",),
    "种": ("chong",),
    "员": ("yun",),
    "召": ("shao",),
    "繁": ("po",),
    "能": ("nai",),
    "冼": ("xian",),
    "洗": ("xian",),
    "秘": ("bi",),
    "折": ("she",),
    "尉": ("wei", "yu"),
    "万": ("wan",),
    "沈": ("shen",),
    "贾": ("jia",),
    "叶": ("ye",),
    "柏": ("bai",),
    "薄": ("bo",),
    "车": ("che",),
    "长": ("chang",),
    "重": ("chong",),
    "朝": ("chao",),
    "藏": ("zang",),
    "都": ("du",),
    "华": ("hua",),
    "任": ("ren",),
    "纪": ("ji",),
    "燕": ("yan",),
    "过": ("guo",),
    "句": ("gou",),
    "阚": ("kan",),
    "宓": ("mi", "fu"),
    "牟": ("mou", "mu"),
    "粘": ("nian",),
    "隗": ("wei", "kui"),
    "逄": ("pang",),
    "乜": ("nie",),
    "亓": ("qi",),
    "厍": ("she",),
    "佴": ("nai",),
    "谌": ("chen", "shen"),
    "祭": ("zhai",),
    "蕃": ("pi",),
    "炅": ("gui", "jiong"),
    "褚": ("chu",),
    "於": ("yu",),
    "阿": ("a",),
}

#: Compound surnames (复姓) whose characters pypinyin reads otherwise, with their readings.
COMPOUND_SURNAMES: dict[str, tuple[str, ...]] = {
    "尉迟": ("yu chi",),
    "万俟": ("mo qi",),
    "长孙": ("zhang sun",),
    "单于": ("chan yu",),
    "澹台": ("tan tai",),
    "令狐": ("ling hu",),
    "欧阳": ("ou yang",),
    "上官": ("shang guan",),
    "司马": ("si ma",),
    "诸葛": ("zhu ge",),
    "东方": ("dong fang",),
    "皇甫": ("huang fu",),
    "夏侯": ("xia hou",),
    "公孙": ("gong sun",),
    "慕容": ("mu rong",),
    "宇文": ("yu wen",),
    "轩辕": ("xuan yuan",),
    "端木": ("duan mu",),
    "南宫": ("nan gong",),
    "呼延": ("hu yan",),
    "拓跋": ("tuo ba",),
    "独孤": ("du gu",),
    "闻人": ("wen ren",),
    "申屠": ("shen tu",),
    "太史": ("tai shi",),
    "百里": ("bai li",),
    "钟离": ("zhong li",),
    "宗政": ("zong zheng",),
    "濮阳": ("pu yang",),
    "公冶": ("gong ye",),
    "赫连": ("he lian",),
    "仲孙": ("zhong sun",),
    "第五": ("di wu",),
}


def _initials_of(readings: tuple[str, ...]) -> tuple[str, ...]:
    """ "yu chi" → "yc": the first letter of each syllable of each reading, without repeats."""
    return _unique("".join(syllable[0] for syllable in r.split()) for r in readings)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


#: pypinyin's readings of one character as initial letters ("曾" → ("c", "z")), or () for a
#: character it does not know; set on first use.
_lookup: Callable[[str], tuple[str, ...]] | None = None


def _pypinyin_lookup() -> Callable[[str], tuple[str, ...]]:
    global _lookup
    if _lookup is None:
        os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
        os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
        from pypinyin import Style, pinyin

        def lookup(char: str) -> tuple[str, ...]:
            found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
            readings = found[0] if found else []
            return _unique(_first_letter(r) for r in readings if _first_letter(r))

        _lookup = lookup
    return _lookup


def _first_letter(reading: str) -> str:
    """The first ASCII letter of a reading ("ōu" → "o", "ń" → "n"), "" when there is none."""
    for char in unicodedata.normalize("NFD", reading):
        if char.isascii() and char.isalpha():
            return char.lower()
    return ""


@lru_cache(maxsize=4096)
def _char_initials(char: str) -> tuple[str, ...]:
    if char.isascii():
        return (char.lower(),) if char.isalnum() else ()
    if unicodedata.category(char)[0] in "LN" and not _is_han(char):
        # Another script's letter or digit (ａ after NFKC is already ASCII): as it is.
        return (char.lower(),)
    if not _is_han(char):
        return ()
    return _pypinyin_lookup()(char)


def _is_han(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x323AF
        or 0xF900 <= code <= 0xFAFF
        or code == 0x3007
    )


@lru_cache(maxsize=65536)
def name_initials(name: str, *, person: bool = True) -> str:
    """The initials of every reading of `name`, "|"-separated, the likeliest first.

    `person`: the first character(s) are a surname (an organisation's name has none).
    """
    text = unicodedata.normalize("NFKC", name).strip()
    if not text:
        return ""
    choices: list[tuple[str, ...]] = []
    rest = text
    if person:
        compound = COMPOUND_SURNAMES.get(text[:2]) if len(text) >= 3 else None
        if compound is not None:
            choices.append(_initials_of(compound))
            rest = text[2:]
        elif text[0] in SURNAMES:
            choices.append(_initials_of(SURNAMES[text[0]]))
            rest = text[1:]
        elif _is_han(text[0]) and _char_initials(text[0]):
            # Any other surname is read as pypinyin reads it first (王 wáng, never yù).
            choices.append(_char_initials(text[0])[:1])
            rest = text[1:]
    for char in rest:
        letters = _char_initials(char)
        if letters:
            choices.append(letters)
    return SEPARATOR.join(_variants(choices))


def _variants(choices: list[tuple[str, ...]]) -> list[str]:
    """Every combination of the characters' choices, those using more first readings first,
    at most `MAX_VARIANTS` and `MAX_LENGTH` characters together."""
    # A beam: (cost, text), where cost counts how far from the first reading each choice is.
    beam: list[tuple[int, str]] = [(0, "")]
    for letters in choices:
        grown = [
            (cost + rank, text + letter)
            for cost, text in beam
            for rank, letter in enumerate(letters)
        ]
        grown.sort(key=lambda entry: entry[0])  # stable: the likelier stay ahead
        beam = _unique_beam(grown)[:MAX_VARIANTS]
    kept: list[str] = []
    length = 0
    for _cost, text in beam:
        extra = len(text) + (1 if kept else 0)
        if not text or length + extra > MAX_LENGTH:
            break
        kept.append(text)
        length += extra
    return kept


def _unique_beam(entries: list[tuple[int, str]]) -> list[tuple[int, str]]:
    seen: set[str] = set()
    kept = []
    for cost, text in entries:
        if text not in seen:
            seen.add(text)
            kept.append((cost, text))
    return kept


def is_initials_query(term: str) -> bool:
    """Whether a typed term can be pinyin initials: ASCII letters (and digits) only."""
    return term.isascii() and term.isalnum() and any(c.isalpha() for c in term)
