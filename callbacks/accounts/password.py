"""Password pages glue: request a reset link, set a password from it, change one's own password."""
from __future__ import annotations

from datetime import datetime, timezone

from dash import Input, Output, State
from flask import current_app, request
from flask_login import login_user

from auth.guard import PUBLIC, SIGNED_IN
from auth.session import csrf_token, current_actor, forget_signed_in, session_token, signed_in_user
from callbacks.inputs import as_text
from callbacks.page import PageRequest, PageSpec, page_callback
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.mail import deliver_in_background
from dashboard.runtime.store import session_scope
from data.accounts.sessions import end_user_sessions, open_sessions
from data.accounts.signin import (
    PasswordChangeError,
    change_password,
    note_wrong_current_password,
    own_email,
    request_password_reset,
    reset_password,
)
from data.core.scope import AccessDenied, Actor
from layouts.accounts import ids
from layouts.accounts.password import account_page, changed, forgot_page, forgot_sent, refused, reset_done, reset_page
from layouts.common import ROLE_LABELS


def render_forgot(actor: Actor | None, t: Translator, **_query):
    return forgot_page(t)


FORGOT_PAGE = PageSpec(
    "forgot", "/password/forgot", N_("Forgotten password"), PUBLIC, ids.PWF, render_forgot, in_menu=False,
    anonymous_only=True, order=30)


def render_reset(actor: Actor | None, t: Translator, token: str = "", **_query):
    return reset_page(t, as_text(token))


RESET_PAGE = PageSpec(
    "reset", "/password/reset", N_("Set a new password"), PUBLIC, ids.PWR, render_reset, in_menu=False, order=40)


def render_account(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        email = own_email(s, actor)
        sessions = open_sessions(s, actor, session_token(), datetime.now(timezone.utc))
    return account_page(t, account=actor.account, real_name=actor.real_name, email=email,
                        role_label=t(ROLE_LABELS.get(actor.role, actor.role)), sessions=sessions, csrf=csrf_token())


ACCOUNT_PAGE = PageSpec(
    "account", "/account", N_("My account"), SIGNED_IN, ids.ACCT, render_account, in_menu=False, order=50)


def _refused(t: Translator, exc: Exception, **_inputs):
    return refused(t, getattr(exc, "code", ""))  # a PasswordChangeError: its reason


def _change_refused(t: Translator, exc: Exception, **_inputs):
    """A refused change rolled back; a wrong current password is still counted, in a transaction of its own."""
    actor = current_actor()
    if getattr(exc, "code", "") == "current_wrong" and actor is not None:
        with session_scope() as s:
            note_wrong_current_password(s, actor.user_id)
    return refused(t, getattr(exc, "code", ""))


@page_callback(output=Output(ids.PWF_MESSAGE, "children"),
               inputs={"clicks": Input(ids.PWF_SUBMIT, "n_clicks"), "account": State(ids.PWF_ACCOUNT, "value")},
               prevent_initial_call=True)
def ask_for_reset(r: PageRequest, clicks, account):
    if not as_text(account).strip():
        return refused(r.t, "required")
    base_url = current_app.config["CERTDASH_SETTINGS"].public_url
    request_password_reset(r.s, as_text(account), base_url=base_url, remote_addr=request.remote_addr)
    r.after_commit(deliver_in_background)
    return forgot_sent(r.t)


@page_callback(output=Output(ids.PWR_MESSAGE, "children"),
               inputs={"clicks": Input(ids.PWR_SUBMIT, "n_clicks"), "token": State(ids.PWR_TOKEN, "children"),
                       "new_password": State(ids.PWR_NEW, "value"), "confirm": State(ids.PWR_CONFIRM, "value")},
               refused=_refused, refuses=(PasswordChangeError,), prevent_initial_call=True)
def set_new_password(r: PageRequest, clicks, token, new_password, confirm):
    reset_password(r.s, as_text(token), as_text(new_password), as_text(confirm))
    return reset_done(r.t)


@page_callback(output=Output(ids.ACCT_MESSAGE, "children"),
               inputs={"clicks": Input(ids.ACCT_SUBMIT, "n_clicks"), "current": State(ids.ACCT_CURRENT, "value"),
                       "new_password": State(ids.ACCT_NEW, "value"), "confirm": State(ids.ACCT_CONFIRM, "value")},
               refused=_change_refused, refuses=(PasswordChangeError,), prevent_initial_call=True)
def change_own_password(r: PageRequest, clicks, current, new_password, confirm):
    if r.actor is None:  # the guard lets only a signed-in user here
        raise AccessDenied("changing a password needs a signed-in user")
    user = change_password(r.s, r.actor.user_id, as_text(current), as_text(new_password), as_text(confirm))
    token = session_token() or ""
    end_user_sessions(r.s, user.id, datetime.now(timezone.utc), keep=token, reason="password")
    signed_in = signed_in_user(r.s, user, token)
    r.after_commit(lambda: login_user(signed_in))  # this session carries the new version; the others no longer match
    r.after_commit(lambda: forget_signed_in(user.id))
    return changed(r.t)
