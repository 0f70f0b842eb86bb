"""Journey in the browser: an administrator reads a card through the agent and binds it; the user signs in."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.conftest import TEST_PASSWORD
from tests.support import browser

PORT = 8065
ORIGIN = f"http://localhost:{PORT}"
PIN = "8642"


@pytest.fixture
def agent_and_card(tmp_path):
    with browser.card_agent_with_card(tmp_path, card_no="CD77", pin=PIN, origin=ORIGIN) as agent:
        yield agent


def test_read_bind_then_sign_in_with_the_card(dash_duo, sqlite_template, tmp_path, agent_and_card):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    browser.with_settings(app, card_agent_url=agent_and_card.url)
    dash_duo.start_server(app, port=PORT)
    browser.sign_in(dash_duo, "sysadmin", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    dash_duo.driver.get(dash_duo.server_url + "/admin/cards")
    browser.click(dash_duo, dash_duo.wait_for_element("#cards-read"))
    dash_duo.wait_for_contains_text("#cards-read-status", "CD77", timeout=15)
    assert "BEGIN PUBLIC KEY" in dash_duo.find_element("#cards-key").get_attribute("value")
    dash_duo.find_element("#cards-account").send_keys("officer0901")
    browser.click(dash_duo, dash_duo.find_element("#cards-bind"))
    dash_duo.wait_for_contains_text("#cards-message", "卡已绑定")
    dash_duo.wait_for_contains_text("#cards-table", "officer0901")
    assert dash_duo.get_logs() == []

    browser.sign_out(dash_duo)
    browser.click(dash_duo, dash_duo.driver.find_elements(By.CSS_SELECTOR, "#login-tabs .nav-link")[1])
    dash_duo.wait_for_contains_text("#login-card-status", "CD77", timeout=15)
    dash_duo.find_element("#login-card-pin").send_keys(PIN)
    browser.click(dash_duo, dash_duo.find_element("#login-card-submit"))
    dash_duo.wait_for_contains_text("#shell-user", "officer0901", timeout=20)
    assert dash_duo.get_logs() == []
