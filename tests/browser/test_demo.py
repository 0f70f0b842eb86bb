"""Each demo role signs in on a generated demo store, sees its own menu, and the console stays clean."""
from __future__ import annotations

import pytest

from auth.passwords import hash_password
from dashboard.cli import load_reference_data
from data.demo import DEMO_ACCOUNTS, generate
from tests.support import browser

PASSWORD = "Demo-browser-2026"
# one demo account per role, and the menu it must see (in its own language)
MENUS = {
    "sysadmin": ["首页", "企业台账", "参考数据",
                 ("统计查询", ["发证信息查询", "统计分析", "证书查询", "云签发应用情况", "趋势分析"]),
                 ("系统管理", ["注册审核", "用户管理", "角色与权限", "组织机构", "统计目标", "IC 卡管理", "审计日志",
                           "字典管理", "单证格式", "通知管理", "系统参数"])],
    "manager0900": ["首页", "参考数据", ("统计查询", ["发证信息查询", "统计分析", "证书查询", "云签发应用情况", "趋势分析"])],
    "officer0901": ["首页", "报检单", "证书申请", "证书签发", "入境证书", "参考数据"],
    "ent1_admin": ["首页", "报检单", "证书申请", "证稿模板", "企业台账", "参考数据",
                   ("企业设置", ["收发货人维护", "默认信息设置", "货物导入配置", "通信账号", "海外用户"])],
    "ent1_oper": ["首页", "报检单", "证书申请", "证稿模板", "企业台账", "参考数据",
                   ("企业设置", ["收发货人维护", "默认信息设置", "货物导入配置"])],
    "overseas_ru": ["Портал для зарубежных пользователей"],
}


def test_the_accounts_below_cover_every_demo_role():
    roles = {a.account: a.role for a in DEMO_ACCOUNTS}
    assert {roles[account] for account in MENUS} == set(roles.values())


@pytest.mark.parametrize("account", list(MENUS))
def test_demo_account_signs_in_and_sees_its_menu(dash_duo, sqlite_template, tmp_path, account):
    app = browser.live_app(sqlite_template, tmp_path)
    store = app.server.extensions["certdash"]
    load_reference_data(store)
    generate(store.engine, certificates=300, seed=5, password_hash=hash_password(PASSWORD))
    dash_duo.start_server(app)
    browser.sign_in(dash_duo, account, PASSWORD)
    dash_duo.wait_for_element("#shell-menu")
    assert browser.menu(dash_duo) == MENUS[account]
    if "首页" in MENUS[account]:
        dash_duo.wait_for_element("#home-counts")
    assert dash_duo.get_logs() == []
