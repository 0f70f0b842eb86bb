"""Numbers handed out once: certificate numbers, inspection numbers, 分证序号.

Each series is a NumberSequence row keyed by a prefix. Bumping it is one UPDATE ... RETURNING, so
concurrent transactions queue on the row and never get the same value; the first caller of a
series creates the row, starting after the highest number already in the store.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from data.models import NumberSequence


def next_value(s: Session, key: str, highest_in_store: Callable[[], int]) -> int:
    """Return the next value of the series `key`; `highest_in_store` seeds a series used for the first time."""
    value = _bump(s, key)
    if value is None:
        dialect = s.get_bind().dialect.name
        insert_row = (pg_insert if dialect == "postgresql" else sqlite_insert)(NumberSequence)
        s.execute(insert_row.values(prefix=key, last_value=highest_in_store())
                  .on_conflict_do_nothing(index_elements=["prefix"]))  # a concurrent first caller may win
        value = _bump(s, key)
        if value is None:  # the row was just inserted (by this call or a concurrent one)
            raise RuntimeError(f"number series {key!r} is missing")
    return value


def _bump(s: Session, key: str) -> int | None:
    return s.scalar(update(NumberSequence).where(NumberSequence.prefix == key)
                    .values(last_value=NumberSequence.last_value + 1).returning(NumberSequence.last_value))
