"""A district manager in the explorer, in Chromium without any network: the world map drawn from the geometry
the app serves, a country clicked to filter by it, destinations by type compared with the period before, a
cell opened as its certificates, a view saved and shared, and a colleague opening it by name."""
from __future__ import annotations

from datetime import date, datetime, timezone
from urllib.parse import quote

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from sqlalchemy import select

from data.models import Certificate, CertificateApplication, DictEntry, User
from tests.conftest import TEST_PASSWORD
from tests.support import browser

# (district, destination, issue day) of the certificates added to the world's one per district
ADDED = (("0901", "JP", date(2026, 3, 10)), ("0901", "JP", date(2026, 3, 12)), ("0903", "KR", date(2026, 3, 11)),
         ("0903", "JP", date(2026, 2, 11)), ("0903", "US", date(2026, 3, 20)), ("0200", "JP", date(2026, 3, 5)))
VIEW = "/stats/explorer?rows=dest&chart=map&date_from=2026-03-01&date_to=2026-03-31"


def add_certificates(app) -> None:
    with app.server.extensions["certdash"].sessions() as s:
        known = set(s.scalars(select(DictEntry.code).where(DictEntry.dictionary == "country")))
        for code, zh, en in (("JP", "日本", "Japan"), ("KR", "韩国", "Korea, Republic of"),
                             ("US", "美国", "United States")):
            if code not in known:
                s.add(DictEntry(dictionary="country", code=code, name_zh=zh, name_en=en))
        model = s.scalar(select(User).where(User.account == "manager0900"))
        s.add(User(account="manager0900b", password_hash=model.password_hash, real_name="Wang", role="manager",
                   district_code="0900"))
        apps = {a.district_code: a for a in s.scalars(select(CertificateApplication))}
        for n, (district, dest, day) in enumerate(ADDED):
            a = apps[district]
            s.add(Certificate(certificate_no=f"X{n:04d}", application_id=a.id, enterprise_id=a.enterprise_id,
                              district_code=district, cert_type_code="14", entry_method="blank", dest_country=dest,
                              issue_place="大连", issue_date=day, issued_at=datetime.combine(
                                  day, datetime.min.time(), timezone.utc), received_date=day,
                              signing_method="cloud" if n % 2 else "paper", print_count=0, verify_token=f"x{n}"))
        s.commit()


def open_in_english(dash_duo, path: str) -> None:
    dash_duo.driver.get(f"{dash_duo.server_url}/lang/en?next={quote(path)}")


def test_a_manager_explores_destinations_on_the_map_and_saves_the_view(dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    add_certificates(app)
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "manager0900", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    open_in_english(dash_duo, VIEW)

    # the map is drawn from the app's own geometry (the browser reaches no CDN): countries are paths
    dash_duo.wait_for_contains_text("#explorer-summary", "Certificates, ")
    dash_duo.wait_for_contains_text("#explorer-summary", ": 4")  # March, 0900's subtree: JP 2, KR 1, US 1
    dash_duo.wait_for_element("#explorer-graph .choroplethlayer path.choroplethlocation")
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#explorer-graph .choroplethlocation")) == 3
    borders = dash_duo.find_element("#explorer-graph .geo .countries path").get_attribute("d")
    assert len(borders) > 10_000  # every country's border, from world_110m.json
    rows = [r.text for r in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#explorer-table tbody tr")]
    assert rows[0].startswith("Japan (JP)") and rows[0].endswith("2") and rows[-1] == "Total 4"

    # a country clicked becomes the destination filter (Korea: compact, its middle is on land)
    korea = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#explorer-graph .choroplethlocation")[1]
    ActionChains(dash_duo.driver).move_to_element(korea).click().perform()
    dash_duo.wait_for_contains_text("#explorer-dest", "Korea")
    dash_duo.wait_for_contains_text("#explorer-summary", ": 1")

    # destinations by district, compared with the period before: February's one certificate to Japan
    open_in_english(dash_duo, "/stats/explorer?rows=district&columns=dest&compare=previous"
                              "&date_from=2026-03-01&date_to=2026-03-31")
    dash_duo.wait_for_contains_text("#explorer-summary", "compared with")
    table = dash_duo.find_element("#explorer-table").text
    assert "[0903] Jinpu Customs" in table and "0200" not in table and "▲" in table
    link = dash_duo.find_element("#explorer-table tbody tr a")
    href = link.get_attribute("href")
    assert "/stats/certificates?" in href and "issue_from=2026-03-01" in href and "district=" in href

    # saved and shared; a colleague of the district opens it by name
    dash_duo.find_element("#explorer-view-name").send_keys("March by district")
    dash_duo.find_element("#explorer-view-shared").click()
    dash_duo.find_element("#explorer-view-save").click()
    dash_duo.wait_for_contains_text("#explorer-view-message", "Saved “March by district”")
    browser.sign_in_fresh(dash_duo, "manager0900b", TEST_PASSWORD)
    open_in_english(dash_duo, "/stats/explorer")
    dash_duo.wait_for_element("#explorer-views")
    browser.choose(dash_duo, dash_duo.find_element("#explorer-views"), "March by district")
    dash_duo.wait_for_contains_text("#explorer-summary", "compared with")
    dash_duo.wait_for_contains_text("#explorer-table", "Jinpu Customs")
    assert dash_duo.find_element("#explorer-view-name").get_attribute("value") == "March by district"
    assert dash_duo.get_logs() == [] or all("favicon" in str(entry) for entry in dash_duo.get_logs())
