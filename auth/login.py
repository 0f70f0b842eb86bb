"""Sign-in routes with flask-login: password and IC-card sign-in, sign-out, the language switch."""
from __future__ import annotations

import base64
from datetime import datetime, timezone

from flask import Flask, abort, jsonify, redirect, request, session
from flask_login import LoginManager, login_user, logout_user

from auth.session import (
    CARD_CONFIRM_NONCE_KEY,
    CARD_NONCE_KEY,
    LANG_COOKIE,
    LOGIN_ERROR_KEY,
    CookieSessions,
    check_csrf_header,
    check_form_csrf,
    current_actor,
    forget_signed_in,
    load_user,
    referrer_path,
    safe_next,
    same_token,
    session_token,
    sign_in_session,
    site_origin,
)
from dashboard.core.i18n import ALL_LANGUAGES
from dashboard.runtime.store import session_scope
from data.accounts.cards import CardLoginOutcome, card_sign_in, issue_challenge, purge_challenges
from data.accounts.sessions import end_session, end_user_sessions
from data.accounts.signin import ACCOUNT_RE, LoginOutcome, authenticate, record_logout, set_language


def init_auth(server: Flask) -> None:
    """Bind flask-login and the sign-in, sign-out and language routes to the server."""
    server.session_interface = CookieSessions()
    manager = LoginManager()
    manager.init_app(server)
    manager.user_loader(load_user)
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
                signed_in = sign_in_session(s, result.user)
        if result.outcome is not LoginOutcome.OK:
            error = {"code": result.outcome.value}
            if result.locked_until:
                remaining = (result.locked_until - datetime.now(timezone.utc)).total_seconds()
                error["minutes"] = max(1, int(remaining // 60) + (1 if remaining % 60 else 0))
            if result.retry_minutes:
                error["minutes"] = result.retry_minutes
            return _login_failed(error, target)
        session.clear()  # a fresh session on sign-in: no fixation
        login_user(signed_in)
        return redirect(target)

    @server.post("/auth/card/challenge")
    def card_challenge():
        check_csrf_header()
        with session_scope() as s:
            purge_challenges(s)  # expired ones are of no use; the table stays small
            nonce = issue_challenge(s)
        session[CARD_NONCE_KEY] = nonce  # the challenge may only be answered from this browser session
        return jsonify({"nonce": nonce})

    @server.post("/auth/card/login")
    def card_login():
        check_csrf_header()
        body = request.get_json(silent=True) or {}
        nonce, card_no, signature = (body.get(k) for k in ("nonce", "card_no", "signature"))
        if not all(isinstance(v, str) and v for v in (nonce, card_no, signature)):
            return jsonify({"ok": False, "code": "bad_request"}), 400
        if not same_token(nonce, session.pop(CARD_NONCE_KEY, "")):
            return jsonify({"ok": False, "code": "challenge_unknown"})
        try:
            raw_signature = base64.b64decode(signature, validate=True)
        except ValueError:
            return jsonify({"ok": False, "code": "bad_signature"})
        origin = site_origin()  # what the card signed must name this very site
        with session_scope() as s:
            result = card_sign_in(s, card_no=card_no, nonce=nonce, signature=raw_signature, origin=origin,
                                  remote_addr=request.remote_addr)
            if result.outcome is CardLoginOutcome.OK:
                signed_in = sign_in_session(s, result.user)
        if result.outcome is not CardLoginOutcome.OK:
            return jsonify({"ok": False, "code": result.outcome.value})
        session.clear()
        login_user(signed_in)
        return jsonify({"ok": True, "next": safe_next(body.get("next") if isinstance(body.get("next"), str) else None)})

    @server.post("/auth/card/confirm-challenge")
    def card_confirm_challenge():
        """A one-time challenge for an officer confirming an issue with the IC card (callbacks/signing.py checks
        the card's signature over it); only this browser session may answer it."""
        check_csrf_header()
        with session_scope() as s:
            purge_challenges(s)
            nonce = issue_challenge(s)
        session[CARD_CONFIRM_NONCE_KEY] = nonce
        return jsonify({"nonce": nonce})

    @server.post("/auth/logout")
    def logout():
        check_form_csrf()
        actor, token = current_actor(), session_token()
        if actor is not None:
            with session_scope() as s:
                record_logout(s, actor.user_id)
                if token:
                    end_session(s, token, datetime.now(timezone.utc))  # a copy of the cookie opens nothing
            forget_signed_in(actor.user_id)
        logout_user()
        session.clear()
        return redirect("/login")

    @server.post("/auth/logout-everywhere")
    def logout_everywhere():
        """End every session of the user, on every device, this one included."""
        check_form_csrf()
        actor = current_actor()
        if actor is not None:
            with session_scope() as s:
                record_logout(s, actor.user_id)
                end_user_sessions(s, actor.user_id, datetime.now(timezone.utc))
            forget_signed_in(actor.user_id)
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
            forget_signed_in(actor.user_id)
        response = redirect(safe_next(request.args.get("next") or referrer_path()))
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=server.config.get("SESSION_COOKIE_SECURE", False))
        return response


def _login_failed(error: dict, target: str):
    session[LOGIN_ERROR_KEY] = error
    return redirect(f"/login?next={target}" if target != "/" else "/login")
