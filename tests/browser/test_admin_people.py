"""Journey in the browser: an administrator creates a user, locks and unlocks them, grants their role a page,
the user then reaches it; the administrator edits a district."""
from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.conftest import TEST_PASSWORD
from tests.support import browser

NEW_PASSWORD = "Journey-pass-42"


def field(dash_duo, page: str, name: str):
    return browser.by_dict_id(dash_duo, type=f"{page}-field", name=name)


def type_into(dash_duo, page: str, name: str, text: str) -> None:
    box = field(dash_duo, page, name)
    box.clear()
    box.send_keys(text)


def english(dash_duo, path: str) -> None:
    dash_duo.driver.get(f"{dash_duo.server_url}/lang/en?next={path}")


def test_admin_creates_locks_grants_and_edits_a_district(dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "sysadmin", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    english(dash_duo, "/admin/users")
    dash_duo.wait_for_contains_text("#usr-total", "8 users")

    # a new customs officer of 金普海关
    dash_duo.wait_for_text_to_equal("#usr-form-title", "New user")
    type_into(dash_duo, "usr", "account", "officer_x")
    type_into(dash_duo, "usr", "real_name", "<i>王新</i>")
    Select(field(dash_duo, "usr", "role")).select_by_value("officer")
    Select(field(dash_duo, "usr", "district_code")).select_by_value("0903")
    type_into(dash_duo, "usr", "password", NEW_PASSWORD)
    type_into(dash_duo, "usr", "password_confirm", NEW_PASSWORD)
    browser.click(dash_duo, dash_duo.find_element("#usr-save"))
    dash_duo.wait_for_contains_text("#usr-message", "User officer_x created.")
    dash_duo.wait_for_contains_text("#usr-total", "9 users")  # the list reloads
    dash_duo.wait_for_text_to_equal("#usr-form-title", "User officer_x")
    dash_duo.wait_for_contains_text("#usr-timeline", "User created")  # the event in words, not its code
    assert "<i>王新</i>" in dash_duo.find_element("#usr-table").text  # typed markup stays text

    # lock for a day, then unlock
    browser.click(dash_duo, browser.by_dict_id(dash_duo, type="usr-action", action="lock"))
    dash_duo.wait_for_contains_text("#usr-message", "officer_x is locked")
    dash_duo.wait_for_text_to_equal("#usr-status", "Locked")
    browser.click(dash_duo, browser.by_dict_id(dash_duo, type="usr-action", action="unlock"))
    dash_duo.wait_for_contains_text("#usr-message", "officer_x is unlocked")
    dash_duo.wait_for_text_to_equal("#usr-status", "Active")

    # an enterprise user: the role shows the enterprise picker instead of the district
    browser.click(dash_duo, dash_duo.find_element("#usr-new"))
    dash_duo.wait_for_text_to_equal("#usr-form-title", "New user")
    type_into(dash_duo, "usr", "account", "ent_a_new")
    type_into(dash_duo, "usr", "real_name", "赵敏")
    Select(field(dash_duo, "usr", "role")).select_by_value("enterprise")
    dash_duo.wait_for_style_to_equal("#usr-district-box", "display", "none")
    browser.choose(dash_duo, field(dash_duo, "usr", "enterprise_id"), "Enterprise A")
    type_into(dash_duo, "usr", "password", NEW_PASSWORD)
    type_into(dash_duo, "usr", "password_confirm", NEW_PASSWORD)
    browser.click(dash_duo, dash_duo.find_element("#usr-save"))
    dash_duo.wait_for_contains_text("#usr-message", "User ent_a_new created.")
    dash_duo.wait_for_contains_text("#usr-table", "Enterprise A")

    # a wrong combination is refused with the reason at the field
    browser.click(dash_duo, dash_duo.find_element("#usr-new"))
    dash_duo.wait_for_text_to_equal("#usr-form-title", "New user")
    type_into(dash_duo, "usr", "account", "officer_x")
    browser.click(dash_duo, dash_duo.find_element("#usr-save"))
    dash_duo.wait_for_contains_text("#usr-message", "Please correct the marked fields.")
    assert "taken" in browser.by_dict_id(dash_duo, type="usr-error", name="account").text

    # the officers' role is given the audit log
    dash_duo.driver.get(f"{dash_duo.server_url}/admin/roles")
    browser.click(dash_duo, browser.by_dict_id(dash_duo, type="role-node", code="officer"))
    dash_duo.wait_for_contains_text("#role-panel", "Permissions")
    audit_box = dash_duo.driver.find_element(
        By.XPATH, "//input[@type='checkbox' and @value='admin.audit']")
    browser.click(dash_duo, audit_box)
    browser.click(dash_duo, browser.by_dict_id(dash_duo, type="role-action", action="permissions"))
    dash_duo.wait_for_contains_text("#role-message", "Permissions of Customs officer saved")
    dash_duo.wait_for_contains_text("#role-history", "Role permissions changed")

    # the new user signs in and reaches the audit log
    browser.sign_in_fresh(dash_duo, "officer_x", NEW_PASSWORD)
    assert "审计日志" in str(browser.menu(dash_duo))
    dash_duo.driver.get(f"{dash_duo.server_url}/admin/audit")
    dash_duo.wait_for_contains_text("#audit-total", "条")
    assert dash_duo.get_logs() == []

    # the administrator edits a district's English name and postcode
    browser.sign_in_fresh(dash_duo, "sysadmin", TEST_PASSWORD)
    dash_duo.driver.get(f"{dash_duo.server_url}/admin/districts")
    browser.click(dash_duo, browser.by_dict_id(dash_duo, type="dist-node", code="0903"))
    dash_duo.wait_for_contains_text("#dist-panel", "0903")
    type_into(dash_duo, "dist", "name_en", "Jinpu New Area Customs")
    browser.click(dash_duo, dash_duo.driver.find_element(By.CSS_SELECTOR, "#dist-panel summary"))
    type_into(dash_duo, "dist", "postcode", "1161")
    browser.click(dash_duo, dash_duo.find_element("#dist-save"))
    dash_duo.wait_for_contains_text("#dist-message", "Please correct the marked fields.")
    type_into(dash_duo, "dist", "postcode", "116100")
    browser.click(dash_duo, dash_duo.find_element("#dist-save"))
    dash_duo.wait_for_contains_text("#dist-message", "District Jinpu New Area Customs saved.")
    dash_duo.wait_for_contains_text("#dist-tree", "Jinpu New Area Customs")
    dash_duo.wait_for_contains_text("#dist-history", "116100")
    assert dash_duo.get_logs() == []


def confirm(dash_duo, kind: str, action: str) -> None:
    """Press a button behind a confirm dialog and accept the dialog."""
    provider = browser.by_dict_id(dash_duo, type=kind, action=action)
    browser.click(dash_duo, provider.find_element(By.TAG_NAME, "button"))
    WebDriverWait(dash_duo.driver, 10).until(expected_conditions.alert_is_present())
    dash_duo.driver.switch_to.alert.accept()


def test_admin_adds_a_role_gives_it_moves_its_users_and_deletes_it_then_keeps_districts(
        dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "sysadmin", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    english(dash_duo, "/admin/roles")
    browser.click(dash_duo, dash_duo.wait_for_element("#role-new"))
    dash_duo.wait_for_contains_text("#role-panel", "New role")
    type_into(dash_duo, "role", "code", "senior_officer")
    type_into(dash_duo, "role", "name_zh", "高级审核人员")
    type_into(dash_duo, "role", "name_en", "Senior officer")
    Select(field(dash_duo, "role", "parent_code")).select_by_value("officer")
    browser.click(dash_duo, dash_duo.find_element("#role-save"))
    dash_duo.wait_for_contains_text("#role-message", "Role Senior officer added")
    dash_duo.wait_for_contains_text("#role-tree", "Senior officer")

    # give it to officer0901, then try to delete it
    browser.choose(dash_duo, browser.by_dict_id(dash_duo, type="role-option", name="assign"), "officer0901")
    browser.click(dash_duo, browser.by_dict_id(dash_duo, type="role-action", action="assign"))
    dash_duo.wait_for_contains_text("#role-message", "1 users now hold the role Senior officer")
    dash_duo.wait_for_contains_text("#role-users", "officer0901")
    confirm(dash_duo, "role-confirm", "delete")
    dash_duo.wait_for_contains_text("#role-message", "1 users hold this role")

    # the way out offered: move its users back to the officers' role, then delete
    Select(browser.by_dict_id(dash_duo, type="role-option", name="move_to")).select_by_value("officer")
    confirm(dash_duo, "role-confirm", "move")
    dash_duo.wait_for_contains_text("#role-message", "1 users moved from the role Senior officer")
    confirm(dash_duo, "role-confirm", "delete")
    dash_duo.wait_for_contains_text("#role-message", "Role Senior officer deleted.")
    assert "Senior officer" not in dash_duo.find_element("#role-tree").text

    # a district is added under 大连海关, retired, and deleted (nothing refers to it)
    dash_duo.driver.get(f"{dash_duo.server_url}/admin/districts")
    browser.click(dash_duo, dash_duo.wait_for_element("#dist-new"))
    dash_duo.wait_for_contains_text("#dist-panel", "New district")
    type_into(dash_duo, "dist", "code", "0904")
    type_into(dash_duo, "dist", "name_zh", "锦州海关")
    type_into(dash_duo, "dist", "name_en", "Jinzhou Customs")
    Select(field(dash_duo, "dist", "parent_code")).select_by_value("0900")
    browser.click(dash_duo, dash_duo.find_element("#dist-save"))
    dash_duo.wait_for_contains_text("#dist-message", "District Jinzhou Customs added.")
    confirm(dash_duo, "dist-confirm", "retire")
    dash_duo.wait_for_contains_text("#dist-message", "District Jinzhou Customs retired.")
    dash_duo.wait_for_contains_text("#dist-tree", "retired")
    confirm(dash_duo, "dist-confirm", "delete")
    dash_duo.wait_for_contains_text("#dist-message", "District Jinzhou Customs deleted.")
    # 大连海关 is referred to: the refusal says by what
    browser.click(dash_duo, browser.by_dict_id(dash_duo, type="dist-node", code="0900"))
    dash_duo.wait_for_contains_text("#dist-panel", "0900")
    confirm(dash_duo, "dist-confirm", "delete")
    dash_duo.wait_for_contains_text("#dist-message", "Retire it instead")
    dash_duo.wait_for_contains_text("#dist-message", "Subordinate districts")
    assert dash_duo.get_logs() == []
