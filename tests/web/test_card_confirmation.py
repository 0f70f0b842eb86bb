"""The server side of confirming an issue with the IC card (callbacks/signing.py): the card's signature must answer
the challenge this browser session was given, once, over this very act, by the card bound to the signer."""
from __future__ import annotations

import base64

from sqlalchemy import select

from auth.card_protocol import confirm_digest, confirm_text
from data.accounts.cards import bind_card
from data.certificates.issuing import batch_act
from data.core.db import transaction
from data.models import Event, User
from tests.service.test_signer_confirmation import _card_key, _card_sign
from tests.support.dash_calls import call
from tests.support.world import actor

CSRF = "test-csrf-token"


def _challenge(client) -> str:
    response = client.post("/auth/card/confirm-challenge", json={}, headers={"X-CSRF-Token": CSRF})
    assert response.status_code == 200
    return response.get_json()["nonce"]


def _confirm(app, client, proof, act_paper=False):
    return call(app, client, "certi-job", {"certi-sign-card": proof, "certi-sign-method": "card",
                                           "certi-sign-pending": {"targets": None, "paper": act_paper}},
                trigger="certi-sign-card.data")


def test_the_card_confirms_a_batch_once_for_its_session_and_act(app, users, client_as):
    key, pem = _card_key()
    with transaction(app.server.extensions["certdash"].sessions) as s:
        officer = s.scalar(select(User).where(User.account == "officer0901"))
        bind_card(s, actor(s, "sysadmin"), user_id=officer.id, card_no="C1", public_key_pem=pem)
    client = client_as("officer0901")
    with client.session_transaction() as session:
        session["csrf"] = CSRF
    act = batch_act(None, False)

    def proof(nonce, signed_act=act):
        digest = confirm_digest(nonce, "http://localhost", "C1", confirm_text(signed_act))
        return {"nonce": nonce, "card_no": "C1", "signature": base64.b64encode(_card_sign(key, digest)).decode()}

    # a nonce this session was never given, and a signature over another act: nothing starts
    refused = _confirm(app, client, proof("made-up"))
    assert "certi-job" not in refused and "已失效" in refused["certi-sign-error"]["children"]
    refused = _confirm(app, client, proof(_challenge(client), batch_act(None, True)))
    assert "certi-job" not in refused and "不符" in refused["certi-sign-error"]["children"]
    # the right act with a fresh challenge: the job gets its ticket and the dialog closes
    good = proof(_challenge(client))
    started = _confirm(app, client, good)
    assert started["certi-job"]["data"] and started["certi-sign-modal"]["is_open"] is False
    # the same proof again is worth nothing
    replayed = _confirm(app, client, good)
    assert "certi-job" not in replayed and "已失效" in replayed["certi-sign-error"]["children"]
    # a forged proof of another shape is refused with words, never a server error
    for forged in ({"nonce": 1}, "x", {"nonce": _challenge(client), "card_no": "C1", "signature": "%%%"}):
        answer = _confirm(app, client, forged)
        assert "certi-job" not in answer and answer["certi-sign-error"]["children"], forged
    with transaction(app.server.extensions["certdash"].sessions) as s:
        codes = list(s.scalars(select(Event.code).where(Event.actor_id == officer.id,
                                                       Event.code.like("cert.sign_%")).order_by(Event.id)))
    assert codes == ["cert.sign_refused", "cert.sign_confirmed"]  # the two that reached the card check
