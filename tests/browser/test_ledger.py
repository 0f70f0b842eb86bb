"""Journey in the browser: an enterprise user filters the ledger, chooses columns, saves a template, starts a
large export, sees it progress, and downloads the file (read back cell by cell)."""
from __future__ import annotations

import io
import re
import urllib.request

import openpyxl
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from bench.ledger import seed_ledger
from data.models import Enterprise
from tests.conftest import TEST_PASSWORD
from tests.service.test_ledger import add_ledger_records
from tests.support import browser

SEEDED_DECLARATIONS = 30_000  # 42,000 ledger rows, a third of them declared by 王静: a job of a few seconds
ROWS = 14_003  # 王静's: 14,000 seeded and the three certificates of a hand-made declaration


class World:
    def __init__(self, enterprise_ids: dict[str, int]):
        self.enterprise_ids = enterprise_ids


def move(dash_duo, key: str, how: str) -> None:
    browser.click(dash_duo, browser.by_dict_id(dash_duo, key=key, move=how, type="ledger-column-move"))


def chosen_columns(dash_duo) -> list[str]:
    """The chosen columns as listed, read at once (the list is drawn again after every change)."""
    texts = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#ledger-chosen .list-group-item span')].map(e => e.textContent)")
    return [re.sub(r"^\d+\.\s*", "", text).strip() for text in texts]


def wait_until(dash_duo, condition, timeout: float = 30):
    return WebDriverWait(dash_duo.driver, timeout).until(condition)


def fetch(dash_duo, href: str) -> bytes:
    """Download a link with the browser's session cookie (the file route checks who asks)."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in dash_duo.driver.get_cookies())
    url = href if href.startswith("http") else dash_duo.server_url + href
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookies})) as response:
        return response.read()


def test_filter_choose_columns_save_a_template_and_export_a_large_ledger(dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    store = app.server.extensions["certdash"]
    with store.sessions() as s:
        ids = dict(s.execute(select(Enterprise.name_zh, Enterprise.id)).all())
    add_ledger_records(store.sessions, World({"A": ids["企业A"], "B": ids["企业B"]}))
    seed_ledger(store.engine, ids["企业A"], SEEDED_DECLARATIONS)
    app.server.config["LEDGER_INLINE_ROWS"] = 1_000
    dash_duo.start_server(app)

    browser.sign_in(dash_duo, "ent_a_oper", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    dash_duo.driver.get(dash_duo.server_url + "/lang/en?next=/ledger")  # new messages: their English ids
    dash_duo.wait_for_contains_text("#ledger-total", "rows")

    # exit declarations of one declarant (王静 declared a third of them)
    browser.click(dash_duo, dash_duo.driver.find_element(By.CSS_SELECTOR, "#ledger-direction input[value='exit']"))
    wait_until(dash_duo, lambda _d: "Consignor" in chosen_columns(dash_duo))  # the exit default's party
    browser.by_dict_id(dash_duo, name="declarant", type="ledger-filter").send_keys("王静")
    browser.click(dash_duo, dash_duo.find_element("#ledger-query"))
    # the page counts up to 10,000 rows (more is said as such); the export counts them all
    dash_duo.wait_for_contains_text("#ledger-total", "More than 10,000 rows")
    assert "Inspection no." in dash_duo.find_element("#ledger-table").text

    # columns: without the registration no., the certificate no. moved up, the total value added
    move(dash_duo, "registration_no", "remove")
    wait_until(dash_duo, lambda _d: "Declaration registration no." not in chosen_columns(dash_duo))
    move(dash_duo, "certificate_no", "up")
    wait_until(dash_duo, lambda _d: chosen_columns(dash_duo).index("Certificate no.") == 7)
    browser.click(dash_duo, dash_duo.find_element("#ledger-column-add"))
    dash_duo.wait_for_element(".dash-dropdown-search").send_keys("Total value")
    xpath = "//*[contains(@class, 'dash-dropdown-option')][normalize-space(.)='Total value']"
    wait_until(dash_duo, expected_conditions.element_to_be_clickable((By.XPATH, xpath))).click()
    wait_until(dash_duo, lambda _d: chosen_columns(dash_duo)[-1] == "Total value")
    columns = chosen_columns(dash_duo)
    assert columns[:3] == ["No.", "Legal inspection", "Declaring enterprise"] and len(columns) == 14
    dash_duo.wait_for_contains_text("#ledger-table", "Total value")

    # saved as a template; the same name again is refused with a reason
    dash_duo.find_element("#ledger-template-name").send_keys("Monthly")
    dash_duo.find_element("#ledger-file-name").send_keys("march")
    browser.click(dash_duo, dash_duo.find_element("#ledger-template-save"))
    dash_duo.wait_for_contains_text("#ledger-template-message", "Template \u201cMonthly\u201d saved.")
    browser.click(dash_duo, dash_duo.find_element("#ledger-template-save"))
    dash_duo.wait_for_contains_text("#ledger-template-message", "already has a template of this name")

    # a large export runs as a background job with a progress bar; cancelled, it leaves nothing to fetch
    browser.click(dash_duo, dash_duo.find_element("#ledger-export"))
    wait_until(dash_duo, lambda _d: dash_duo.find_element("#ledger-progress-box").is_displayed(), 20)
    browser.click(dash_duo, dash_duo.find_element("#ledger-cancel"))
    dash_duo.wait_for_contains_text("#ledger-message", "Export cancelled.")
    wait_until(dash_duo, lambda _d: not dash_duo.find_element("#ledger-progress-box").is_displayed())
    assert dash_duo.driver.find_elements(By.ID, "ledger-link") == []

    # again, to the end; the page stays usable meanwhile, and the file is fetched without a second click
    dash_duo.driver.execute_script(
        "window.__fetched = []; document.addEventListener('click', function (e) {"
        " if (e.target.tagName === 'A' && e.target.href.indexOf('/files/ledger/') >= 0) {"
        " window.__fetched.push(e.target.href); e.preventDefault(); } }, true);")
    browser.click(dash_duo, dash_duo.find_element("#ledger-export"))
    dash_duo.wait_for_contains_text("#ledger-message", "Exporting 14,003 rows in the background")
    wait_until(dash_duo, lambda _d: dash_duo.find_element("#ledger-progress-box").is_displayed(), 20)
    assert dash_duo.find_element("#ledger-cancel").is_enabled()
    wait_until(dash_duo, lambda _d: re.fullmatch(r"\d+%", dash_duo.driver.execute_script(
        "return document.querySelector('#ledger-progress .progress-bar').textContent")), 60)  # as shown, or last shown
    move(dash_duo, "legal_inspection", "down")  # the page answers meanwhile
    wait_until(dash_duo, lambda _d: chosen_columns(dash_duo)[2] == "Legal inspection")
    link = wait_until(dash_duo, lambda _d: dash_duo.driver.find_elements(By.ID, "ledger-link"), 120)[0]
    assert "Export finished: 14,003 rows." in dash_duo.find_element("#ledger-message").text
    assert link.text == "Download march.xlsx"
    assert wait_until(dash_duo, lambda _d: dash_duo.driver.execute_script("return window.__fetched")) == [
        link.get_attribute("href")]  # fetched by the page itself, the link kept for a second copy
    assert not dash_duo.find_element("#ledger-progress-box").is_displayed()

    book = openpyxl.load_workbook(io.BytesIO(fetch(dash_duo, link.get_attribute("href"))), read_only=True)
    sheet = book.worksheets[0]
    lines = list(sheet.iter_rows(values_only=True))
    assert list(lines[0]) == columns  # as chosen when the export started
    assert len(lines) == 1 + ROWS + 1  # the header, the rows, the totals
    assert [line[0] for line in lines[1:4]] == [1, 2, 3]
    assert dash_duo.get_logs() == []
