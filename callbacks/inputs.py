"""Parsing what a callback receives: values arrive from the browser and may be anything."""
from __future__ import annotations

from datetime import date


def as_text(value) -> str:
    """Return the value if it is text, else an empty string."""
    return value if isinstance(value, str) else ""


def as_date(value) -> date | None:
    """Return the ISO date a date picker sent, or None."""
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None
