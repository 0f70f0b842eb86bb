"""The certdash card application: APDU bytes, status words, the login digest, and the card's rules."""
from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from auth import card_protocol as cp
from tests.support.smartcard.certdash_card import ATR, CardState, CertdashCard


def test_aid_is_proprietary_and_versioned():
    assert cp.AID == bytes.fromhex("F0 43 45 52 54 44 41 53 48 01")
    assert 5 <= len(cp.AID) <= 16 and cp.AID[0] >> 4 == 0xF


@pytest.mark.parametrize("command, expected", [
    (cp.select_command(), "00 A4 04 0C 0A F0 43 45 52 54 44 41 53 48 01"),
    (cp.verify_command("1234"), "00 20 00 81 04 31 32 33 34"),
    (cp.verify_command("88888888"), "00 20 00 81 08 38 38 38 38 38 38 38 38"),
    (cp.pin_status_command(), "00 20 00 81"),
    (cp.get_data_command(cp.TAG_CARD_NO), "00 CA 01 01 00"),
    (cp.get_data_command(cp.TAG_PUBLIC_KEY), "00 CA 01 02 00"),
    (cp.sign_command(bytes(range(32))), "00 88 00 00 20 " + bytes(range(32)).hex(" ") + " 00"),
])
def test_command_bytes(command, expected):
    raw = command.encode()
    assert raw == bytes.fromhex(expected)
    assert cp.Command.decode(raw) == command


@pytest.mark.parametrize("raw", ["00 A4", "00 A4 04 0C 05 01 02", "00 A4 04 0C 02 01 02 03 04", "00 CA 01 01 00 00 10"])
def test_malformed_commands_are_refused(raw):
    with pytest.raises(ValueError):
        cp.Command.decode(bytes.fromhex(raw))


def test_command_limits():
    with pytest.raises(ValueError):
        cp.Command(0, 0xDA, 0, 0, bytes(256)).encode()
    with pytest.raises(ValueError):
        cp.Command(0, 0xCA, 1, 1, le=257).encode()
    with pytest.raises(ValueError):
        cp.sign_command(bytes(31))


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "12 34", "", "１２３４", "١٢٣٤", None, 1234])
def test_pin_must_be_4_to_8_ascii_digits(pin):
    with pytest.raises(ValueError):
        cp.check_pin(pin)


def test_responses_and_typed_errors():
    assert cp.Response.decode(b"CD01\x90\x00") == cp.Response(b"CD01", cp.SW_OK)
    assert cp.Response(b"CD01", cp.SW_OK).encode() == b"CD01\x90\x00"
    assert cp.Response.decode(b"CD01\x90\x00").check() == b"CD01"
    with pytest.raises(ValueError):
        cp.Response.decode(b"\x90")
    with pytest.raises(cp.WrongPinError) as wrong:
        cp.Response.decode(b"\x63\xc3").check()
    assert wrong.value.tries_left == 3 and wrong.value.sw == 0x63C3
    for sw, error in ((0x6983, cp.PinBlockedError), (0x6982, cp.PinRequiredError),
                      (0x6A82, cp.ApplicationNotFoundError), (0x6985, cp.NotSelectedError),
                      (0x6700, cp.WrongLengthError), (0x6A80, cp.WrongDataError), (0x6A86, cp.WrongParametersError),
                      (0x6A88, cp.DataNotFoundError), (0x6D00, cp.InsNotSupportedError),
                      (0x6E00, cp.ClaNotSupportedError)):
        raised = cp.error_for_status(sw)
        assert type(raised) is error and raised.sw == sw and f"{sw:04X}" in str(raised)
    other = cp.error_for_status(0x6F00)
    assert type(other) is cp.CardStatusError and other.sw == 0x6F00


def test_login_digest_is_versioned_and_unambiguous():
    def field(b: bytes) -> bytes:
        return len(b).to_bytes(4, "big") + b

    expected = hashlib.sha256(field(b"certdash-card-login/v1") + field(b"n0nce") + field(b"https://a.example")
                              + field(b"CD01")).digest()
    assert cp.login_digest("n0nce", "https://a.example", "CD01") == expected
    digests = {cp.login_digest(*parts) for parts in (
        ("n0nce", "https://a.example", "CD01"), ("n0nc", "e", "https://a.exampleCD01"),
        ("n0nce", "https://b.example", "CD01"), ("n0nce", "https://a.example", "CD02"),
        ("other", "https://a.example", "CD01"),
    )}
    assert len(digests) == 5 and all(len(d) == 32 for d in digests)


def test_spki_to_pem_round_trips():
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    pem = cp.spki_to_pem(der)
    assert pem == key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


# --- the virtual card's side of the protocol, without the PC/SC stack ------------------------------


@pytest.fixture
def card(tmp_path):
    path = tmp_path / "card.json"
    CardState.create(path, card_no="CD20260001", pin="2468")
    card = CertdashCard(path)
    card.powerUp()
    return card


def send(card: CertdashCard, command: cp.Command) -> cp.Response:
    return cp.Response.decode(card.execute(command.encode()))


def test_card_needs_select_and_answers_its_data(card):
    assert card.getATR() == ATR
    assert send(card, cp.get_data_command(cp.TAG_CARD_NO)).sw == cp.SW_CONDITIONS_NOT_SATISFIED
    assert send(card, cp.Command(0, cp.INS_SELECT, 4, 0x0C, b"\xa0\x00\x00\x00\x03")).sw == cp.SW_APPLICATION_NOT_FOUND
    assert send(card, cp.select_command()).sw == cp.SW_OK
    assert send(card, cp.get_data_command(cp.TAG_CARD_NO)).check() == b"CD20260001"
    spki = send(card, cp.get_data_command(cp.TAG_PUBLIC_KEY)).check()
    assert isinstance(serialization.load_der_public_key(spki), ec.EllipticCurvePublicKey)
    assert send(card, cp.get_data_command(0x0199)).sw == cp.SW_DATA_NOT_FOUND
    assert send(card, cp.Command(0x80, cp.INS_GET_DATA, 1, 1, le=256)).sw == cp.SW_CLA_NOT_SUPPORTED
    assert send(card, cp.Command(0, 0xB0, 0, 0, le=256)).sw == cp.SW_INS_NOT_SUPPORTED
    assert cp.Response.decode(card.execute(b"\x00\xca")).sw == cp.SW_WRONG_LENGTH


def test_card_signs_only_after_verify_in_the_same_session(card):
    digest = cp.login_digest("n", "https://a.example", "CD20260001")
    send(card, cp.select_command())
    assert send(card, cp.sign_command(digest)).sw == cp.SW_SECURITY_STATUS_NOT_SATISFIED
    assert send(card, cp.pin_status_command()).sw == 0x63C5
    assert send(card, cp.verify_command("2468")).sw == cp.SW_OK
    assert send(card, cp.pin_status_command()).sw == cp.SW_OK
    assert send(card, cp.Command(0, cp.INS_SIGN, 0, 0, bytes(20), le=256)).sw == cp.SW_WRONG_LENGTH
    signature = send(card, cp.sign_command(digest)).check()
    spki = send(card, cp.get_data_command(cp.TAG_PUBLIC_KEY)).check()
    serialization.load_der_public_key(spki).verify(signature, digest, ec.ECDSA(Prehashed(hashes.SHA256())))
    card.powerDown()
    card.powerUp()
    send(card, cp.select_command())
    assert send(card, cp.sign_command(digest)).sw == cp.SW_SECURITY_STATUS_NOT_SATISFIED


def test_card_counts_wrong_pins_and_blocks_after_five(card, tmp_path):
    send(card, cp.select_command())
    assert send(card, cp.Command(0, cp.INS_VERIFY, 0, cp.P2_PIN, b"12a4")).sw == cp.SW_WRONG_DATA
    assert [send(card, cp.verify_command("1111")).sw for _ in range(2)] == [0x63C4, 0x63C3]
    assert send(card, cp.verify_command("2468")).sw == cp.SW_OK  # the right PIN resets the counter
    assert [send(card, cp.verify_command("1111")).sw for _ in range(5)] == [0x63C4, 0x63C3, 0x63C2, 0x63C1, 0x63C0]
    for command in (cp.verify_command("2468"), cp.pin_status_command(), cp.sign_command(bytes(32))):
        assert send(card, command).sw == cp.SW_PIN_BLOCKED
    assert CardState.load(tmp_path / "card.json").tries_left == 0
