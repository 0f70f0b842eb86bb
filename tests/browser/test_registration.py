"""Journey in the browser: an enterprise registers, an administrator approves it, its first sign-in."""
from __future__ import annotations

import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.conftest import TEST_PASSWORD
from tests.support import browser
from tests.support.registration_data import credit_code, png_bytes

FIELDS = {
    "province": "辽宁省", "city": "大连市", "name_zh": "大连海晟水产有限公司", "address_zh": "大连市甘井子区海港路 8 号",
    "account": "HaiSheng01", "real_name": "王海", "password": "Harbour2026", "password_confirm": "Harbour2026",
    "email": "wang@example.com", "fax": "0411-82730001", "phone": "0411-82730000", "mobile": "13800000000",
}


def fill(dash_duo, name: str, value: str) -> None:
    element = browser.by_dict_id(dash_duo, name=name, type="reg-field")
    element.clear()
    element.send_keys(value)


def error_text(dash_duo, name: str) -> str:
    return browser.by_dict_id(dash_duo, name=name, type="reg-error").text


def test_register_review_and_first_sign_in(dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    dash_duo.start_server(app)
    dash_duo.wait_for_element("#login-register").click()
    dash_duo.wait_for_element("#reg-submit")

    # a first attempt with a mistyped credit code and no scan: each error next to its field
    for name, value in FIELDS.items():
        fill(dash_duo, name, value)
    good_code = credit_code(42)
    fill(dash_duo, "credit_code", good_code[:-1] + ("1" if good_code[-1] != "1" else "2"))
    browser.click(dash_duo, dash_duo.driver.find_element(By.XPATH, "//label[text()='货主']"))
    browser.click(dash_duo, dash_duo.find_element("#reg-submit"))
    dash_duo.wait_for_contains_text("#reg-summary", "需要修改")
    assert "校验码" in error_text(dash_duo, "credit_code")
    assert "请上传" in error_text(dash_duo, "attachment.credit_certificate")
    assert error_text(dash_duo, "name_zh") == ""

    # a file that is not an image is refused at once, in the browser
    fake = tmp_path / "licence.png"
    fake.write_bytes(b"MZ this is a program, not a picture")
    uploads = dash_duo.driver.find_elements(By.CSS_SELECTOR, "input[type=file]")
    uploads[0].send_keys(str(fake))
    dash_duo.wait_for_contains_text(browser_selector("reg-upload-status", "credit_certificate"), "只接受")

    scan = tmp_path / "执照.png"
    scan.write_bytes(png_bytes())
    uploads[0].send_keys(str(scan))
    dash_duo.wait_for_contains_text(browser_selector("reg-upload-status", "credit_certificate"), "已添加")
    fill(dash_duo, "credit_code", good_code)
    browser.click(dash_duo, dash_duo.find_element("#reg-submit"))
    dash_duo.wait_for_contains_text("#reg-success", "正在等待审核")
    assert dash_duo.get_logs() == []

    # before review the account cannot sign in, and says why
    dash_duo.driver.get(dash_duo.server_url + "/login")
    browser.sign_in(dash_duo, "haisheng01", "Harbour2026")
    dash_duo.wait_for_contains_text("#login-error", "正在等待审核")

    # the administrator approves it
    browser.sign_in_fresh(dash_duo, "sysadmin", TEST_PASSWORD)
    dash_duo.driver.get(dash_duo.server_url + "/admin/registrations")
    dash_duo.wait_for_contains_text("#regrev-queue", "大连海晟水产有限公司")
    browser.click(dash_duo, dash_duo.driver.find_element(By.CSS_SELECTOR, "#regrev-queue button"))
    browser.click(dash_duo, dash_duo.wait_for_element("#regrev-approve"))
    dash_duo.wait_for_contains_text("#regrev-message", "请选择主管海关")
    Select(dash_duo.find_element("#regrev-district")).select_by_value("0901")
    browser.click(dash_duo, dash_duo.find_element("#regrev-approve"))
    dash_duo.wait_for_contains_text("#regrev-message", "已审核通过")
    dash_duo.wait_for_contains_text("#regrev-queue", "暂无待审核")
    assert dash_duo.get_logs() == []

    # first sign-in of the new enterprise administrator
    browser.sign_out(dash_duo)
    browser.sign_in(dash_duo, "HAISHENG01", "Harbour2026")
    dash_duo.wait_for_contains_text("#shell-user", "王海")
    dash_duo.wait_for_contains_text("#home-counts", "0")
    assert dash_duo.get_logs() == []

    # the applicant was written to twice: received, then approved (the embedded default's outbox folder)
    outbox = tmp_path / "instance" / "outbox"
    deadline = time.monotonic() + 10
    while len(list(outbox.glob("*.eml"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    mails = sorted(p.read_text() for p in outbox.glob("*.eml"))
    assert len(mails) == 2 and all("To: wang@example.com" in m for m in mails)
    assert any("Registration approved" in m for m in mails)


def browser_selector(kind: str, name: str) -> str:
    """CSS selector of a pattern-matching id (quotes escaped for the attribute selector)."""
    return f"[id='{browser.dict_id(name=name, type=kind)}']"
