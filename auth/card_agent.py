"""The card agent on the operator's PC: PC/SC access to the certdash card and a loopback HTTP API.

The login page cannot reach the card reader, so it asks this agent on http://127.0.0.1:<port>:
  GET  /status      -> {"ok": true, "card_no", "reader"}
  GET  /public-key  -> {"ok": true, "card_no", "public_key_pem"}   (to bind the card to a user)
  POST /sign  {"nonce", "origin", "pin"} -> {"ok": true, "card_no", "signature": base64 DER}
             with "what" (the text naming an act the holder confirms, e.g. issuing certificates) the card
             signs the confirmation digest of (nonce, origin, card number, what) instead of the sign-in one
Failures answer {"ok": false, "code", "message"} (+ "tries_left" for wrong_pin). Only the
configured origins may call it (CORS, with Chrome's private network access preflight); it listens
on 127.0.0.1 only and never logs the PIN.

    python -m auth.card_agent --port 47800 --allow-origin http://127.0.0.1:8050
"""
from __future__ import annotations

import argparse
import base64
import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from smartcard import scard
from smartcard.Exceptions import NoCardException, SmartcardException
from smartcard.pcsc.PCSCExceptions import BaseSCardException
from smartcard.pcsc.PCSCReader import PCSCReader
from smartcard.System import readers

from auth.card_protocol import (
    MAX_CONFIRM_TEXT,
    SW_OK,
    TAG_CARD_NO,
    TAG_PUBLIC_KEY,
    CardStatusError,
    Command,
    PinBlockedError,
    Response,
    WrongPinError,
    check_pin,
    confirm_digest,
    get_data_command,
    login_digest,
    select_command,
    sign_command,
    spki_to_pem,
    verify_command,
)

log = logging.getLogger("certdash.card_agent")

DEFAULT_PORT = 47800
MAX_BODY = 4096
MESSAGES = {
    "no_pcscd": "The smart card service (pcscd) is not running.",
    "no_reader": "No card reader is connected.",
    "no_card": "There is no card in the reader.",
    "not_our_card": "The card in the reader is not a certdash IC card.",
    "invalid_pin": "The PIN must be 4 to 8 digits.",
    "wrong_pin": "Wrong PIN.",
    "pin_blocked": "The PIN is blocked after 5 wrong tries; have the card unblocked by its issuer.",
    "card_error": "The card reader or the card reported an error.",
    "bad_request": "The request is malformed.",
    "origin_refused": "This page may not use the card agent.",
    "not_found": "No such endpoint.",
}
_NO_SERVICE = {scard.SCARD_E_NO_SERVICE, scard.SCARD_E_SERVICE_STOPPED}
_NO_CARD = {scard.SCARD_E_NO_SMARTCARD, scard.SCARD_W_REMOVED_CARD}
_NO_READER = {scard.SCARD_E_UNKNOWN_READER, scard.SCARD_E_READER_UNAVAILABLE, scard.SCARD_E_NO_READERS_AVAILABLE}


class AgentError(Exception):
    """A failure the login page shows: `code` is stable, the message is plain English."""

    def __init__(self, code: str, message: str | None = None, *, tries_left: int | None = None):
        self.code = code
        self.tries_left = tries_left
        super().__init__(message or MESSAGES[code])

    def as_json(self) -> dict:
        body = {"ok": False, "code": self.code, "message": str(self)}
        if self.tries_left is not None:
            body["tries_left"] = self.tries_left
        return body


@dataclass(frozen=True)
class SignedLogin:
    card_no: str
    signature: bytes  # ECDSA P-256, DER


def _pcsc_error(exc: Exception) -> AgentError:
    """Map a pyscard exception to the agent's error codes."""
    if isinstance(exc, NoCardException):
        return AgentError("no_card")
    hresult = getattr(exc, "hresult", -1) & 0xFFFFFFFF
    if isinstance(exc, BaseSCardException) or hresult in _NO_SERVICE:
        return AgentError("no_pcscd")
    if hresult in _NO_CARD:
        return AgentError("no_card")
    if hresult in _NO_READER:
        return AgentError("no_reader")
    if hresult == scard.SCARD_E_SHARING_VIOLATION:
        return AgentError("card_error", "The card is in use by another program.")
    return AgentError("card_error", f"The card reader reported an error: {exc}")


def list_readers() -> list[str]:
    """Return the names of the PC/SC readers."""
    try:
        return [str(r) for r in readers()]
    except (SmartcardException, BaseSCardException) as exc:
        raise _pcsc_error(exc) from None


class CardSession:
    """A card connected exclusively, with the certdash application selected."""

    def __init__(self, connection, reader: str):
        self.connection = connection
        self.reader = reader

    def exchange(self, command: Command) -> Response:
        """Send one APDU and return the card's response, whatever its status word."""
        try:
            data, sw1, sw2 = self.connection.transmit(list(command.encode()))
        except (SmartcardException, BaseSCardException) as exc:
            raise _pcsc_error(exc) from None
        return Response(bytes(data), sw1 << 8 | sw2)

    def transmit(self, command: Command) -> bytes:
        """Send one APDU and return its data; a status word other than 9000 raises AgentError."""
        try:
            return self.exchange(command).check()
        except WrongPinError as exc:
            if exc.tries_left == 0:
                raise AgentError("pin_blocked") from None
            raise AgentError("wrong_pin", f"Wrong PIN; {exc.tries_left} tries left.",
                             tries_left=exc.tries_left) from None
        except PinBlockedError:
            raise AgentError("pin_blocked") from None
        except CardStatusError as exc:
            raise AgentError("card_error", f"The card refused the command: {exc}.") from None

    def select(self) -> None:
        if self.exchange(select_command()).sw != SW_OK:
            raise AgentError("not_our_card")

    def card_no(self) -> str:
        raw = self.transmit(get_data_command(TAG_CARD_NO))
        try:
            return raw.decode("ascii")
        except UnicodeDecodeError:
            raise AgentError("card_error", "The card number on the card is not readable.") from None

    def public_key_pem(self) -> str:
        return spki_to_pem(self.transmit(get_data_command(TAG_PUBLIC_KEY)))

    def verify_pin(self, pin: str) -> None:
        self.transmit(verify_command(pin))

    def sign(self, digest: bytes) -> bytes:
        return self.transmit(sign_command(digest))


def _connect(reader: str):
    """Connect exclusively to the card in `reader`; return None if the reader is empty."""
    connection = None
    try:
        connection = PCSCReader(reader).createConnection()
        connection.connect(mode=scard.SCARD_SHARE_EXCLUSIVE)
        return connection
    except (SmartcardException, BaseSCardException) as exc:
        if connection is not None:
            _release(connection)
        if isinstance(exc, NoCardException) or getattr(exc, "hresult", -1) & 0xFFFFFFFF in _NO_CARD:
            return None
        raise _pcsc_error(exc) from None


def _release(connection) -> None:
    """Disconnect (powering the card down, which ends its PIN session) and free the PC/SC context."""
    try:
        connection.release()
    except (SmartcardException, BaseSCardException):
        pass  # pcscd or the card went away: nothing is left to free


@contextmanager
def open_card(reader: str | None = None) -> Iterator[CardSession]:
    """Yield the first card holding the certdash application (in `reader`, or in any reader)."""
    names = [name for name in list_readers() if reader is None or name == reader]
    if not names:
        raise AgentError("no_reader")
    foreign = False
    for name in names:
        connection = _connect(name)
        if connection is None:
            continue
        session = CardSession(connection, name)
        try:
            session.select()
        except AgentError as exc:
            _release(connection)
            if exc.code != "not_our_card":
                raise
            foreign = True
            continue
        try:
            yield session
        finally:
            _release(connection)
        return
    raise AgentError("not_our_card" if foreign else "no_card")


def read_status(reader: str | None = None) -> dict:
    """Return the card number and reader of the inserted card (no PIN needed)."""
    with open_card(reader) as card:
        return {"card_no": card.card_no(), "reader": card.reader}


def read_public_key(reader: str | None = None) -> dict:
    """Return the card number and the card's public key (PEM), for binding the card to a user."""
    with open_card(reader) as card:
        return {"card_no": card.card_no(), "public_key_pem": card.public_key_pem()}


def sign_login(nonce: str, origin: str, pin: str, reader: str | None = None, *, what: str | None = None) -> SignedLogin:
    """Verify the PIN on the card and sign the login digest of (nonce, origin, card number), or with `what`
    the confirmation digest of (nonce, origin, card number, what)."""
    try:
        check_pin(pin)
    except ValueError:
        raise AgentError("invalid_pin") from None
    with open_card(reader) as card:
        card_no = card.card_no()
        card.verify_pin(pin)
        digest = login_digest(nonce, origin, card_no) if what is None else confirm_digest(nonce, origin, card_no, what)
        return SignedLogin(card_no, card.sign(digest))


# --- loopback HTTP API --------------------------------------------------------------------------


class AgentServer(ThreadingHTTPServer):
    """The agent's HTTP server on 127.0.0.1; card access is one request at a time."""

    daemon_threads = True

    def __init__(self, port: int, allowed_origins: frozenset[str] | set[str] | tuple[str, ...],
                 reader: str | None = None):
        super().__init__(("127.0.0.1", port), AgentHandler)
        self.allowed_origins = frozenset(allowed_origins)
        self.reader = reader
        self.card_lock = threading.Lock()
        # a DNS-rebound page would send its own host name: only loopback names are served
        self.allowed_hosts = frozenset({f"127.0.0.1:{self.server_port}", f"localhost:{self.server_port}"})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


class AgentHandler(BaseHTTPRequestHandler):
    server: AgentServer
    server_version = "certdash-card-agent/1"

    def version_string(self) -> str:
        return self.server_version

    def do_OPTIONS(self) -> None:  # noqa: N802 - http.server's naming
        """Answer a CORS preflight (and Chrome's private network access preflight)."""
        admitted, origin = self._admit(origin_required=True)
        if not admitted:
            return
        self.send_response(204)
        self._cors_headers(origin)
        self.send_header("Access-Control-Allow-Methods", "GET, POST")
        self.send_header("Access-Control-Allow-Headers", "Content-Type")
        if self.headers.get("Access-Control-Request-Private-Network", "").lower() == "true":
            self.send_header("Access-Control-Allow-Private-Network", "true")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        admitted, origin = self._admit(origin_required=False)
        if not admitted:
            return
        reader = self.server.reader
        if self.path == "/status":
            self._card_call(origin, lambda: read_status(reader))
        elif self.path == "/public-key":
            self._card_call(origin, lambda: read_public_key(reader))
        else:
            self._send_json(404, AgentError("not_found").as_json(), origin)

    def do_POST(self) -> None:  # noqa: N802
        admitted, origin = self._admit(origin_required=True)
        if not admitted:
            return
        if self.path != "/sign":
            self._send_json(404, AgentError("not_found").as_json(), origin)
            return
        body = self._read_json()
        fields = [body.get(key) if isinstance(body, dict) else None for key in ("nonce", "origin", "pin")]
        if not all(isinstance(f, str) for f in fields) or not 0 < len(fields[0]) <= 128:
            self._send_json(400, AgentError("bad_request", "Send JSON with nonce, origin and pin.").as_json(),
                            origin)
            return
        nonce, signed_origin, pin = fields
        what = body.get("what") if isinstance(body, dict) else None
        if what is not None and not (isinstance(what, str) and 0 < len(what) <= MAX_CONFIRM_TEXT):
            self._send_json(400, AgentError("bad_request", "What to confirm is a text of 1 to "
                                            f"{MAX_CONFIRM_TEXT} characters.").as_json(), origin)
            return
        if signed_origin != origin:
            self._send_json(400, AgentError("bad_request", "The origin to sign is not the page's origin.")
                            .as_json(), origin)
            return

        def sign() -> dict:
            signed = sign_login(nonce, signed_origin, pin, self.server.reader, what=what)
            return {"card_no": signed.card_no, "signature": base64.b64encode(signed.signature).decode("ascii")}

        self._card_call(origin, sign)

    def _admit(self, *, origin_required: bool) -> tuple[bool, str | None]:
        """Check Host and Origin; refuse with 403 (and no CORS headers) when they are not ours."""
        origin = self.headers.get("Origin")
        host_ok = self.headers.get("Host", "").lower() in self.server.allowed_hosts
        origin_ok = origin in self.server.allowed_origins if origin is not None else not origin_required
        if host_ok and origin_ok:
            return True, origin
        log.warning("refused %s %s from origin %r, host %r", self.command, self.path, origin,
                    self.headers.get("Host"))
        self._send_json(403, AgentError("origin_refused").as_json(), None)
        return False, None

    def _read_json(self) -> object:
        """Return the parsed JSON body, or None if it is missing, too large or not JSON."""
        if self.headers.get_content_type() != "application/json":
            return None
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return None
        if not 0 < length <= MAX_BODY:
            return None
        try:
            return json.loads(self.rfile.read(length))
        except ValueError:
            return None

    def _card_call(self, origin: str | None, action: Callable[[], dict]) -> None:
        with self.server.card_lock:
            try:
                body = {"ok": True, **action()}
            except AgentError as exc:
                body = exc.as_json()
        log.info("%s %s -> %s", self.command, self.path, "ok" if body["ok"] else body["code"])
        self._send_json(200, body, origin)

    def _cors_headers(self, origin: str | None) -> None:
        if origin is not None:
            self.send_header("Access-Control-Allow-Origin", origin)
        self.send_header("Vary", "Origin")

    def _send_json(self, status: int, body: dict, origin: str | None) -> None:
        payload = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self._cors_headers(origin)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's signature
        """Log the request line and status only (bodies, which carry the PIN, never)."""
        log.debug("%s %s", self.address_string(), format % args)


def _origin(value: str) -> str:
    """Accept an origin like http://127.0.0.1:8050 (scheme and host, no path)."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") \
            or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(f"not an origin (scheme://host[:port]): {value}")
    return f"{parts.scheme}://{parts.netloc}"


def main(argv: list[str] | None = None) -> None:
    """Run the agent until interrupted."""
    parser = argparse.ArgumentParser(description="certdash IC card agent (loopback HTTP, PC/SC)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port on 127.0.0.1 (default: %(default)s)")
    parser.add_argument("--allow-origin", type=_origin, action="append", required=True,
                        help="origin of the certdash site allowed to use the agent (repeatable)")
    parser.add_argument("--reader", help="use only this reader (default: the first one holding a certdash card)")
    parser.add_argument("-v", "--verbose", action="store_true", help="also log every HTTP request line")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(message)s")
    server = AgentServer(args.port, args.allow_origin, args.reader)
    log.info("card agent on %s for %s", server.url, ", ".join(sorted(server.allowed_origins)))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
