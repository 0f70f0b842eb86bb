"""IC-card sign-in (one-time challenges signed by the card) and card binding; every outcome is an Event.

The login page gets a challenge from `issue_challenge`, the card agent on the operator's PC signs
`auth.card_protocol.login_digest(nonce, origin, card_no)` with the card's key after the PIN was
verified on the card, and `card_sign_in` checks that signature against the key bound to the card.
`origin` is the site's own origin as the server knows it, never one the browser supplies.
"""
from __future__ import annotations

import enum
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from auth.card_protocol import login_digest
from auth.permissions import Perm
from data.core.db import rowcount
from data.core.scope import Actor
from data.models import Enterprise, Event, IcCard, LoginChallenge, User, as_utc

CHALLENGE_TTL = timedelta(minutes=2)
CARD_NO_RE = re.compile(r"[0-9A-Za-z]{1,32}", re.ASCII)
CARD_ACTIVE = "active"
CARD_BLOCKED = "blocked"


class CardLoginOutcome(str, enum.Enum):
    OK = "ok"
    UNKNOWN_CARD = "unknown_card"
    CARD_BLOCKED = "card_blocked"
    CARD_UNBOUND = "card_unbound"
    CHALLENGE_EXPIRED = "challenge_expired"
    CHALLENGE_REPLAYED = "challenge_replayed"
    CHALLENGE_UNKNOWN = "challenge_unknown"
    BAD_SIGNATURE = "bad_signature"
    USER_LOCKED = "user_locked"
    USER_INACTIVE = "user_inactive"
    PENDING_REVIEW = "pending_review"  # the user's enterprise registration is not reviewed yet
    REJECTED = "rejected"  # the user's enterprise registration was rejected


@dataclass(frozen=True)
class CardLoginResult:
    outcome: CardLoginOutcome
    user: User | None = None
    locked_until: datetime | None = None


class CardAdminError(Exception):
    """An administrator's card operation was refused: `code` (and `values`) for the page, the message for logs."""

    def __init__(self, code: str, message: str, **values):
        super().__init__(message)
        self.code = code
        self.values = values


def _utc(now: datetime | None) -> datetime:
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc)


# --- sign-in ------------------------------------------------------------------------------------


def issue_challenge(s: Session, *, now: datetime | None = None, ttl: timedelta = CHALLENGE_TTL) -> str:
    """Store a new unguessable one-time nonce valid for `ttl` and return it."""
    now = _utc(now)
    nonce = secrets.token_urlsafe(32)
    s.add(LoginChallenge(nonce=nonce, created_at=now, expires_at=now + ttl))
    s.flush()
    return nonce


def card_sign_in(s: Session, *, card_no: str, nonce: str, signature: bytes, origin: str,
                 now: datetime | None = None, remote_addr: str | None = None) -> CardLoginResult:
    """Consume the challenge, check the card's signature over it and the card's user; log the attempt."""
    now = _utc(now)
    card_no = (card_no or "").strip()
    details = {"card_no": card_no[:32], "addr": remote_addr}
    failure = consume_challenge(s, nonce, card_no, now)
    if failure is not None:
        return _refuse(s, failure, details, now)
    card = s.scalar(select(IcCard).where(IcCard.card_no == card_no))
    if card is None:
        return _refuse(s, CardLoginOutcome.UNKNOWN_CARD, details, now)
    user = s.get(User, card.user_id) if card.user_id is not None else None
    if card.status != CARD_ACTIVE:
        return _refuse(s, CardLoginOutcome.CARD_BLOCKED, details, now, user)
    if user is None:
        return _refuse(s, CardLoginOutcome.CARD_UNBOUND, details, now)
    if not signature_valid(card.public_key_pem, signature, login_digest(nonce, origin, card_no)):
        return _refuse(s, CardLoginOutcome.BAD_SIGNATURE, details, now, user)
    locked_until = as_utc(user.locked_until)
    if locked_until and locked_until > now:
        return _refuse(s, CardLoginOutcome.USER_LOCKED, details, now, user, locked_until=locked_until)
    if not user.active:
        return _refuse(s, CardLoginOutcome.USER_INACTIVE, details, now, user)
    if user.enterprise_id is not None:
        status = s.scalar(select(Enterprise.status).where(Enterprise.id == user.enterprise_id))
        if status != "approved":
            outcome = CardLoginOutcome.REJECTED if status == "rejected" else CardLoginOutcome.PENDING_REVIEW
            return _refuse(s, outcome, details, now, user)
    user.last_login_at = now
    _log(s, "auth.card_login", "card login", card_no=card_no, details=details, now=now, user=user)
    return CardLoginResult(CardLoginOutcome.OK, user=user)


def consume_challenge(s: Session, nonce: str, card_no: str, now: datetime) -> CardLoginOutcome | None:
    """Use up a one-time challenge; None when it was there, unused and in time, else why it cannot be used."""
    # One statement consumes the challenge: of two concurrent uses exactly one updates the row.
    consumed = rowcount(s.execute(
        update(LoginChallenge)
        .where(LoginChallenge.nonce == nonce, LoginChallenge.used_at.is_(None), LoginChallenge.expires_at > now)
        .values(used_at=now, card_no=card_no[:32])
        .execution_options(synchronize_session=False)
    ))
    return None if consumed == 1 else _challenge_failure(s, nonce)


def _challenge_failure(s: Session, nonce: str) -> CardLoginOutcome:
    """Tell why a challenge could not be consumed (read from the store, not the identity map)."""
    row = s.execute(select(LoginChallenge.used_at).where(LoginChallenge.nonce == nonce)).first()
    if row is None:
        return CardLoginOutcome.CHALLENGE_UNKNOWN
    return CardLoginOutcome.CHALLENGE_REPLAYED if row.used_at is not None else CardLoginOutcome.CHALLENGE_EXPIRED


def signature_valid(public_key_pem: str, signature: bytes, digest: bytes) -> bool:
    try:
        key = serialization.load_pem_public_key(public_key_pem.encode("ascii"))
    except (ValueError, UnsupportedAlgorithm):
        return False
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return False
    try:
        key.verify(signature, digest, ec.ECDSA(Prehashed(hashes.SHA256())))
    except InvalidSignature:
        return False
    return True


def _refuse(s: Session, outcome: CardLoginOutcome, details: dict, now: datetime, user: User | None = None,
            locked_until: datetime | None = None) -> CardLoginResult:
    _log(s, "auth.card_login_failed", f"card login refused: {outcome.value.replace('_', ' ')}",
         card_no=details["card_no"], details={**details, "reason": outcome.value}, now=now, user=user)
    return CardLoginResult(outcome, locked_until=locked_until)


def purge_challenges(s: Session, now: datetime | None = None) -> int:
    """Delete expired challenges (used or not); return how many were deleted."""
    return rowcount(s.execute(
        delete(LoginChallenge).where(LoginChallenge.expires_at <= _utc(now))
        .execution_options(synchronize_session=False)
    ))


# --- administration -----------------------------------------------------------------------------


def _public_key_pem(public_key_pem: str) -> str:
    """Return the key re-encoded as PEM SubjectPublicKeyInfo; refuse anything but EC P-256."""
    try:
        key = serialization.load_pem_public_key((public_key_pem or "").strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise CardAdminError("bad_key", "The public key must be an EC P-256 key in PEM (SubjectPublicKeyInfo) form.")
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _card(s: Session, card_no: str) -> IcCard:
    card = s.scalar(select(IcCard).where(IcCard.card_no == card_no))
    if card is None:
        raise CardAdminError("card_unknown", f"Card {card_no} is not registered.", card=card_no)
    return card


def bind_card(s: Session, actor: Actor, *, user_id: int, card_no: str, public_key_pem: str,
              now: datetime | None = None) -> IcCard:
    """Register a card with its public key (or re-key it) for a user; refuse a card bound to someone else."""
    actor.require(Perm.ADMIN_USERS)
    now = _utc(now)
    card_no = (card_no or "").strip()
    if not CARD_NO_RE.fullmatch(card_no):
        raise CardAdminError("card_no_format", "A card number is 1 to 32 letters or digits.")
    user = s.get(User, user_id)
    if user is None:
        raise CardAdminError("unknown_user", f"There is no user with id {user_id}.")
    pem = _public_key_pem(public_key_pem)
    card = s.scalar(select(IcCard).where(IcCard.card_no == card_no))
    if card is None:
        card = IcCard(card_no=card_no, status=CARD_ACTIVE)
        s.add(card)
    elif card.user_id is not None and card.user_id != user_id:
        owner = s.get_one(User, card.user_id)
        raise CardAdminError("bound_to_other", f"Card {card_no} is already bound to user {owner.account}; unbind it first.",
                             card=card_no, account=owner.account)
    elif card.status != CARD_ACTIVE:
        raise CardAdminError("card_not_active", f"Card {card_no} is {card.status} and cannot be bound.", card=card_no)
    card.user_id = user_id
    card.public_key_pem = pem
    card.bound_at = now
    s.flush()
    _log(s, "auth.card_bound", f"card {card_no} bound to {user.account}", card_no=card_no,
         details={"user_id": user_id, "key_sha256": hashlib.sha256(pem.encode()).hexdigest()}, now=now,
         user=user, actor=actor)
    return card


def unbind_card(s: Session, actor: Actor, *, card_no: str, now: datetime | None = None) -> IcCard:
    """Detach a card from its user; it can no longer sign in until bound again."""
    actor.require(Perm.ADMIN_USERS)
    card = _card(s, (card_no or "").strip())
    if card.user_id is None:
        raise CardAdminError("card_not_bound", f"Card {card.card_no} is not bound to any user.", card=card.card_no)
    user = s.get_one(User, card.user_id)
    card.user_id, card.bound_at = None, None
    _log(s, "auth.card_unbound", f"card {card.card_no} unbound from {user.account}", card_no=card.card_no,
         details={"user_id": user.id}, now=_utc(now), user=user, actor=actor)
    return card


def block_card(s: Session, actor: Actor, *, card_no: str, now: datetime | None = None) -> IcCard:
    """Block a card (lost, stolen): it can no longer sign in and cannot be bound again."""
    actor.require(Perm.ADMIN_USERS)
    card = _card(s, (card_no or "").strip())
    card.status = CARD_BLOCKED
    user = s.get(User, card.user_id) if card.user_id is not None else None
    _log(s, "auth.card_blocked", f"card {card.card_no} blocked", card_no=card.card_no,
         details={"user_id": card.user_id}, now=_utc(now), user=user, actor=actor)
    return card


def _log(s: Session, code: str, message: str, *, card_no: str, details: dict, now: datetime,
         user: User | None = None, actor: Actor | None = None) -> None:
    """Add an event about a card, scoped to its user; the actor is the administrator, else that user."""
    actor_id = actor.user_id if actor else (user.id if user else None)
    s.add(Event(code=code, actor_id=actor_id, object_type="ic_card", object_id=card_no[:64],
                enterprise_id=user.enterprise_id if user else None,
                district_code=user.district_code if user else None,
                message=message, details=details, at=now))


@dataclass(frozen=True)
class CardRow:
    card_no: str
    status: str
    account: str | None
    real_name: str | None
    bound_at: datetime | None


def list_cards(s: Session, actor: Actor) -> list[CardRow]:
    """Return every registered card with the user it is bound to, by card number."""
    actor.require(Perm.ADMIN_USERS)
    rows = s.execute(select(IcCard.card_no, IcCard.status, User.account, User.real_name, IcCard.bound_at)
                     .outerjoin(User, User.id == IcCard.user_id).order_by(IcCard.card_no))
    return [CardRow(*r) for r in rows]


def user_id_for_account(s: Session, actor: Actor, account: str) -> int:
    """Return the id of the active user with this account, for binding a card to it."""
    actor.require(Perm.ADMIN_USERS)
    user_id = s.scalar(select(User.id).where(func.lower(User.account) == (account or "").strip().lower(),
                                             User.deleted_at.is_(None)))
    if user_id is None:
        raise CardAdminError("unknown_user", f"There is no user {account!r}.")
    return user_id
