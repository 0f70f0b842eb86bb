"""Journey in the browser: a district manager follows a drill-down link to the certificate query, sees only
the matching rows, sorts by issue date, turns the page and opens a certificate."""
from __future__ import annotations

from datetime import date

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.support.ui import WebDriverWait

from data.statistics.certificate_filters import CertificateQuery
from data.statistics.certificate_query import certificate_page, count_rows
from tests.conftest import TEST_PASSWORD
from tests.support import browser
from tests.support.certificate_query_data import fill
from tests.support.world import actor

GRID = "#certq-grid"


ROWS_SCRIPT = """
return Array.from(document.querySelectorAll(arguments[0] + ' .ag-center-cols-container .ag-row'))
  .map(function (row) {
    var cells = {};
    row.querySelectorAll('.ag-cell').forEach(function (c) { cells[c.getAttribute('col-id')] = c.innerText.trim(); });
    return [parseInt(row.getAttribute('row-index'), 10), cells];
  });
"""


def shown_rows(dash_duo) -> list[dict]:
    """The grid's rows on screen, in order: column id -> text (read in one step: the grid re-renders)."""
    return [cells for _index, cells in sorted(dash_duo.driver.execute_script(ROWS_SCRIPT, GRID),
                                              key=lambda pair: pair[0])]


def wait_for_numbers(dash_duo, numbers: list[str]) -> None:
    """Wait until the grid shows exactly these certificate numbers, in this order."""
    seen: list = []

    def shows(_driver) -> bool:
        seen[:] = [r.get("certificate_no") for r in shown_rows(dash_duo)]
        return seen == numbers

    try:
        WebDriverWait(dash_duo.driver, 10).until(shows)
    except TimeoutException:
        state = dash_duo.driver.execute_script(
            "var a = dash_ag_grid.getApi('certq-grid'); return [a.getInfiniteRowCount(), JSON.stringify(a.getCacheBlockState())]")
        raise AssertionError(f"the grid shows {seen}, not {numbers} {state}") from None


def test_manager_follows_a_drill_down_sorts_pages_and_opens_a_certificate(dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    sessions = app.server.extensions["certdash"].sessions
    fill(sessions, applications=300)
    march = CertificateQuery(district="0903", issued_from=date(2026, 3, 1), issued_to=date(2026, 3, 31))
    with sessions() as s:
        manager = actor(s, "manager0900")
        total = count_rows(s, manager, march, cap=None).value
        newest = certificate_page(s, manager, march, "issue_date", True, 0, 25).rows
        oldest = [certificate_page(s, manager, march, "issue_date", False, p, 25).rows for p in (0, 1)]
    assert total > 25, "the journey needs a second page"

    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "manager0900", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    dash_duo.driver.get(f"{dash_duo.server_url}/stats/certificates?district=0903&issue_from=2026-03-01"
                        "&issue_to=2026-03-31")
    dash_duo.wait_for_contains_text("#certq-count", str(total))
    wait_for_numbers(dash_duo, [r.certificate_no for r in newest])
    rows = shown_rows(dash_duo)
    assert all(r["district"].startswith("[0903]") for r in rows)  # only the link's district

    # sort by issue date, oldest first: the header toggles from the link's newest-first
    browser.click(dash_duo, dash_duo.find_element(f'{GRID} .ag-header-cell[col-id="issue_date"] .ag-header-cell-label'))
    wait_for_numbers(dash_duo, [r.certificate_no for r in oldest[0]])

    # the next page continues where the first ended
    browser.click(dash_duo, dash_duo.find_element(f'{GRID} .ag-paging-button[data-ref="btNext"]'))
    wait_for_numbers(dash_duo, [r.certificate_no for r in oldest[1]])
    assert not {r.certificate_no for r in oldest[0]} & {r.certificate_no for r in oldest[1]}

    # a certificate no. opens the certificate
    number = oldest[1][0].certificate_no
    browser.click(dash_duo, dash_duo.find_element(f'{GRID} .ag-row[row-index="25"] [col-id="certificate_no"] a'))
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "/certificates/view" in d.current_url)
    assert dash_duo.driver.current_url.endswith(f"/certificates/view?no={number}")
    dash_duo.wait_for_contains_text("#certv-content", number)
    assert dash_duo.get_logs() == []


def test_bad_filters_in_the_panel_are_named(dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "manager0903", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    dash_duo.driver.get(f"{dash_duo.server_url}/stats/certificates?received_from=2026-03-05&received_to=2026-03-01")
    dash_duo.wait_for_element("#certq-problems")
    browser.by_dict_id(dash_duo, type="certq-field", name="inspection_no").send_keys("2090000000000")
    dash_duo.find_element("#certq-search").click()  # the dates are still the wrong way round
    dash_duo.wait_for_element("#certq-problems")
    dash_duo.find_element("#certq-reset").click()
    WebDriverWait(dash_duo.driver, 10).until(
        lambda _d: browser.by_dict_id(dash_duo, type="certq-field", name="inspection_no").get_attribute("value") == "")
    dash_duo.find_element("#certq-search").click()
    dash_duo.wait_for_contains_text("#certq-count", "1")  # manager0903: the one certificate of 0903
    wait_for_numbers(dash_duo, ["TEST0001"])
    assert dash_duo.get_logs() == []
