"""Sessions with flask-login: password sign-in, sign-out, the language switch, the current Actor."""
from __future__ import annotations

import base64
import secrets
from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import Flask, abort, g, jsonify, redirect, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from data.accounts.roles import role_permissions
from dashboard.i18n import ALL_LANGUAGES
from dashboard.store import session_scope
from data.accounts.signin import ACCOUNT_RE, LoginOutcome, authenticate, record_logout, set_language
from data.accounts.cards import CardLoginOutcome, card_sign_in, issue_challenge, purge_challenges
from data.models import User
from data.core.scope import Actor, actor_for

LOGIN_ERROR_KEY = "login_error"
CSRF_KEY = "csrf"
LANG_COOKIE = "lang"
CARD_NONCE_KEY = "card_nonce"


class SignedInUser(UserMixin):
    """The flask-login user: an Actor plus the session version it was issued for."""

    def __init__(self, actor: Actor, session_version: int):
        self.actor = actor
        self.session_version = session_version

    def get_id(self) -> str:
        return f"{self.actor.user_id}:{self.session_version}"


def signed_in_user(s, user: User) -> SignedInUser:
    """Build the session's user from a stored user, with its role's permissions and district subtree."""
    return SignedInUser(actor_for(s, user, role_permissions(s, user.role)), user.session_version)


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


def _load_user(user_id: str):
    try:
        uid, version = (int(x) for x in user_id.split(":"))
    except ValueError:
        return None
    with session_scope() as s:
        user = s.get(User, uid)
        if user is None or not user.active or user.session_version != version:
            return None
        return signed_in_user(s, user)


def init_auth(server: Flask) -> None:
    """Bind flask-login and the sign-in, sign-out and language routes to the server."""
    manager = LoginManager()
    manager.init_app(server)
    manager.user_loader(_load_user)
    manager.session_protection = "basic"

    @server.post("/auth/login")
    def login():
        check_form_csrf()
        account = request.form.get("account", "")
        password = request.form.get("password", "")
        target = safe_next(request.form.get("next"))
        if not ACCOUNT_RE.match(account.strip()) or not password:
            return _login_failed({"code": "bad_credentials"}, target)
        with session_scope() as s:
            result = authenticate(s, account, password, remote_addr=request.remote_addr)
            if result.outcome is LoginOutcome.OK:
                user = result.user
                signed_in = signed_in_user(s, user)
        if result.outcome is not LoginOutcome.OK:
            error = {"code": result.outcome.value}
            if result.locked_until:
                remaining = (result.locked_until - datetime.now(timezone.utc)).total_seconds()
                error["minutes"] = max(1, int(remaining // 60) + (1 if remaining % 60 else 0))
            if result.attempts_left is not None:
                error["attempts_left"] = result.attempts_left
            return _login_failed(error, target)
        session.clear()  # a fresh session on sign-in: no fixation
        login_user(signed_in)
        return redirect(target)

    @server.post("/auth/card/challenge")
    def card_challenge():
        _check_csrf_header()
        with session_scope() as s:
            purge_challenges(s)  # expired ones are of no use; the table stays small
            nonce = issue_challenge(s)
        session[CARD_NONCE_KEY] = nonce  # the challenge may only be answered from this browser session
        return jsonify({"nonce": nonce})

    @server.post("/auth/card/login")
    def card_login():
        _check_csrf_header()
        body = request.get_json(silent=True) or {}
        nonce, card_no, signature = (body.get(k) for k in ("nonce", "card_no", "signature"))
        if not all(isinstance(v, str) and v for v in (nonce, card_no, signature)):
            return jsonify({"ok": False, "code": "bad_request"}), 400
        if not _same(nonce, session.pop(CARD_NONCE_KEY, "")):
            return jsonify({"ok": False, "code": "challenge_unknown"})
        try:
            raw_signature = base64.b64decode(signature, validate=True)
        except ValueError:
            return jsonify({"ok": False, "code": "bad_signature"})
        origin = request.host_url.rstrip("/")  # what the card signed must name this very site
        with session_scope() as s:
            result = card_sign_in(s, card_no=card_no, nonce=nonce, signature=raw_signature, origin=origin,
                                  remote_addr=request.remote_addr)
            if result.outcome is CardLoginOutcome.OK:
                user = result.user
                signed_in = signed_in_user(s, user)
        if result.outcome is not CardLoginOutcome.OK:
            return jsonify({"ok": False, "code": result.outcome.value})
        session.clear()
        login_user(signed_in)
        return jsonify({"ok": True, "next": safe_next(body.get("next") if isinstance(body.get("next"), str) else None)})

    @server.post("/auth/logout")
    def logout():
        check_form_csrf()
        actor = current_actor()
        if actor is not None:
            with session_scope() as s:
                record_logout(s, actor.user_id)
        logout_user()
        session.clear()
        return redirect("/login")

    @server.get("/lang/<code>")
    def switch_language(code: str):
        if code not in ALL_LANGUAGES:
            abort(404)
        actor = current_actor()
        if actor is not None:
            with session_scope() as s:
                set_language(s, actor.user_id, code)
        response = redirect(safe_next(request.args.get("next") or referrer_path()))
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=server.config.get("SESSION_COOKIE_SECURE", False))
        return response


def _check_csrf_header() -> None:
    if not _same(request.headers.get("X-CSRF-Token", ""), session.get(CSRF_KEY, "")):
        abort(400, "the page has expired; reload it and try again")


def check_form_csrf() -> None:
    if not _same(request.form.get("csrf", ""), session.get(CSRF_KEY, "")):
        abort(400, "the form has expired; reload the page and try again")


def _same(sent: str, expected: str) -> bool:
    """Compare a client-sent token with the expected one in constant time (any text is safe)."""
    return bool(expected) and secrets.compare_digest(sent.encode(), expected.encode())


def _login_failed(error: dict, target: str):
    session[LOGIN_ERROR_KEY] = error
    return redirect(f"/login?next={target}" if target != "/" else "/login")
