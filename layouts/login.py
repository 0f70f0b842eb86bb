"""The sign-in frame shown to anonymous visitors: a plain HTML form posted to /auth/login."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import Translator


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
    if "attempts_left" in error:
        return t("Wrong account or password. {n} more failed attempts will lock the account.",
                 n=error["attempts_left"])
    return t("Wrong account or password.")


def login_page(t: Translator, *, csrf: str, next_path: str, error: dict | None) -> html.Div:
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
        ],
        id=ids.LOGIN_FORM,
        method="POST",
        action="/auth/login",
    )
    card = dbc.Card(
        dbc.CardBody(
            [
                html.H4(t("Export inspection and quarantine certificates"), className="mb-1"),
                html.P(t("Sign in with your account and password."), className="text-muted"),
                form,
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
