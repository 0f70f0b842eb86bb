"""Shared fixtures: a migrated store on SQLite and on a real PostgreSQL the suite starts itself."""
from __future__ import annotations

import os
import shutil

import pytest
from sqlalchemy import Engine, create_engine, text

from data.core.db import make_engine, make_session_factory, upgrade

# Both backends always run; CERTDASH_TEST_BACKENDS=sqlite is an explicit, reported opt-out for quick loops.
STORE_BACKENDS = os.environ.get("CERTDASH_TEST_BACKENDS", "sqlite,postgresql").split(",")
TEMPLATE_DB = "certdash_template"


def pytest_report_header(config):
    return f"certdash store backends: {', '.join(STORE_BACKENDS)}"


def pytest_setup_options():
    """Chromium flags for dash_duo: headless, as root, on a machine without outside network."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--window-size=1400,1000"):
        options.add_argument(flag)
    if shutil.which("chromium"):
        options.binary_location = shutil.which("chromium")
    return options


@pytest.fixture(scope="session")
def pg_server():
    from tests.pgserver import start_postgres

    server = start_postgres()
    admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}"'))
        conn.execute(text(f'CREATE DATABASE "{TEMPLATE_DB}"'))
    admin.dispose()
    from sqlalchemy.engine import make_url

    upgrade(make_url(server.admin_url).set(database=TEMPLATE_DB).render_as_string(hide_password=False))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "store.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=STORE_BACKENDS)
def store_url(request, tmp_path) -> str:
    """Return the URL of an empty store at the head migration, on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "store.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("pg_server").create_database(template=TEMPLATE_DB)


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
    from dashboard.core.config import Settings

    from cryptography.fernet import Fernet

    return Settings(database_url=store_url, secret_key="test-" + tmp_path.name, instance_path=tmp_path / "instance",
                    data_key=Fernet.generate_key().decode())


@pytest.fixture
def app(settings):
    from dashboard.web.factory import create_app

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
