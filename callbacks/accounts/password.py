"""Password pages glue: request a reset link, set a password from it, change one's own password."""
from __future__ import annotations

from dash import Input, Output, State, callback
from flask import current_app, request
from flask_login import login_user

from auth.guard import PUBLIC, SIGNED_IN
from auth.session import current_actor, request_translator, signed_in_user
from callbacks.inputs import as_text
from callbacks.page import PageSpec
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.mail import deliver_in_background
from dashboard.runtime.store import session_scope
from data.accounts.signin import PasswordChangeError, change_password, own_email, request_password_reset, reset_password
from data.core.scope import Actor
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
    return account_page(t, account=actor.account, real_name=actor.real_name, email=email,
                        role_label=t(ROLE_LABELS.get(actor.role, actor.role)))


ACCOUNT_PAGE = PageSpec(
    "account", "/account", N_("My account"), SIGNED_IN, ids.ACCT, render_account, in_menu=False, order=50)


@callback(Output(ids.PWF_MESSAGE, "children"), Input(ids.PWF_SUBMIT, "n_clicks"), State(ids.PWF_ACCOUNT, "value"),
          prevent_initial_call=True)
def ask_for_reset(_clicks, account):
    t = request_translator()
    if not as_text(account).strip():
        return refused(t, "required")
    base_url = current_app.config["CERTDASH_SETTINGS"].public_url
    with session_scope() as s:
        request_password_reset(s, as_text(account), base_url=base_url, remote_addr=request.remote_addr)
    deliver_in_background()
    return forgot_sent(t)


@callback(Output(ids.PWR_MESSAGE, "children"), Input(ids.PWR_SUBMIT, "n_clicks"), State(ids.PWR_TOKEN, "children"),
          State(ids.PWR_NEW, "value"), State(ids.PWR_CONFIRM, "value"), prevent_initial_call=True)
def set_new_password(_clicks, token, new_password, confirm):
    t = request_translator()
    try:
        with session_scope() as s:
            reset_password(s, as_text(token), as_text(new_password), as_text(confirm))
    except PasswordChangeError as exc:
        return refused(t, exc.code)
    return reset_done(t)


@callback(Output(ids.ACCT_MESSAGE, "children"), Input(ids.ACCT_SUBMIT, "n_clicks"), State(ids.ACCT_CURRENT, "value"),
          State(ids.ACCT_NEW, "value"), State(ids.ACCT_CONFIRM, "value"), prevent_initial_call=True)
def change_own_password(_clicks, current, new_password, confirm):
    t = request_translator()
    try:
        with session_scope() as s:
            user = change_password(s, current_actor().user_id, as_text(current), as_text(new_password), as_text(confirm))
            signed_in = signed_in_user(s, user)
    except PasswordChangeError as exc:
        return refused(t, exc.code)
    login_user(signed_in)  # this session carries the new version; the others no longer match
    return changed(t)
