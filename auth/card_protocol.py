"""The certdash card application: AID, APDUs, status words and the login digest.

Shared by the card agent (auth/card_agent.py) and the virtual card the tests run
(tests/support/smartcard/certdash_card.py), so both sides build and read the same bytes.

Commands (all CLA 00, short APDUs):
  SELECT             00 A4 04 0C Lc AID                 -> 9000 | 6A82 (not this application)
  VERIFY PIN         00 20 00 81 Lc PIN (4-8 ASCII digits) -> 9000 | 63Cx (x tries left) | 6983 | 6A80
  PIN status         00 20 00 81 (no data)              -> 9000 if verified | 63Cx | 6983
  GET DATA card no   00 CA 01 01 00                      -> ASCII card number, no PIN needed
  GET DATA key       00 CA 01 02 00                      -> SubjectPublicKeyInfo DER of the P-256 key
  SIGN               00 88 00 00 20 digest(32) 00        -> ECDSA P-256 signature (DER) | 6982 | 6983
SIGN needs a successful VERIFY since the card was powered up or the application selected.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import textwrap
from dataclasses import dataclass

AID = b"\xf0" + b"CERTDASH" + b"\x01"  # F0: proprietary, unregistered RID; last byte: version 1
CLA = 0x00
INS_SELECT = 0xA4
INS_VERIFY = 0x20
INS_GET_DATA = 0xCA
INS_SIGN = 0x88  # INTERNAL AUTHENTICATE
P1_SELECT_BY_AID = 0x04
P2_SELECT_NO_RESPONSE = 0x0C
P2_PIN = 0x81
TAG_CARD_NO = 0x0101
TAG_PUBLIC_KEY = 0x0102

PIN_TRIES = 5
PIN_RE = re.compile(r"[0-9]{4,8}", re.ASCII)
DIGEST_SIZE = 32
LOGIN_DIGEST_CONTEXT = b"certdash-card-login/v1"
CONFIRM_DIGEST_CONTEXT = b"certdash-card-confirm-signing/v1"  # never a sign-in: another context, another digest
MAX_CONFIRM_TEXT = 2000  # characters of the text naming what the signer confirms

SW_OK = 0x9000
SW_PIN_TRIES_LEFT = 0x63C0  # low nibble: tries left
SW_WRONG_LENGTH = 0x6700
SW_SECURITY_STATUS_NOT_SATISFIED = 0x6982
SW_PIN_BLOCKED = 0x6983
SW_CONDITIONS_NOT_SATISFIED = 0x6985
SW_WRONG_DATA = 0x6A80
SW_APPLICATION_NOT_FOUND = 0x6A82
SW_WRONG_P1P2 = 0x6A86
SW_DATA_NOT_FOUND = 0x6A88
SW_INS_NOT_SUPPORTED = 0x6D00
SW_CLA_NOT_SUPPORTED = 0x6E00


# --- status words as typed errors ---------------------------------------------------------------


class CardStatusError(Exception):
    """The card answered with a status word other than 9000."""

    sw = 0x6F00
    text = "card error"

    def __init__(self, sw: int | None = None):
        if sw is not None:
            self.sw = sw
        super().__init__(f"{self.text} (SW {self.sw:04X})")


class WrongLengthError(CardStatusError):
    """The command data has the wrong length."""

    sw, text = SW_WRONG_LENGTH, "wrong length"


class PinRequiredError(CardStatusError):
    """The PIN must be verified before this command."""

    sw, text = SW_SECURITY_STATUS_NOT_SATISFIED, "PIN not verified"


class PinBlockedError(CardStatusError):
    """The PIN is blocked after too many wrong tries."""

    sw, text = SW_PIN_BLOCKED, "PIN blocked"


class NotSelectedError(CardStatusError):
    """The certdash application is not selected."""

    sw, text = SW_CONDITIONS_NOT_SATISFIED, "application not selected"


class WrongDataError(CardStatusError):
    """The command data is malformed (e.g. a PIN that is not 4-8 digits)."""

    sw, text = SW_WRONG_DATA, "wrong data"


class ApplicationNotFoundError(CardStatusError):
    """The card has no application with this AID."""

    sw, text = SW_APPLICATION_NOT_FOUND, "application not found"


class WrongParametersError(CardStatusError):
    """P1/P2 are not valid for this command."""

    sw, text = SW_WRONG_P1P2, "wrong P1/P2"


class DataNotFoundError(CardStatusError):
    """GET DATA asked for an unknown tag."""

    sw, text = SW_DATA_NOT_FOUND, "data not found"


class InsNotSupportedError(CardStatusError):
    """The instruction is not supported."""

    sw, text = SW_INS_NOT_SUPPORTED, "instruction not supported"


class ClaNotSupportedError(CardStatusError):
    """The class byte is not supported."""

    sw, text = SW_CLA_NOT_SUPPORTED, "class not supported"


class WrongPinError(CardStatusError):
    """VERIFY failed (or the PIN is not verified yet); `tries_left` tries remain."""

    text = "wrong PIN"

    def __init__(self, tries_left: int):
        self.tries_left = tries_left
        super().__init__(SW_PIN_TRIES_LEFT | tries_left)


_ERRORS = {cls.sw: cls for cls in (
    WrongLengthError, PinRequiredError, PinBlockedError, NotSelectedError, WrongDataError,
    ApplicationNotFoundError, WrongParametersError, DataNotFoundError, InsNotSupportedError,
    ClaNotSupportedError,
)}


def error_for_status(sw: int) -> CardStatusError:
    """Return the typed error for a status word other than 9000."""
    if sw & 0xFFF0 == SW_PIN_TRIES_LEFT:
        return WrongPinError(sw & 0x0F)
    cls = _ERRORS.get(sw)
    return cls() if cls else CardStatusError(sw)


# --- APDUs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """A short command APDU (ISO 7816-4 cases 1 to 4)."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None  # expected response length, 1..256 (256 is encoded as 00)

    def encode(self) -> bytes:
        """Return the APDU bytes."""
        if len(self.data) > 255:
            raise ValueError("command data longer than 255 bytes")
        if self.le is not None and not 1 <= self.le <= 256:
            raise ValueError("Le must be 1..256")
        raw = bytes((self.cla, self.ins, self.p1, self.p2))
        if self.data:
            raw += bytes((len(self.data),)) + self.data
        if self.le is not None:
            raw += bytes((self.le % 256,))
        return raw

    @classmethod
    def decode(cls, raw: bytes) -> Command:
        """Parse a short APDU; raise ValueError if its length fields do not add up."""
        if len(raw) < 4:
            raise ValueError("APDU shorter than its header")
        (cla, ins, p1, p2), body = raw[:4], raw[4:]
        if not body:
            return cls(cla, ins, p1, p2)
        if len(body) == 1:
            return cls(cla, ins, p1, p2, le=body[0] or 256)
        lc = body[0]
        if lc == 0:
            raise ValueError("extended length APDUs are not supported")
        if len(body) == 1 + lc:
            return cls(cla, ins, p1, p2, data=bytes(body[1:]))
        if len(body) == 2 + lc:
            return cls(cla, ins, p1, p2, data=bytes(body[1:-1]), le=body[-1] or 256)
        raise ValueError("APDU length does not match Lc")


@dataclass(frozen=True)
class Response:
    """A response APDU: data and status word."""

    data: bytes
    sw: int

    def encode(self) -> bytes:
        """Return the response bytes (data, SW1, SW2)."""
        return self.data + self.sw.to_bytes(2, "big")

    @classmethod
    def decode(cls, raw: bytes) -> Response:
        """Parse a response; raise ValueError if it has no status word."""
        if len(raw) < 2:
            raise ValueError("response shorter than its status word")
        return cls(bytes(raw[:-2]), int.from_bytes(raw[-2:], "big"))

    def check(self) -> bytes:
        """Return the data, or raise the typed error of a status word other than 9000."""
        if self.sw != SW_OK:
            raise error_for_status(self.sw)
        return self.data


def check_pin(pin: str) -> bytes:
    """Return the PIN as card bytes; raise ValueError unless it is 4-8 ASCII digits."""
    if not isinstance(pin, str) or not PIN_RE.fullmatch(pin):
        raise ValueError("the PIN must be 4 to 8 digits")
    return pin.encode("ascii")


def select_command() -> Command:
    """SELECT the certdash application by its AID."""
    return Command(CLA, INS_SELECT, P1_SELECT_BY_AID, P2_SELECT_NO_RESPONSE, AID)


def verify_command(pin: str) -> Command:
    """VERIFY the card holder's PIN."""
    return Command(CLA, INS_VERIFY, 0x00, P2_PIN, check_pin(pin))


def pin_status_command() -> Command:
    """VERIFY without data: ask for the PIN status (tries left, or verified)."""
    return Command(CLA, INS_VERIFY, 0x00, P2_PIN)


def get_data_command(tag: int) -> Command:
    """GET DATA of a proprietary tag (TAG_CARD_NO, TAG_PUBLIC_KEY)."""
    return Command(CLA, INS_GET_DATA, tag >> 8, tag & 0xFF, le=256)


def sign_command(digest: bytes) -> Command:
    """INTERNAL AUTHENTICATE: sign a 32-byte digest with the card's key."""
    if len(digest) != DIGEST_SIZE:
        raise ValueError(f"the digest must be {DIGEST_SIZE} bytes")
    return Command(CLA, INS_SIGN, 0x00, 0x00, digest, le=256)


# --- what gets signed ---------------------------------------------------------------------------


def _digest(*parts: bytes) -> bytes:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(4, "big"))
        h.update(part)
    return h.digest()


def login_digest(nonce: str, origin: str, card_no: str) -> bytes:
    """Return SHA-256 over the versioned, length-prefixed (nonce, origin, card number)."""
    return _digest(LOGIN_DIGEST_CONTEXT, nonce.encode("utf-8"), origin.encode("utf-8"), card_no.encode("utf-8"))


def confirm_digest(nonce: str, origin: str, card_no: str, what: str) -> bytes:
    """Return SHA-256 over the versioned, length-prefixed (nonce, origin, card number, what is confirmed).

    The card holder confirms a signing act (issuing certificates) with the card: `what` names the act
    (`confirm_text`), so the signature is worth nothing for another act, and nothing as a sign-in."""
    return _digest(CONFIRM_DIGEST_CONTEXT, nonce.encode("utf-8"), origin.encode("utf-8"), card_no.encode("utf-8"),
                   what.encode("utf-8"))


def confirm_text(what: dict) -> str:
    """The one text of an act to confirm: its fields as compact JSON with sorted keys."""
    return json.dumps(what, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def spki_to_pem(der: bytes) -> str:
    """Return a SubjectPublicKeyInfo DER as PEM text."""
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode("ascii"), 64))
    return f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n"
