"""The page tour (issue 16): every page of the registry, for every role that may open it, in zh and en.

One browser per role, signed in once, pages visited in sequence on a demo store (300 certificates and a
received foreign certificate): no console error, no HTTP 5xx, no English widget text on a Chinese page,
no serious or critical axe-core violation (every rule in zh, the language rules in en), and a screenshot
of each page in test-artifacts/page-tour/. The first page of each language is loaded in full; the others
are opened as the menu opens them (Dash's client-side routing), which is how users move and keeps the
tour cheap.
"""
from __future__ import annotations

import shutil

import pytest
from flask import request
from sqlalchemy import select

from auth.passwords import hash_password
from dashboard.cli import load_reference_data
from dashboard.web.pages import page_specs
from data.core.db import transaction
from data.demo import generate
from data.exchange.inbound import receive_sps
from data.models import User
from tests.support import browser
from tests.support.certificate_samples import foreign
from tests.support.tour import SCREEN, Stop, Tour, tour_stops
from tests.support.world import actor

PASSWORD = "Demo-tour-2026"
ACCOUNTS = ["sysadmin", "manager0900", "officer0901", "ent1_admin", "ent1_oper", "overseas_ru", None]
LANGUAGES = ("zh", "en")


@pytest.fixture(scope="module")
def tour_store(sqlite_template, tmp_path_factory):
    """A demo store, made once per worker: each tour runs on its own copy."""
    folder = tmp_path_factory.mktemp("tour-store")
    app = browser.live_app(sqlite_template, folder)
    store = app.server.extensions["certdash"]
    load_reference_data(store)
    generate(store.engine, certificates=300, seed=16, password_hash=hash_password(PASSWORD))
    with transaction(store.sessions) as s:
        receive_sps(s, foreign("KR2026-016001"), source="hub")
    store.engine.dispose()
    kept = folder / "tour.sqlite3"
    shutil.copyfile(folder / "browser.sqlite3", kept)
    return kept


def stops_of(app, account: str | None) -> tuple[list[Stop], list[str]]:
    with transaction(app.server.extensions["certdash"].sessions) as s:
        return tour_stops(s, actor(s, account) if account else None)


def test_every_page_of_the_registry_is_on_some_roles_tour(tour_store, tmp_path):
    app = browser.live_app(tour_store, tmp_path)
    visited: set[str] = set()
    for account in ACCOUNTS:
        stops, missing = stops_of(app, account)
        assert missing == [], f"{account}: the demo store has nothing to show on {missing}"
        visited |= {stop.key for stop in stops}
    assert visited == {spec.key for spec in page_specs()}
    with transaction(app.server.extensions["certdash"].sessions) as s:
        assert {a for a in ACCOUNTS if a} <= set(s.scalars(select(User.account)))


def navigate(tour: Tour, stop: Stop) -> None:
    """Open a page as a menu link does: Dash's router follows the pushed address without reloading."""
    tour.driver.execute_script("window.history.pushState({}, '', arguments[0]);"
                               "window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));", stop.url)


@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a or "anonymous")
def test_page_tour(dash_duo, tour_store, tmp_path, account):
    app = browser.live_app(tour_store, tmp_path)
    server_errors: list[tuple[str, int]] = []

    @app.server.after_request
    def record_server_errors(response):
        if response.status_code >= 500:
            server_errors.append((request.path, response.status_code))
        return response

    stops, missing = stops_of(app, account)
    dash_duo.start_server(app)
    tour = Tour(dash_duo, server_errors, account or "anonymous")
    tour.window(*SCREEN)  # the navbar on one line at 1280 px; lists of 15 rows on a 768 px screen
    if account:
        browser.sign_in(dash_duo, account, PASSWORD)
        dash_duo.wait_for_element("#shell-menu")
    for lang in LANGUAGES:
        tour.language(lang)
        for n, stop in enumerate(stops):
            tour.visit(stop, lang, navigate=None if n == 0 else navigate)
    report = tour.report()
    assert missing == []
    assert tour.problems == [], f"{len(tour.problems)} problems, listed in {report}:\n" + "\n".join(tour.problems)
