"""Officers' names in the Latin alphabet, as English certificates print them (exports/names.py)."""
from __future__ import annotations

import pytest

from exports.names import latin_name


@pytest.mark.parametrize(("name", "latin"), [
    ("张伟", "ZHANG Wei"), ("王海晟", "WANG Haicheng"), ("欧阳娜娜", "OUYANG Nana"),  # a compound surname
    ("单雄信", "SHAN Xiongxin"), ("曾国藩", "ZENG Guofan"),  # surnames read otherwise than the word
    ("李 明", "LI Ming"), ("officer0901", "officer0901"), ("", ""),  # no Chinese characters: as it is
])
def test_a_chinese_name_is_written_as_a_passport_writes_it(name, latin):
    assert latin_name(name) == latin
