"""The running app's certificate services: its issuer (signing keys, public address) and verification
of the current request, shared by the server routes and the page callbacks."""
from __future__ import annotations

from flask import current_app, request

from dashboard.runtime.store import session_scope
from data.certificates.issuing import Issuer, stored_pdf
from data.certificates.verification import VerifyOutcome, verify_certificate


def current_issuer() -> Issuer:
    """The deployment's signing keys and public address, from the app's settings."""
    return Issuer.from_settings(current_app.config["CERTDASH_SETTINGS"])


def trust_roots() -> list:
    """The roots the deployment's certificate signatures chain to."""
    return current_issuer().keyring.trust_roots()


def client_address() -> str:
    """The requesting client's address (behind a proxy: configure ProxyFix so this is the real one)."""
    return request.remote_addr or "unknown"


def verify(number: str, token: str, channel: str) -> VerifyOutcome:
    """Run one verification attempt for the current request; committed even when refused."""
    source = current_issuer()
    with session_scope() as s:
        return verify_certificate(s, number, token, client=client_address(), channel=channel,
                                  trust_roots=source.keyring.trust_roots(),
                                  pdf_source=lambda s_, cert: stored_pdf(s_, cert, source))
