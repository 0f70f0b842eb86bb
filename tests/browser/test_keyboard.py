"""Keyboard only (issue 16): sign in, find an application in the list, submit it, and review it, with Tab and
Enter alone: every control on the way can be reached in the page's order and works without a mouse."""
from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.conftest import TEST_PASSWORD
from tests.support import browser

MAX_TABS = 120


def focused(dash_duo) -> dict:
    return dash_duo.driver.execute_script(
        "var e = document.activeElement;"
        "return {id: e.id || '', tag: e.tagName, text: (e.innerText || e.value || '').trim().slice(0, 80),"
        " href: e.getAttribute('href') || ''};")


def tab_to(dash_duo, matches, what: str) -> dict:
    """Press Tab until the focused element `matches`; fail naming `what` when it is not reached."""
    seen = []
    for _ in range(MAX_TABS):
        ActionChains(dash_duo.driver).send_keys(Keys.TAB).perform()
        now = focused(dash_duo)
        if matches(now):
            return now
        seen.append(now["id"] or now["text"][:20] or now["tag"])
    raise AssertionError(f"{what} is not reached by Tab; focus went through {seen}")


def action(name: str):
    """Matches the application page's button of that action."""
    return lambda e: e["tag"] == "BUTTON" and e["id"] == browser.dict_id(action=name, type="appv-action")


def press(dash_duo, *keys) -> None:
    ActionChains(dash_duo.driver).send_keys(*keys).perform()


def sign_in_by_keyboard(dash_duo, account: str) -> None:
    dash_duo.driver.delete_all_cookies()
    dash_duo.driver.get(dash_duo.server_url + "/login")
    dash_duo.wait_for_element("#login-account")
    tab_to(dash_duo, lambda e: e["id"] == "login-account", "the account box")
    press(dash_duo, account)
    assert tab_to(dash_duo, lambda e: e["id"] == "login-password", "the password box")
    press(dash_duo, TEST_PASSWORD, Keys.ENTER)  # Enter in the form signs in
    dash_duo.wait_for_element("#shell-menu")


def open_from_the_menu(dash_duo, app_id: int, status: str) -> None:
    """The menu's applications entry, then the application in the list, by Tab and Enter; it shows `status`."""
    tab_to(dash_duo, lambda e: e["href"] == "/applications", "the menu's applications entry")
    press(dash_duo, Keys.ENTER)
    dash_duo.wait_for_contains_text("#apps-total", "1")
    tab_to(dash_duo, lambda e: e["href"].endswith(f"/applications/view?id={app_id}"), "the application in the list")
    press(dash_duo, Keys.ENTER)
    dash_duo.wait_for_contains_text("#appv-content", status)


def test_sign_in_submit_and_review_with_the_keyboard_only(dash_duo, sqlite_template, tmp_path):
    app, app_id = browser.world_with_a_draft(sqlite_template, tmp_path, TEST_PASSWORD)
    dash_duo.start_server(app)

    sign_in_by_keyboard(dash_duo, "ent_a_oper")
    open_from_the_menu(dash_duo, app_id, "暂存中")
    tab_to(dash_duo, action("submit"), "the apply button")
    press(dash_duo, Keys.ENTER)
    dash_duo.wait_for_contains_text("#appv-content", "申报中")

    sign_in_by_keyboard(dash_duo, "officer0901")
    open_from_the_menu(dash_duo, app_id, "申报中")
    tab_to(dash_duo, action("open"), "the accept button")
    press(dash_duo, Keys.ENTER)
    dash_duo.wait_for_contains_text("#appv-content", "审核中")
    tab_to(dash_duo, lambda e: e["tag"] == "TEXTAREA", "the reason box")
    press(dash_duo, "包装信息需补充")
    tab_to(dash_duo, action("return"), "the return button")
    press(dash_duo, Keys.ENTER)
    dash_duo.wait_for_contains_text("#appv-content", "包装信息需补充")  # returned, with the reason typed
    assert dash_duo.get_logs() == []
