"""Access to the store from request handlers and callbacks."""
from __future__ import annotations

from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Iterator

from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from data.accounts.session_cache import SessionCache
from data.core.db import snapshot, transaction

EXTENSION = "certdash"


@dataclass(frozen=True)
class Store:
    engine: Engine
    sessions: sessionmaker[Session]
    session_cache: SessionCache | None = None  # PostgreSQL with CERTDASH_SESSION_CACHE (the default)


def current_store() -> Store:
    return current_app.extensions[EXTENSION]


def session_scope() -> AbstractContextManager[Session]:
    """Open a transaction on the app's store: committed on success, rolled back on error."""
    return transaction(current_store().sessions)


def snapshot_scope() -> AbstractContextManager[Session]:
    """Open a read-only transaction on the app's store whose every read sees the store as the first did."""
    return snapshot(current_store().sessions)


@contextmanager
def autocommit_scope() -> Iterator[Session]:
    """A session whose every statement is its own transaction: no BEGIN and COMMIT round trips.

    For a request's one look-up (who is signed in) that may write a single row; never for work that
    must be all or nothing."""
    store = current_store()
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        with store.sessions(bind=conn) as s:
            yield s
            s.flush()
