"""Communication account page: what is bound (never its password), bind or re-bind, unbind."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.core.i18n import N_, Translator
from data.accounts.comm import CommAccountView
from layouts.accounts import ids
from layouts.common import label_for, page_header

COMM_REASONS = {
    "comm_account_format": N_("The account is 3 to 64 letters, digits or . _ @ -."),
    "comm_password_required": N_("Enter the account's password (at most 64 characters)."),
    "comm_not_bound": N_("No communication account is bound."),
}


def status_card(t: Translator, view: CommAccountView | None) -> dbc.Alert:
    if view is None:
        return dbc.Alert(t("No communication account is bound."), color="secondary")
    return dbc.Alert([
        html.Div([t("Bound account"), ": ", html.Strong(view.account)]),
        html.Div(t("Bound on {when} by {who}.", when=t.datetime(view.bound_at), who=view.bound_by or "—"),
                 className="small"),
        html.Div(t("The password is stored encrypted and is never shown."), className="small text-muted"),
    ], color="success")


def comm_page(t: Translator, view: CommAccountView | None) -> html.Div:
    return html.Div([
        page_header(t("Communication account"),
                    t("The ECIQ communication account the enterprise declares with (通信账号).")),
        html.Div(status_card(t, view), id=ids.COMM_STATUS),
        dbc.Row([
            dbc.Col([label_for(t("Communication account"), ids.COMM_ACCOUNT),
                     dbc.Input(id=ids.COMM_ACCOUNT, maxLength=64, autoComplete="off")], md=4),
            dbc.Col([label_for(t("Password"), ids.COMM_PASSWORD),
                     dbc.Input(id=ids.COMM_PASSWORD, type="password", maxLength=64, autoComplete="new-password")],
                    md=4),
        ], className="mb-3"),
        dbc.Button(t("Bind"), id=ids.COMM_BIND, color="primary", className="me-2"),
        dbc.Button(t("Unbind"), id=ids.COMM_UNBIND, color="danger", outline=True),
        html.Div(id=ids.COMM_MESSAGE, className="mt-3"),
    ], style={"maxWidth": "50rem"})


def comm_message(t: Translator, done: str | None, error: str | None) -> dbc.Alert:
    if error:
        return dbc.Alert(t(COMM_REASONS.get(error, COMM_REASONS["comm_password_required"])), color="danger")
    return dbc.Alert(t("Communication account bound.") if done == "bound" else t("Communication account unbound."),
                     color="success")
