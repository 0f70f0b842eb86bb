"""Access to the store from request handlers and callbacks."""
from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from data.core.db import transaction

EXTENSION = "certdash"


@dataclass(frozen=True)
class Store:
    engine: Engine
    sessions: sessionmaker[Session]


def current_store() -> Store:
    return current_app.extensions[EXTENSION]


def session_scope() -> AbstractContextManager[Session]:
    """Open a transaction on the app's store: committed on success, rolled back on error."""
    return transaction(current_store().sessions)
