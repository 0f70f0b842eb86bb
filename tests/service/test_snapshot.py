"""data.core.db.snapshot: a read-only transaction whose every read sees the store as its first read did."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from data.core.db import make_session_factory, snapshot, transaction
from data.models import DictEntry


def _count(s) -> int:
    return s.scalar(select(func.count()).select_from(DictEntry).where(DictEntry.dictionary == "snapshot-test"))


def _add(sessions, code: str) -> None:
    with transaction(sessions) as s:
        s.add(DictEntry(dictionary="snapshot-test", code=code, name_zh=code, name_en=code))


def test_every_read_of_a_snapshot_sees_the_store_as_its_first_did(engine):
    sessions = make_session_factory(engine)
    _add(sessions, "a")
    with snapshot(sessions) as s:
        assert _count(s) == 1
        _add(sessions, "b")  # another transaction commits between two reads
        assert _count(s) == 1
        assert s.scalars(select(DictEntry.code).where(DictEntry.dictionary == "snapshot-test")).all() == ["a"]
    with transaction(sessions) as s:  # a transaction begun afterwards sees the commit
        assert _count(s) == 2


def test_a_transaction_that_is_not_a_snapshot_sees_each_commit(engine):
    """What the snapshot is for: on either store, a plain transaction's second read sees a commit made after its
    first (PostgreSQL reads committed; SQLite's Python driver begins no transaction for a read)."""
    sessions = make_session_factory(engine)
    _add(sessions, "a")
    with transaction(sessions) as s:
        assert _count(s) == 1
        _add(sessions, "b")
        assert _count(s) == 2


def test_nothing_written_in_a_snapshot_is_kept(engine):
    """PostgreSQL refuses the write (READ ONLY); SQLite's is rolled back when the snapshot ends."""
    sessions = make_session_factory(engine)
    if engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="read-only transaction"):
            with snapshot(sessions) as s:
                s.add(DictEntry(dictionary="snapshot-test", code="x", name_zh="x", name_en="x"))
                s.flush()
    else:
        with snapshot(sessions) as s:
            s.add(DictEntry(dictionary="snapshot-test", code="x", name_zh="x", name_en="x"))
            s.flush()
            assert _count(s) == 1
    with transaction(sessions) as s:
        assert _count(s) == 0


def test_a_snapshot_gives_its_connection_back_as_it_found_it(engine):
    """The pool's connection (one: the snapshots take it in turn) leaves without the snapshot's isolation level or
    read-only setting, and with no transaction open; a plain transaction then writes."""
    sessions = make_session_factory(engine)
    for _ in range(3):
        with snapshot(sessions) as s:
            _count(s)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == "read committed"
            assert conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "off"
        else:
            assert conn.connection.dbapi_connection.in_transaction is False
    _add(sessions, "a")
    with transaction(sessions) as s:
        assert _count(s) == 1
