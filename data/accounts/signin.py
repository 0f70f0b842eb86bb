"""Password sign-in with lockout, and loading the signed-in user; every outcome is an Event."""
from __future__ import annotations

import enum
import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auth.card_protocol import confirm_digest, confirm_text
from auth.passwords import hash_password, password_problem, verify_password
from data.accounts.cards import CARD_ACTIVE, consume_challenge, signature_valid
from data.core.mail import queue_mail
from data.core.rate_limit import forget, note, parameter_int, recent
from data.models import Enterprise, Event, IcCard, PasswordResetToken, User, as_utc

ACCOUNT_RE = re.compile(r"^[A-Za-z0-9_]{6,12}$")
LOCK_THRESHOLD_PARAMETER = "login.lock_threshold"  # failed sign-ins of one account from one address ...
LOCK_MINUTES_PARAMETER = "login.lock_minutes"  # ... within this many minutes, before that pair must wait
DEFAULT_LOCK_THRESHOLD = 5
DEFAULT_LOCK_MINUTES = 15
ADDRESS_FACTOR = 4  # one address may fail this many times the threshold, over every account it tries
ACCOUNT_FACTOR = 10  # one account may fail this many times the threshold, from every address together


class LoginOutcome(str, enum.Enum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    THROTTLED = "throttled"  # too many failures from this address (for this account): wait, whoever you are
    LOCKED = "locked"  # locked by an administrator (said only to whoever knows the password)
    INACTIVE = "inactive"
    PENDING_REVIEW = "pending_review"  # the enterprise's registration is not reviewed yet
    REJECTED = "rejected"  # the enterprise's registration was rejected


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None
    locked_until: datetime | None = None
    retry_minutes: int | None = None  # THROTTLED: how long to wait


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def normalise_account(account: str) -> str:
    """An account name as typed, for look-ups, counters and records: trimmed, lower-case, and with control
    characters (a NUL, which PostgreSQL refuses in text) shown as U+FFFD, which no account name holds."""
    return _CONTROL.sub("\ufffd", (account or "").strip().lower())


def find_user(s: Session, account: str) -> User | None:
    return s.scalar(select(User).where(func.lower(User.account) == normalise_account(account)))


def lock_rule(s: Session) -> tuple[int, timedelta]:
    """The failed sign-ins allowed (per account and address) and the window they are counted in."""
    return (parameter_int(s, LOCK_THRESHOLD_PARAMETER, DEFAULT_LOCK_THRESHOLD, minimum=3, maximum=100),
            timedelta(minutes=parameter_int(s, LOCK_MINUTES_PARAMETER, DEFAULT_LOCK_MINUTES, minimum=1, maximum=1440)))


@functools.cache
def _stand_in_hash() -> str:
    """A hash checked for unknown accounts, so that they cost the same work as known ones."""
    return hash_password(secrets.token_urlsafe(16))


def _failure_keys(name: str, address: str) -> dict[str, str]:
    return {"pair": f"login:{name}@{address}", "address": f"login-from:{address}", "account": f"login-of:{name}"}


def authenticate(s: Session, account: str, password: str, *, now: datetime | None = None,
                 remote_addr: str | None = None) -> LoginResult:
    """Check an account and password, throttling failures, and log the attempt.

    Unknown accounts and wrong passwords get the same answer after the same work (a password hash is
    checked either way). Failures are counted in a sliding window per account and address, per address
    and per account: past the threshold that client waits, so a stranger cannot lock a user out with a
    few requests from elsewhere. What the account's state is (locked by an administrator, deactivated,
    awaiting review) is said only after the right password.
    """
    now = now or datetime.now(timezone.utc)
    name = normalise_account(account)[:32]
    details = {"account": name, "addr": remote_addr}
    threshold, window = lock_rule(s)
    keys = _failure_keys(name, remote_addr or "-")
    limits = {"pair": threshold, "address": threshold * ADDRESS_FACTOR, "account": threshold * ACCOUNT_FACTOR}
    if any(recent(s, keys[k], window, now) >= limits[k] for k in keys):
        s.add(Event(code="auth.login_throttled", object_type="account", object_id=name,
                    message="too many failed sign-ins", details=details, at=now))
        return LoginResult(LoginOutcome.THROTTLED, retry_minutes=max(1, int(window.total_seconds() // 60)))
    user = find_user(s, account)
    if not verify_password(user.password_hash if user is not None else _stand_in_hash(), password) or user is None:
        failures = {k: note(s, key, window, now) for k, key in keys.items()}
        if user is None:
            s.add(Event(code="auth.login_failed", object_type="account", object_id=name,
                        message="unknown account", details=details, at=now))
        else:
            _log(s, user, "auth.login_failed", "wrong password", details, now)
        if failures["pair"] == limits["pair"]:
            s.add(Event(code="auth.locked", object_type="account", object_id=name,
                        message=f"throttled after {threshold} failed sign-ins from {remote_addr}",
                        details=details, at=now, actor_id=user.id if user is not None else None))
        return LoginResult(LoginOutcome.BAD_CREDENTIALS)
    locked_until = as_utc(user.locked_until)
    if locked_until and locked_until > now:  # an administrator's lock
        _log(s, user, "auth.login_refused_locked", "account locked", details, now)
        return LoginResult(LoginOutcome.LOCKED, locked_until=locked_until)
    if not user.active:
        _log(s, user, "auth.login_refused_inactive", "account deactivated", details, now)
        return LoginResult(LoginOutcome.INACTIVE)
    if user.enterprise_id is not None:
        status = s.scalar(select(Enterprise.status).where(Enterprise.id == user.enterprise_id))
        if status != "approved":
            outcome = LoginOutcome.REJECTED if status == "rejected" else LoginOutcome.PENDING_REVIEW
            _log(s, user, f"auth.login_refused_{outcome.value}", f"enterprise registration {status}", details, now)
            return LoginResult(outcome)
    forget(s, keys["pair"])  # this client's failures for this account are behind it
    user.failed_attempts = 0
    user.locked_until = None  # an administrator's lock that has run out
    user.last_login_at = now
    _log(s, user, "auth.login", "password login", details, now)
    return LoginResult(LoginOutcome.OK, user=user)


def own_email(s: Session, actor) -> str | None:
    """Return the acting user's own e-mail address."""
    return s.scalar(select(User.email).where(User.id == actor.user_id))


def record_logout(s: Session, user_id: int) -> None:
    user = s.get(User, user_id)
    if user is not None:
        _log(s, user, "auth.logout", "logout", {}, datetime.now(timezone.utc))


def set_language(s: Session, user_id: int, language: str) -> None:
    user = s.get(User, user_id)
    if user is not None:
        user.language = language


def _log(s: Session, user: User, code: str, message: str, details: dict, now: datetime) -> None:
    s.add(Event(code=code, actor_id=user.id, object_type="user", object_id=str(user.id),
                enterprise_id=user.enterprise_id, district_code=user.district_code,
                message=message, details=details, at=now))


# --- passwords: reset by e-mailed link, change --------------------------------------------------

RESET_TTL = timedelta(minutes=30)
RESETS_PER_HOUR = 3


class PasswordChangeError(ValueError):
    """A password reset or change was refused; `code` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


RESETS_PER_ADDRESS_HOUR = 10  # reset requests from one address, over every account


def request_password_reset(s: Session, account: str, *, base_url: str, now: datetime | None = None,
                           remote_addr: str | None = None) -> None:
    """E-mail a one-time reset link to the account's address; say nothing about whether it exists."""
    now = now or datetime.now(timezone.utc)
    details = {"account": normalise_account(account)[:32], "addr": remote_addr}
    if note(s, f"reset-from:{remote_addr or '-'}", timedelta(hours=1), now) > RESETS_PER_ADDRESS_HOUR:
        s.add(Event(code="auth.reset_throttled", object_type="account", object_id=details["account"],
                    message="too many reset requests from this address", details=details, at=now))
        return  # the page says the same either way: a link is sent if the account has an address
    user = find_user(s, account) if ACCOUNT_RE.match((account or "").strip()) else None
    if user is None or not user.active or not user.email:
        s.add(Event(code="auth.reset_refused", object_type="account", object_id=details["account"],
                    message="no reset for this account", details=details, at=now))
        return
    recent = s.scalar(select(func.count()).select_from(PasswordResetToken).where(
        PasswordResetToken.user_id == user.id, PasswordResetToken.created_at > now - timedelta(hours=1)))
    if (recent or 0) >= RESETS_PER_HOUR:
        _log(s, user, "auth.reset_throttled", "too many reset requests", details, now)
        return
    token = secrets.token_urlsafe(32)
    s.add(PasswordResetToken(token_hash=_token_hash(token), user_id=user.id, created_at=now,
                             expires_at=now + RESET_TTL))
    link = f"{base_url}/password/reset?token={token}"
    minutes = int(RESET_TTL.total_seconds() // 60)
    queue_mail(s, user.email, "重设密码 / Reset your password",
               f"{user.real_name}：\n\n请在 {minutes} 分钟内打开以下链接设置新密码（只能使用一次）：\n{link}\n"
               f"如果不是您本人操作，请忽略此邮件。\n\n"
               f"Open this link within {minutes} minutes to set a new password (it works once):\n{link}\n"
               f"If you did not ask for this, ignore this message.\n")
    _log(s, user, "auth.reset_requested", "password reset link sent", details, now)


def reset_password(s: Session, token: str, new_password: str, confirm: str, *,
                   now: datetime | None = None) -> User:
    """Set a new password with a reset link's token; ends every session and unlocks the account."""
    now = now or datetime.now(timezone.utc)
    row = s.get(PasswordResetToken, _token_hash(token or ""), with_for_update=True)
    if row is None or row.used_at is not None or as_utc(row.expires_at) <= now:
        raise PasswordChangeError("reset_link_invalid")
    user = s.get_one(User, row.user_id)
    _set_password(user, new_password, confirm)
    row.used_at = now
    for other in s.scalars(select(PasswordResetToken).where(PasswordResetToken.user_id == user.id,
                                                            PasswordResetToken.used_at.is_(None))):
        other.used_at = now
    user.failed_attempts = 0
    user.locked_until = None
    _log(s, user, "auth.password_reset", "password set with a reset link", {}, now)
    return user


CURRENT_PASSWORD_TRIES = 5  # wrong current passwords on the account page ...
CURRENT_PASSWORD_WINDOW = timedelta(minutes=15)  # ... within this window, before the check waits


def _current_password_key(user_id: int) -> str:
    return f"password-check:{user_id}"


def note_wrong_current_password(s: Session, user_id: int, now: datetime | None = None) -> None:
    """Count a wrong current password (call it in a transaction of its own: the refused change rolls back)."""
    note(s, _current_password_key(user_id), CURRENT_PASSWORD_WINDOW, now)


def change_password(s: Session, user_id: int, current: str, new_password: str, confirm: str, *,
                    now: datetime | None = None) -> User:
    """Change a signed-in user's password after checking the current one; ends the user's other sessions.

    After CURRENT_PASSWORD_TRIES wrong current passwords in CURRENT_PASSWORD_WINDOW the check waits:
    a session left open must not become a way to guess the password.
    """
    now = now or datetime.now(timezone.utc)
    user = s.get(User, user_id, with_for_update=True)
    if user is None:
        raise PasswordChangeError("reset_link_invalid")
    if recent(s, _current_password_key(user_id), CURRENT_PASSWORD_WINDOW, now) >= CURRENT_PASSWORD_TRIES:
        raise PasswordChangeError("too_many_attempts")
    if not verify_password(user.password_hash, current or ""):
        _log(s, user, "auth.password_change_refused", "wrong current password", {}, now)
        raise PasswordChangeError("current_wrong")
    if verify_password(user.password_hash, new_password or ""):
        raise PasswordChangeError("password_unchanged")
    _set_password(user, new_password, confirm)
    _log(s, user, "auth.password_changed", "password changed", {}, now)
    return user


def _set_password(user: User, new_password: str, confirm: str) -> None:
    problem = password_problem(new_password or "", user.account)
    if problem:
        raise PasswordChangeError(problem)
    if new_password != confirm:
        raise PasswordChangeError("password_mismatch")
    user.password_hash = hash_password(new_password)
    user.session_version = (user.session_version or 1) + 1  # every other session of this user ends


# --- the signer confirms it is them (issuing a certificate is a legal act) -------------------------------

SIGNER_TRIES = 5  # wrong passwords at signing ...
SIGNER_WINDOW = timedelta(minutes=15)  # ... within this window, before signing waits


def _signer_key(user_id: int) -> str:
    return f"signer-check:{user_id}"


def confirm_signer(s: Session, user_id: int, password: str, *, what: dict, now: datetime | None = None) -> str | None:
    """The officer about to issue confirms with their password; None when confirmed, else why not
    ("password_wrong", "too_many_attempts"). Both outcomes are audited; a wrong password is counted (the
    caller commits: a refusal is not rolled back)."""
    now = now or datetime.now(timezone.utc)
    user = s.get(User, user_id)
    if user is None:
        return "password_wrong"
    if recent(s, _signer_key(user_id), SIGNER_WINDOW, now) >= SIGNER_TRIES:
        _log(s, user, "cert.sign_refused", "too many wrong passwords at signing", {"what": what}, now)
        return "too_many_attempts"
    if not verify_password(user.password_hash, password or ""):
        note(s, _signer_key(user_id), SIGNER_WINDOW, now)
        _log(s, user, "cert.sign_refused", "wrong password at signing", {"what": what}, now)
        return "password_wrong"
    _log(s, user, "cert.sign_confirmed", "signer confirmed with password", {"what": what}, now)
    return None


def confirm_signer_by_card(s: Session, user_id: int, *, nonce: str, card_no: str, signature: bytes, origin: str,
                           what: dict, now: datetime | None = None) -> str | None:
    """The officer about to issue confirms with their IC card: the card signed `confirm_digest` of a one-time
    challenge, this site's origin, the card number and the act (`what`) after its PIN was verified on the card.
    None when confirmed, else why not: a challenge code ("challenge_expired", "challenge_replayed",
    "challenge_unknown"), "unknown_card", "card_blocked", "card_not_yours", "bad_signature" or
    "too_many_attempts". Every outcome is audited; a failed check is counted with the wrong passwords."""
    now = now or datetime.now(timezone.utc)
    user = s.get(User, user_id)
    card_no = (card_no or "").strip()[:32]
    details = {"what": what, "card_no": card_no}  # the card number says the card confirmed
    if user is None:
        return "card_not_yours"
    if recent(s, _signer_key(user_id), SIGNER_WINDOW, now) >= SIGNER_TRIES:
        _log(s, user, "cert.sign_refused", "too many failed confirmations at signing", details, now)
        return "too_many_attempts"
    failure = consume_challenge(s, nonce, card_no, now)
    refusal = failure.value if failure is not None else None
    if refusal is None:
        card = s.scalar(select(IcCard).where(IcCard.card_no == card_no))
        if card is None:
            refusal = "unknown_card"
        elif card.user_id != user_id:
            refusal = "card_not_yours"
        elif card.status != CARD_ACTIVE:
            refusal = "card_blocked"
        elif not signature_valid(card.public_key_pem, signature, confirm_digest(nonce, origin, card_no,
                                                                                confirm_text(what))):
            refusal = "bad_signature"
    if refusal is not None:
        note(s, _signer_key(user_id), SIGNER_WINDOW, now)
        _log(s, user, "cert.sign_refused", f"IC card confirmation refused: {refusal.replace('_', ' ')}",
             {**details, "reason": refusal}, now)
        return refusal
    _log(s, user, "cert.sign_confirmed", "signer confirmed with IC card", details, now)
    return None
