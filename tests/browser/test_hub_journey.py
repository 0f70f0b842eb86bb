"""The hub in the browser: an officer issues a certificate for a country that takes certificates by the ePhyto Hub
and follows it to "delivered" on its page; a certificate a foreign country sent through the hub comes in, and the
officer finds it among the inbound certificates, links it to its entry declaration, and uploads one by hand."""
from __future__ import annotations

from datetime import date

from selenium.webdriver.common.by import By
from sqlalchemy import select

from data.core.db import transaction
from data.exchange.node import run_cycle, track_pending
from data.models import Declaration, DictEntry, Enterprise, HubEnvelope, as_utc
from tests.conftest import TEST_PASSWORD
from tests.service.test_issuing import approved_application
from tests.support import browser
from tests.support.certificate_samples import foreign

pytest_plugins = ["tests.support.hub_fixtures"]


def test_an_officer_follows_a_certificate_to_the_importing_country_and_links_one_that_came_in(
        dash_duo, sqlite_template, tmp_path, hub, node):
    from types import SimpleNamespace

    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    sessions = app.server.extensions["certdash"].sessions
    with transaction(sessions) as s:
        s.merge(DictEntry(dictionary="country", code="RU", name_zh="俄罗斯", name_en="Russia",
                          extra={"hub_exchange": "all"}))
        enterprise = s.scalar(select(Enterprise.id).where(Enterprise.name_zh == "企业A"))
        approved_application(s, SimpleNamespace(enterprise_ids={"A": enterprise}))
        s.add(Declaration(direction="entry", inspection_no="109000000000777", enterprise_id=enterprise,
                          district_code="0901", status="sent", consignee_zh="大连海盛水产有限公司",
                          consignee_en="KOREA SEAFOOD INC.", origin_country="KR", inspection_date=date(2026, 12, 1)))
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "officer0901", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")

    # issue it in the browser; the node's round delivers it; the page says where it stands
    dash_duo.driver.get(f"{dash_duo.server_url}/certificates/issue")
    dash_duo.wait_for_contains_text("#certi-total", "1")
    browser.click(dash_duo, dash_duo.find_element("#certi-table .ag-row .ag-checkbox-input"))
    browser.click(dash_duo, dash_duo.find_element("#certi-sign-selected"))
    dash_duo.wait_for_element("#certi-sign-password").send_keys(TEST_PASSWORD)
    browser.click(dash_duo, dash_duo.find_element("#certi-sign-confirm"))
    dash_duo.wait_for_element("#certi-issued li", timeout=60)
    number = dash_duo.find_element("#certi-issued li").text.split()[0]
    hub.offer(foreign("KR2026-000777"), sender="KR", certificate_no="KR2026-000777", certificate_type=853)
    with sessions() as s:
        report = run_cycle(s, node)
        assert (report.sent, report.stored) == (1, 1), report
        envelope = s.scalar(select(HubEnvelope))
        track_pending(s, node, now=as_utc(envelope.next_attempt_at))
    dash_duo.driver.get(f"{dash_duo.server_url}/certificates/view?no={number}")
    dash_duo.wait_for_contains_text("#certv-deliveries", "已投递")
    assert "俄罗斯" in dash_duo.find_element("#certv-deliveries").text

    # the certificate that came in: on the home page, in the list, proposed for its declaration, linked
    dash_duo.driver.get(f"{dash_duo.server_url}/")
    dash_duo.wait_for_contains_text("#home-tasks", "未匹配报检单的入境证书")
    dash_duo.driver.get(f"{dash_duo.server_url}/inbound")
    dash_duo.wait_for_contains_text("#inb-table", "KR2026-000777")
    browser.click(dash_duo, dash_duo.driver.find_element(By.LINK_TEXT, "KR2026-000777"))
    dash_duo.wait_for_contains_text("#inbv-content", "109000000000777")
    browser.click(dash_duo, dash_duo.driver.find_element(By.CSS_SELECTOR, "#inbv-content button.btn-outline-primary"))
    dash_duo.wait_for_contains_text("#inbv-content", "已匹配入境报检单 109000000000777")

    # one that came by mail, uploaded by hand; a broken one refused with its reasons
    upload_dir = tmp_path / "mail"
    upload_dir.mkdir()
    good, bad = upload_dir / "kr-000778.xml", upload_dir / "broken.xml"
    good.write_bytes(foreign("KR2026-000778"))
    bad.write_bytes(b"<rsm:SPSCertificate xmlns:rsm='urn:un:unece:uncefact:data:standard:SPSCertificate:17'/>")
    dash_duo.driver.get(f"{dash_duo.server_url}/inbound")
    field = dash_duo.wait_for_element("#inb-upload input[type=file]")
    field.send_keys(str(bad))
    dash_duo.wait_for_contains_text("#inb-upload-result", "文件未被接收")
    field = dash_duo.find_element("#inb-upload input[type=file]")
    field.send_keys(str(good))
    dash_duo.wait_for_contains_text("#inb-upload-result", "KR2026-000778")
    assert dash_duo.get_logs() == []
