"""Shared fixtures: a migrated store on SQLite (always) and PostgreSQL (when the run provides one)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data.db import make_engine, make_session_factory, upgrade

STORE_BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("CERTDASH_TEST_PG_URL") else [])


def _fresh_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    from tests.pgutil import fresh_database

    return fresh_database(os.environ["CERTDASH_TEST_PG_URL"])


@pytest.fixture(params=STORE_BACKENDS)
def store_url(request, tmp_path) -> str:
    """Return the URL of an empty store at the head migration, on each configured backend."""
    url = _fresh_url(request.param, tmp_path)
    upgrade(url)
    return url


@pytest.fixture
def engine(store_url) -> Engine:
    eng = make_engine(store_url)
    yield eng
    eng.dispose()


@pytest.fixture
def db_session(engine):
    factory = make_session_factory(engine)
    with factory() as s:
        yield s


# --- app, users of every role, clients ---------------------------------------------------------

TEST_PASSWORD = "Test-pass-2026"


@pytest.fixture
def settings(store_url, tmp_path):
    from dashboard.config import Settings

    return Settings(database_url=store_url, secret_key="test-" + tmp_path.name, instance_path=tmp_path / "instance")


@pytest.fixture
def app(settings):
    from dashboard.factory import create_app

    dash_app = create_app(settings)
    yield dash_app
    dash_app.server.extensions["certdash"].engine.dispose()


@pytest.fixture
def users(app):
    """Create a small world: two enterprises, the Dalian district pair, one user of every role."""
    from tests.world import build_world

    return build_world(app.server.extensions["certdash"].sessions, TEST_PASSWORD)


@pytest.fixture
def client_as(app, users):
    """Return a function giving a test client signed in as the named test user (None: anonymous)."""

    def make(account: str | None):
        client = app.server.test_client()
        if account is not None:
            from tests.world import sign_in

            response = sign_in(client, account, TEST_PASSWORD)
            assert response.status_code == 302 and "/login" not in response.headers["Location"], account
        return client

    return make
