"""IC-card sign-in and card binding (data/accounts/cards.py) on both store backends, with software keys."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from sqlalchemy import select

from auth.card_protocol import login_digest
from data.accounts.cards import (
    CardAdminError,
    CardLoginOutcome,
    bind_card,
    block_card,
    card_sign_in,
    issue_challenge,
    purge_challenges,
    unbind_card,
)
from data.accounts.roles import role_permissions, seed_roles
from data.core.db import make_session_factory
from data.core.scope import AccessDenied, actor_for
from data.models import Enterprise, Event, IcCard, LoginChallenge, User

ORIGIN = "https://certdash.example"
CARD_NO = "CD20260001"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)


def public_pem(key) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def sign(key, nonce: str, origin: str = ORIGIN, card_no: str = CARD_NO) -> bytes:
    return key.sign(login_digest(nonce, origin, card_no), ec.ECDSA(Prehashed(hashes.SHA256())))


def events(s, code: str) -> list[Event]:
    return list(s.scalars(select(Event).where(Event.code == code).order_by(Event.id)))


def build(s):
    """Seed roles, an administrator and two operators; return (admin actor, operator, other operator)."""
    seed_roles(s)
    ent = Enterprise(name_zh="企业A", status="approved")
    s.add(ent)
    s.flush()
    admin = User(account="cardadmin", password_hash="-", real_name="Admin", role="admin")
    oper = User(account="cardoper", password_hash="-", real_name="Operator", role="enterprise", enterprise_id=ent.id)
    other = User(account="cardother", password_hash="-", real_name="Other", role="enterprise")
    s.add_all([admin, oper, other])
    s.flush()
    return actor_for(s, admin, role_permissions(s, "admin")), oper, other


@pytest.fixture
def world(db_session):
    admin, oper, other = build(db_session)
    key = ec.generate_private_key(ec.SECP256R1())
    bind_card(db_session, admin, user_id=oper.id, card_no=CARD_NO, public_key_pem=public_pem(key), now=T0)
    return admin, oper, other, key


def sign_in(s, key, nonce, *, now=T0 + timedelta(seconds=5), **overrides):
    args = {"card_no": CARD_NO, "nonce": nonce, "signature": sign(key, nonce), "origin": ORIGIN, "now": now,
            "remote_addr": "10.0.0.7"}
    return card_sign_in(s, **{**args, **overrides})


def test_card_sign_in_happy_path(db_session, world):
    s = db_session
    admin, oper, _, key = world
    nonce = issue_challenge(s, now=T0)
    assert len(nonce) >= 40 and nonce != issue_challenge(s, now=T0)
    result = sign_in(s, key, nonce)
    assert result.outcome is CardLoginOutcome.OK and result.user.id == oper.id
    s.flush()
    s.expire_all()
    assert s.get(User, oper.id).last_login_at is not None
    used = s.execute(select(LoginChallenge.used_at, LoginChallenge.card_no).where(LoginChallenge.nonce == nonce)).one()
    assert used.used_at is not None and used.card_no == CARD_NO
    (login,) = events(s, "auth.card_login")
    assert login.actor_id == oper.id and login.object_id == CARD_NO and login.enterprise_id == oper.enterprise_id
    assert login.details == {"card_no": CARD_NO, "addr": "10.0.0.7"}
    (bound,) = events(s, "auth.card_bound")
    assert bound.actor_id == admin.user_id and bound.details["user_id"] == oper.id


def test_a_challenge_is_used_once(db_session, world):
    s = db_session
    *_, key = world
    nonce = issue_challenge(s, now=T0)
    assert sign_in(s, key, nonce).outcome is CardLoginOutcome.OK
    assert sign_in(s, key, nonce).outcome is CardLoginOutcome.CHALLENGE_REPLAYED
    (failed,) = events(s, "auth.card_login_failed")
    assert failed.details["reason"] == "challenge_replayed"


def test_expired_and_unknown_challenges_are_refused(db_session, world):
    s = db_session
    *_, key = world
    nonce = issue_challenge(s, now=T0)
    late = sign_in(s, key, nonce, now=T0 + timedelta(minutes=2, seconds=1))
    assert late.outcome is CardLoginOutcome.CHALLENGE_EXPIRED
    assert sign_in(s, key, "made-up-nonce").outcome is CardLoginOutcome.CHALLENGE_UNKNOWN
    assert [e.details["reason"] for e in events(s, "auth.card_login_failed")] == ["challenge_expired",
                                                                                  "challenge_unknown"]


def test_a_bad_signature_burns_the_challenge(db_session, world):
    s = db_session
    *_, key = world
    stranger = ec.generate_private_key(ec.SECP256R1())
    cases = {
        "another origin": lambda n: sign(key, n, origin="https://evil.example"),
        "another nonce": lambda n: sign(key, "some-other-nonce"),
        "another card number": lambda n: sign(key, n, card_no="CD20260002"),
        "another key": lambda n: sign(stranger, n),
        "not a signature": lambda n: b"\x30\x02garbage",
    }
    for case, make in cases.items():
        nonce = issue_challenge(s, now=T0)
        result = sign_in(s, key, nonce, signature=make(nonce))
        assert result.outcome is CardLoginOutcome.BAD_SIGNATURE, case
        assert result.user is None
        assert sign_in(s, key, nonce).outcome is CardLoginOutcome.CHALLENGE_REPLAYED, case
    reasons = [e.details["reason"] for e in events(s, "auth.card_login_failed")]
    assert reasons == ["bad_signature", "challenge_replayed"] * len(cases)


def test_unknown_blocked_and_unbound_cards(db_session, world):
    s = db_session
    admin, oper, _, key = world
    unknown = sign_in(s, key, issue_challenge(s, now=T0), card_no="CD99999999")
    assert unknown.outcome is CardLoginOutcome.UNKNOWN_CARD
    assert events(s, "auth.card_login_failed")[-1].actor_id is None

    unbind_card(s, admin, card_no=CARD_NO, now=T0)
    assert sign_in(s, key, issue_challenge(s, now=T0)).outcome is CardLoginOutcome.CARD_UNBOUND
    (unbound,) = events(s, "auth.card_unbound")
    assert unbound.details == {"user_id": oper.id} and unbound.actor_id == admin.user_id

    bind_card(s, admin, user_id=oper.id, card_no=CARD_NO, public_key_pem=public_pem(key), now=T0)
    assert sign_in(s, key, issue_challenge(s, now=T0)).outcome is CardLoginOutcome.OK
    block_card(s, admin, card_no=CARD_NO, now=T0)
    assert sign_in(s, key, issue_challenge(s, now=T0)).outcome is CardLoginOutcome.CARD_BLOCKED
    assert len(events(s, "auth.card_blocked")) == 1
    with pytest.raises(CardAdminError, match="blocked"):
        bind_card(s, admin, user_id=oper.id, card_no=CARD_NO, public_key_pem=public_pem(key))
    reasons = [e.details["reason"] for e in events(s, "auth.card_login_failed")]
    assert reasons == ["unknown_card", "card_unbound", "card_blocked"]


def test_locked_inactive_and_unapproved_users_are_refused(db_session, world):
    s = db_session
    _, oper, _, key = world
    oper.locked_until = T0 + timedelta(minutes=10)
    locked = sign_in(s, key, issue_challenge(s, now=T0))
    assert locked.outcome is CardLoginOutcome.USER_LOCKED and locked.locked_until == T0 + timedelta(minutes=10)
    oper.locked_until = None
    oper.active = False
    assert sign_in(s, key, issue_challenge(s, now=T0)).outcome is CardLoginOutcome.USER_INACTIVE
    oper.active = True
    oper.enterprise.status = "pending"
    assert sign_in(s, key, issue_challenge(s, now=T0)).outcome is CardLoginOutcome.PENDING_REVIEW
    oper.enterprise.status = "rejected"
    assert sign_in(s, key, issue_challenge(s, now=T0)).outcome is CardLoginOutcome.REJECTED
    failed = events(s, "auth.card_login_failed")
    assert [e.details["reason"] for e in failed] == ["user_locked", "user_inactive", "pending_review", "rejected"]
    assert all(e.actor_id == oper.id for e in failed)


def test_binding_refusals(db_session, world):
    s = db_session
    admin, oper, other, key = world
    pem = public_pem(ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(CardAdminError, match="already bound to user cardoper"):
        bind_card(s, admin, user_id=other.id, card_no=CARD_NO, public_key_pem=pem)
    with pytest.raises(CardAdminError, match="no user with id 999999"):
        bind_card(s, admin, user_id=999999, card_no="CD20260002", public_key_pem=pem)
    with pytest.raises(CardAdminError, match="1 to 32 letters or digits"):
        bind_card(s, admin, user_id=other.id, card_no="CD 2026/2", public_key_pem=pem)
    bad_keys = ["", "not a key", pem.replace("A", "B", 3),
                public_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
                public_pem(ec.generate_private_key(ec.SECP384R1()))]
    for bad in bad_keys:
        with pytest.raises(CardAdminError, match="EC P-256 key in PEM"):
            bind_card(s, admin, user_id=other.id, card_no="CD20260002", public_key_pem=bad)
    with pytest.raises(CardAdminError, match="not registered"):
        unbind_card(s, admin, card_no="CD20260002")
    with pytest.raises(CardAdminError, match="not registered"):
        block_card(s, admin, card_no="CD20260002")
    operator = actor_for(s, oper, role_permissions(s, "enterprise"))
    with pytest.raises(AccessDenied):
        bind_card(s, operator, user_id=oper.id, card_no="CD20260002", public_key_pem=pem)
    with pytest.raises(AccessDenied):
        unbind_card(s, operator, card_no=CARD_NO)
    with pytest.raises(AccessDenied):
        block_card(s, operator, card_no=CARD_NO)
    unbind_card(s, admin, card_no=CARD_NO)
    with pytest.raises(CardAdminError, match="not bound to any user"):
        unbind_card(s, admin, card_no=CARD_NO)
    # an unbound card can go to another user, a bound one can be re-keyed for its user
    bind_card(s, admin, user_id=other.id, card_no=CARD_NO, public_key_pem=pem)
    bind_card(s, admin, user_id=other.id, card_no=CARD_NO, public_key_pem=public_pem(key))
    card = s.scalar(select(IcCard).where(IcCard.card_no == CARD_NO))
    assert card.user_id == other.id and card.public_key_pem == public_pem(key)
    assert len(events(s, "auth.card_bound")) == 3


def test_purge_removes_expired_challenges_only(db_session):
    s = db_session
    old = issue_challenge(s, now=T0 - timedelta(minutes=10))
    live = issue_challenge(s, now=T0)
    assert purge_challenges(s, T0) == 1
    assert set(s.scalars(select(LoginChallenge.nonce))) == {live} and old != live


def test_two_concurrent_uses_of_one_challenge_one_wins(engine):
    factory = make_session_factory(engine)
    key = ec.generate_private_key(ec.SECP256R1())
    with factory() as s:
        admin, oper, _ = build(s)
        bind_card(s, admin, user_id=oper.id, card_no=CARD_NO, public_key_pem=public_pem(key))
        nonce = issue_challenge(s)
        s.commit()
    outcomes = {}
    first_consumed = threading.Event()

    def use(name: str, hold: bool) -> None:
        with factory() as s:
            outcomes[name] = card_sign_in(s, card_no=CARD_NO, nonce=nonce, signature=sign(key, nonce),
                                          origin=ORIGIN).outcome
            if hold:  # keep the first transaction open while the second one tries the same challenge
                first_consumed.set()
                time.sleep(0.3)
            s.commit()

    first = threading.Thread(target=use, args=("first", True))
    first.start()
    assert first_consumed.wait(10)
    second = threading.Thread(target=use, args=("second", False))
    second.start()
    first.join(30)
    second.join(30)
    assert outcomes == {"first": CardLoginOutcome.OK, "second": CardLoginOutcome.CHALLENGE_REPLAYED}
    with factory() as s:
        assert len(events(s, "auth.card_login")) == 1
        assert [e.details["reason"] for e in events(s, "auth.card_login_failed")] == ["challenge_replayed"]
