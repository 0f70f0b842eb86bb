"""Issuing is a legal act: the signer confirms with their password; wrong passwords are counted (five in a
quarter of an hour and signing waits) and every confirmation and refusal is audited."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from data.accounts.signin import SIGNER_TRIES, confirm_signer
from data.models import Event, User
from tests.conftest import TEST_PASSWORD

NOW = datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc)


def test_the_signer_confirms_with_their_password_and_guessing_waits(app, users):
    with app.server.extensions["certdash"].sessions() as s:
        officer = s.scalar(select(User).where(User.account == "officer0901"))
        what = {"application_id": 7, "action": "issue"}
        assert confirm_signer(s, officer.id, TEST_PASSWORD, what=what, now=NOW) is None
        for n in range(SIGNER_TRIES):
            assert confirm_signer(s, officer.id, f"guess-{n}", what=what, now=NOW) == "password_wrong"
        # the right password no longer helps until the window has passed
        assert confirm_signer(s, officer.id, TEST_PASSWORD, what=what, now=NOW) == "too_many_attempts"
        assert confirm_signer(s, officer.id, TEST_PASSWORD, what=what, now=NOW + timedelta(minutes=16)) is None
        s.commit()
        codes = list(s.scalars(select(Event.code).where(Event.actor_id == officer.id,
                                                       Event.code.like("cert.sign_%")).order_by(Event.id)))
        assert codes == ["cert.sign_confirmed"] + ["cert.sign_refused"] * (SIGNER_TRIES + 1) + ["cert.sign_confirmed"]
        assert confirm_signer(s, 999_999, TEST_PASSWORD, what=what, now=NOW) == "password_wrong"


# --- with the IC card: the card signs a one-time challenge, this site and the act -----------------------

ORIGIN = "https://certdash.example"


def _card_key():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return key, pem


def _card_sign(key, digest: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

    return key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256())))


def test_the_signer_confirms_with_their_ic_card_for_this_act_only(app, users):
    from auth.card_protocol import confirm_digest, confirm_text, login_digest
    from data.accounts.cards import bind_card, block_card, issue_challenge
    from data.accounts.roles import role_permissions
    from data.accounts.signin import confirm_signer_by_card
    from data.certificates.issuing import batch_act, issue_act
    from data.core.scope import actor_for

    with app.server.extensions["certdash"].sessions() as s:
        admin = s.scalar(select(User).where(User.account == "sysadmin"))
        officer = s.scalar(select(User).where(User.account == "officer0901"))
        other = s.scalar(select(User).where(User.account == "manager0900"))
        admin_actor = actor_for(s, admin, role_permissions(s, admin.role))
        key, pem = _card_key()
        other_key, other_pem = _card_key()
        bind_card(s, admin_actor, user_id=officer.id, card_no="C1", public_key_pem=pem)
        bind_card(s, admin_actor, user_id=other.id, card_no="C2", public_key_pem=other_pem)
        act = issue_act(7, 3, False)

        def attempt(card_no="C1", signer=key, signed_act=act, confirmed_act=act, nonce=None, origin=ORIGIN,
                    digest=None, now=NOW):
            nonce = nonce or issue_challenge(s, now=now)
            digest = digest or confirm_digest(nonce, origin, card_no, confirm_text(signed_act))
            return confirm_signer_by_card(s, officer.id, nonce=nonce, card_no=card_no, now=now, origin=ORIGIN,
                                          signature=_card_sign(signer, digest), what=confirmed_act)

        assert attempt() is None
        # a signature over another act, another site, or a sign-in proves nothing for this act
        assert attempt(signed_act=issue_act(7, 4, False)) == "bad_signature"
        assert attempt(signed_act=issue_act(7, 3, True)) == "bad_signature"
        assert attempt(origin="https://evil.example") == "bad_signature"
        nonce = issue_challenge(s, now=NOW)
        assert attempt(nonce=nonce, digest=login_digest(nonce, ORIGIN, "C1")) == "bad_signature"
        # someone else's card, even signing correctly, is not the signer's
        assert attempt(card_no="C2", signer=other_key) == "card_not_yours"
        # five failures in the window and signing waits, whatever the card says
        assert attempt() == "too_many_attempts"
        later = NOW + timedelta(minutes=16)
        assert attempt(card_no="C9", now=later) == "unknown_card"
        # batches are bound to the very applications picked
        picked = batch_act([[1, 2], [3, 4]], False)
        assert picked != batch_act([[1, 2], [3, 5]], False) and picked["count"] == 2
        assert batch_act(None, True) == {"act": "issue_all", "paper": True}
        assert attempt(signed_act=picked, confirmed_act=picked, now=later) is None
        assert attempt(signed_act=picked, confirmed_act=batch_act([[1, 2]], False), now=later) == "bad_signature"
        # a challenge is good once
        nonce = issue_challenge(s, now=later)
        assert attempt(nonce=nonce, now=later) is None
        assert attempt(nonce=nonce, now=later) == "challenge_replayed"
        # a card the administrator blocked confirms nothing
        block_card(s, admin_actor, card_no="C1", now=later)
        assert attempt(now=later) == "card_blocked"
        s.commit()
        events = list(s.execute(select(Event.code, Event.details).where(
            Event.actor_id == officer.id, Event.code.like("cert.sign_%")).order_by(Event.id)))
        assert [(code, details.get("reason")) for code, details in events] == [
            ("cert.sign_confirmed", None), *[("cert.sign_refused", "bad_signature")] * 4,
            ("cert.sign_refused", "card_not_yours"), ("cert.sign_refused", None), ("cert.sign_refused", "unknown_card"),
            ("cert.sign_confirmed", None), ("cert.sign_refused", "bad_signature"), ("cert.sign_confirmed", None),
            ("cert.sign_refused", "challenge_replayed"), ("cert.sign_refused", "card_blocked")]
        assert all(details["what"] and details["card_no"] for _, details in events)
