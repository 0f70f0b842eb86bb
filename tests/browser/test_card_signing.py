"""Journey in the browser: an officer confirms issuing with the IC card's PIN instead of the password (issue 16,
item 2), one certificate from the application page and a batch from the issuing page. The card is the virtual
certdash card in a real pcscd, reached through the card agent as at card sign-in."""
from __future__ import annotations

import json
import urllib.request
from types import SimpleNamespace

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select

from data.accounts.cards import bind_card
from data.accounts.roles import role_permissions
from data.core.db import transaction
from data.core.scope import actor_for
from data.models import CertificateApplication, Enterprise, Event, User
from tests.browser.test_review import step
from tests.conftest import TEST_PASSWORD
from tests.service.test_issuing import approved_application
from tests.support import browser

PORT = 8066
ORIGIN = f"http://localhost:{PORT}"
PIN = "2468"
CARD_NO = "CD90"


@pytest.fixture
def officer_with_card(dash_duo, sqlite_template, tmp_path):
    """The live app with officer0901's card bound to them, the agent serving the app's origin; yields the app."""
    with browser.card_agent_with_card(tmp_path, card_no=CARD_NO, pin=PIN, origin=ORIGIN) as agent:
        app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
        browser.with_settings(app, card_agent_url=agent.url)
        with urllib.request.urlopen(agent.url + "/public-key", timeout=10) as response:
            key = json.load(response)
        assert key["ok"] and key["card_no"] == CARD_NO
        with transaction(app.server.extensions["certdash"].sessions) as s:
            admin = s.scalar(select(User).where(User.account == "sysadmin"))
            officer = s.scalar(select(User).where(User.account == "officer0901"))
            bind_card(s, actor_for(s, admin, role_permissions(s, admin.role)), user_id=officer.id, card_no=CARD_NO,
                      public_key_pem=key["public_key_pem"])
        dash_duo.start_server(app, port=PORT)
        browser.sign_in(dash_duo, "officer0901", TEST_PASSWORD)
        dash_duo.wait_for_element("#shell-menu")
        yield app


def choose_card(dash_duo, prefix: str) -> None:
    """Pick the IC card in the signing dialog: the PIN field takes the password field's place."""
    browser.click(dash_duo, dash_duo.wait_for_element(f"#{prefix}-sign-method input[value='card']"))
    dash_duo.wait_for_element(f"#{prefix}-sign-pin-group:not([hidden])")
    assert dash_duo.find_element(f"#{prefix}-sign-password-group").get_attribute("hidden") is not None


def signing_events(app) -> list[tuple[str, dict]]:
    with transaction(app.server.extensions["certdash"].sessions) as s:
        return [(e.code, e.details) for e in s.scalars(select(Event).where(Event.code.like("cert.sign_%"))
                                                         .order_by(Event.id))]


def test_an_officer_issues_one_certificate_with_the_card_pin(dash_duo, officer_with_card):
    app = officer_with_card
    with transaction(app.server.extensions["certdash"].sessions) as s:
        application = s.query(CertificateApplication).filter_by(district_code="0901").one()
        application.status, application.certificate_no = "approved", None
        app_id = application.id
    dash_duo.driver.get(f"{dash_duo.server_url}/applications/view?id={app_id}")
    step(dash_duo, "issue")
    dash_duo.wait_for_contains_text("#appv-sign-summary", "兽医卫生证书")
    choose_card(dash_duo, "appv")
    dash_duo.find_element("#appv-sign-pin").send_keys("1111")  # the card counts the wrong PIN, nothing is issued
    browser.click(dash_duo, dash_duo.find_element("#appv-sign-confirm"))
    dash_duo.wait_for_contains_text("#appv-sign-error", "卡密码错误", timeout=20)
    assert "4" in dash_duo.find_element("#appv-sign-error").text  # tries left before the card blocks
    assert dash_duo.find_element("#appv-sign-pin").get_attribute("value") == ""
    dash_duo.find_element("#appv-sign-pin").send_keys(PIN)
    browser.click(dash_duo, dash_duo.find_element("#appv-sign-confirm"))
    dash_duo.wait_for_contains_text("#appv-content", "已签发", timeout=30)
    with transaction(app.server.extensions["certdash"].sessions) as s:
        assert s.get(CertificateApplication, app_id).status == "issued"
    events = signing_events(app)
    assert [code for code, _ in events] == ["cert.sign_confirmed"]  # a wrong PIN never reaches the server
    details = events[0][1]
    assert details["card_no"] == CARD_NO and details["what"]["application_id"] == app_id
    assert details["what"]["act"] == "issue" and details["what"]["paper"] is False
    assert dash_duo.get_logs() == []


def test_an_officer_issues_a_batch_with_the_card_pin(dash_duo, officer_with_card):
    app = officer_with_card
    with transaction(app.server.extensions["certdash"].sessions) as s:
        world = SimpleNamespace(enterprise_ids={"A": s.scalar(select(Enterprise.id).where(Enterprise.name_zh == "企业A"))})
        ids = [approved_application(s, world) for _ in range(2)]
    dash_duo.driver.get(f"{dash_duo.server_url}/certificates/issue")
    dash_duo.wait_for_contains_text("#certi-total", "2")
    boxes = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#certi-table .ag-row .ag-checkbox-input")
    browser.click(dash_duo, boxes[0])
    browser.click(dash_duo, dash_duo.find_element("#certi-sign-selected"))
    dash_duo.wait_for_contains_text("#certi-sign-summary", "1")
    choose_card(dash_duo, "certi")
    dash_duo.find_element("#certi-sign-pin").send_keys(PIN)
    browser.click(dash_duo, dash_duo.find_element("#certi-sign-confirm"))
    dash_duo.wait_for_element("#certi-issued", timeout=60)
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#certi-issued li")) == 1
    with transaction(app.server.extensions["certdash"].sessions) as s:
        assert sorted(s.get(CertificateApplication, i).status for i in ids) == ["approved", "issued"]
    [(code, details)] = signing_events(app)
    assert code == "cert.sign_confirmed" and details["card_no"] == CARD_NO
    assert details["what"]["act"] == "issue_batch" and details["what"]["count"] == 1
    assert dash_duo.get_logs() == []
