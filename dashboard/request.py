"""Per-request helpers for callbacks and page renders."""
from __future__ import annotations

from auth.login import request_language
from dashboard.i18n import Translator, translator


def request_translator() -> Translator:
    return translator(request_language())
