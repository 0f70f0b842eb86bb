"""What the administration pages for reference data, formats, notifications and parameters share:
the errors their forms raise (the forms themselves are declared: data.core.forms), and asking
"is this used anywhere?" cheaply.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from sqlalchemy import ColumnElement, Text, cast, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data.admin.rules import AdminInvalid  # the form error of every admin page: {field: reason code}
from data.core.audit import record_change
from data.core.forms import text_of
from data.core.scope import Actor

__all__ = ["MAX_SORT", "AdminInvalid", "InUse", "delete_recorded", "exists", "json_mentions", "snapshot", "text_of"]

MAX_SORT = 999_999


class InUse(ValueError):
    """The object is referenced by stored records; `places` name where (keys the page labels)."""

    def __init__(self, places: Iterable[str]):
        self.places = tuple(places)
        super().__init__(", ".join(self.places))


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
