"""Journey in the browser: an enterprise administrator adds an overseas user, who signs in in Russian."""
from __future__ import annotations

from selenium.webdriver.support.ui import Select

from data.core.db import transaction
from data.models import DictEntry
from tests.conftest import TEST_PASSWORD
from tests.support import browser


def field(dash_duo, name):
    return browser.by_dict_id(dash_duo, name=name, type="ovu-field")


def test_add_an_overseas_user_who_reads_the_portal_in_russian(dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    with transaction(app.server.extensions["certdash"].sessions) as s:
        s.add(DictEntry(dictionary="country", code="RU", name_zh="俄罗斯联邦", name_en="Russian Federation"))
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, "ent_a_admin", TEST_PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    dash_duo.driver.get(dash_duo.server_url + "/enterprise/overseas-users")
    dash_duo.wait_for_element("#ovu-save")
    for name, value in (("account", "rsn_moscow"), ("real_name", "Ivan Petrov"),
                        ("organisation", "Rosselkhoznadzor"), ("password", "Moscow2026x"),
                        ("password_confirm", "Moscow2026y")):
        field(dash_duo, name).send_keys(value)
    Select(field(dash_duo, "country")).select_by_value("RU")
    Select(field(dash_duo, "language")).select_by_value("ru")
    browser.click(dash_duo, dash_duo.find_element("#ovu-save"))
    dash_duo.wait_for_text_to_equal(f"[id='{browser.dict_id(name='password_confirm', type='ovu-error')}']",
                                    "两次输入的密码不一致。")
    field(dash_duo, "password_confirm").clear()
    field(dash_duo, "password_confirm").send_keys("Moscow2026x")
    browser.click(dash_duo, dash_duo.find_element("#ovu-save"))
    dash_duo.wait_for_contains_text("#ovu-message", "海外用户已创建")
    dash_duo.wait_for_contains_text("#ovu-table", "rsn_moscow")
    assert dash_duo.get_logs() == []

    browser.sign_out(dash_duo)
    browser.sign_in(dash_duo, "rsn_moscow", "Moscow2026x")
    dash_duo.wait_for_element("#ovs-search")
    assert dash_duo.driver.current_url.endswith("/overseas")
    dash_duo.wait_for_contains_text("#shell-logout", "Выйти")
    dash_duo.wait_for_contains_text("#ovs-results", "не предоставлено ни одного сертификата")
    assert dash_duo.get_logs() == []
