"""Journey in the browser: IC-card sign-in through the card agent, real pcscd and a virtual card."""
from __future__ import annotations

import pytest

from auth.card_agent import read_public_key
from data.accounts.cards import bind_card
from data.accounts.roles import role_permissions
from data.core.db import transaction
from data.core.scope import actor_for
from data.models import User
from tests.conftest import TEST_PASSWORD
from tests.support import browser

PORT = 8063
ORIGIN = f"http://localhost:{PORT}"
PIN = "13572468"
CARD_NO = "CD20261122"


@pytest.fixture
def card_world(tmp_path, sqlite_template):
    """pcscd with the virtual card inserted, the card agent, and an app whose user holds the card."""
    with browser.card_agent_with_card(tmp_path, card_no=CARD_NO, pin=PIN, origin=ORIGIN) as agent:
        app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
        browser.with_settings(app, card_agent_url=agent.url)
        key = read_public_key()["public_key_pem"]
        with transaction(app.server.extensions["certdash"].sessions) as s:
            admin = s.query(User).filter_by(account="sysadmin").one()
            actor = actor_for(s, admin, role_permissions(s, "admin"))
            holder = s.query(User).filter_by(account="ent_a_oper").one()
            bind_card(s, actor, user_id=holder.id, card_no=CARD_NO, public_key_pem=key)
        yield app


def test_wrong_pin_is_counted_then_the_card_signs_in(dash_duo, card_world):
    dash_duo.start_server(card_world, port=PORT)
    dash_duo.wait_for_element("#login-tabs")
    browser.click(dash_duo, dash_duo.driver.find_elements("css selector", "#login-tabs .nav-link")[1])
    dash_duo.wait_for_contains_text("#login-card-status", CARD_NO)

    dash_duo.find_element("#login-card-pin").send_keys("00000000")
    browser.click(dash_duo, dash_duo.find_element("#login-card-submit"))
    dash_duo.wait_for_contains_text("#login-card-message", "4 次", timeout=20)

    pin = dash_duo.find_element("#login-card-pin")
    pin.clear()
    pin.send_keys(PIN)
    browser.click(dash_duo, dash_duo.find_element("#login-card-submit"))
    dash_duo.wait_for_contains_text("#shell-user", "ent_a_oper", timeout=20)
    assert dash_duo.get_logs() == []


def test_without_the_agent_the_page_says_so_and_password_still_works(dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    browser.with_settings(app, card_agent_url="http://127.0.0.1:9")  # nothing listens there
    dash_duo.start_server(app, port=PORT)
    dash_duo.wait_for_element("#login-tabs")
    browser.click(dash_duo, dash_duo.driver.find_elements("css selector", "#login-tabs .nav-link")[1])
    dash_duo.wait_for_contains_text("#login-card-status", "未运行")
    browser.click(dash_duo, dash_duo.driver.find_elements("css selector", "#login-tabs .nav-link")[0])
    browser.sign_in(dash_duo, "ent_a_oper", TEST_PASSWORD)
    dash_duo.wait_for_contains_text("#shell-user", "ent_a_oper")
