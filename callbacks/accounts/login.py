"""Sign-in page glue.

The password form posts to /auth/login (auth/login.py); its errors come back in the session. The
IC-card sign-in runs in the browser (dashboard/assets/certdash.js): it must reach the card agent on
the user's own PC, which the server cannot.
"""
from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State, clientside_callback
from flask import current_app

from auth.guard import PUBLIC
from auth.session import csrf_token, pop_login_error, safe_next
from callbacks.page import PageSpec
from dashboard.core.i18n import N_, Translator
from data.core.scope import Actor
from layouts.accounts import ids
from layouts.accounts.login import login_page


def render(actor: Actor | None, t: Translator, next: str | None = None, **_query):  # noqa: A002 - query name
    agent_url = current_app.config["CERTDASH_SETTINGS"].card_agent_url
    return login_page(t, csrf=csrf_token(), next_path=safe_next(next), error=pop_login_error(), agent_url=agent_url)


PAGE = PageSpec(
    "login", "/login", N_("Sign in"), PUBLIC, ids.LOGIN, render, in_menu=False, anonymous_only=True, order=10)


clientside_callback(
    ClientsideFunction(namespace="certdash", function_name="cardStatus"),
    Output(ids.LOGIN_CARD_STATUS, "children"),
    Input(ids.LOGIN_TABS, "active_tab"),
    State(ids.LOGIN_CARD_CONFIG, "data"),
)

clientside_callback(
    ClientsideFunction(namespace="certdash", function_name="cardSignIn"),
    Output(ids.LOGIN_CARD_MESSAGE, "children"),
    Input(ids.LOGIN_CARD_SUBMIT, "n_clicks"),
    State(ids.LOGIN_CARD_PIN, "value"),
    State(ids.LOGIN_CARD_CONFIG, "data"),
    prevent_initial_call=True,
)
