"""Signed-in sessions the server can end: sign-out ends this one, "sign out everywhere" all of a user's,
and a session ends by itself when idle too long or open too long (system parameters).

The browser's cookie holds a random token; the store keeps its SHA-256, the client address and browser
at sign-in, and when the session was last seen (written at most once a minute, not on every request).
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from data.core.db import rowcount
from data.core.rate_limit import parameter_int
from data.core.scope import Actor
from data.models import UserSession, as_utc

IDLE_PARAMETER = "session.idle_minutes"
ABSOLUTE_PARAMETER = "session.absolute_hours"
DEFAULT_IDLE_MINUTES = 120
DEFAULT_ABSOLUTE_HOURS = 12
SEEN_EVERY = timedelta(minutes=1)  # how stale last_seen_at may get before a request writes it again
AGENT_LIMIT = 256
ADDRESS_LIMIT = 64


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_limit(s: Session) -> timedelta:
    return timedelta(minutes=parameter_int(s, IDLE_PARAMETER, DEFAULT_IDLE_MINUTES, minimum=5, maximum=7 * 24 * 60))


def absolute_limit(s: Session) -> timedelta:
    return timedelta(hours=parameter_int(s, ABSOLUTE_PARAMETER, DEFAULT_ABSOLUTE_HOURS, minimum=1, maximum=30 * 24))


def start_session(s: Session, user_id: int, *, address: str | None, agent: str | None, now: datetime) -> str:
    """Record a new signed-in session of the user; return the token its cookie carries."""
    token = secrets.token_urlsafe(32)
    s.add(UserSession(token_hash=token_hash(token), user_id=user_id, created_at=now, last_seen_at=now,
                      address=(address or "")[:ADDRESS_LIMIT] or None, agent=(agent or "")[:AGENT_LIMIT] or None))
    s.flush()
    return token


def session_open(s: Session, user_id: int, token: str, now: datetime) -> bool:
    """Whether the session of this token is the user's and still open; one idle or open too long is ended."""
    row = s.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))
    if row is None or row.user_id != user_id or row.ended_at is not None:
        return False
    last_seen, created = _aware(row.last_seen_at), _aware(row.created_at)
    reason = ("idle" if now - last_seen > idle_limit(s)
              else "expired" if now - created > absolute_limit(s) else None)
    if reason is not None:
        row.ended_at, row.end_reason = now, reason
        return False
    if now - last_seen >= SEEN_EVERY:
        row.last_seen_at = now
    return True


def end_session(s: Session, token: str, now: datetime, reason: str = "signed_out") -> None:
    s.execute(update(UserSession).where(UserSession.token_hash == token_hash(token), UserSession.ended_at.is_(None))
              .values(ended_at=now, end_reason=reason))


def end_user_sessions(s: Session, user_id: int, now: datetime, *, keep: str | None = None,
                      reason: str = "everywhere") -> int:
    """End every open session of the user (but the one of `keep`, a token); return how many."""
    conditions = [UserSession.user_id == user_id, UserSession.ended_at.is_(None)]
    if keep:
        conditions.append(UserSession.token_hash != token_hash(keep))
    return rowcount(s.execute(update(UserSession).where(*conditions).values(ended_at=now, end_reason=reason)))


@dataclass(frozen=True)
class SessionRow:
    id: int
    created_at: datetime
    last_seen_at: datetime
    address: str
    agent: str
    current: bool  # the session of this request


def open_sessions(s: Session, actor: Actor, token: str | None, now: datetime) -> list[SessionRow]:
    """The actor's own open sessions, most recently seen first (those past a timeout are not listed)."""
    idle, absolute = idle_limit(s), absolute_limit(s)
    own = token_hash(token) if token else None
    rows = s.scalars(select(UserSession).where(UserSession.user_id == actor.user_id, UserSession.ended_at.is_(None))
                     .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc()))
    return [SessionRow(r.id, _aware(r.created_at), _aware(r.last_seen_at), r.address or "", r.agent or "",
                       r.token_hash == own)
            for r in rows if now - _aware(r.last_seen_at) <= idle and now - _aware(r.created_at) <= absolute]


def _aware(moment: datetime) -> datetime:
    return as_utc(moment)  # SQLite hands back naive UTC moments
