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


def test_wrong_password_counts_down_then_locks(app, users):
    client = app.server.test_client()
    for left in (4, 3, 2, 1):
        response = sign_in(client, "ent_a_oper", "wrong-password")
        assert response.headers["Location"].startswith("/login")
        assert f"再错 {left} 次账户将被锁定" in login_error(client)
    sign_in(client, "ent_a_oper", "wrong-password")
    assert "账户已锁定，请 15 分钟后再试" in login_error(client)
    # while locked even the right password is refused, with the same message
    sign_in(client, "ent_a_oper", TEST_PASSWORD)
    assert "账户已锁定" in login_error(client)
    assert client.get("/").status_code == 302
    assert len(events(app, "auth.locked")) == 1
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
    assert "Wrong account or password. 4 more failed attempts will lock the account." in login_error(client)


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
