"""Journey in the browser: an administrator adds a dictionary entry and retires another, edits a field of
a certificate format, publishes a notification that the officer it targets then sees on the home page,
and edits a system parameter, whose history shows the change."""
from __future__ import annotations

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from data.core.db import transaction
from data.models import CertificateFormat, DictEntry, Notification, SystemParameter
from data.reference.catalog import load_reference
from tests.conftest import TEST_PASSWORD
from tests.support import browser


def open_page(dash_duo, path: str) -> None:
    """Open a page in English (its new messages are not translated yet in a checkout)."""
    dash_duo.driver.get(f"{dash_duo.server_url}/lang/en?next={path}")


def pick_row(dash_duo, grid: str, row_id: str) -> None:
    """Tick the row, once: the grid may draw its rows again meanwhile (a search answered), so each step finds
    the row afresh and a stale element is looked up again rather than failing."""
    row = f"#{grid} .ag-center-cols-container .ag-row[row-id='{row_id}']"
    dash_duo.wait_for_element(row)
    wait = WebDriverWait(dash_duo.driver, 10, ignored_exceptions=(StaleElementReferenceException,))
    selected = wait.until(lambda d: ("ag-row-selected" in d.find_element(By.CSS_SELECTOR, row).get_attribute("class"),))
    if not selected[0]:  # kept across a reload
        wait.until(lambda d: browser.click(dash_duo, d.find_element(By.CSS_SELECTOR, f"{row} .ag-selection-checkbox input"))
                   or True)
    wait.until(lambda d: "ag-row-selected" in d.find_element(By.CSS_SELECTOR, row).get_attribute("class"))


def field(dash_duo, prefix: str, name: str):
    return browser.by_dict_id(dash_duo, type=f"{prefix}-field", name=name)


def type_into(element, text: str) -> None:
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(text)


def test_an_administrator_keeps_the_reference_data(dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    sessions = app.server.extensions["certdash"].sessions
    with transaction(sessions) as s:
        load_reference(s)
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "sysadmin", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")

    # dictionaries: add a trade mode, retire another
    open_page(dash_duo, "/admin/dictionaries")
    dash_duo.wait_for_contains_text("#adict-total", "entries")
    Select(dash_duo.find_element("#adict-name")).select_by_value("trade_mode")
    dash_duo.wait_for_contains_text("#adict-table", "0110")
    dash_duo.find_element("#adict-new").click()
    dash_duo.wait_for_element("#adict-modal")
    field(dash_duo, "adict", "code").send_keys("9998")
    field(dash_duo, "adict", "name_zh").send_keys("<b>测试贸易</b>")
    field(dash_duo, "adict", "name_en").send_keys("Test trade")
    dash_duo.find_element("#adict-save").click()
    dash_duo.wait_for_contains_text("#adict-message", "9998 added")
    search = dash_duo.find_element("#adict-search")
    # the save's own reload of the list may still be on its way: search again until the list has settled
    for attempt in range(3):
        type_into(search, "9998")
        search.send_keys(Keys.ENTER)
        try:
            dash_duo.wait_for_contains_text("#adict-table", "<b>测试贸易</b>")  # typed markup shown as text
            break
        except TimeoutException:
            if attempt == 2:
                raise
    type_into(search, "0130")
    search.send_keys(Keys.ENTER)
    pick_row(dash_duo, "adict-table", "0130")
    dash_duo.find_element("#adict-retire").click()
    dash_duo.wait_for_contains_text("#adict-message", "0130 retired")
    dash_duo.wait_for_contains_text("#adict-table", "Retired")
    with sessions() as s:
        assert s.get(DictEntry, ("trade_mode", "9998")).name_zh == "<b>测试贸易</b>"
        assert s.get(DictEntry, ("trade_mode", "0130")).active is False

    # certificate formats: rename a field of the phytosanitary certificate
    open_page(dash_duo, "/admin/formats")
    dash_duo.find_element("#afmt-code-search").send_keys("C5-1", Keys.ENTER)
    pick_row(dash_duo, "afmt-table", "C5-1")
    dash_duo.find_element("#afmt-edit").click()
    dash_duo.wait_for_contains_text("#afmt-modal-title", "C5-1")
    cell = "#afmt-fields-grid .ag-center-cols-container .ag-row[row-index='1'] [col-id='label_en']"
    dash_duo.wait_for_contains_text(cell, "Consignor")
    dash_duo.driver.execute_script(
        "dash_ag_grid.getApi('afmt-fields-grid').startEditingCell({rowIndex: 1, colKey: 'label_en'});")
    editor = dash_duo.wait_for_element(f"{cell} input")
    type_into(editor, "Exporter")
    editor.send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text(cell, "Exporter")
    dash_duo.find_element("#afmt-save").click()
    dash_duo.wait_for_contains_text("#afmt-message", "C5-1 saved")
    with sessions() as s:
        assert s.get(CertificateFormat, "C5-1").fields[1]["label_en"] == "Exporter"

    # notifications: publish one to customs officers
    open_page(dash_duo, "/admin/notifications")
    dash_duo.wait_for_contains_text("#anote-total", "0")
    dash_duo.find_element("#anote-new").click()
    dash_duo.wait_for_element("#anote-modal")
    field(dash_duo, "anote", "title_zh").send_keys("审核系统维护通知")
    field(dash_duo, "anote", "title_en").send_keys("Review system maintenance")
    field(dash_duo, "anote", "body_en").send_keys("<script>alert(1)</script> Saturday 20:00")
    browser.choose(dash_duo, field(dash_duo, "anote", "roles"), "Customs officer")
    browser.click(dash_duo, field(dash_duo, "anote", "published"))
    dash_duo.find_element("#anote-save").click()
    dash_duo.wait_for_contains_text("#anote-message", "Notification added")
    dash_duo.wait_for_contains_text("#anote-table", "Showing")
    with sessions() as s:
        assert s.query(Notification).one().roles == ["officer"]

    browser.sign_in_fresh(dash_duo, "officer0901", TEST_PASSWORD)
    open_page(dash_duo, "/")
    dash_duo.wait_for_contains_text("#home-notifications", "Review system maintenance")
    dash_duo.wait_for_contains_text("#home-notifications", "<script>alert(1)</script> Saturday 20:00")
    browser.sign_in_fresh(dash_duo, "ent_a_oper", TEST_PASSWORD)
    open_page(dash_duo, "/")
    dash_duo.wait_for_element("#home-notifications")
    assert "maintenance" not in dash_duo.find_element("#home-notifications").text

    # system parameters: add, edit, and see the history
    browser.sign_in_fresh(dash_duo, "sysadmin", TEST_PASSWORD)
    open_page(dash_duo, "/admin/parameters")
    dash_duo.wait_for_contains_text("#aparam-total", "0")
    dash_duo.find_element("#aparam-new").click()
    field(dash_duo, "aparam", "key").send_keys("verify.per_minute")
    dash_duo.wait_for_contains_text("#aparam-hint", "whole number")
    field(dash_duo, "aparam", "value").send_keys("40")
    dash_duo.find_element("#aparam-save").click()
    dash_duo.wait_for_contains_text("#aparam-message", "verify.per_minute added")
    pick_row(dash_duo, "aparam-table", "verify.per_minute")
    dash_duo.find_element("#aparam-edit").click()
    dash_duo.wait_for_contains_text("#aparam-modal-title", "verify.per_minute")
    value = field(dash_duo, "aparam", "value")
    WebDriverWait(dash_duo.driver, 10).until(lambda _d: value.get_attribute("value") == "40")
    type_into(value, "abc")
    dash_duo.find_element("#aparam-save").click()
    WebDriverWait(dash_duo.driver, 10).until(
        lambda _d: "whole number" in browser.by_dict_id(dash_duo, type="aparam-error", name="value").text.lower())
    type_into(value, "50")
    dash_duo.find_element("#aparam-save").click()
    dash_duo.wait_for_contains_text("#aparam-message", "verify.per_minute saved")
    pick_row(dash_duo, "aparam-table", "verify.per_minute")
    dash_duo.find_element("#aparam-edit").click()
    dash_duo.wait_for_contains_text("#aparam-history", "40 → 50")
    dash_duo.wait_for_contains_text("#aparam-history", "sysadmin")
    with sessions() as s:
        assert s.get(SystemParameter, "verify.per_minute").value == "50"
    assert dash_duo.get_logs() == []
