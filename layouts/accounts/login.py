"""The sign-in page: a plain HTML form posted to /auth/login, and the IC-card sign-in."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from layouts.accounts import ids

# what the card agent and the server can answer, in words a clerk understands
CARD_MESSAGES = {
    "agent_unreachable": N_("The card agent is not running on this computer. Start it, or sign in with your "
                            "password."),
    "no_pcscd": N_("The smart-card service (PC/SC) is not running on this computer."),
    "no_reader": N_("No card reader is connected."),
    "no_card": N_("No card in the reader. Insert your IC card."),
    "not_our_card": N_("The card in the reader is not a certdash IC card."),
    "invalid_pin": N_("The card password is 4 to 8 digits."),
    "wrong_pin": N_("Wrong card password. {n} tries left before the card is blocked."),
    "pin_blocked": N_("The card is blocked after 5 wrong passwords. Ask your administrator for a new card."),
    "card_error": N_("The card could not be read. Take it out, insert it again and retry."),
    "origin_refused": N_("The card agent does not accept requests from this site. Ask your administrator."),
    "unknown_card": N_("This card is not registered. Ask your administrator to bind it to your account."),
    "card_unbound": N_("This card is not bound to any account."),
    "card_blocked": N_("This card has been blocked by an administrator."),
    "challenge_expired": N_("The sign-in took too long. Please try again."),
    "challenge_replayed": N_("This sign-in was already used. Please try again."),
    "challenge_unknown": N_("The sign-in has expired. Please try again."),
    "bad_signature": N_("The card's signature does not match the card registered for it."),
    "bad_request": N_("The sign-in request was incomplete. Please try again."),
    "user_locked": N_("The account is locked after too many failed attempts. Try again later."),
    "user_inactive": N_("This account has been deactivated. Please contact your administrator."),
    "pending_review": N_("Your enterprise's registration is waiting for review. You will be told the result by "
                         "e-mail."),
    "rejected": N_("Your enterprise's registration was not approved. See the e-mail we sent for the reason."),
    "ready": N_("Card {card} is ready."),
    "working": N_("Signing in with the card..."),
}


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
