"""Chinese personal names in the Latin alphabet, as a passport writes them (GB/T 28039: 张伟 -> ZHANG Wei).

An English certificate names its signing officer in the reader's alphabet. The surname is the first
character, or the first two for the compound surnames below; a character read otherwise as a surname
(单 Shan, 曾 Zeng …) takes its surname reading. A name without Chinese characters is left as it is.
"""
from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

COMPOUND_SURNAMES = frozenset({"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
                               "司徒", "夏侯", "令狐", "端木", "独孤", "南宫", "西门", "澹台", "百里"})
SURNAME_READINGS = {"单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha", "区": "ou",
                    "乐": "yue", "翟": "zhai", "盖": "ge", "覃": "qin", "尉": "yu", "缪": "miao", "繁": "po",
                    "万俟": "moqi", "长孙": "zhangsun", "尉迟": "yuchi"}
_HAN = re.compile(r"[\u3400-\u9fff]")


def _syllables(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.NORMAL))


def latin_name(name: str) -> str:
    """`name` as a passport writes it: SURNAME Givenname; unchanged when it holds no Chinese character."""
    name = "".join((name or "").split())
    if not _HAN.search(name):
        return name
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
    given = name[len(surname):]
    family = SURNAME_READINGS.get(surname) or _syllables(surname)
    return f"{family.upper()} {_syllables(given).capitalize()}".strip()


PLACE_SUFFIXES = ("市", "县", "区", "港", "省")  # 大连市 -> DALIAN; a place is named without its kind


def latin_place(place: str) -> str:
    """A Chinese place name as certificates write it in English (大连 -> DALIAN, 丹东市 -> DANDONG); "" for
    text that is more than a place's name (an address: its words need a translator, not a transliteration)."""
    place = "".join((place or "").split())
    if not _HAN.search(place):
        return place
    if len(place) > 6 or re.search(r"[0-9０-９路号街道]", place):
        return ""
    for suffix in PLACE_SUFFIXES:
        if len(place) > 2 and place.endswith(suffix):
            place = place[:-1]
            break
    return _syllables(place).upper()
