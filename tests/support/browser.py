"""Helpers for dash_duo journeys: a live app on a fresh SQLite store, sign-in, pattern-matching ids."""
from __future__ import annotations

import json
import shutil
import threading
from contextlib import contextmanager

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def dict_id(**parts) -> str:
    """Return the DOM id Dash gives a pattern-matching (dict) component id."""
    return json.dumps(parts, sort_keys=True, separators=(",", ":"))


def by_dict_id(dash_duo, **parts):
    # the id is JSON with double quotes: an XPath literal in single quotes holds it as it is
    return dash_duo.driver.find_element(By.XPATH, f"//*[@id='{dict_id(**parts)}']")


def live_app(sqlite_template, tmp_path, world_password: str | None = None):
    """Create an app on a copy of the migrated template store (with the test world when asked)."""
    from dashboard.core.config import Settings
    from dashboard.web.factory import create_app

    path = tmp_path / "browser.sqlite3"
    shutil.copyfile(sqlite_template, path)
    from cryptography.fernet import Fernet

    app = create_app(Settings(database_url=f"sqlite:///{path}", secret_key="browser-test",
                              instance_path=tmp_path / "instance", data_key=Fernet.generate_key().decode()))
    if world_password is not None:
        from tests.support.world import build_world

        build_world(app.server.extensions["certdash"].sessions, world_password)
    return app


def world_with_a_draft(sqlite_template, tmp_path, password: str):
    """The test world with its application of district 0901 back to a draft; the app and that application's id."""
    from data.core.db import transaction
    from data.models import CertificateApplication

    app = live_app(sqlite_template, tmp_path, password)
    with transaction(app.server.extensions["certdash"].sessions) as s:
        application = s.query(CertificateApplication).filter_by(district_code="0901").one()
        application.status = "draft"
        app_id = application.id
    return app, app_id


def sign_in(dash_duo, account: str, password: str) -> None:
    dash_duo.wait_for_element("#login-account").send_keys(account)
    dash_duo.find_element("#login-password").send_keys(password)
    dash_duo.find_element("#login-submit").click()


def sign_out(dash_duo) -> None:
    dash_duo.wait_for_element("#shell-logout").click()
    dash_duo.wait_for_element("#login-account")


def sign_in_fresh(dash_duo, account: str, password: str) -> None:
    """Start a new browser session on the sign-in page and sign in."""
    dash_duo.driver.delete_all_cookies()
    dash_duo.driver.get(dash_duo.server_url + "/login")
    sign_in(dash_duo, account, password)
    dash_duo.wait_for_element("#shell-menu")


def menu(dash_duo) -> list:
    """The navbar menu as shown: entry labels, and (label, [entries]) for each dropdown, opened to read it."""
    dash_duo.wait_for_element("#shell-menu")
    found: list = []
    for entry in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#shell-menu > .nav-item"):
        link = entry.find_element(By.CSS_SELECTOR, "a.nav-link")
        if "dropdown" not in (entry.get_attribute("class") or ""):
            found.append(link.text)
            continue
        link.click()
        items = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#shell-menu .dropdown-menu.show a.dropdown-item")
        found.append((link.text, [a.text for a in items]))
        link.click()  # close it again
    return found


def click(dash_duo, element) -> None:
    """Click through JavaScript: for controls that Bootstrap overlays (check boxes, radios)."""
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)


def with_settings(app, **changes) -> None:
    """Change the running app's settings (e.g. the card agent's address once it is known)."""
    from dataclasses import replace

    app.server.config["CERTDASH_SETTINGS"] = replace(app.server.config["CERTDASH_SETTINGS"], **changes)


@contextmanager
def card_agent_with_card(workdir, *, card_no: str, pin: str, origin: str):
    """Run pcscd with the virtual certdash card inserted and the card agent serving `origin`."""
    from auth.card_agent import AgentServer
    from tests.support.smartcard.certdash_card import CardState
    from tests.support.smartcard.harness import Pcscd, VirtualCard

    (workdir / "pcscd").mkdir()
    pcsc = Pcscd(workdir / "pcscd")
    pcsc.start()
    try:
        CardState.create(workdir / "card.json", card_no=card_no, pin=pin)
        card = VirtualCard.certdash(workdir / "card.json")
        card.start()
        try:
            agent = AgentServer(0, {origin})
            thread = threading.Thread(target=agent.serve_forever, daemon=True)
            thread.start()
            try:
                yield agent
            finally:
                agent.shutdown()
                agent.server_close()
                thread.join(5)
        finally:
            card.remove()
    finally:
        pcsc.stop()


def choose(dash_duo, dropdown, typed: str) -> None:
    """Pick an option of a searchable dcc.Dropdown by typing its text."""
    click(dash_duo, dropdown)
    dash_duo.wait_for_element(".dash-dropdown-search").send_keys(typed)
    xpath = f"//*[contains(@class, 'dash-dropdown-option')][contains(normalize-space(.), '{typed}')]"
    WebDriverWait(dash_duo.driver, 10).until(expected_conditions.element_to_be_clickable((By.XPATH, xpath))).click()
    dash_duo.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)  # close the open list
