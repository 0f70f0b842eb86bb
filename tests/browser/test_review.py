"""Journey in the browser: an enterprise applies, an officer accepts and returns it (a missing reason is said at
the reason box), then approves it."""
from __future__ import annotations

from selenium.webdriver.common.by import By

from tests.conftest import TEST_PASSWORD
from tests.support import browser


def step(dash_duo, action):
    browser.click(dash_duo, browser.by_dict_id(dash_duo, action=action, type="appv-action"))


def test_apply_return_resubmit_approve(dash_duo, sqlite_template, tmp_path):
    app, app_id = browser.world_with_a_draft(sqlite_template, tmp_path, TEST_PASSWORD)
    dash_duo.start_server(app)

    browser.sign_in(dash_duo, "ent_a_oper", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    dash_duo.driver.get(f"{dash_duo.server_url}/applications")
    dash_duo.wait_for_contains_text("#apps-total", "1")
    dash_duo.driver.find_element(By.CSS_SELECTOR, "#apps-table a").click()
    dash_duo.wait_for_contains_text("#appv-content", "暂存中")
    step(dash_duo, "submit")
    dash_duo.wait_for_contains_text("#appv-message", "已完成")
    dash_duo.wait_for_contains_text("#appv-content", "申报中")

    browser.sign_in_fresh(dash_duo, "officer0901", TEST_PASSWORD)
    dash_duo.driver.get(f"{dash_duo.server_url}/applications/view?id={app_id}")
    step(dash_duo, "open")
    dash_duo.wait_for_contains_text("#appv-content", "审核中")
    step(dash_duo, "return")
    # said where the officer acts: under the reason box, which is marked and has the cursor
    dash_duo.wait_for_contains_text("#appv-reason-error", "请填写原因")
    assert "is-invalid" in dash_duo.find_element("#appv-reason").get_attribute("class")
    dash_duo.wait_for_element("#appv-reason:focus")
    assert dash_duo.find_element("#appv-message").text == ""
    dash_duo.find_element("#appv-reason").send_keys("品名与报检单不符")
    step(dash_duo, "return")
    dash_duo.wait_for_contains_text("#appv-content", "退回")
    assert dash_duo.get_logs() == []

    browser.sign_in_fresh(dash_duo, "ent_a_oper", TEST_PASSWORD)
    dash_duo.driver.get(f"{dash_duo.server_url}/applications/view?id={app_id}")
    dash_duo.wait_for_contains_text("#appv-content", "品名与报检单不符")  # the receipt carries the reason
    step(dash_duo, "submit")
    dash_duo.wait_for_contains_text("#appv-content", "申报中")

    browser.sign_in_fresh(dash_duo, "officer0901", TEST_PASSWORD)
    dash_duo.driver.get(f"{dash_duo.server_url}/applications")
    dash_duo.wait_for_contains_text("#apps-table", "申报中")  # the review queue lists it
    dash_duo.driver.get(f"{dash_duo.server_url}/applications/view?id={app_id}")
    step(dash_duo, "open")
    dash_duo.wait_for_contains_text("#appv-content", "审核中")
    step(dash_duo, "approve")
    dash_duo.wait_for_contains_text("#appv-content", "审核通过")
    dash_duo.wait_for_contains_text("#appv-content", "09012614")  # the certificate number given at approval
    assert dash_duo.get_logs() == []
