"""What the administration pages for reference data, formats, notifications and parameters share:
the errors their forms raise, reading typed text, and asking "is this used anywhere?" cheaply.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

from sqlalchemy import ColumnElement, Text, cast, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data.admin.rules import AdminInvalid  # the form error of every admin page: {field: reason code}
from data.core.audit import record_change
from data.core.scope import Actor

__all__ = ["AdminInvalid", "InUse", "delete_recorded", "exists", "json_mentions", "snapshot", "take_flag", "take_sort",
           "take_text", "text_of"]

MAX_SORT = 999_999


class InUse(ValueError):
    """The object is referenced by stored records; `places` name where (keys the page labels)."""

    def __init__(self, places: Iterable[str]):
        self.places = tuple(places)
        super().__init__(", ".join(self.places))


def text_of(values: dict, name: str) -> str:
    """The stripped text typed for `name` ('' for anything that is not text)."""
    raw = values.get(name)
    return raw.strip() if isinstance(raw, str) else ""


def take_text(values: dict, name: str, limit: int, errors: dict[str, str], *, required: bool = False,
              pattern: re.Pattern | None = None, reason: str = "format") -> str:
    """Read one text field into `errors`: required, at most `limit` characters, matching `pattern`."""
    text = text_of(values, name)
    if not text:
        if required:
            errors[name] = "required"
    elif len(text) > limit:
        errors[name] = "too_long"
    elif pattern is not None and not pattern.match(text):
        errors[name] = reason
    return text


def take_sort(values: dict, errors: dict[str, str], name: str = "sort") -> int:
    """Read a sort position: a whole number from 0 to MAX_SORT, 0 when left empty."""
    raw = values.get(name)
    text = str(raw).strip() if isinstance(raw, int) and not isinstance(raw, bool) else text_of(values, name)
    if not text:
        return 0
    if not (text.isdecimal() and text.isascii()) or int(text) > MAX_SORT:
        errors[name] = "sort_number"
        return 0
    return int(text)


def take_flag(values: dict, name: str) -> bool:
    """A check box or switch as the page sends it: True, a non-empty list of ticked values, or 'true'."""
    raw = values.get(name)
    if isinstance(raw, list):
        return bool(raw)
    if isinstance(raw, str):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return raw is True


def exists(s: Session, *conditions: ColumnElement[bool], table) -> bool:
    """Whether any row of `table` meets the conditions: `SELECT 1 ... LIMIT 1`, stopping at the first."""
    return s.scalar(select(literal(1)).select_from(table).where(*conditions).limit(1)) is not None


def json_mentions(s: Session, column, code: str, *conditions: ColumnElement[bool], table,
                  holds: Callable[[object], bool] | None = None, candidates: int = 50) -> bool:
    """Whether a JSON column of `table` holds the string `code` as a value, anywhere in it.

    The database narrows the rows to those whose JSON text contains the quoted code (a superset:
    keys and longer texts match too); each candidate is then read and checked exactly. Past
    `candidates` rows the answer is taken as yes: the caller only needs to know whether any exists.
    """
    needle = json.dumps(code)
    rows = s.scalars(select(column).select_from(table)
                     .where(*conditions, cast(column, Text).contains(needle, autoescape=True))
                     .limit(candidates + 1)).all()
    if len(rows) > candidates:
        return True
    check = holds or (lambda value: _holds_value(value, code))
    return any(check(_parsed(value)) for value in rows)


def _parsed(value):
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _holds_value(value, code: str) -> bool:
    if isinstance(value, dict):
        return any(_holds_value(v, code) for v in value.values())
    if isinstance(value, list):
        return any(_holds_value(v, code) for v in value)
    return value == code


def delete_recorded(s: Session, actor: Actor, obj, code: str, object_type: str, object_id, before: dict) -> None:
    """Delete an object and record the deletion with its values; a reference the caller's checks missed
    (a foreign key) refuses it as InUse, in the caller's transaction, so nothing is half-written."""
    s.delete(obj)
    try:
        s.flush()
    except IntegrityError:
        raise InUse(["other"]) from None
    record_change(s, actor, code, object_type, object_id, before, None)


def snapshot(obj, names: Iterable[str]) -> dict:
    """The audited values of an object: what `record_change` compares before and after a change."""
    return {name: getattr(obj, name) for name in names}
