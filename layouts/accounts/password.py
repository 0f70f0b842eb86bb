"""Password pages: forgotten password (e-mailed link), setting a new one from the link, changing it."""
from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.accounts.sessions import SessionRow
from layouts.accounts import ids
from layouts.common import label_for, page_header

PASSWORD_REASONS = {
    "required": N_("This field is required."),
    "password_short": N_("At least 8 characters."),
    "password_long": N_("At most 64 characters."),
    "password_classes": N_("Use both letters and digits."),
    "password_has_account": N_("The password must not contain the account name."),
    "password_mismatch": N_("The two passwords differ."),
    "reset_link_invalid": N_("This link has expired or was already used. Ask for a new one."),
    "current_wrong": N_("The current password is wrong."),
    "password_unchanged": N_("The new password must differ from the current one."),
    "too_many_attempts": N_("Too many wrong current passwords. Try again in 15 minutes."),
}
RULE = N_("At least 8 characters with letters and digits, not containing the account")


def _narrow(children) -> html.Div:
    return html.Div(children, style={"maxWidth": "30rem"})


def forgot_page(t: Translator) -> html.Div:
    return _narrow([
        page_header(t("Forgotten password"),
                    t("Enter your account. We send a link to set a new password to its e-mail address.")),
        label_for(t("Account"), ids.PWF_ACCOUNT),
        dbc.Input(id=ids.PWF_ACCOUNT, maxLength=12, autoComplete="username", className="mb-3"),
        dbc.Button(t("Send the link"), id=ids.PWF_SUBMIT, color="primary"),
        html.Div(id=ids.PWF_MESSAGE, className="mt-3"),
    ])


def forgot_sent(t: Translator) -> dbc.Alert:
    return dbc.Alert(t("If the account exists and has an e-mail address, a link has been sent to it. "
                       "The link works once, for 30 minutes."), color="info")


def _new_password_fields(t: Translator, new_id: str, confirm_id: str) -> list:
    return [
        label_for(t("New password"), new_id),
        dbc.Input(id=new_id, type="password", maxLength=64, autoComplete="new-password"),
        dbc.FormText(t(RULE)),
        html.Div(className="mb-3"),
        label_for(t("Confirm password"), confirm_id),
        dbc.Input(id=confirm_id, type="password", maxLength=64, autoComplete="new-password", className="mb-3"),
    ]


def reset_page(t: Translator, token: str) -> html.Div:
    return _narrow([
        page_header(t("Set a new password")),
        *_new_password_fields(t, ids.PWR_NEW, ids.PWR_CONFIRM),
        html.Div(token, id=ids.PWR_TOKEN, hidden=True),
        dbc.Button(t("Save the new password"), id=ids.PWR_SUBMIT, color="primary"),
        html.Div(id=ids.PWR_MESSAGE, className="mt-3"),
    ])


def reset_done(t: Translator) -> dbc.Alert:
    return dbc.Alert([t("Your new password is saved. Every other session has been signed out."), " ",
                      html.A(t("Sign in"), href="/login", id="pwr-login")], color="success")


def account_page(t: Translator, *, account: str, real_name: str, email: str | None, role_label: str,
                 sessions: Sequence[SessionRow] = (), csrf: str = "") -> html.Div:
    return _narrow([
        page_header(t("My account"), f"{real_name} · {account} · {role_label}"),
        html.P([t("E-mail"), ": ", email or "—"], className="text-muted"),
        html.H5(t("Change password"), className="mt-4"),
        label_for(t("Current password"), ids.ACCT_CURRENT),
        dbc.Input(id=ids.ACCT_CURRENT, type="password", maxLength=64, autoComplete="current-password",
                  className="mb-3"),
        *_new_password_fields(t, ids.ACCT_NEW, ids.ACCT_CONFIRM),
        dbc.Button(t("Change password"), id=ids.ACCT_SUBMIT, color="primary"),
        html.Div(id=ids.ACCT_MESSAGE, className="mt-3"),
        html.H5(t("Signed-in sessions"), className="mt-5"),
        sessions_table(t, list(sessions)),
        html.Form([dcc.Input(type="hidden", name="csrf", value=csrf),
                   dbc.Button(t("Sign out everywhere"), id=ids.ACCT_SIGN_OUT_ALL, type="submit", color="outline-danger",
                              size="sm")],
                  method="POST", action="/auth/logout-everywhere", className="mt-2"),
    ])


def sessions_table(t: Translator, sessions: list[SessionRow]) -> html.Div:
    """Where the user is signed in: browser, address, signed in and last seen; this session marked."""
    rows = [html.Tr([html.Td([row.agent or "—", *([" ", dbc.Badge(t("This session"), color="primary")]
                                                   if row.current else [])], className="text-break small"),
                     html.Td(row.address or "—"), html.Td(t.datetime(row.created_at)),
                     html.Td(t.datetime(row.last_seen_at))]) for row in sessions]
    head = html.Thead(html.Tr([html.Th(t("Browser")), html.Th(t("Address")), html.Th(t("Signed in")),
                               html.Th(t("Last seen"))]))
    return html.Div(dbc.Table([head, html.Tbody(rows)], size="sm", className="mb-0"), id=ids.ACCT_SESSIONS)


def changed(t: Translator) -> dbc.Alert:
    return dbc.Alert(t("Password changed. Your other sessions have been signed out."), color="success")


def refused(t: Translator, code: str) -> dbc.Alert:
    return dbc.Alert(t(PASSWORD_REASONS.get(code, PASSWORD_REASONS["required"])), color="danger")
