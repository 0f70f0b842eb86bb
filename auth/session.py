"""The signed-in session: the current Actor, the request's language, CSRF tokens, safe redirects."""
from __future__ import annotations

import secrets
from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import Flask, abort, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import UserMixin, current_user
from itsdangerous import URLSafeTimedSerializer

from dashboard.core.i18n import ALL_LANGUAGES, Translator, translator
from dashboard.runtime.store import autocommit_scope, current_store
from data.accounts.roles import actor_at, role_permissions
from data.accounts.session_cache import Remembered
from data.accounts.sessions import SEEN_EVERY, open_session, start_session, token_hash
from data.core.scope import Actor, actor_for
from data.models import User

LOGIN_ERROR_KEY = "login_error"
CSRF_KEY = "csrf"
LANG_COOKIE = "lang"
CARD_NONCE_KEY = "card_nonce"
CARD_CONFIRM_NONCE_KEY = "card_confirm_nonce"  # the challenge an officer's card signs to confirm issuing


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer made once per secret instead of
    twice per request (opening and saving the cookie)."""

    _made: tuple[object, URLSafeTimedSerializer | None] = (None, None)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        secret, made = self._made
        if secret != app.secret_key or made is None:
            made = super().get_signing_serializer(app)
            self._made = (app.secret_key, made)
        return made


class SignedInUser(UserMixin):
    """The flask-login user: an Actor, the session version it was issued for, and the token of its
    server-side session (data.accounts.sessions), which sign-out and the timeouts end."""

    def __init__(self, actor: Actor, session_version: int, token: str):
        self.actor = actor
        self.session_version = session_version
        self.token = token

    def get_id(self) -> str:
        return f"{self.actor.user_id}:{self.session_version}:{self.token}"


def user_actor(s, user: User) -> Actor:
    """A stored user as an Actor: its role's permissions and its district subtree."""
    return actor_for(s, user, role_permissions(s, user.role))


def signed_in_user(s, user: User, token: str) -> SignedInUser:
    """Build the session's user from a stored user and the token of its server-side session."""
    return SignedInUser(user_actor(s, user), user.session_version, token)


def sign_in_session(s, user: User) -> SignedInUser:
    """Open a server-side session for a user who just proved who they are (password or card)."""
    token = start_session(s, user.id, address=request.remote_addr, agent=request.headers.get("User-Agent"),
                          now=datetime.now(timezone.utc))
    return signed_in_user(s, user, token)


def session_token() -> str | None:
    """The token of this request's server-side session (None when nobody is signed in)."""
    return current_user.token if current_user.is_authenticated else None


def current_actor() -> Actor | None:
    """Return the signed-in user's Actor, or None for an anonymous request."""
    if "actor" not in g:
        g.actor = current_user.actor if current_user.is_authenticated else None
    return g.actor


def request_language() -> str:
    """Return the UI language: the user's own, else the language cookie, else Chinese."""
    actor = current_actor()
    if actor is not None and actor.language in ALL_LANGUAGES:
        return actor.language
    lang = request.cookies.get(LANG_COOKIE, "")
    return lang if lang in ALL_LANGUAGES else "zh"


def request_translator() -> Translator:
    """Return the translator of this request's language."""
    return translator(request_language())


def csrf_token() -> str:
    """Return this browser session's token for the plain HTML forms (login, logout)."""
    token = session.get(CSRF_KEY)
    if not token:
        token = session[CSRF_KEY] = secrets.token_urlsafe(24)
    return token


def pop_login_error() -> dict | None:
    return session.pop(LOGIN_ERROR_KEY, None)


def safe_next(target: str | None) -> str:
    """Return `target` if it is a path on this site, else '/' (no open redirects)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def referrer_path() -> str | None:
    """Return the path (and query) of the page that linked here, if it is on this site."""
    parts = urlsplit(request.referrer or "")
    if not parts.path or (parts.netloc and parts.netloc != request.host):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def load_user(user_id: str):
    """The signed-in user of a cookie: its user active, its version current, its session still open."""
    parts = user_id.split(":")
    if len(parts) != 3 or not (parts[0].isdigit() and parts[1].isdigit()) or not parts[2]:
        return None  # also a cookie from before server-side sessions: sign in again
    uid, version, token = int(parts[0]), int(parts[1]), parts[2]
    now, hashed = datetime.now(timezone.utc), token_hash(token)
    cache = current_store().session_cache  # PostgreSQL: sessions kept while no notification says otherwise
    generation = 0
    if cache is not None:
        kept = cache.get(hashed)
        if kept is not None and kept.usable(uid, version, now, SEEN_EVERY):
            return SignedInUser(kept.actor, version, token)
        generation = cache.generation()
    with autocommit_scope() as s:
        # one query: the user, its session, the timeouts and the access revision; the role's
        # permissions and the district subtree are reused while that revision stands
        found = open_session(s, uid, version, token, now)
        if found is None:
            return None
        actor = actor_at(s, found.user, found.access_revision)
    if cache is not None:
        cache.put(hashed, Remembered(uid, version, actor, found.created_at, found.last_seen_at, found.absolute),
                  generation)
    return SignedInUser(actor, version, token)


def forget_signed_in(user_id: int) -> None:
    """This worker forgets the user's sessions at once (the others when PostgreSQL notifies them)."""
    cache = current_store().session_cache
    if cache is not None:
        cache.forget_user(user_id)


def check_csrf_header() -> None:
    if not same_token(request.headers.get("X-CSRF-Token", ""), session.get(CSRF_KEY, "")):
        abort(400, "the page has expired; reload it and try again")


def check_form_csrf() -> None:
    if not same_token(request.form.get("csrf", ""), session.get(CSRF_KEY, "")):
        abort(400, "the form has expired; reload the page and try again")


def same_token(sent: str, expected: str) -> bool:
    """Compare a client-sent token with the expected one in constant time (any text is safe)."""
    return bool(expected) and secrets.compare_digest(sent.encode(), expected.encode())


def site_origin() -> str:
    """This site's origin as the server is addressed (what a card signature must name), never one the page sends."""
    return request.host_url.rstrip("/")


def take_card_confirm_nonce(nonce: str) -> bool:
    """True when `nonce` is the confirmation challenge this browser session was given; it is forgotten either way."""
    return same_token(nonce, session.pop(CARD_CONFIRM_NONCE_KEY, ""))
