"""Journey in the browser: an operator keeps the consignor/consignee book and sets the exit defaults."""
from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from data.core.db import transaction
from data.reference.catalog import load_reference
from tests.conftest import TEST_PASSWORD
from tests.support import browser

CREDIT = "91210200MA0QC4RW05"


def css(**parts) -> str:
    return f"[id='{browser.dict_id(**parts)}']"


def party_field(dash_duo, name):
    return browser.by_dict_id(dash_duo, name=name, type="party-field")


def check_row(dash_duo, text: str) -> None:
    """Tick the check box of the grid row showing `text`, unless it is ticked already."""
    row = dash_duo.driver.find_element(By.XPATH, f"//div[@id='party-table']//div[@role='row'][.//*[text()='{text}']]")
    box = row.find_element(By.CSS_SELECTOR, "input[type='checkbox']")
    if not box.is_selected():
        browser.click(dash_duo, box)


def choose(dash_duo, section: str, name: str, code: str) -> None:
    """Pick an option of a searchable dropdown by typing its code."""
    dropdown = dash_duo.find_element(css(name=name, section=section, type="defaults-field"))
    browser.click(dash_duo, dropdown)
    search = dash_duo.wait_for_element(".dash-dropdown-search")
    search.send_keys(code)
    option = dash_duo.wait_for_element(f".dash-dropdown-option:has(input[value='{code}'])")
    option.click()


def test_keep_the_party_book_and_set_exit_defaults(dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    with transaction(app.server.extensions["certdash"].sessions) as s:
        load_reference(s, overwrite=True)
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "ent_a_oper", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    dash_duo.driver.get(dash_duo.server_url + "/lang/en?next=/enterprise/parties")  # new messages: English ids
    dash_duo.wait_for_contains_text("#party-page", "Page 1")

    # add: a wrong code is marked and nothing is saved; corrected, the entry is listed, its markup as text
    dash_duo.find_element("#party-new").click()
    party_field(dash_duo, "code").send_keys("AB-12")
    party_field(dash_duo, "name_en").send_keys("<b>Haisheng</b>")
    dash_duo.find_element("#party-save").click()
    dash_duo.wait_for_contains_text(css(name="code", type="party-error"), "letters and digits")
    party_field(dash_duo, "code").clear()
    party_field(dash_duo, "code").send_keys(CREDIT)
    party_field(dash_duo, "name_zh").send_keys("大连海盛水产")
    dash_duo.find_element("#party-save").click()
    dash_duo.wait_for_contains_text("#party-message", "Entry added.")
    dash_duo.wait_for_contains_text("#party-table", "<b>Haisheng</b>")

    # edit the checked row
    dash_duo.find_element("#party-edit").click()
    dash_duo.wait_for_contains_text("#party-message", "Select one entry to edit.")
    check_row(dash_duo, CREDIT)
    dash_duo.find_element("#party-edit").click()
    dash_duo.wait_for_text_to_equal("#party-modal-title", "Edit entry")
    assert party_field(dash_duo, "name_zh").get_attribute("value") == "大连海盛水产"
    party_field(dash_duo, "address").send_keys("大连市中山区")
    dash_duo.find_element("#party-save").click()
    dash_duo.wait_for_contains_text("#party-message", "Entry saved.")
    dash_duo.wait_for_contains_text("#party-table", "大连市中山区")

    # delete it, after confirming
    check_row(dash_duo, CREDIT)
    browser.click(dash_duo, dash_duo.find_element("#party-delete button"))
    WebDriverWait(dash_duo.driver, 5).until(expected_conditions.alert_is_present()).accept()
    dash_duo.wait_for_contains_text("#party-message", "Entries deleted: 1")
    dash_duo.wait_for_text_to_equal("#party-table .ag-center-cols-container", "")
    assert dash_duo.get_logs() == []

    # exit defaults: saved, and there after a reload; a bad phone number is marked
    dash_duo.driver.get(dash_duo.server_url + "/enterprise/defaults")
    departure = dash_duo.wait_for_element(css(name="departure_port", section="exit", type="defaults-field"))
    departure.send_keys("DALIAN")
    choose(dash_duo, "exit", "dest_country", "KR")
    choose(dash_duo, "exit", "district_code", "0901")
    browser.click(dash_duo, dash_duo.find_element(css(section="exit", type="defaults-save")))
    dash_duo.wait_for_contains_text(css(section="exit", type="defaults-message"), "Defaults saved.")
    dash_duo.find_element(css(name="contact_phone", section="common", type="defaults-field")).send_keys("call me")
    browser.click(dash_duo, dash_duo.find_element(css(section="common", type="defaults-save")))
    dash_duo.wait_for_contains_text(css(name="contact_phone", section="common", type="defaults-error"),
                                    "Digits, spaces, +, - and brackets only.")
    dash_duo.wait_for_contains_text(css(section="common", type="defaults-message"), "Nothing was saved")
    dash_duo.driver.refresh()
    departure = dash_duo.wait_for_element(css(name="departure_port", section="exit", type="defaults-field"))
    assert departure.get_attribute("value") == "DALIAN"
    dash_duo.wait_for_contains_text(css(name="dest_country", section="exit", type="defaults-field"), "KR")
    assert dash_duo.get_logs() == []
