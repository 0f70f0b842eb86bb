"""The sign-in page: a plain HTML form posted to /auth/login, and the IC-card sign-in."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import Translator
from layouts.accounts import ids
from layouts.common import CARD_MESSAGES


def error_message(t: Translator, error: dict | None) -> str | None:
    """Turn a sign-in failure into a sentence a clerk understands."""
    if not error:
        return None
    code = error.get("code")
    if code == "locked":
        return t("The account is locked after too many failed attempts. Try again in {minutes} minutes.",
                 minutes=error.get("minutes", 15))
    if code == "pending_review":
        return t("Your enterprise's registration is waiting for review. You will be told the result by e-mail.")
    if code == "rejected":
        return t("Your enterprise's registration was not approved. See the e-mail we sent for the reason.")
    if code == "inactive":
        return t("This account has been deactivated. Please contact your administrator.")
    if code == "throttled":
        return t("Too many failed sign-ins from here. Try again in {minutes} minutes.", minutes=error.get("minutes", 15))
    return t("Wrong account or password.")


def card_form(t: Translator, *, csrf: str, next_path: str, agent_url: str) -> html.Div:
    """The IC-card sign-in: the page talks to the card agent on this PC, then to the server."""
    config = {"agent": agent_url, "csrf": csrf, "next": next_path,
              "messages": {code: t(msgid) for code, msgid in CARD_MESSAGES.items()}}
    return html.Div([
        html.Div(id=ids.LOGIN_CARD_STATUS, className="small text-muted mb-2"),
        dbc.Label(t("Card password (PIN)"), html_for=ids.LOGIN_CARD_PIN),
        dbc.Input(id=ids.LOGIN_CARD_PIN, type="password", inputMode="numeric", maxLength=8,
                  autoComplete="off", className="mb-3"),
        html.Div(id=ids.LOGIN_CARD_MESSAGE, className="mb-2"),
        dbc.Button(t("Sign in with IC card"), id=ids.LOGIN_CARD_SUBMIT, color="primary", className="w-100"),
        dcc.Store(id=ids.LOGIN_CARD_CONFIG, data=config),
    ])


def login_page(t: Translator, *, csrf: str, next_path: str, error: dict | None, agent_url: str) -> html.Div:
    message = error_message(t, error)
    form = html.Form(
        [
            dcc.Input(type="hidden", name="csrf", value=csrf),
            dcc.Input(type="hidden", name="next", value=next_path, id="login-next"),
            dbc.Label(t("Account"), html_for=ids.LOGIN_ACCOUNT),
            dbc.Input(id=ids.LOGIN_ACCOUNT, name="account", type="text", autoComplete="username",
                      maxLength=12, required=True, className="mb-3"),
            dbc.Label(t("Password"), html_for=ids.LOGIN_PASSWORD),
            dbc.Input(id=ids.LOGIN_PASSWORD, name="password", type="password", autoComplete="current-password",
                      required=True, className="mb-3"),
            dbc.Alert(message, id=ids.LOGIN_ERROR, color="danger", className="py-2") if message else None,
            dbc.Button(t("Sign in"), id=ids.LOGIN_SUBMIT, type="submit", color="primary", className="w-100"),
            html.Div(html.A(t("Forgotten password?"), href="/password/forgot", id="login-forgot"),
                     className="small mt-2 text-end"),
        ],
        id=ids.LOGIN_FORM,
        method="POST",
        action="/auth/login",
    )
    card = dbc.Card(
        dbc.CardBody(
            [
                html.H4(t("Export inspection and quarantine certificates"), className="mb-1"),
                html.P(t("Sign in with your account and password, or with your IC card."), className="text-muted"),
                dbc.Tabs([
                    dbc.Tab(form, label=t("Password"), tab_id="password", className="pt-3"),
                    dbc.Tab(card_form(t, csrf=csrf, next_path=next_path, agent_url=agent_url), label=t("IC card"),
                            tab_id="card", className="pt-3", id=ids.LOGIN_CARD_TAB),
                ], id=ids.LOGIN_TABS, active_tab="password"),
                html.Hr(),
                html.Div([t("No account yet?"), " ",
                          html.A(t("Register your enterprise"), href="/register", id="login-register")],
                         className="small"),
            ]
        ),
        className="shadow-sm",
        style={"maxWidth": "26rem", "margin": "10vh auto"},
    )
    return html.Div([card])
