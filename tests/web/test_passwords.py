"""Password reset by e-mailed link, password change, and the end of the user's other sessions."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from auth.passwords import password_problem, verify_password
from data.accounts.signin import (
    LoginOutcome,
    PasswordChangeError,
    authenticate,
    change_password,
    request_password_reset,
    reset_password,
)
from data.models import Event, OutgoingMail, PasswordResetToken, User
from tests.conftest import TEST_PASSWORD
from tests.support.world import sign_in

BASE = "https://certdash.example"


def link_token(s) -> str:
    body = s.scalar(select(OutgoingMail.body).order_by(OutgoingMail.id.desc()))
    return re.search(r"/password/reset\?token=([\w-]+)", body).group(1)


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        user = session.scalar(select(User).where(User.account == "ent_a_oper"))
        user.email = "oper@example.com"
        session.commit()
        yield session


@pytest.mark.parametrize("password,problem", [
    ("", "required"), ("abc123", "password_short"), ("a1" * 40, "password_long"),
    ("abcdefgh", "password_classes"), ("12345678", "password_classes"),
    ("ent_a_oper99", "password_has_account"), ("Harbour2026", None),
])
def test_password_rules(password, problem):
    assert password_problem(password, "ent_a_oper") == problem


def test_reset_link_sets_a_new_password_once_and_unlocks(s):
    user = s.scalar(select(User).where(User.account == "ent_a_oper"))
    user.locked_until = datetime.now(timezone.utc) + timedelta(minutes=10)
    request_password_reset(s, "ENT_A_OPER", base_url=BASE)
    s.commit()
    token = link_token(s)
    assert s.scalar(select(OutgoingMail.to_address)) == "oper@example.com"
    assert s.scalar(select(PasswordResetToken.token_hash)) != token  # only the hash is stored
    with pytest.raises(PasswordChangeError, match="password_mismatch"):
        reset_password(s, token, "NewHarbour1", "NewHarbour2")
    version = user.session_version
    reset_password(s, token, "NewHarbour1", "NewHarbour1")
    s.commit()
    assert verify_password(user.password_hash, "NewHarbour1") and user.session_version == version + 1
    assert user.locked_until is None
    assert authenticate(s, "ent_a_oper", "NewHarbour1").outcome is LoginOutcome.OK
    with pytest.raises(PasswordChangeError, match="reset_link_invalid"):
        reset_password(s, token, "OtherHarbour1", "OtherHarbour1")


def test_expired_or_forged_links_are_refused(s):
    now = datetime.now(timezone.utc)
    request_password_reset(s, "ent_a_oper", base_url=BASE, now=now - timedelta(minutes=31))
    s.commit()
    with pytest.raises(PasswordChangeError, match="reset_link_invalid"):
        reset_password(s, link_token(s), "NewHarbour1", "NewHarbour1", now=now)
    with pytest.raises(PasswordChangeError, match="reset_link_invalid"):
        reset_password(s, "made-up-token", "NewHarbour1", "NewHarbour1")


def test_unknown_accounts_get_no_mail_and_no_hint(s):
    request_password_reset(s, "nobody_here", base_url=BASE)
    request_password_reset(s, "x'; drop", base_url=BASE)
    s.commit()
    assert s.scalar(select(OutgoingMail.id)) is None
    assert [e.code for e in s.scalars(select(Event).order_by(Event.id))][-2:] == ["auth.reset_refused"] * 2


@pytest.mark.parametrize("account", ["ent_a\x00oper", "\x00", "ent_a_oper\x00", "企业\x00账号"])
def test_a_nul_byte_in_the_account_of_a_reset_request_is_answered_like_any_unknown_account(app, s, account):
    """PostgreSQL refuses NUL in text: the page must still answer as for an unknown account, write no mail."""
    from layouts.accounts import ids
    from tests.support.dash_calls import call, component_text

    client = app.server.test_client()
    said = call(app, client, ids.PWF_MESSAGE, {ids.PWF_SUBMIT: 1, ids.PWF_ACCOUNT: account},
                trigger=f"{ids.PWF_SUBMIT}.n_clicks")
    unknown = call(app, app.server.test_client(), ids.PWF_MESSAGE, {ids.PWF_SUBMIT: 1, ids.PWF_ACCOUNT: "nobody_here"},
                   trigger=f"{ids.PWF_SUBMIT}.n_clicks")
    assert isinstance(said, dict), said.status_code  # a 200 with the page's answer, not a 4xx/5xx
    assert component_text(said[ids.PWF_MESSAGE]["children"]) == component_text(unknown[ids.PWF_MESSAGE]["children"])
    s.expire_all()
    assert s.scalar(select(OutgoingMail.id)) is None


def test_a_nul_byte_in_a_sign_in_account_is_a_wrong_account_on_both_stores(s):
    result = authenticate(s, "ent_a\x00oper", TEST_PASSWORD, remote_addr="127.0.0.1")
    s.commit()
    assert result.outcome is LoginOutcome.BAD_CREDENTIALS
    assert s.scalar(select(Event.object_id).order_by(Event.id.desc())) == "ent_a\ufffdoper"


def test_reset_requests_are_throttled(s):
    for _ in range(5):
        request_password_reset(s, "ent_a_oper", base_url=BASE)
    s.commit()
    assert len(list(s.scalars(select(OutgoingMail.id)))) == 3


def test_change_checks_the_current_password(s):
    user = s.scalar(select(User).where(User.account == "ent_a_oper"))
    with pytest.raises(PasswordChangeError, match="current_wrong"):
        change_password(s, user.id, "wrong", "NewHarbour1", "NewHarbour1")
    with pytest.raises(PasswordChangeError, match="password_unchanged"):
        change_password(s, user.id, TEST_PASSWORD, TEST_PASSWORD, TEST_PASSWORD)
    change_password(s, user.id, TEST_PASSWORD, "NewHarbour1", "NewHarbour1")
    assert verify_password(user.password_hash, "NewHarbour1")


def text(response) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)


def acct_change(client, current, new, confirm):
    payload = {
        "output": "acct-message.children",
        "outputs": {"id": "acct-message", "property": "children"},
        "inputs": [{"id": "acct-submit", "property": "n_clicks", "value": 1}],
        "state": [{"id": "acct-current", "property": "value", "value": current},
                  {"id": "acct-new", "property": "value", "value": new},
                  {"id": "acct-confirm", "property": "value", "value": confirm}],
        "changedPropIds": ["acct-submit.n_clicks"],
    }
    return client.post("/_dash-update-component", json=payload)


def test_changing_the_password_ends_the_other_sessions_only(app, users):
    here, elsewhere = app.server.test_client(), app.server.test_client()
    for client in (here, elsewhere):
        sign_in(client, "ent_b_oper", TEST_PASSWORD)
        assert client.get("/").status_code == 200
    response = acct_change(here, TEST_PASSWORD, "NewHarbour1", "NewHarbour1")
    assert response.status_code == 200 and "密码已修改" in text(response)
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302


def test_wrong_current_password_in_the_page_changes_nothing(app, users):
    client = app.server.test_client()
    sign_in(client, "ent_b_oper", TEST_PASSWORD)
    response = acct_change(client, "not-it", "NewHarbour1", "NewHarbour1")
    assert "当前密码不正确" in text(response)
    fresh = app.server.test_client()
    assert sign_in(fresh, "ent_b_oper", TEST_PASSWORD).headers["Location"] == "/"
