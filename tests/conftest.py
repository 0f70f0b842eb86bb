"""Shared fixtures: a migrated store on SQLite and on a real PostgreSQL the suite starts itself.

The suite comes in tiers, one folder each, each with its marker (`pytest -m unit`, `pytest tests/web`):
unit (no store), service (the data layer on both stores), web (guard, pages and callbacks through the
Flask client), browser (dash_duo in headless Chromium), ops (processes: CLI, gunicorn, Celery, PC/SC).
Under pytest-xdist, tests are independent (free ports, a database per test); the one machine-wide
resource, the PC/SC daemon and its virtual reader, is taken in turns (tests/support/smartcard/harness.py).
"""
from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from data.core.db import make_engine, make_session_factory, upgrade

# Both backends always run; CERTDASH_TEST_BACKENDS=sqlite is an explicit, reported opt-out for quick loops.
STORE_BACKENDS = os.environ.get("CERTDASH_TEST_BACKENDS", "sqlite,postgresql").split(",")
TEMPLATE_DB = "certdash_template"


TIERS = ("unit", "service", "web", "browser", "ops")
TESTS_DIR = Path(__file__).resolve().parent


def pytest_report_header(config):
    return f"certdash store backends: {', '.join(STORE_BACKENDS)}"


def pytest_configure(config):
    from auth.passwords import use_cheap_hashing_for_tests

    use_cheap_hashing_for_tests()  # the production parameters have their own test (tests/unit/test_password_hashing.py)


def pytest_collection_modifyitems(config, items):
    """Mark each test with its tier (its folder)."""
    for item in items:
        relative = Path(str(item.fspath)).resolve().relative_to(TESTS_DIR.parent)
        tier = relative.parts[1] if len(relative.parts) > 2 else ""
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture
def dash_thread_server():
    """dash_duo's server, on a free port (Dash counts ports up from 8050 in each process: xdist workers collide)."""
    from dash.testing.application_runners import ThreadedRunner

    from tests.support.ports import free_port

    class FreePortRunner(ThreadedRunner):
        def start(self, app, start_timeout=3, **kwargs):
            kwargs.setdefault("port", free_port())
            super().start(app, start_timeout, **kwargs)

    with FreePortRunner() as starter:
        yield starter


@pytest.fixture(scope="session")
def _chromium():
    """The Chromium of this test process, shared by its browser tests (a slot; quit when the run ends)."""
    held: dict = {}
    yield held
    driver = held.pop("driver", None)
    if driver is not None:
        with contextlib.suppress(Exception):
            driver.quit()


@pytest.fixture
def dash_duo(request, dash_thread_server, tmpdir, _chromium):
    """dash_duo as Dash's plugin makes it, with one Chromium per test process instead of one per test (starting
    and quitting it took about two seconds a test): each test gets it clean - one window, no cookies, no cache,
    no storage, no logs left, its own download folder, the default size."""
    from dash.testing.composite import DashComposite

    class SharedChromium(DashComposite):
        def get_webdriver(self):
            driver = _chromium.get("driver")
            if driver is None or not _responds(driver):
                driver = _chromium["driver"] = super().get_webdriver()
            driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": self.download_path})
            return driver

        def __exit__(self, exc_type, exc_val, traceback):
            if not _cleaned(self.driver):
                _chromium.pop("driver", None)
                with contextlib.suppress(Exception):
                    self.driver.quit()

    config = request.config
    with SharedChromium(
        server=dash_thread_server, browser=config.getoption("webdriver"), remote=config.getoption("remote"),
        remote_url=config.getoption("remote_url"), headless=config.getoption("headless"),
        options=config.hook.pytest_setup_options(), download_path=tmpdir.mkdir("download").strpath,
        percy_assets_root=config.getoption("percy_assets"), percy_finalize=config.getoption("nopercyfinalize"),
        pause=config.getoption("pause"),
    ) as composite:
        yield composite


def _responds(driver) -> bool:
    try:
        driver.current_url  # noqa: B018 - asks the browser
    except Exception:
        return False
    return True


def _cleaned(driver) -> bool:
    """Leave the shared Chromium as a new one; False when it cannot be (it is then quit)."""
    try:
        with contextlib.suppress(Exception):
            driver.switch_to.alert.dismiss()
        handles = driver.window_handles
        for handle in handles[1:]:
            driver.switch_to.window(handle)
            driver.close()
        driver.switch_to.window(handles[0])
        with contextlib.suppress(Exception):  # the page's origin (a later test may get the same port)
            driver.execute_script("window.localStorage.clear(); window.sessionStorage.clear();")
        driver.get("about:blank")
        driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        driver.execute_cdp_cmd("Network.clearBrowserCache", {})
        driver.get_log("browser")  # read out: what this test logged is not the next one's
        driver.set_window_size(*BROWSER_WINDOW)
    except Exception:
        return False
    return True


BROWSER_WINDOW = (1400, 1000)


def pytest_setup_options():
    """Chromium flags for dash_duo: headless, as root, on a machine without outside network."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", f"--window-size={BROWSER_WINDOW[0]},{BROWSER_WINDOW[1]}"):
        options.add_argument(flag)
    if shutil.which("chromium"):
        options.binary_location = shutil.which("chromium")
    return options


@pytest.fixture(scope="session")
def pg_server():
    from tests.support.pgserver import start_postgres

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


WORLD = pytest.StashKey[object]()  # the World a test's store was copied with (see `users`)


@pytest.fixture(scope="session")
def sqlite_world(sqlite_template, tmp_path_factory):
    """The migrated SQLite store with the test world in it, built once per test process; and its World."""
    from tests.support.world import build_world

    path = tmp_path_factory.mktemp("world") / "store.sqlite3"
    shutil.copyfile(sqlite_template, path)
    eng = make_engine(f"sqlite:///{path}")
    world = build_world(make_session_factory(eng), TEST_PASSWORD)
    eng.dispose()
    return path, world


@pytest.fixture(scope="session")
def pg_world(pg_server):
    """A PostgreSQL template database with the test world in it, built once per test process; and its World."""
    from sqlalchemy.engine import make_url

    from tests.support.world import build_world

    url = pg_server.create_database(template=TEMPLATE_DB)
    eng = make_engine(url)
    world = build_world(make_session_factory(eng), TEST_PASSWORD)
    eng.dispose()  # a template may have no connections
    return make_url(url).database, world


@pytest.fixture(params=STORE_BACKENDS)
def store_url(request, tmp_path):
    """Return the URL of a store at the head migration, on each backend: empty, or holding the test world when the
    test asks for `users` (a copy of a store the world was written to once: building it for every test was a
    tenth of a second each, on PostgreSQL more)."""
    with_world = "users" in request.fixturenames
    if request.param == "sqlite":
        source, world = request.getfixturevalue("sqlite_world") if with_world else (
            request.getfixturevalue("sqlite_template"), None)
        path = tmp_path / "store.sqlite3"
        shutil.copyfile(source, path)
        request.node.stash[WORLD] = world
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("pg_server")
    template, world = request.getfixturevalue("pg_world") if with_world else (TEMPLATE_DB, None)
    url = server.create_database(template=template)
    request.node.stash[WORLD] = world
    yield url
    server.drop_database(url)  # thousands of databases left behind made the server's teardown take minutes


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
    from cryptography.fernet import Fernet

    from dashboard.core.config import Settings

    return Settings(database_url=store_url, secret_key="test-" + tmp_path.name, instance_path=tmp_path / "instance",
                    data_key=Fernet.generate_key().decode())


@pytest.fixture
def app(settings):
    from dashboard.web.factory import create_app

    dash_app = create_app(settings)
    yield dash_app
    dash_app.server.extensions["certdash"].engine.dispose()


@pytest.fixture
def users(request, app):
    """A small world: two enterprises, the Dalian district pair, one user of every role (tests/support/world.py).
    The store came with it (`store_url`); an app on a store of its own gets it written now."""
    world = request.node.stash.get(WORLD, None)
    if world is not None:
        return world
    from tests.support.world import build_world

    return build_world(app.server.extensions["certdash"].sessions, TEST_PASSWORD)


@pytest.fixture
def client_as(app, users):
    """Return a function giving a test client signed in as the named test user (None: anonymous)."""

    def make(account: str | None):
        client = app.server.test_client()
        if account is not None:
            from tests.support.world import sign_in

            response = sign_in(client, account, TEST_PASSWORD)
            assert response.status_code == 302 and "/login" not in response.headers["Location"], account
        return client

    return make
