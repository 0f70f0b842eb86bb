"""The certdash card application as a virtual card that vicc plugs into pcscd's vpcd reader.

vicc's VirtualICC relays the APDUs it gets from vpcd to an "OS" object with the SmartcardOS
interface (getATR, powerUp, powerDown, reset, execute); `CertdashCard` is that object. The card's
state (card number, PIN, tries left, private key) lives in a JSON file so that tests prepare cards
and a blocked PIN survives a restart. Launch (the harness does this):

    PYTHONPATH=/usr/lib/python3/site-packages/virtualsmartcard:<repo> \
        <venv>/bin/python -m tests.support.smartcard.certdash_card STATE.json [--port 35963]
"""
from __future__ import annotations

import argparse
import hmac
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from auth.card_protocol import (
    AID,
    CLA,
    DIGEST_SIZE,
    INS_GET_DATA,
    INS_SELECT,
    INS_SIGN,
    INS_VERIFY,
    P1_SELECT_BY_AID,
    P2_PIN,
    PIN_RE,
    PIN_TRIES,
    SW_OK,
    SW_WRONG_LENGTH,
    TAG_CARD_NO,
    TAG_PUBLIC_KEY,
    ApplicationNotFoundError,
    CardStatusError,
    ClaNotSupportedError,
    Command,
    DataNotFoundError,
    InsNotSupportedError,
    NotSelectedError,
    PinBlockedError,
    PinRequiredError,
    Response,
    WrongDataError,
    WrongLengthError,
    WrongParametersError,
    WrongPinError,
)

# TS 3B, T0 98 (TD1 present, 8 historical bytes), TA1 13, TD1 81, TD2 01 (T=1), "CERTDASH", TCK 15
ATR = bytes.fromhex("3b98138101") + b"CERTDASH" + bytes.fromhex("15")


@dataclass
class CardState:
    """What the card remembers across power cycles."""

    card_no: str
    pin: str
    tries_left: int
    private_key_pem: str

    @classmethod
    def create(cls, path: Path, *, card_no: str, pin: str, tries_left: int = PIN_TRIES,
               private_key: ec.EllipticCurvePrivateKey | None = None) -> CardState:
        """Write a new card's state file (a fresh P-256 key unless one is given) and return it."""
        key = private_key or ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode("ascii")
        state = cls(card_no=card_no, pin=pin, tries_left=tries_left, private_key_pem=pem)
        state.save(path)
        return state

    @classmethod
    def load(cls, path: Path) -> CardState:
        return cls(**json.loads(Path(path).read_text()))

    def save(self, path: Path) -> None:
        """Write atomically, so that stopping the card mid-write never leaves half a file."""
        tmp = Path(path).with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self)))
        os.replace(tmp, path)

    def private_key(self) -> ec.EllipticCurvePrivateKey:
        return serialization.load_pem_private_key(self.private_key_pem.encode("ascii"), password=None)


class CertdashCard:
    """The certdash card application behind vicc (implements vicc's SmartcardOS interface)."""

    def __init__(self, state_path: Path):
        self.state_path = Path(state_path)
        self.state = CardState.load(self.state_path)
        self.key = self.state.private_key()
        self.selected = False
        self.verified = False

    def getATR(self) -> bytes:  # the method names are vicc's
        return ATR

    def powerUp(self) -> None:
        self._end_session()

    def powerDown(self) -> None:
        self._end_session()

    def reset(self) -> None:
        self._end_session()

    def execute(self, msg: bytes) -> bytes:
        """Answer one command APDU with a response APDU."""
        try:
            command = Command.decode(msg)
        except ValueError:
            return Response(b"", SW_WRONG_LENGTH).encode()
        try:
            return Response(self._dispatch(command), SW_OK).encode()
        except CardStatusError as exc:
            return Response(b"", exc.sw).encode()

    def _end_session(self) -> None:
        self.selected = False
        self.verified = False

    def _dispatch(self, c: Command) -> bytes:
        if c.cla != CLA:
            raise ClaNotSupportedError()
        if c.ins == INS_SELECT:
            return self._select(c)
        if c.ins not in (INS_VERIFY, INS_GET_DATA, INS_SIGN):
            raise InsNotSupportedError()
        if not self.selected:
            raise NotSelectedError()
        if c.ins == INS_VERIFY:
            return self._verify(c)
        if c.ins == INS_GET_DATA:
            return self._get_data(c)
        return self._sign(c)

    def _select(self, c: Command) -> bytes:
        self._end_session()
        if c.p1 != P1_SELECT_BY_AID:
            raise WrongParametersError()
        if c.data != AID:
            raise ApplicationNotFoundError()
        self.selected = True
        return b""

    def _verify(self, c: Command) -> bytes:
        if (c.p1, c.p2) != (0x00, P2_PIN):
            raise WrongParametersError()
        if self.state.tries_left == 0:
            raise PinBlockedError()
        if not c.data:
            if self.verified:
                return b""
            raise WrongPinError(self.state.tries_left)
        if not PIN_RE.fullmatch(c.data.decode("ascii", "replace")):
            raise WrongDataError()
        if not hmac.compare_digest(c.data, self.state.pin.encode("ascii")):
            self.verified = False
            self.state.tries_left -= 1
            self.state.save(self.state_path)
            raise WrongPinError(self.state.tries_left)
        self.verified = True
        if self.state.tries_left != PIN_TRIES:
            self.state.tries_left = PIN_TRIES
            self.state.save(self.state_path)
        return b""

    def _get_data(self, c: Command) -> bytes:
        tag = c.p1 << 8 | c.p2
        if tag == TAG_CARD_NO:
            return self.state.card_no.encode("ascii")
        if tag == TAG_PUBLIC_KEY:
            return self.key.public_key().public_bytes(serialization.Encoding.DER,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo)
        raise DataNotFoundError()

    def _sign(self, c: Command) -> bytes:
        if (c.p1, c.p2) != (0x00, 0x00):
            raise WrongParametersError()
        if self.state.tries_left == 0:
            raise PinBlockedError()
        if not self.verified:
            raise PinRequiredError()
        if len(c.data) != DIGEST_SIZE:
            raise WrongLengthError()
        return self.key.sign(c.data, ec.ECDSA(Prehashed(hashes.SHA256())))


def main(argv: list[str] | None = None) -> None:
    """Connect a certdash card with the given state file to vpcd and serve it until killed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("state", type=Path, help="the card's JSON state file")
    parser.add_argument("--host", default="localhost", help="where vpcd listens (default: %(default)s)")
    parser.add_argument("--port", type=int, default=35963, help="vpcd's port (default: %(default)s, as shipped)")
    args = parser.parse_args(argv)
    card = CertdashCard(args.state)
    from virtualsmartcard.VirtualSmartcard import VirtualICC  # outside sys.path: PYTHONPATH, see above

    # VirtualICC builds a stock ISO 7816 card and connects to vpcd; the custom OS replaces that
    # card before the first message from vpcd (power up, ATR) is read.
    icc = VirtualICC(None, "iso7816", args.host, args.port, logginglevel=logging.ERROR)
    icc.os = card
    icc.run()


if __name__ == "__main__":
    main()
