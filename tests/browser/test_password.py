"""Journey in the browser: forgotten password, the e-mailed link, a new password, sign-in."""
from __future__ import annotations

import email
import email.policy
import re
import time

from sqlalchemy import update

from data.core.db import transaction
from data.models import User
from tests.conftest import TEST_PASSWORD
from tests.support import browser

PORT = 8064


def test_forgotten_password_by_mail(dash_duo, sqlite_template, tmp_path):
    app = browser.live_app(sqlite_template, tmp_path, TEST_PASSWORD)
    browser.with_settings(app, public_url=f"http://localhost:{PORT}")
    with transaction(app.server.extensions["certdash"].sessions) as s:
        s.execute(update(User).where(User.account == "officer0901").values(email="officer@example.com"))
    dash_duo.start_server(app, port=PORT)
    dash_duo.wait_for_element("#login-forgot").click()
    dash_duo.wait_for_element("#pwf-account").send_keys("officer0901")
    dash_duo.find_element("#pwf-submit").click()
    dash_duo.wait_for_contains_text("#pwf-message", "链接")

    outbox = tmp_path / "instance" / "outbox"
    deadline = time.monotonic() + 10
    while not list(outbox.glob("*.eml")) and time.monotonic() < deadline:
        time.sleep(0.1)
    mail = email.message_from_bytes(next(outbox.glob("*.eml")).read_bytes(), policy=email.policy.default)
    body = mail.get_content()
    link = re.search(r"(http://localhost:\d+/password/reset\?token=[\w-]+)", body).group(1)

    dash_duo.driver.get(link)
    dash_duo.wait_for_element("#pwr-new").send_keys("Customs2026")
    dash_duo.find_element("#pwr-confirm").send_keys("Customs2026")
    dash_duo.find_element("#pwr-submit").click()
    dash_duo.wait_for_contains_text("#pwr-message", "新密码已保存")
    dash_duo.find_element("#pwr-login").click()
    browser.sign_in(dash_duo, "officer0901", "Customs2026")
    dash_duo.wait_for_contains_text("#shell-user", "officer0901")
    assert dash_duo.get_logs() == []
