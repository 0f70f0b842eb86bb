"""Browser journeys in headless Chromium (dash_duo): sign-in, role menus, language, no console errors."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.conftest import TEST_PASSWORD
from tests.support import browser
from tests.support.world import ACCOUNTS

# the menu each role sees, in the user's language (Chinese by default)
EXPECTED_MENUS = {
    "admin": ["首页", "企业台账", "参考数据",
              ("统计查询", ["发证信息查询", "统计分析", "证书查询", "云签发应用情况", "趋势分析"]),
              ("系统管理", ["注册审核", "用户管理", "角色与权限", "组织机构", "统计目标", "IC 卡管理", "审计日志",
                        "字典管理", "单证格式", "通知管理", "系统参数"])],
    "manager": ["首页", "参考数据", ("统计查询", ["发证信息查询", "统计分析", "证书查询", "云签发应用情况", "趋势分析"])],
    "officer": ["首页", "报检单", "证书申请", "证书签发", "入境证书", "参考数据"],
    "enterprise_admin": ["首页", "报检单", "证书申请", "证稿模板", "企业台账", "参考数据",
                         ("企业设置", ["收发货人维护", "默认信息设置", "货物导入配置", "通信账号", "海外用户"])],
    "enterprise": ["首页", "报检单", "证书申请", "证稿模板", "企业台账", "参考数据",
                   ("企业设置", ["收发货人维护", "默认信息设置", "货物导入配置"])],
    "overseas": ["Overseas portal"],  # the test overseas user reads English
}
ONE_ACCOUNT_PER_ROLE = {role: account for account, (role, _e, _d) in reversed(list(ACCOUNTS.items()))}


@pytest.fixture
def live_app(sqlite_template, tmp_path):
    return browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)


def sign_in(dash_duo, account: str, password: str = TEST_PASSWORD) -> None:
    browser.sign_in(dash_duo, account, password)


def menu_texts(dash_duo) -> list:
    return browser.menu(dash_duo)


@pytest.mark.parametrize("role", list(EXPECTED_MENUS))
def test_each_role_signs_in_and_sees_its_own_menu(dash_duo, live_app, role):
    account = ONE_ACCOUNT_PER_ROLE[role]
    dash_duo.start_server(live_app)
    dash_duo.wait_for_text_to_equal("#login-submit", "登录")
    sign_in(dash_duo, account)
    dash_duo.wait_for_contains_text("#shell-user", account)
    assert menu_texts(dash_duo) == EXPECTED_MENUS[role]
    assert dash_duo.get_logs() == []


def test_wrong_password_shows_the_reason_and_keeps_the_user_out(dash_duo, live_app):
    dash_duo.start_server(live_app)
    sign_in(dash_duo, "ent_a_oper", "not-the-password")
    dash_duo.wait_for_contains_text("#login-error", "账号或密码错误")
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, "#shell-menu") == []
    assert dash_duo.get_logs() == []


def test_deep_link_returns_after_sign_in_and_english_switch(dash_duo, live_app):
    dash_duo.start_server(live_app)
    dash_duo.driver.get(dash_duo.server_url + "/reference")
    sign_in(dash_duo, "officer0901")
    dash_duo.wait_for_contains_text("#ref-total", "条")
    assert dash_duo.driver.current_url.endswith("/reference")
    dash_duo.find_element("#shell-language button").click()
    dash_duo.wait_for_element("#shell-language-en").click()
    dash_duo.wait_for_contains_text("#ref-total", "entries")
    assert dash_duo.driver.current_url.endswith("/reference")
    assert menu_texts(dash_duo) == ["Home", "Declarations", "Applications", "Issue certificates",
                                    "Inbound certificates", "Reference data"]
    assert dash_duo.get_logs() == []


def test_forbidden_and_missing_pages_render_in_the_shell(dash_duo, live_app):
    dash_duo.start_server(live_app)
    sign_in(dash_duo, "overseas_ru")
    dash_duo.wait_for_element("#shell-menu")
    dash_duo.driver.get(dash_duo.server_url + "/reference")
    dash_duo.wait_for_contains_text("#error-title", "403")
    dash_duo.driver.get(dash_duo.server_url + "/nowhere")
    dash_duo.wait_for_contains_text("#error-title", "404")
