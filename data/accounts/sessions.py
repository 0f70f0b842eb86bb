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
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, bindparam, inspect, select, update
from sqlalchemy.orm import Session

from data.core.db import rowcount
from data.core.prepared import Statements, loaded
from data.core.rate_limit import parameter_int, parameter_value
from data.core.scope import Actor
from data.models import AccessRevision, SystemParameter, User, UserSession, as_utc

IDLE_PARAMETER = "session.idle_minutes"
ABSOLUTE_PARAMETER = "session.absolute_hours"
DEFAULT_IDLE_MINUTES = 120
DEFAULT_ABSOLUTE_HOURS = 12
SEEN_EVERY = timedelta(minutes=1)  # how stale last_seen_at may get before a request writes it again
AGENT_LIMIT = 256
ADDRESS_LIMIT = 64


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


IDLE_RANGE = {"default": DEFAULT_IDLE_MINUTES, "minimum": 5, "maximum": 7 * 24 * 60}
ABSOLUTE_RANGE = {"default": DEFAULT_ABSOLUTE_HOURS, "minimum": 1, "maximum": 30 * 24}


@dataclass(frozen=True)
class OpenSession:
    user: User
    access_revision: int | None
    created_at: datetime
    last_seen_at: datetime  # as stored now (this request may just have written it)
    absolute: timedelta  # how long a session may stay open, as the parameter says now


def idle_limit(s: Session) -> timedelta:
    return timedelta(minutes=parameter_int(s, IDLE_PARAMETER, **IDLE_RANGE))


def absolute_limit(s: Session) -> timedelta:
    return timedelta(hours=parameter_int(s, ABSOLUTE_PARAMETER, **ABSOLUTE_RANGE))


def start_session(s: Session, user_id: int, *, address: str | None, agent: str | None, now: datetime) -> str:
    """Record a new signed-in session of the user; return the token its cookie carries."""
    token = secrets.token_urlsafe(32)
    s.add(UserSession(token_hash=token_hash(token), user_id=user_id, created_at=now, last_seen_at=now,
                      address=(address or "")[:ADDRESS_LIMIT] or None, agent=(agent or "")[:AGENT_LIMIT] or None))
    s.flush()
    return token


def _attributes(model) -> list[tuple[str, ColumnElement[Any]]]:
    return [(attr.key, attr.columns[0]) for attr in inspect(model).column_attrs]


_USER_ATTRS, _SESSION_ATTRS = _attributes(User), _attributes(UserSession)


def _open_session_query():
    def parameter(key: str):
        return select(SystemParameter.value).where(SystemParameter.key == key).scalar_subquery()

    return (select(*(c for _k, c in _USER_ATTRS), *(c for _k, c in _SESSION_ATTRS),
                   parameter(IDLE_PARAMETER), parameter(ABSOLUTE_PARAMETER),
                   select(AccessRevision.value).where(AccessRevision.id == 1).scalar_subquery())
            .join_from(User, UserSession, UserSession.user_id == User.id)
            .where(User.id == bindparam("uid", type_=Integer()),
                   UserSession.token_hash == bindparam("hash", type_=String())))


OPEN_SESSION = Statements(_open_session_query)  # every signed-in request runs it: compiled once


def open_session(s: Session, user_id: int, version: int, token: str, now: datetime) -> OpenSession | None:
    """The user of a signed-in request, in one query: the user active at this session version, its
    session still open (one idle or open too long is ended), with the current access revision."""
    rows = OPEN_SESSION.rows(s, (), {"uid": user_id, "hash": token_hash(token)})
    if not rows:
        return None
    row, users = rows[0], len(_USER_ATTRS)
    user = loaded(s, User, {k: v for (k, _c), v in zip(_USER_ATTRS, row[:users])})
    if not user.active or user.session_version != version:
        return None
    session_row = loaded(s, UserSession, {k: v for (k, _c), v in zip(_SESSION_ATTRS, row[users:])})
    idle, absolute, access_revision = row[-3:]
    longest = timedelta(hours=parameter_value(absolute, **ABSOLUTE_RANGE))
    if not _still_open(session_row, now, timedelta(minutes=parameter_value(idle, **IDLE_RANGE)), longest):
        return None
    return OpenSession(user, access_revision, _aware(session_row.created_at), _aware(session_row.last_seen_at),
                       longest)


def _still_open(row: UserSession, now: datetime, idle: timedelta, absolute: timedelta) -> bool:
    if row.ended_at is not None:
        return False
    last_seen, created = _aware(row.last_seen_at), _aware(row.created_at)
    reason = ("idle" if now - last_seen > idle
              else "expired" if now - created > absolute else None)
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
