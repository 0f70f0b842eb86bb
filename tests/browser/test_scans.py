"""Journey in the browser: an enterprise uploads, replaces and deletes a scan; an officer sees it once submitted."""
from __future__ import annotations

from urllib.parse import quote

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from data.core.db import transaction
from data.models import CertificateApplication
from data.reference.catalog import load_reference
from tests.conftest import TEST_PASSWORD
from tests.service.test_scans import JPEG, PDF
from tests.support import browser

PANEL = "#appv-scan-panel"


def upload(dash_duo, index, path) -> None:
    """Hand a file to the dcc.Upload with this index, as the file dialog would."""
    field = dash_duo.driver.find_element(
        By.XPATH, f"//*[@id='{browser.dict_id(index=index, type='appv-scan-upload')}']//input[@type='file']")
    field.send_keys(str(path))


def choose_document(dash_duo, code: str) -> None:
    browser.click(dash_duo, browser.by_dict_id(dash_duo, index=0, type="appv-scan-doc"))
    dash_duo.wait_for_element(".dash-dropdown-search").send_keys(code)
    option = dash_duo.driver.find_element(By.XPATH, f"//*[contains(@class, 'dash-dropdown-option')]"
                                                    f"[starts-with(normalize-space(.), '{code} ')]")
    option.click()


def open_in_english(dash_duo, app_id: int) -> None:
    dash_duo.driver.get(dash_duo.server_url + "/lang/en?next=" + quote(f"/applications/view?id={app_id}"))
    dash_duo.wait_for_contains_text("#appv-content", "Scanned documents")


def test_upload_replace_delete_then_an_officer_sees_the_scan(dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    with transaction(app.server.extensions["certdash"].sessions) as s:
        load_reference(s)
        application = s.query(CertificateApplication).filter_by(district_code="0901").one()
        application.status = "draft"
        app_id = application.id
    files = tmp_path / "files"
    files.mkdir()
    (files / "invoice.pdf").write_bytes(PDF)
    (files / "invoice-scan.jpg").write_bytes(JPEG)
    (files / "fake.pdf").write_bytes(b"<html><script>alert(1)</script></html>")
    (files / "big.pdf").write_bytes(PDF[:-6] + b" " * (10 * 1024 * 1024) + b"%%EOF\n")
    (files / "contract.pdf").write_bytes(PDF.replace(b"1 0 obj", b"2 0 obj"))
    dash_duo.start_server(app)

    browser.sign_in(dash_duo, "ent_a_oper", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    open_in_english(dash_duo, app_id)
    dash_duo.wait_for_contains_text(PANEL, "No scanned documents yet.")

    # without a document type: refused by the server, nothing listed
    upload(dash_duo, "new", files / "invoice.pdf")
    dash_duo.wait_for_contains_text("#appv-scan-message", "Choose the document type")
    # a text file named .pdf: refused in the browser, before anything is sent
    choose_document(dash_duo, "102002")
    upload(dash_duo, "new", files / "fake.pdf")
    status = f"[id='{browser.dict_id(index='new', type='appv-scan-upload-status')}']"
    dash_duo.wait_for_contains_text(status, "Only PDF, JPG or PNG")
    upload(dash_duo, "new", files / "big.pdf")  # more than 10 MB: refused in the browser as well
    dash_duo.wait_for_contains_text(status, "larger than 10 MB")
    assert "Choose the document type" in dash_duo.find_element("#appv-scan-message").text  # the server saw nothing
    dash_duo.wait_for_contains_text(PANEL, "No scanned documents yet.")

    upload(dash_duo, "new", files / "invoice.pdf")
    dash_duo.wait_for_contains_text("#appv-scan-message", "Scan added: invoice.pdf")
    dash_duo.wait_for_contains_text(PANEL, "102002 Invoice")
    link = dash_duo.driver.find_element(By.LINK_TEXT, "invoice.pdf")
    assert link.get_attribute("href").startswith(dash_duo.server_url + "/files/scan/")
    scan_id = int(link.get_attribute("href").rsplit("/", 1)[1])

    upload(dash_duo, scan_id, files / "invoice-scan.jpg")
    dash_duo.wait_for_contains_text("#appv-scan-message", "Scan replaced: invoice-scan.jpg")
    dash_duo.wait_for_contains_text(PANEL, "invoice-scan.jpg")
    assert "invoice.pdf" not in dash_duo.find_element(PANEL).text

    browser.click(dash_duo, browser.by_dict_id(dash_duo, index=scan_id, type="appv-scan-delete")
                  .find_element(By.TAG_NAME, "button"))
    WebDriverWait(dash_duo.driver, 10).until(expected_conditions.alert_is_present())
    dash_duo.driver.switch_to.alert.accept()
    dash_duo.wait_for_contains_text("#appv-scan-message", "Scan deleted: invoice-scan.jpg")
    dash_duo.wait_for_contains_text(PANEL, "No scanned documents yet.")

    # a scan for the officer, then apply
    choose_document(dash_duo, "102001")
    upload(dash_duo, "new", files / "contract.pdf")
    dash_duo.wait_for_contains_text(PANEL, "contract.pdf")
    browser.click(dash_duo, browser.by_dict_id(dash_duo, action="submit", type="appv-action"))
    dash_duo.wait_for_contains_text("#appv-message", "Done")
    dash_duo.wait_for_contains_text(PANEL, "supplementary declaration")  # with customs now: add only
    assert not dash_duo.driver.find_elements(By.XPATH, "//*[contains(@id, 'appv-scan-delete')]")
    assert dash_duo.get_logs() == []

    browser.sign_in_fresh(dash_duo, "officer0901", TEST_PASSWORD)
    open_in_english(dash_duo, app_id)
    dash_duo.wait_for_contains_text(PANEL, "contract.pdf")
    dash_duo.wait_for_contains_text(PANEL, "102001 Contract")
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, f"{PANEL} input[type=file]")  # officers only look
    assert "/files/scan/" in dash_duo.driver.find_element(By.LINK_TEXT, "contract.pdf").get_attribute("href")
    assert dash_duo.get_logs() == []
