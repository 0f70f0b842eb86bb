"""Web-tier fixtures: one app, world and set of signed-in clients per module for the access matrix.

The guard decides from the session and the page registry alone, so the matrix runs on SQLite with
one app per module; its cases that read the store use the per-test, both-backend fixtures instead.
"""
from __future__ import annotations

import shutil

import pytest

from tests.conftest import TEST_PASSWORD


@pytest.fixture(scope="module")
def matrix_app(sqlite_template, tmp_path_factory):
    from cryptography.fernet import Fernet

    from dashboard.core.config import Settings
    from dashboard.web.factory import create_app
    from tests.support.world import build_world

    folder = tmp_path_factory.mktemp("matrix")
    shutil.copyfile(sqlite_template, folder / "store.sqlite3")
    app = create_app(Settings(database_url=f"sqlite:///{folder / 'store.sqlite3'}", secret_key="matrix-" + folder.name,
                              instance_path=folder / "instance", data_key=Fernet.generate_key().decode()))
    build_world(app.server.extensions["certdash"].sessions, TEST_PASSWORD)
    yield app
    app.server.extensions["certdash"].engine.dispose()


@pytest.fixture(scope="module")
def matrix_client(matrix_app):
    """Return a function giving the module's test client signed in as the named account (None: anonymous)."""
    from tests.support.world import sign_in

    clients: dict = {}

    def get(account: str | None):
        if account not in clients:
            client = matrix_app.server.test_client()
            if account is not None:
                response = sign_in(client, account, TEST_PASSWORD)
                assert response.status_code == 302 and "/login" not in response.headers["Location"], account
            clients[account] = client
        return clients[account]

    return get
