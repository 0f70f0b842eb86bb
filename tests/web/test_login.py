"""Password sign-in: success, wrong passwords, lockout, deactivation, safe redirects, sign-out."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from auth.session import safe_next
from data.models import Event, User
from tests.conftest import TEST_PASSWORD
from tests.support.world import csrf_from, page_text, sign_in


def events(app, code):
    with app.server.extensions["certdash"].sessions() as s:
        return list(s.scalars(select(Event).where(Event.code == code)))


def login_error(client) -> str:
    """Return the sign-in page as readable text, with any message of the last attempt."""
    return page_text(client, "/login")


def frame_text(client) -> str:
    return json.dumps(client.get("/_dash-layout").get_json(), ensure_ascii=False)


def test_sign_in_is_case_insensitive_and_logged(app, users):
    client = app.server.test_client()
    response = sign_in(client, "OFFICER0901", TEST_PASSWORD, next_path="/reference")
    assert response.status_code == 302 and response.headers["Location"] == "/reference"
    assert client.get("/reference").status_code == 200
    assert len(events(app, "auth.login")) == 1


def _client(app, address: str):
    client = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_failures_from_one_address_make_that_client_wait_but_not_the_user_elsewhere(app, users):
    client = _client(app, "203.0.113.7")
    for _ in range(5):
        response = sign_in(client, "ent_a_oper", "wrong-password")
        assert response.headers["Location"].startswith("/login")
        body = login_error(client)
        assert "账号或密码错误。" in body and "再错" not in body  # no count-down that tells the account exists
    sign_in(client, "ent_a_oper", TEST_PASSWORD)  # even the right password waits, from this client
    assert "本机登录失败次数过多，请 15 分钟后再试。" in login_error(client)
    assert client.get("/").status_code == 302
    assert len(events(app, "auth.locked")) == 1 and len(events(app, "auth.login_throttled")) == 1
    owner = _client(app, "198.51.100.20")  # the user, at their own desk, signs in as usual
    assert sign_in(owner, "ent_a_oper", TEST_PASSWORD).headers["Location"] == "/"
    with app.server.extensions["certdash"].sessions() as s:
        assert s.scalar(select(User.locked_until).where(User.account == "ent_a_oper")) is None  # nothing locked


def test_unknown_and_known_accounts_get_the_same_answer_and_the_same_throttle(app, users):
    import re

    def said(body: str) -> str:  # the sentence the page shows (each page has its own form token)
        return re.findall(r'"children": "([^"]*(?:错误|失败)[^"]*)"', body)[0]

    known, unknown = _client(app, "203.0.113.8"), _client(app, "203.0.113.9")
    answers = []
    for client, account in ((known, "ent_a_oper"), (unknown, "nobody_here")):
        for _ in range(6):
            sign_in(client, account, "wrong-password")
            answers.append(said(login_error(client)))
    assert answers[:6] == answers[6:]  # word for word, the throttle included
    assert answers[0] == "账号或密码错误。" and answers[5].startswith("本机登录失败次数过多")


def test_the_same_work_is_done_for_an_unknown_account(app, users, monkeypatch):
    import data.accounts.signin as signin

    checked: list[str] = []
    real = signin.verify_password
    monkeypatch.setattr(signin, "verify_password", lambda stored, password: checked.append(stored) or real(stored, password))
    sign_in(_client(app, "203.0.113.10"), "nobody_here", "whatever")
    sign_in(_client(app, "203.0.113.11"), "ent_a_oper", "whatever")
    assert len(checked) == 2 and all(h.startswith("$argon2") for h in checked)  # a real hash checked both times


def test_one_address_trying_many_accounts_is_slowed_down(app, users):
    client = _client(app, "203.0.113.12")
    for n in range(20):  # 4 × the threshold, over many names
        sign_in(client, f"guess_{n:03d}", "password1")
    sign_in(client, "ent_b_oper", TEST_PASSWORD)
    assert "本机登录失败次数过多" in login_error(client)


def test_the_rule_is_a_system_parameter(app, users):
    from data.models import SystemParameter

    with app.server.extensions["certdash"].sessions() as s:
        s.add_all([SystemParameter(key="login.lock_threshold", value="3"),
                   SystemParameter(key="login.lock_minutes", value="5")])
        s.commit()
    client = _client(app, "203.0.113.13")
    for _ in range(3):
        sign_in(client, "ent_a_oper", "wrong-password")
    sign_in(client, "ent_a_oper", TEST_PASSWORD)
    assert "请 5 分钟后再试" in login_error(client)


def test_an_administrators_lock_is_said_only_to_whoever_knows_the_password(app, users):
    with app.server.extensions["certdash"].sessions() as s:
        s.scalar(select(User).where(User.account == "ent_a_oper")).locked_until = \
            datetime.now(timezone.utc) + timedelta(hours=1)
        s.commit()
    client = _client(app, "203.0.113.14")
    sign_in(client, "ent_a_oper", "wrong-password")
    assert "账号或密码错误。" in login_error(client)
    sign_in(client, "ent_a_oper", TEST_PASSWORD)
    assert "账户已锁定" in login_error(client)
    assert len(events(app, "auth.login_refused_locked")) == 1


def test_lock_expires(app, users):
    with app.server.extensions["certdash"].sessions() as s:
        user = s.scalar(select(User).where(User.account == "ent_b_oper"))
        user.locked_until = datetime.now(timezone.utc) - timedelta(seconds=1)
        s.commit()
    client = app.server.test_client()
    assert sign_in(client, "ent_b_oper", TEST_PASSWORD).headers["Location"] == "/"


def test_deactivated_account_is_told_so(app, users):
    with app.server.extensions["certdash"].sessions() as s:
        s.scalar(select(User).where(User.account == "ent_b_oper")).active = False
        s.commit()
    client = app.server.test_client()
    sign_in(client, "ent_b_oper", TEST_PASSWORD)
    assert "该账户已停用" in login_error(client)


def test_unknown_account_gets_the_generic_message(app, users):
    client = app.server.test_client()
    sign_in(client, "nobody_here", "whatever")
    body = login_error(client)
    assert "账号或密码错误。" in body and "再错" not in body
    assert events(app, "auth.login_failed")[0].details["account"] == "nobody_here"


def test_english_login_messages(app, users):
    client = app.server.test_client()
    client.get("/lang/en")
    sign_in(client, "ent_a_oper", "wrong-password")
    assert "Wrong account or password." in login_error(client) and "more failed attempts" not in login_error(client)


def test_login_without_csrf_token_is_refused(app, users):
    client = app.server.test_client()
    response = client.post("/auth/login", data={"account": "sysadmin", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("target,expected", [
    ("/reference", "/reference"),
    ("/reference?x=1", "/reference?x=1"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("", "/"),
    (None, "/"),
])
def test_next_only_redirects_inside_the_site(target, expected):
    assert safe_next(target) == expected


def test_sign_out_ends_the_session(app, users):
    client = app.server.test_client()
    sign_in(client, "sysadmin", TEST_PASSWORD)
    assert client.get("/").status_code == 200
    csrf = csrf_from_signed_in(client)
    assert client.post("/auth/logout", data={"csrf": csrf}).headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    assert len(events(app, "auth.logout")) == 1


def csrf_from_signed_in(client) -> str:
    return csrf_from(client)


def test_session_cookie_flags(app, users):
    client = app.server.test_client()
    response = sign_in(client, "sysadmin", TEST_PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_language_switch_is_remembered_for_the_user(app, users):
    client = app.server.test_client()
    sign_in(client, "manager0900", TEST_PASSWORD)
    assert "退出" in frame_text(client)
    response = client.get("/lang/en", headers={"Referer": "http://localhost/reference"})
    assert response.headers["Location"] == "/reference"
    assert "Sign out" in frame_text(client)
    with app.server.extensions["certdash"].sessions() as s:
        assert s.scalar(select(User.language).where(User.account == "manager0900")) == "en"
    assert client.get("/lang/xx").status_code == 404


def test_cookies_are_secure_when_served_over_https(settings, users, app):
    from dataclasses import replace

    from dashboard.web.factory import create_app

    secure_app = create_app(replace(settings, session_cookie_secure=True))
    client = secure_app.server.test_client()
    response = sign_in(client, "sysadmin", TEST_PASSWORD)
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
