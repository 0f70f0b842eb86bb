"""Helpers for dash_duo journeys: a live app on a fresh SQLite store, sign-in, pattern-matching ids."""
from __future__ import annotations

import json
import shutil

from selenium.webdriver.common.by import By


def dict_id(**parts) -> str:
    """Return the DOM id Dash gives a pattern-matching (dict) component id."""
    return json.dumps(parts, sort_keys=True, separators=(",", ":"))


def by_dict_id(dash_duo, **parts):
    # the id is JSON with double quotes: an XPath literal in single quotes holds it as it is
    return dash_duo.driver.find_element(By.XPATH, f"//*[@id='{dict_id(**parts)}']")


def live_app(sqlite_template, tmp_path, world_password: str | None = None):
    """Create an app on a copy of the migrated template store (with the test world when asked)."""
    from dashboard.config import Settings
    from dashboard.factory import create_app

    path = tmp_path / "browser.sqlite3"
    shutil.copyfile(sqlite_template, path)
    from cryptography.fernet import Fernet

    app = create_app(Settings(database_url=f"sqlite:///{path}", secret_key="browser-test",
                              instance_path=tmp_path / "instance", data_key=Fernet.generate_key().decode()))
    if world_password is not None:
        from tests.world import build_world

        build_world(app.server.extensions["certdash"].sessions, world_password)
    return app


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


def click(dash_duo, element) -> None:
    """Click through JavaScript: for controls that Bootstrap overlays (check boxes, radios)."""
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)
