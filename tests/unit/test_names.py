"""Officers' names in the Latin alphabet, as English certificates print them (exports/names.py)."""
from __future__ import annotations

import pytest

from exports.names import latin_name, latin_place


@pytest.mark.parametrize(("name", "latin"), [
    ("张伟", "ZHANG Wei"), ("王海晟", "WANG Haicheng"), ("欧阳娜娜", "OUYANG Nana"),  # a compound surname
    ("单雄信", "SHAN Xiongxin"), ("曾国藩", "ZENG Guofan"),  # surnames read otherwise than the word
    ("李 明", "LI Ming"), ("officer0901", "officer0901"), ("", ""),  # no Chinese characters: as it is
])
def test_a_chinese_name_is_written_as_a_passport_writes_it(name, latin):
    assert latin_name(name) == latin


@pytest.mark.parametrize(("place", "latin"), [
    ("大连", "DALIAN"), ("丹东市", "DANDONG"), ("DALIAN", "DALIAN"),
    ("大连市甘井子区海港路 8 号", ""),  # an address: not transliterated, left for a person to write
])
def test_a_chinese_place_name_is_written_as_english_certificates_write_it(place, latin):
    assert latin_place(place) == latin
