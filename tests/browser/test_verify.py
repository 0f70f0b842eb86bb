"""Journeys in the browser: anyone verifies a certificate from its QR code address and reads the answer in
Chinese, English and Russian; an overseas user finds a certificate shared with them in their language."""
from __future__ import annotations

from selenium.webdriver.common.keys import Keys
from sqlalchemy import select

from data.certificates.content import verification_code
from data.core.db import transaction
from data.models import ApplicationGoods, Certificate, CertificateApplication, CertificateShare, User
from tests.browser.test_certificate_preview import fetched
from tests.conftest import TEST_PASSWORD
from tests.support import browser


def test_anyone_verifies_from_the_qr_code_address_in_their_language(dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    dash_duo.start_server(app)
    qr_address = f"{dash_duo.server_url}/verify/TEST0000?t=tok0"
    dash_duo.driver.get(qr_address)
    dash_duo.wait_for_text_to_equal("#ver-status", "有效", timeout=20)  # signed on this first request: a moment
    assert dash_duo.find_element("#ver-number").text == "TEST0000"
    assert "✓" in dash_duo.find_element("#ver-signature").text
    assert dash_duo.driver.current_url == qr_address

    dash_duo.find_element("#shell-public-lang-en").click()  # back to the same address, now in English
    dash_duo.wait_for_text_to_equal("#ver-status", "Valid")
    assert dash_duo.driver.current_url == qr_address
    assert "The electronic signature is intact" in dash_duo.find_element("#ver-signature").text

    dash_duo.find_element("#shell-public-lang-ru").click()
    dash_duo.wait_for_text_to_equal("#ver-status", "Действителен")
    assert dash_duo.find_element("#ver-number").text == "TEST0000"

    dash_duo.driver.get(f"{dash_duo.server_url}/verify/TEST0000?t=wrong")
    dash_duo.wait_for_element("#ver-not-found")
    assert "TEST0000" not in dash_duo.find_element("#ver-result").text

    # a paper certificate in hand: its number, and the code printed beside the QR code, typed as people do
    dash_duo.driver.get(f"{dash_duo.server_url}/verify")
    dash_duo.wait_for_element("#ver-typed-number").send_keys("TEST 0000")
    dash_duo.find_element("#ver-typed-code").send_keys(verification_code("tok0").lower() + Keys.ENTER)
    dash_duo.wait_for_text_to_equal("#ver-status", "Действителен")
    dash_duo.find_element("#ver-typed-code").send_keys(Keys.BACKSPACE + "Z")
    dash_duo.find_element("#ver-typed-submit").click()
    dash_duo.wait_for_element("#ver-not-found")
    assert dash_duo.get_logs() == []


def test_an_overseas_user_finds_a_shared_certificate_in_russian(dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    with transaction(app.server.extensions["certdash"].sessions) as s:
        user = s.scalar(select(User).where(User.account == "overseas_ru"))
        user.language = "ru"
        cert = s.scalar(select(Certificate).where(Certificate.certificate_no == "TEST0000"))
        s.add(CertificateShare(certificate_id=cert.id, user_id=user.id))
        # what an SPS certificate must name (the world's certificates are bare): the importer and the goods
        s.get(CertificateApplication, cert.application_id).dest_country = "RU"
        s.add(ApplicationGoods(application_id=cert.application_id, seq=1, hs_code="0303630000", name_zh="冷冻鳕鱼",
                               name_en="FROZEN COD"))
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "overseas_ru", TEST_PASSWORD)
    search = dash_duo.wait_for_element("#ovs-search")
    dash_duo.wait_for_contains_text("#ovs-results", "TEST0000")
    search.send_keys("TEST0000\n")  # one match: it opens
    dash_duo.wait_for_contains_text("#ovs-detail-title", "Ветеринарный (санитарный) сертификат")
    assert "Действителен" in dash_duo.find_element("#ovs-detail-title").text
    assert dash_duo.find_element("#ovs-download-pdf").text == "Скачать PDF" or \
        dash_duo.find_element("#ovs-download-pdf").text == "Download PDF"  # until the catalogs are merged
    preview = dash_duo.find_element("#ovs-preview").get_attribute("src")
    assert preview == f"{dash_duo.server_url}/files/certificate/TEST0000.pdf"
    assert fetched(dash_duo, preview)[:2] == [200, "application/pdf"]
    xml = dash_duo.find_element("#ovs-download-xml").get_attribute("href")
    assert xml == f"{dash_duo.server_url}/api/v1/certificates/TEST0000/sps.xml"
    status, media_type, disposition, start = fetched(dash_duo, xml)
    assert (status, media_type.split(";")[0], start) == (200, "application/xml", "<?xml")
    assert disposition.startswith("attachment;")
    assert dash_duo.get_logs() == []
    assert fetched(dash_duo, f"{dash_duo.server_url}/files/certificate/TEST0001.pdf")[0] == 404  # not shared
