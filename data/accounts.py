"""Password sign-in with lockout, and loading the signed-in user; every outcome is an Event."""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.models import Enterprise, Event, User, as_utc

ACCOUNT_RE = re.compile(r"^[A-Za-z0-9_]{6,12}$")
MAX_FAILED_ATTEMPTS = 5
LOCK_DURATION = timedelta(minutes=15)


class LoginOutcome(str, enum.Enum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"
    INACTIVE = "inactive"
    PENDING_REVIEW = "pending_review"  # the enterprise's registration is not reviewed yet
    REJECTED = "rejected"  # the enterprise's registration was rejected


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None
    locked_until: datetime | None = None
    attempts_left: int | None = None


def normalise_account(account: str) -> str:
    return (account or "").strip().lower()


def find_user(s: Session, account: str) -> User | None:
    return s.scalar(select(User).where(func.lower(User.account) == normalise_account(account)))


def authenticate(s: Session, account: str, password: str, verify, *, now: datetime | None = None,
                 remote_addr: str | None = None) -> LoginResult:
    """Check an account and password, applying the lockout rule, and log the attempt.

    `verify(hash, password) -> bool` is passed in so that the data layer stays free of the
    hashing library.
    """
    now = now or datetime.now(timezone.utc)
    user = find_user(s, account)
    details = {"account": normalise_account(account)[:32], "addr": remote_addr}
    if user is None:
        s.add(Event(code="auth.login_failed", object_type="user", message="unknown account", details=details, at=now))
        return LoginResult(LoginOutcome.BAD_CREDENTIALS)
    locked_until = as_utc(user.locked_until)
    if locked_until and locked_until > now:
        _log(s, user, "auth.login_refused_locked", "account locked", details, now)
        return LoginResult(LoginOutcome.LOCKED, locked_until=locked_until)
    if not verify(user.password_hash, password):
        user.failed_attempts = (user.failed_attempts or 0) + 1
        if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
            user.failed_attempts = 0
            user.locked_until = now + LOCK_DURATION
            _log(s, user, "auth.locked", f"locked after {MAX_FAILED_ATTEMPTS} failed attempts", details, now)
            return LoginResult(LoginOutcome.LOCKED, locked_until=user.locked_until)
        _log(s, user, "auth.login_failed", "wrong password", details, now)
        return LoginResult(LoginOutcome.BAD_CREDENTIALS, attempts_left=MAX_FAILED_ATTEMPTS - user.failed_attempts)
    if not user.active:
        _log(s, user, "auth.login_refused_inactive", "account deactivated", details, now)
        return LoginResult(LoginOutcome.INACTIVE)
    if user.enterprise_id is not None:
        status = s.scalar(select(Enterprise.status).where(Enterprise.id == user.enterprise_id))
        if status != "approved":
            outcome = LoginOutcome.REJECTED if status == "rejected" else LoginOutcome.PENDING_REVIEW
            _log(s, user, f"auth.login_refused_{outcome.value}", f"enterprise registration {status}", details, now)
            return LoginResult(outcome)
    user.failed_attempts = 0
    user.locked_until = None
    user.last_login_at = now
    _log(s, user, "auth.login", "password login", details, now)
    return LoginResult(LoginOutcome.OK, user=user)


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
