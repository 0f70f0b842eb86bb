"""Long work (batch signing, big exports) as Dash background callbacks.

The manager is diskcache on one machine (a cache folder in the instance) and Celery when a broker
is configured (`CELERY_BROKER_URL`, e.g. redis://...). A job runs outside any web request: in a
forked process (diskcache) or in a Celery worker. It therefore gets no signed-in user from the
session cookie. Instead, a normal callback (which the access guard has let through) issues a
*job ticket*: the user's id and session version, the purpose and the job's parameters, signed with
the app's secret and short-lived. The background callback takes the ticket as an input, and
`job_scope` checks the signature, the purpose and the age, reloads the user from the store (a user
locked or signed out everywhere since then gets nothing) and yields a session and the Actor, so
the job's queries are scoped exactly as the request's would have been.
"""
from __future__ import annotations

import hashlib
import logging
import os
import time
import weakref
from contextlib import contextmanager
from typing import Any, Iterator

from flask import Flask, current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from dashboard.core.config import Settings
from dashboard.core.errors import ConfigError
from dashboard.core.logs import REQUEST_ID, request_context
from dashboard.runtime.store import EXTENSION, session_scope
from data.core.scope import Actor
from data.models import User

TICKET_SALT = "certdash-background-job"
TICKET_MAX_AGE = 300  # seconds between the click and the job's start
# app key -> server, inherited by forked job processes; weak, so that an app let go (tests build thousands) is freed
_APPS: weakref.WeakValueDictionary[str, Flask] = weakref.WeakValueDictionary()
_DISPOSED_IN: set[int] = set()  # process ids whose inherited connection pool was let go
log = logging.getLogger(__name__)


class JobRefused(Exception):
    """The ticket is forged, expired, for another purpose, or its user may no longer act."""


def background_manager(settings: Settings):
    """Return the Dash background-callback manager the settings ask for."""
    if settings.celery_broker_url:
        try:
            from celery import Celery
            from dash import CeleryManager
        except ImportError:  # pragma: no cover - celery is in requirements.txt
            raise ConfigError("CELERY_BROKER_URL is set but the celery package is not installed") from None
        celery_app = Celery("certdash", broker=settings.celery_broker_url,
                            backend=settings.celery_result_url or settings.celery_broker_url)
        return CeleryManager(celery_app, expire=3600)
    import diskcache
    from dash import DiskcacheManager

    folder = settings.instance_path / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    return DiskcacheManager(diskcache.Cache(str(folder)), expire=3600)


def app_key(settings: Settings) -> str:
    """A stable name for one deployment (the same in the web process and in a Celery worker)."""
    return hashlib.sha256(f"{settings.database_url}\0{settings.secret_key}".encode()).hexdigest()[:16]


def bind(server: Flask, settings: Settings) -> None:
    """Remember the server so that jobs started from it can reach its store."""
    _APPS[app_key(settings)] = server


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=TICKET_SALT)


def job_ticket(actor: Actor, purpose: str, payload: Any = None) -> str:
    """Sign what a background job may do on behalf of the requesting user (call inside a request)."""
    settings: Settings = current_app.config["CERTDASH_SETTINGS"]
    with session_scope() as s:
        version = s.get(User, actor.user_id).session_version
    return _serializer(settings.secret_key).dumps(
        {"app": app_key(settings), "uid": actor.user_id, "sv": version, "purpose": purpose, "data": payload,
         "rid": REQUEST_ID.get()})


@contextmanager
def job_scope(ticket: str | None, purpose: str, *, max_age: int = TICKET_MAX_AGE
              ) -> Iterator[tuple[Session, Actor, Any]]:
    """Yield (session, actor, payload) for a background job holding a valid ticket.

    Raises JobRefused before touching anything when the ticket does not hold. The session commits
    when the block ends normally and rolls back on an error, like `session_scope`.
    """
    from auth.session import user_actor

    if not ticket:
        raise JobRefused("no ticket")
    server = _server_for(ticket)
    settings: Settings = server.config["CERTDASH_SETTINGS"]
    try:
        claims = _serializer(settings.secret_key).loads(ticket, max_age=max_age)
    except SignatureExpired:
        raise JobRefused("expired") from None
    except BadSignature:
        raise JobRefused("forged") from None
    if claims.get("purpose") != purpose:
        raise JobRefused("wrong purpose")
    rid = claims.get("rid") if isinstance(claims.get("rid"), str) else None
    with request_context(rid, purpose), server.app_context():
        _fresh_connections(server)
        started = time.perf_counter()
        log.info("job started", extra={"user": claims["uid"]})
        try:
            with session_scope() as s:
                user = s.get(User, claims["uid"])
                if user is None or not user.active or user.session_version != claims["sv"]:
                    raise JobRefused("user may no longer act")
                yield s, user_actor(s, user), claims.get("data")
        except JobRefused as exc:
            log.warning("job refused: %s", exc, extra={"user": claims["uid"]})
            raise
        except Exception:
            log.exception("job failed", extra={"user": claims["uid"],
                                               "ms": round((time.perf_counter() - started) * 1000, 1)})
            raise
        log.info("job finished", extra={"user": claims["uid"],
                                        "ms": round((time.perf_counter() - started) * 1000, 1)})


def _server_for(ticket: str) -> Flask:
    # the app key is read before the signature is checked only to pick which secret checks it
    try:
        unverified = URLSafeTimedSerializer("", salt=TICKET_SALT).loads_unsafe(ticket)[1]
        server = _APPS[unverified["app"]]
    except (KeyError, TypeError, ValueError):
        raise JobRefused("unknown app") from None
    return server


def _fresh_connections(server: Flask) -> None:
    """A forked job must not use the parent's pooled connections: drop them (without closing)."""
    pid = os.getpid()
    if pid not in _DISPOSED_IN:
        server.extensions[EXTENSION].engine.dispose(close=False)
        _DISPOSED_IN.add(pid)
