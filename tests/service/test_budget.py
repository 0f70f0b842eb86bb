"""The time budget of reads a user's choices make costly: stopped past it, named TooSlow, the session still usable."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from data.core.budget import TooSlow, time_budget
from data.core.db import make_engine, make_session_factory

# seconds of work on either backend, if nothing stops it
LONG = {"postgresql": "SELECT pg_sleep(30)",
        "sqlite": "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 500000000) "
                  "SELECT count(*) FROM n"}


@pytest.fixture
def s(store_url):
    engine = make_engine(store_url)
    with make_session_factory(engine)() as session:
        yield session
        session.rollback()
    engine.dispose()


def _timeout(s) -> str | None:
    return s.execute(text("SHOW statement_timeout")).scalar_one() if s.get_bind().dialect.name == "postgresql" else None


def test_a_read_past_its_budget_is_stopped_and_the_session_goes_on(s):
    before = _timeout(s)
    s.execute(text("SELECT 1"))  # the transaction has begun: what it did before the budget stays
    start = time.monotonic()
    with pytest.raises(TooSlow) as stopped, time_budget(s, 0.2):
        s.execute(text(LONG[s.get_bind().dialect.name]))
    assert time.monotonic() - start < 5 and stopped.value.seconds == 0.2
    assert s.execute(text("SELECT 2")).scalar_one() == 2  # not an aborted transaction
    assert _timeout(s) == before  # the budget was for the statements inside only


def test_reads_within_the_budget_give_their_rows_and_leave_no_setting_behind(s):
    before = _timeout(s)
    with time_budget(s, 5):
        assert s.execute(text("SELECT 40 + 2")).scalar_one() == 42
        assert _timeout(s) == ("5s" if before is not None else None)
    assert _timeout(s) == before
    assert s.execute(text("SELECT 1")).scalar_one() == 1


def test_other_errors_are_not_taken_for_slowness(s):
    before = _timeout(s)
    with pytest.raises(DBAPIError) as failed, time_budget(s, 5):  # SQLite: an OperationalError too
        s.execute(text("SELECT * FROM no_such_table"))
    assert "no_such_table" in str(failed.value)
    assert s.execute(text("SELECT 1")).scalar_one() == 1 and _timeout(s) == before
