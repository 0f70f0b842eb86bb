"""Parsing what a callback receives: values arrive from the browser and may be anything."""
from __future__ import annotations

from datetime import date

ID_MAX = 2**31 - 1  # the store's integer ids


def as_id(value) -> int | None:
    """Return the value if it is a record id the store can hold (a whole number, not a flag), else None."""
    return value if type(value) is int and 1 <= value <= ID_MAX else None


def parse_id(value) -> int | None:
    """Return a record id given as a number or as its digits (a URL's query, a grid's row id), else None."""
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 10:
        return as_id(int(value.strip()))
    return as_id(value)


def as_text(value) -> str:
    """Return the value if it is text, else an empty string."""
    return value if isinstance(value, str) else ""


def as_date(value) -> date | None:
    """Return the ISO date a date picker sent, or None."""
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None
