"""A time budget for reads whose cost the user's choices decide (a filter and a sort no index serves together).

Without one such a read ran for as long as it took, minutes at ten million certificates, holding a worker and a
connection, and anyone allowed to search could start many. Inside `time_budget` each statement is stopped once
the budget is spent and `TooSlow` raised; the session stays usable:
- PostgreSQL: `statement_timeout` for the statements run inside, in a savepoint rolled back when one is stopped
  (a cancelled statement fails its transaction otherwise); the setting is restored after;
- SQLite: a progress handler that checks the clock every few thousand steps of the statement and interrupts it
  once the budget is spent (an interrupted read leaves the transaction as it was).
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

STEPS = 5_000  # SQLite: virtual machine steps between looks at the clock (microseconds apart)


class TooSlow(Exception):
    """A read was stopped once its time budget was spent."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"stopped after {seconds:g} s")
        self.seconds = seconds


@contextmanager
def time_budget(s: Session, seconds: float) -> Iterator[None]:
    """Stop each statement run inside after `seconds`, raising TooSlow (see the module's notes)."""
    conn = s.connection()
    dialect = conn.dialect.name
    if dialect == "postgresql":
        try:
            with s.begin_nested():
                s.execute(text(f"SET LOCAL statement_timeout = {max(1, round(seconds * 1000))}"))
                yield
                s.execute(text("SET LOCAL statement_timeout TO DEFAULT"))
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) == "57014":  # query_canceled: the timeout, not a lost server
                raise TooSlow(seconds) from exc
            raise
        return
    if dialect != "sqlite":
        yield
        return
    raw = conn.connection.dbapi_connection
    assert raw is not None
    deadline = time.monotonic() + seconds
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), STEPS)
    try:
        yield
    except OperationalError as exc:
        if "interrupted" in str(exc.orig) and time.monotonic() > deadline:
            raise TooSlow(seconds) from exc
        raise
    finally:
        raw.set_progress_handler(None, 0)
