"""Sessions the server ends: sign-out ends this one (a copied cookie opens nothing), "sign out everywhere"
ends them all, idle and absolute timeouts (system parameters); the account page lists one's sessions."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from data.accounts.sessions import ABSOLUTE_PARAMETER, IDLE_PARAMETER
from data.models import SystemParameter, User, UserSession
from tests.conftest import TEST_PASSWORD
from tests.support.world import csrf_from, sign_in


def _signed_in(app, account="sysadmin", agent="Browser A"):
    client = app.server.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    sign_in(client, account, TEST_PASSWORD)
    assert client.get("/").status_code == 200
    return client


def _copy(app, client):
    """A second client holding a copy of the first one's cookies (as a thief would)."""
    thief = app.server.test_client()
    for cookie in client._cookies.values():
        thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return thief


def _sessions(app, account="sysadmin"):
    with app.server.extensions["certdash"].sessions() as s:
        user_id = s.scalar(select(User.id).where(User.account == account))
        return list(s.scalars(select(UserSession).where(UserSession.user_id == user_id).order_by(UserSession.id)))


def _declarations_payload():
    return {"output": "decl-table.rowData", "outputs": {"id": "decl-table", "property": "rowData"},
            "inputs": [], "state": [], "changedPropIds": []}


def test_a_copy_of_the_cookie_opens_nothing_after_sign_out(app, users):
    client = _signed_in(app, "ent_a_oper")
    thief = _copy(app, client)
    assert thief.get("/declarations").status_code == 200  # the copy works while the session is open
    assert client.post("/auth/logout", data={"csrf": csrf_from(client)}).headers["Location"] == "/login"
    assert thief.get("/declarations").status_code == 302  # sent to sign in
    assert thief.post("/_dash-update-component", json=_declarations_payload()).status_code == 401
    (ended,) = _sessions(app, "ent_a_oper")
    assert ended.ended_at is not None and ended.end_reason == "signed_out"


def test_sign_out_everywhere_ends_every_session_of_the_user(app, users):
    first, second = _signed_in(app, agent="Browser A"), _signed_in(app, agent="Browser B")
    other_user = _signed_in(app, "manager0900")
    account_page = first.get("/_dash-layout")
    assert account_page.status_code == 200
    assert first.post("/auth/logout-everywhere", data={"csrf": csrf_from(first)}).headers["Location"] == "/login"
    assert first.get("/").status_code == 302 and second.get("/").status_code == 302
    assert other_user.get("/").status_code == 200  # someone else's sessions stay
    assert {s.end_reason for s in _sessions(app)} == {"everywhere"}


def test_the_account_page_lists_ones_own_open_sessions(app, users):
    from auth.session import current_actor
    from callbacks.accounts.password import render_account
    from dashboard.core.i18n import translator

    first = _signed_in(app, agent="Mozilla/5.0 First")
    _signed_in(app, agent="Mozilla/5.0 Second")
    _signed_in(app, "manager0900", agent="Mozilla/5.0 Manager")
    with app.server.test_request_context(headers={"Cookie": f"session={first.get_cookie('session').value}"}):
        page = str(render_account(current_actor(), translator("en")))
    assert "Mozilla/5.0 First" in page and "Mozilla/5.0 Second" in page and "Manager" not in page
    assert page.count("This session") == 1 and "Sign out everywhere" in page


def _set(app, key: str, value: str) -> None:
    with app.server.extensions["certdash"].sessions() as s:
        s.merge(SystemParameter(key=key, value=value))
        s.commit()


def test_a_session_idle_too_long_ends(app, users):
    client = _signed_in(app)
    _set(app, IDLE_PARAMETER, "30")
    with app.server.extensions["certdash"].sessions() as s:
        s.execute(update(UserSession).values(last_seen_at=datetime.now(timezone.utc) - timedelta(minutes=31)))
        s.commit()
    assert client.get("/").status_code == 302
    assert [s.end_reason for s in _sessions(app)] == ["idle"]


def test_a_session_open_too_long_ends_even_when_busy(app, users):
    client = _signed_in(app)
    _set(app, ABSOLUTE_PARAMETER, "8")
    with app.server.extensions["certdash"].sessions() as s:
        s.execute(update(UserSession).values(created_at=datetime.now(timezone.utc) - timedelta(hours=8, minutes=1)))
        s.commit()
    assert client.get("/").status_code == 302
    assert [s.end_reason for s in _sessions(app)] == ["expired"]


def test_an_active_session_is_seen_at_most_once_a_minute(app, users):
    client = _signed_in(app)
    (before,) = _sessions(app)
    for _ in range(3):
        assert client.get("/").status_code == 200
    (after,) = _sessions(app)
    assert after.last_seen_at == before.last_seen_at and after.ended_at is None  # no write per request
    assert before.agent and before.address


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, users):
    from tests.support.dash_calls import call

    first, second = _signed_in(app, "ent_a_admin", "Browser A"), _signed_in(app, "ent_a_admin", "Browser B")
    answer = call(app, first, "acct-message", {"acct-submit": 1, "acct-current": TEST_PASSWORD,
                                               "acct-new": "NewHarbour2027", "acct-confirm": "NewHarbour2027"},
                  trigger="acct-submit.n_clicks")
    assert isinstance(answer, dict), answer.get_data(as_text=True)
    assert first.get("/").status_code == 200 and second.get("/").status_code == 302
    reasons = [s.end_reason for s in _sessions(app, "ent_a_admin")]
    assert reasons == [None, "password"]


def test_wrong_current_passwords_are_counted_and_then_the_check_waits(app, users):
    from tests.support.dash_calls import call

    client = _signed_in(app, "ent_a_admin")

    def change(current: str):
        answer = call(app, client, "acct-message", {"acct-submit": 1, "acct-current": current,
                                                    "acct-new": "NewHarbour2027", "acct-confirm": "NewHarbour2027"},
                      trigger="acct-submit.n_clicks")
        return str(answer["acct-message"]["children"])

    for _ in range(5):
        assert "当前密码不正确。" in change("not-my-password")  # counted although the change rolls back
    assert "当前密码错误次数过多" in change(TEST_PASSWORD)  # even the right one waits now
    with app.server.extensions["certdash"].sessions() as s:
        user = s.scalar(select(User).where(User.account == "ent_a_admin"))
        from auth.passwords import verify_password
        assert verify_password(user.password_hash, TEST_PASSWORD)  # nothing was changed


def test_reset_requests_from_one_address_are_limited(app, users):
    from data.accounts.signin import RESETS_PER_ADDRESS_HOUR, request_password_reset
    from data.models import Event, PasswordResetToken

    with app.server.extensions["certdash"].sessions() as s:
        accounts = ["ent_a_oper", "ent_b_oper", "sysadmin", "officer0901", "manager0900", "ent_a_admin"]
        for n in range(RESETS_PER_ADDRESS_HOUR + 3):
            request_password_reset(s, accounts[n % len(accounts)], base_url="http://x", remote_addr="203.0.113.50")
        s.commit()
        throttled = s.scalars(select(Event).where(Event.code == "auth.reset_throttled")).all()
        tokens = s.scalars(select(PasswordResetToken)).all()
    assert len(throttled) >= 3
    assert len(tokens) <= RESETS_PER_ADDRESS_HOUR
