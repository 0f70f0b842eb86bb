"""The card agent against a real pcscd with the certdash virtual card in vpcd's reader (no mocks)."""
from __future__ import annotations

import base64
import json
import logging
import threading
import urllib.error
import urllib.request

import pytest

from auth.card_agent import AgentError, AgentServer, list_readers, read_status, sign_login
from data.accounts.cards import CardLoginOutcome, bind_card, card_sign_in, issue_challenge
from data.accounts.roles import role_permissions, seed_roles
from data.core.scope import actor_for
from data.models import User
from tests.support.smartcard.certdash_card import CardState
from tests.support.smartcard.harness import VIRTUAL_READER, Pcscd, VirtualCard

ORIGIN = "http://127.0.0.1:8050"
PIN = "24681357"
CARD_NO = "CD20260001"


@pytest.fixture(scope="module")
def pcsc(tmp_path_factory):
    stack = Pcscd(tmp_path_factory.mktemp("pcscd"))
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def agent(pcsc):
    server = AgentServer(0, {ORIGIN})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def card_state(tmp_path):
    path = tmp_path / "card.json"
    CardState.create(path, card_no=CARD_NO, pin=PIN)
    return path


@pytest.fixture
def card(pcsc, card_state):
    inserted = VirtualCard.certdash(card_state)
    inserted.start()
    yield inserted
    inserted.remove()


def call(agent: AgentServer, method: str, path: str, body: dict | None = None, *, origin: str | None = ORIGIN,
         headers: dict | None = None) -> tuple[int, dict, dict]:
    """Send one request to the agent; return status, headers and the JSON body ({} if none)."""
    request = urllib.request.Request(agent.url + path, method=method, headers=dict(headers or {}),
                                     data=json.dumps(body).encode() if body is not None else None)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if origin is not None:
        request.add_header("Origin", origin)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            status, header, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, header, raw = error.code, error.headers, error.read()
    return status, dict(header), json.loads(raw) if raw else {}


def sign(agent: AgentServer, pin: str, nonce: str = "nonce-1") -> dict:
    status, headers, body = call(agent, "POST", "/sign", {"nonce": nonce, "origin": ORIGIN, "pin": pin})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == ORIGIN
    return body


def test_status_reads_the_card_number(agent, card):
    status, headers, body = call(agent, "GET", "/status")
    assert status == 200 and body == {"ok": True, "card_no": CARD_NO, "reader": VIRTUAL_READER}
    assert headers["Access-Control-Allow-Origin"] == ORIGIN and headers["Cache-Control"] == "no-store"
    assert agent.server_address[0] == "127.0.0.1"


def test_card_signature_signs_in_end_to_end(agent, card, db_session):
    s = db_session
    seed_roles(s)
    admin = User(account="cardadmin", password_hash="-", real_name="Admin", role="admin")
    oper = User(account="cardoper", password_hash="-", real_name="Operator", role="officer")
    s.add_all([admin, oper])
    s.flush()
    _, _, key = call(agent, "GET", "/public-key")
    assert key["ok"] and key["card_no"] == CARD_NO
    bind_card(s, actor_for(s, admin, role_permissions(s, "admin")), user_id=oper.id, card_no=key["card_no"],
              public_key_pem=key["public_key_pem"])
    nonce = issue_challenge(s)
    signed = sign(agent, PIN, nonce)
    assert signed["ok"] and signed["card_no"] == CARD_NO
    result = card_sign_in(s, card_no=signed["card_no"], nonce=nonce, signature=base64.b64decode(signed["signature"]),
                          origin=ORIGIN)
    assert result.outcome is CardLoginOutcome.OK and result.user.id == oper.id
    # the same card signature is worth nothing for another site
    other = issue_challenge(s)
    elsewhere = sign_login(other, "https://evil.example", PIN)
    refused = card_sign_in(s, card_no=CARD_NO, nonce=other, signature=elsewhere.signature, origin=ORIGIN)
    assert refused.outcome is CardLoginOutcome.BAD_SIGNATURE


def test_the_card_confirms_an_act_with_its_own_digest(agent, card):
    """With "what", the card signs the confirmation digest of the act: valid for that act, never a sign-in."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

    from auth.card_protocol import confirm_digest, login_digest

    _, _, key = call(agent, "GET", "/public-key")
    public = serialization.load_pem_public_key(key["public_key_pem"].encode())
    what = '{"act":"issue","application_id":7,"paper":false,"version":3}'
    status, _, signed = call(agent, "POST", "/sign", {"nonce": "n-1", "origin": ORIGIN, "pin": PIN, "what": what})
    assert status == 200 and signed["ok"] and signed["card_no"] == CARD_NO
    signature = base64.b64decode(signed["signature"])
    algorithm = ec.ECDSA(Prehashed(hashes.SHA256()))
    public.verify(signature, confirm_digest("n-1", ORIGIN, CARD_NO, what), algorithm)  # raises if not
    with pytest.raises(InvalidSignature):
        public.verify(signature, login_digest("n-1", ORIGIN, CARD_NO), algorithm)
    for bad in ("", "x" * 2001, 7):
        status, _, refused = call(agent, "POST", "/sign", {"nonce": "n-2", "origin": ORIGIN, "pin": PIN, "what": bad})
        assert status == 400 and refused["code"] == "bad_request"


def test_wrong_pins_count_down_then_block_even_after_a_restart(agent, card, card_state):
    for left in (4, 3, 2, 1):
        assert sign(agent, "11112222") == {"ok": False, "code": "wrong_pin", "tries_left": left,
                                           "message": f"Wrong PIN; {left} tries left."}
    assert sign(agent, "11112222")["code"] == "pin_blocked"
    assert sign(agent, PIN)["code"] == "pin_blocked"
    card.remove()
    card.start()
    assert CardState.load(card_state).tries_left == 0
    assert sign(agent, PIN)["code"] == "pin_blocked"
    assert call(agent, "GET", "/status")[2]["card_no"] == CARD_NO  # the number is still readable


def test_the_right_pin_resets_the_count_and_bad_pins_cost_nothing(agent, card, card_state):
    assert sign(agent, "11112222")["tries_left"] == 4
    assert sign(agent, PIN)["ok"]
    assert sign(agent, "11112222")["tries_left"] == 4
    for malformed in ("12", "123456789", "12ab"):
        assert sign(agent, malformed) == {"ok": False, "code": "invalid_pin",
                                          "message": "The PIN must be 4 to 8 digits."}
    assert CardState.load(card_state).tries_left == 4


def test_no_card(agent, pcsc):
    assert call(agent, "GET", "/status")[2]["code"] == "no_card"
    assert sign(agent, PIN)["code"] == "no_card"


def test_card_pulled_out(agent, card):
    assert call(agent, "GET", "/status")[2]["ok"]
    card.remove()
    assert call(agent, "GET", "/status")[2]["code"] == "no_card"


def test_a_card_of_another_application(agent, pcsc, tmp_path):
    foreign = VirtualCard.stock_iso7816(tmp_path)
    foreign.start()
    try:
        assert call(agent, "GET", "/status")[2]["code"] == "not_our_card"
        assert sign(agent, PIN)["code"] == "not_our_card"
    finally:
        foreign.remove()


def test_no_pcscd(agent, pcsc):
    with pcsc.stopped():
        status, _, body = call(agent, "GET", "/status")
        assert status == 200 and body == {"ok": False, "code": "no_pcscd",
                                          "message": "The smart card service (pcscd) is not running."}
        assert sign(agent, PIN)["code"] == "no_pcscd"
        with pytest.raises(AgentError) as raised:
            list_readers()
        assert raised.value.code == "no_pcscd"


def test_no_reader(agent, pcsc, tmp_path):
    with pcsc.stopped():
        bare = Pcscd(tmp_path, with_reader=False)
        bare.start()
        try:
            assert list_readers() == []
            assert call(agent, "GET", "/status")[2]["code"] == "no_reader"
            with pytest.raises(AgentError) as raised:
                read_status()
            assert raised.value.code == "no_reader"
        finally:
            bare.stop()


def test_cors_preflight_for_the_allowed_origin(agent):
    status, headers, _ = call(agent, "OPTIONS", "/sign", headers={
        "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type",
        "Access-Control-Request-Private-Network": "true"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert headers["Access-Control-Allow-Private-Network"] == "true"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("method, path, body, origin, headers", [
    ("OPTIONS", "/sign", None, "https://evil.example", {"Access-Control-Request-Method": "POST"}),
    ("GET", "/status", None, "https://evil.example", {}),
    ("GET", "/public-key", None, "http://127.0.0.1:8051", {}),
    ("POST", "/sign", {"nonce": "n", "origin": "https://evil.example", "pin": PIN}, "https://evil.example", {}),
    ("POST", "/sign", {"nonce": "n", "origin": ORIGIN, "pin": PIN}, None, {}),
    ("GET", "/status", None, ORIGIN, {"Host": "rebound.evil.example"}),  # DNS rebinding
    ("GET", "/status", None, "null", {}),
])
def test_other_origins_are_refused(agent, method, path, body, origin, headers):
    status, response_headers, response = call(agent, method, path, body, origin=origin, headers=headers)
    assert status == 403 and response["code"] == "origin_refused"
    assert "Access-Control-Allow-Origin" not in response_headers


def test_malformed_sign_requests(agent):
    for body in ({"nonce": "n", "origin": "https://evil.example", "pin": PIN}, {"nonce": "n", "pin": PIN},
                 {"nonce": "", "origin": ORIGIN, "pin": PIN}, ["n", ORIGIN, PIN]):
        status, headers, response = call(agent, "POST", "/sign", body)
        assert status == 400 and response["code"] == "bad_request", body
        assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert call(agent, "GET", "/nothing")[0] == 404


def test_the_pin_is_never_logged(agent, card):
    records = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: records.append(record.getMessage())
    logger = logging.getLogger("certdash.card_agent")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        sign(agent, PIN)
        sign(agent, "97531864")
        call(agent, "POST", "/sign", {"nonce": "n", "origin": "https://evil.example", "pin": "55554444"},
             origin="https://evil.example")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert any("/sign" in message for message in records)
    assert not any(pin in message for message in records for pin in (PIN, "97531864", "55554444"))
