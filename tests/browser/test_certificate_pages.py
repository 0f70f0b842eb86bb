"""The certificate page, the certificate PDF and print routes (scoped), and the issue journey in the browser."""
from __future__ import annotations

import re
from datetime import date

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from data.certificates.issuing import Issuer, issue
from data.core.db import transaction
from data.models import Blob, Certificate, CertificateApplication, CertificateShare, Event
from tests.browser.test_review import step
from tests.conftest import TEST_PASSWORD
from tests.service.test_issuing import approved_application, version_of
from tests.support import browser
from tests.support.world import ACCOUNTS, actor, page_text, render_page

ROLES = [None, *ACCOUNTS]


@pytest.fixture
def issued(app, users):
    """A cloud-signed and a paper certificate of enterprise A, issued by officer0901 through the real path."""
    issuer = Issuer.from_settings(app.server.config["CERTDASH_SETTINGS"])
    numbers = {}
    with transaction(app.server.extensions["certdash"].sessions) as s:
        for kind in ("cloud", "paper"):
            app_id = approved_application(s, users)
            numbers[kind] = issue(s, actor(s, "officer0901"), app_id, version=version_of(s, app_id), issuer=issuer,
                                  paper=kind == "paper").certificate_no
            s.commit()
    return numbers


PDF_ROUTE = {  # who gets enterprise A's certificate PDF (issued in 0901): status
    None: 401, "sysadmin": 200, "manager0900": 200, "manager0903": 404, "officer0901": 200,
    "ent_a_admin": 200, "ent_a_oper": 200, "ent_b_oper": 404, "overseas_ru": 404,
}


@pytest.mark.parametrize("account", ROLES)
def test_the_certificate_pdf_route_follows_the_scope(client_as, issued, account):
    response = client_as(account).get(f"/files/certificate/{issued['cloud']}.pdf")
    assert response.status_code == PDF_ROUTE[account]
    if response.status_code == 200:
        assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
        assert b"/ByteRange" in response.data  # the signed one
        assert response.headers["Content-Disposition"].startswith("inline")


def test_a_shared_certificate_reaches_its_overseas_user(app, users, client_as, issued):
    with transaction(app.server.extensions["certdash"].sessions) as s:
        cert = s.scalar(select(Certificate).where(Certificate.certificate_no == issued["cloud"]))
        s.add(CertificateShare(certificate_id=cert.id, user_id=users.user_ids["overseas_ru"]))
    assert client_as("overseas_ru").get(f"/files/certificate/{issued['cloud']}.pdf").status_code == 200


def test_download_asks_to_save(client_as, issued):
    response = client_as("ent_a_oper").get(f"/files/certificate/{issued['paper']}.pdf?download=1")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
    assert b"/ByteRange" not in response.data  # paper: unsigned


def token(client, number: str) -> str:
    """The session's form token, from the hidden input of the certificate page's print form."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("name") == "csrf" and isinstance(node.get("value"), str):
                found.append(node["value"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(render_page(client, "/certificates/view", f"?no={number}"))
    return found[0]


PRINT_ROUTE = {None: 401, "sysadmin": 403, "manager0900": 403, "manager0903": 403, "officer0901": 200,
               "ent_a_admin": 403, "ent_a_oper": 403, "ent_b_oper": 403, "overseas_ru": 403}


@pytest.mark.parametrize("account", ROLES)
def test_only_the_districts_officers_print_and_each_print_counts(app, client_as, issued, account):
    client = client_as(account)
    data = {"csrf": token(client, issued["paper"])} if account == "officer0901" else {"csrf": "x"}
    response = client.post(f"/files/certificate/{issued['paper']}/print", data=data)
    assert response.status_code == PRINT_ROUTE[account]
    with transaction(app.server.extensions["certdash"].sessions) as s:
        cert = s.scalar(select(Certificate).where(Certificate.certificate_no == issued["paper"]))
        assert cert.print_count == (1 if account == "officer0901" else 0)
        if account == "officer0901":
            assert response.data == s.get(Blob, cert.pdf_sha256).data


def test_a_print_needs_the_session_token_and_a_paper_certificate(client_as, issued):
    client = client_as("officer0901")
    assert client.post(f"/files/certificate/{issued['paper']}/print", data={"csrf": "forged"}).status_code == 400
    assert client.get(f"/files/certificate/{issued['paper']}/print").status_code in (404, 405)  # never counted
    refused = client.post(f"/files/certificate/{issued['cloud']}/print", data={"csrf": token(client, issued["paper"])})
    assert refused.status_code == 409


PAGE_SEES = {"sysadmin": True, "manager0900": True, "manager0903": False, "officer0901": True, "ent_a_admin": True,
             "ent_a_oper": True, "ent_b_oper": False}


@pytest.mark.parametrize("account,sees", PAGE_SEES.items())
def test_the_certificate_page_shows_only_certificates_in_scope(client_as, issued, account, sees):
    text = page_text(client_as(account), "/certificates/view", f"?no={issued['cloud']}")
    assert ('"certv-preview"' in text) == sees
    assert (issued["cloud"] in text) == sees
    assert ('"certv-replace"' in text) == (account == "officer0901")  # the change forms: the district's officers


def test_an_unknown_number_is_not_found(client_as, issued):
    text = page_text(client_as("officer0901"), "/certificates/view", "?no=nope")
    assert "certv-preview" not in text and "certv-content" in text


# --- browser journeys ---------------------------------------------------------------------------


def test_an_officer_approves_issues_and_sees_the_valid_certificate(dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    with transaction(app.server.extensions["certdash"].sessions) as s:
        application = s.query(CertificateApplication).filter_by(district_code="0901").one()
        application.status, application.certificate_no = "under_review", None
        app_id = application.id
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "officer0901", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    dash_duo.driver.get(f"{dash_duo.server_url}/applications/view?id={app_id}")
    step(dash_duo, "approve")
    dash_duo.wait_for_contains_text("#appv-content", "审核通过")
    step(dash_duo, "issue")
    # a legal act: the dialog names what is signed and asks for the signer's password
    dash_duo.wait_for_contains_text("#appv-sign-summary", "兽医卫生证书")
    dash_duo.find_element("#appv-sign-password").send_keys("not-my-password")
    browser.click(dash_duo, dash_duo.find_element("#appv-sign-confirm"))
    dash_duo.wait_for_contains_text("#appv-sign-error", "密码不正确")
    dash_duo.find_element("#appv-sign-password").send_keys(TEST_PASSWORD)
    browser.click(dash_duo, dash_duo.find_element("#appv-sign-confirm"))
    dash_duo.wait_for_contains_text("#appv-content", "已签发")
    link = dash_duo.wait_for_element("#appv-content a[href^='/certificates/view']")
    number = link.text
    assert re.fullmatch(r"09012614\d{7}", number)
    link.click()
    dash_duo.wait_for_contains_text("#certv-status", "有效")
    assert dash_duo.find_element("#certv-preview").get_attribute("src").endswith(f"/files/certificate/{number}.pdf")
    with transaction(app.server.extensions["certdash"].sessions) as s:
        cert = s.scalar(select(Certificate).where(Certificate.certificate_no == number))
        assert cert.signing_method == "cloud" and cert.pdf_sha256 and cert.status == "valid"
        assert s.scalar(select(Event.code).where(Event.object_type == "certificate",
                                                 Event.object_id == str(cert.id))) == "cert.issued"
        signing = list(s.scalars(select(Event.code).where(Event.code.like("cert.sign_%")).order_by(Event.id)))
        assert signing == ["cert.sign_refused", "cert.sign_confirmed"]  # both audited
    assert dash_duo.get_logs() == []


def open_changeable_certificate(dash_duo, sqlite_template, tmp_path):
    """officer0901 on the page of the world's certificate TEST0000, issued today (so it may still be changed)."""
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    with transaction(app.server.extensions["certdash"].sessions) as s:  # recent enough to be changed
        s.scalar(select(Certificate).where(Certificate.certificate_no == "TEST0000")).issue_date = date.today()
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "officer0901", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    dash_duo.driver.get(f"{dash_duo.server_url}/certificates/view?no=TEST0000")
    dash_duo.wait_for_contains_text("#certv-status", "有效")
    return app


def test_an_officer_withdraws_a_certificate_from_its_page(dash_duo, sqlite_template, tmp_path):
    open_changeable_certificate(dash_duo, sqlite_template, tmp_path)
    dash_duo.find_element("#certv-reason").send_keys("货物未出运")
    browser.click(dash_duo, dash_duo.find_element("#certv-withdraw button"))
    WebDriverWait(dash_duo.driver, 10).until(expected_conditions.alert_is_present())
    dash_duo.driver.switch_to.alert.accept()
    dash_duo.wait_for_contains_text("#certv-status", "已撤回")
    dash_duo.wait_for_contains_text("#certv-status", "货物未出运")
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, "#certv-reason") == []  # final: no more forms
    assert dash_duo.get_logs() == []


def test_an_officer_replaces_a_certificate_after_confirming_the_signature(dash_duo, sqlite_template, tmp_path):
    """A replacement is a new signed certificate: the reason is checked where it is typed (kept, marked, focused),
    then the signing dialog names what is signed and asks for the signer's password."""
    app = open_changeable_certificate(dash_duo, sqlite_template, tmp_path)
    dash_duo.find_element("#certv-reason").send_keys("改")
    browser.click(dash_duo, dash_duo.find_element("#certv-replace"))
    dash_duo.wait_for_contains_text("#certv-reason-error", "原因太短")
    reason = dash_duo.find_element("#certv-reason")
    assert "is-invalid" in reason.get_attribute("class") and reason.get_attribute("value") == "改"
    assert dash_duo.driver.switch_to.active_element == reason
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, ".modal.show")  # no signing before a valid reason
    reason.send_keys("正品名称")
    browser.click(dash_duo, dash_duo.find_element("#certv-replace"))
    dash_duo.wait_for_contains_text("#certv-sign-summary", "TEST0000")
    assert "改正品名称" in dash_duo.find_element("#certv-sign-summary").text
    dash_duo.find_element("#certv-sign-password").send_keys(TEST_PASSWORD)
    browser.click(dash_duo, dash_duo.find_element("#certv-sign-confirm"))
    dash_duo.wait_for_contains_text("#certv-message", "已换发新证书", timeout=30)
    dash_duo.wait_for_contains_text("#certv-status", "已替换")
    with transaction(app.server.extensions["certdash"].sessions) as s:
        old = s.scalar(select(Certificate).where(Certificate.certificate_no == "TEST0000"))
        new = s.scalar(select(Certificate).where(Certificate.replaces_id == old.id))
        assert old.status == "replaced" and old.status_reason == "改正品名称" and new.status == "valid"
        what = s.scalar(select(Event.details).where(Event.code == "cert.sign_confirmed"))["what"]
    assert what == {"act": "replace", "certificate_no": "TEST0000", "paper": new.signing_method == "paper"}
    assert dash_duo.get_logs() == []


def test_an_officer_issues_a_batch_in_the_background(dash_duo, sqlite_template, tmp_path):
    from types import SimpleNamespace

    from data.models import Enterprise

    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    with transaction(app.server.extensions["certdash"].sessions) as s:
        world = SimpleNamespace(enterprise_ids={"A": s.scalar(select(Enterprise.id).where(Enterprise.name_zh == "企业A"))})
        ids = [approved_application(s, world) for _ in range(3)]
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "officer0901", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    dash_duo.driver.get(f"{dash_duo.server_url}/certificates/issue")
    dash_duo.wait_for_contains_text("#certi-total", "3")
    boxes = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#certi-table .ag-row .ag-checkbox-input")
    for box in boxes[:2]:
        browser.click(dash_duo, box)
    browser.click(dash_duo, dash_duo.find_element("#certi-sign-selected"))
    dash_duo.wait_for_contains_text("#certi-sign-summary", "2")
    dash_duo.find_element("#certi-sign-password").send_keys(TEST_PASSWORD)
    browser.click(dash_duo, dash_duo.find_element("#certi-sign-confirm"))
    dash_duo.wait_for_element("#certi-issued", timeout=60)
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#certi-issued li")) == 2
    dash_duo.wait_for_contains_text("#certi-total", "1")  # the list reloads: one left
    with transaction(app.server.extensions["certdash"].sessions) as s:
        statuses = sorted(s.get(CertificateApplication, i).status for i in ids)
    assert statuses == ["approved", "issued", "issued"]
    assert dash_duo.get_logs() == []
