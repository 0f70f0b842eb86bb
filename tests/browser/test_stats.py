"""A district manager in the browser: exact figures of their subtree, a bar drilled down to the records list,
back up by the breadcrumb, and the cloud-signing table downloaded."""
from __future__ import annotations

import time
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import quote

from openpyxl import load_workbook
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from sqlalchemy import select

from data.models import Certificate, CertificateApplication
from tests.conftest import TEST_PASSWORD
from tests.support import browser

YEAR = "issue_from=2026-01-01&issue_to=2026-12-31"
# (district, signing method, paper prints) of the certificates added to the world's one per district
ADDED = (("0901", "cloud", 2), ("0901", "paper", 1), ("0903", "cloud", 0), ("0903", "paper", 1),
         ("0903", "paper", 0), ("0200", "cloud", 0))


def add_certificates(app) -> None:
    """Certificates written through the ORM, as the issuing service does: the rollups follow."""
    with app.server.extensions["certdash"].sessions() as s:
        apps = {a.district_code: a for a in s.scalars(select(CertificateApplication))}
        for n, (district, method, prints) in enumerate(ADDED):
            a = apps[district]
            s.add(Certificate(certificate_no=f"B{n:04d}", application_id=a.id, enterprise_id=a.enterprise_id,
                              district_code=district, cert_type_code="14", entry_method="blank", dest_country="JP",
                              issue_place="大连", issue_date=date(2026, 3, 10),
                              issued_at=datetime(2026, 3, 10, 2, tzinfo=timezone.utc),
                              received_date=date(2026, 3, 9), signing_method=method, print_count=prints,
                              verify_token=f"b{n}"))
        s.commit()


def open_in_english(dash_duo, path: str) -> None:
    dash_duo.driver.get(f"{dash_duo.server_url}/lang/en?next={quote(path)}")


def table_rows(dash_duo, selector: str) -> list[list[str]]:
    return [[cell.text for cell in row.find_elements(By.CSS_SELECTOR, "td")]
            for row in dash_duo.driver.find_elements(By.CSS_SELECTOR, f"{selector} tbody tr")]


def test_a_manager_drills_from_the_chart_to_the_records_and_downloads_the_cloud_table(
        dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    add_certificates(app)
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "manager0900", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    open_in_english(dash_duo, f"/stats/issuance?{YEAR}")

    # exact figures of 0900's subtree: 0901 has 1 + 2, 0903 has 1 + 3; Tianjin (0200) is not there
    dash_duo.wait_for_text_to_equal("#issuance-total", "7 certificates")
    rows = table_rows(dash_duo, "#issuance-table")
    assert [r[:4] for r in rows] == [["0901", "Dalian Gangwan Customs", "3", "3"],
                                     ["0903", "Jinpu Customs", "4", "4"]]
    assert "0200" not in dash_duo.find_element("#issuance-table").text

    # click 0903's bar: the page drills to it, the last level, and offers its certificates
    bars = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#issuance-chart .barlayer .point path")
    assert len(bars) == 2
    ActionChains(dash_duo.driver).move_to_element(bars[1]).click().perform()
    dash_duo.wait_for_contains_text("#issuance-crumbs", "Jinpu Customs")
    dash_duo.wait_for_contains_text("#issuance-records", "4 certificates of [0903] Jinpu Customs")
    link = dash_duo.find_element("#issuance-records a")
    assert link.get_attribute("href").endswith("/stats/certificates?district=0903&" + YEAR)

    # the breadcrumb leads back up to Dalian
    dash_duo.find_element("#issuance-crumbs button").click()
    dash_duo.wait_for_text_to_equal("#issuance-total", "7 certificates")
    assert len(table_rows(dash_duo, "#issuance-table")) == 2

    # down again, then to the records list
    bars = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#issuance-chart .barlayer .point path")
    ActionChains(dash_duo.driver).move_to_element(bars[0]).click().perform()
    dash_duo.wait_for_contains_text("#issuance-records", "3 certificates of [0901]")
    dash_duo.find_element("#issuance-records a").click()
    dash_duo.wait_for_element("#certq-grid")
    assert "/stats/certificates?district=0901" in dash_duo.driver.current_url

    # cloud-signing usage, by received date, downloaded as Excel
    open_in_english(dash_duo, "/stats/cloud-signing")
    dash_duo.wait_for_contains_text("#cloud-table", "Jinpu Customs")
    rows = table_rows(dash_duo, "#cloud-table")
    # approved in the period counts by issue date: the world's cloud-signed certificates of January too
    assert [r[:8] for r in rows] == [["0901", "Dalian Gangwan Customs", "2", "2", "3", "1", "2", "50.0%"],
                                     ["0903", "Jinpu Customs", "3", "1", "1", "1", "2", "33.3%"]]
    dash_duo.find_element("#cloud-xlsx").click()
    files = wait_for_download(Path(dash_duo.download_path), ".xlsx")
    sheet = load_workbook(files[0]).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert values[0][:7] == ["0901", "Dalian Gangwan Customs", 2, 2, 3, 1, 2]
    assert values[-1][1:7] == ["Total", 5, 3, 4, 2, 4]
    assert dash_duo.get_logs() == []


def wait_for_download(folder: Path, suffix: str, timeout: float = 15) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [p for p in folder.glob(f"*{suffix}")]
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} file downloaded into {folder}")
