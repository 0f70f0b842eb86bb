"""The Chinese catalog covers every message the code asks for; formatting follows the language."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from dashboard.i18n import TRANSLATIONS_DIR, translator

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ["auth", "callbacks", "dashboard", "data", "layouts", "exports"]


def code_message_ids() -> set[str]:
    ids = set()
    for folder in SOURCE_DIRS:
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords={"t": None, "N_": None}
        ):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_every_message_in_the_code_has_a_chinese_translation():
    with (TRANSLATIONS_DIR / "zh" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(code_message_ids() - set(translated))
    assert not missing, f"run `make messages` and translate: {missing}"


def test_chinese_is_the_default_and_english_is_the_source():
    assert translator(None)("Sign in") == "登录"
    assert translator("zh")("Welcome, {name}", name="王") == "欢迎您，王"
    assert translator("en")("Welcome, {name}", name="Wang") == "Welcome, Wang"
    assert translator("xx").lang == "zh"


def test_numbers_and_names_follow_the_language():
    assert translator("en").number(1234567) == "1,234,567"
    assert translator("zh").pick("大连海关", "Dalian Customs") == "大连海关"
    assert translator("en").pick("大连海关", "Dalian Customs") == "Dalian Customs"
    assert translator("en").pick("大连海关", None) == "大连海关"
