"""Translations: English message ids in code, Chinese (the default) and other languages in Babel catalogs.

Catalogs are read from the .po files at start-up and compiled in memory, so a fresh checkout
needs no build step. Layouts receive a `Translator` instead of reading the request themselves.
"""
from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from dashboard.core.clock import CHINA

DISPLAY_ZONE = CHINA  # every user of the system works in China Standard Time, or reads it
TRANSLATIONS_DIR = Path(__file__).resolve().parents[1] / "translations"
LANGUAGES: dict[str, str] = {"zh": "中文", "en": "English"}  # the whole UI
# the overseas portal, the sign-in page and the account page also speak the main destination markets'
# languages; elsewhere a missing message falls back to its English id
PORTAL_LANGUAGES: dict[str, str] = {"ru": "Русский", "ja": "日本語", "ko": "한국어", "vi": "Tiếng Việt"}
ALL_LANGUAGES: dict[str, str] = {**LANGUAGES, **PORTAL_LANGUAGES}
BABEL_LOCALES = {"zh": "zh_Hans_CN", "en": "en_GB", "ru": "ru_RU", "ja": "ja_JP", "ko": "ko_KR", "vi": "vi_VN"}


@functools.cache
def _catalog(language: str) -> NullTranslations:
    po_path = TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf)


def _named(text: str | None) -> str:
    """The text, or "" when it holds no name (blank, or only asterisks, dashes and slashes)."""
    text = (text or "").strip()
    return text if text.strip("*＊-—/ ") else ""


@dataclass(frozen=True)
class Translator:
    """Translate message ids and format values for one language."""

    lang: str

    def __call__(self, msgid: str, **values) -> str:
        if not msgid:  # gettext("") is the catalog's header, never a label
            return ""
        text = _catalog(self.lang).gettext(msgid)
        if not values:
            return text
        for name, value in values.items():  # "20 окт. 2026 г." ends a sentence itself: no second full stop
            if isinstance(value, str) and value.endswith(".") and f"{{{name}}}." in text:
                text = text.replace(f"{{{name}}}.", f"{{{name}}}")
        return text.format(**values)

    def pick(self, zh: str | None, en: str | None) -> str:
        """Choose between a record's Chinese and English names: the user's language, else the other.

        A name of only asterisks or dashes ("***", the declarations' mark for "no Chinese name") is no
        name: the other language's is shown, so every language shows the same party."""
        zh, en = _named(zh), _named(en)
        if self.lang == "zh":
            return zh or en
        return en or zh

    @property
    def locale(self) -> Locale:
        return Locale.parse(BABEL_LOCALES.get(self.lang, "zh_Hans_CN"))

    def date(self, value: date | None) -> str:
        return format_date(value, format="medium", locale=self.locale) if value else ""

    def datetime(self, value: datetime | None) -> str:
        """Format a moment in China Standard Time (stored moments without a zone are UTC)."""
        if not value:
            return ""
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return format_datetime(value, format="medium", tzinfo=DISPLAY_ZONE, locale=self.locale)

    def number(self, value) -> str:
        if value is None:
            return ""
        if isinstance(value, int) and _comma_grouped(self.lang):  # a pivot formats thousands of them
            return f"{value:,}"
        return format_decimal(value, locale=self.locale)

    def amount(self, value) -> str:
        """A money amount with its two decimals (12,345.60)."""
        return format_decimal(round(value, 2), format="#,##0.00", locale=self.locale) if value is not None else ""


@functools.lru_cache(maxsize=None)
def _comma_grouped(lang: str) -> bool:
    """Whether the language writes whole numbers as Python's "{:,}" does (1,234,567), so that they need no babel."""
    t = Translator(lang)
    return all(format_decimal(n, locale=t.locale) == f"{n:,}" for n in (1234567, -1234, 0, 999))


def translator(lang: str | None) -> Translator:
    return Translator(lang if lang in ALL_LANGUAGES else "zh")


def N_(msgid: str) -> str:
    """Mark a message id for extraction where it is translated later (tables of labels)."""
    return msgid
