"""IC-card administration: bind a card (read from the card agent on this PC) to a user, unbind, block."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core.i18n import N_, Translator
from data.accounts.cards import CardRow
from layouts.accounts import ids
from layouts.common import CARD_MESSAGES, label_for, page_header

CARD_REASONS = {
    "bad_key": N_("The public key must be an EC P-256 key in PEM form. Read it from the card."),
    "card_unknown": N_("Card {card} is not registered."),
    "card_no_format": N_("A card number is 1 to 32 letters or digits."),
    "unknown_user": N_("There is no such user."),
    "bound_to_other": N_("Card {card} is already bound to {account}; unbind it first."),
    "card_not_active": N_("Card {card} is blocked and cannot be bound."),
    "card_not_bound": N_("Card {card} is not bound to any user."),
}
CARD_DONE = {"bound": N_("Card bound."), "unbound": N_("Card unbound."), "blocked": N_("Card blocked.")}
CARD_STATUS = {"active": N_("Active"), "blocked": N_("Blocked")}


def cards_table(t: Translator, rows: list[CardRow]) -> html.Div:
    if not rows:
        return dbc.Alert(t("No IC card is registered yet."), color="light")
    head = html.Thead(html.Tr([html.Th(t(h)) for h in (N_("Card no."), N_("Status"), N_("Account"), N_("Name"),
                                                         N_("Bound on"), "")]))
    body = []
    for r in rows:
        actions = []
        if r.account:
            actions.append(dcc.ConfirmDialogProvider(
                dbc.Button(t("Unbind"), size="sm", color="secondary", outline=True, className="me-1"),
                id={"type": ids.CARDS_UNBIND, "card": r.card_no},
                message=t("Unbind card {card} from {account}?", card=r.card_no, account=r.account)))
        if r.status == "active":
            actions.append(dcc.ConfirmDialogProvider(
                dbc.Button(t("Block"), size="sm", color="danger", outline=True),
                id={"type": ids.CARDS_BLOCK, "card": r.card_no},
                message=t("Block card {card}? A blocked card can never sign in again.", card=r.card_no)))
        body.append(html.Tr([
            html.Td(r.card_no), html.Td(dbc.Badge(t(CARD_STATUS.get(r.status, r.status)),
                                                  color="success" if r.status == "active" else "danger")),
            html.Td(r.account or "—"), html.Td(r.real_name or ""), html.Td(t.datetime(r.bound_at) if r.bound_at else ""),
            html.Td(html.Div(actions, className="text-nowrap")),
        ]))
    return dbc.Table([head, html.Tbody(body)], hover=True, size="sm", responsive=True)


def cards_page(t: Translator, rows: list[CardRow], agent_url: str) -> html.Div:
    messages = {code: t(msgid) for code, msgid in CARD_MESSAGES.items()}
    return html.Div([
        page_header(t("IC cards"), t("Bind IC cards to users; unbind or block lost cards.")),
        html.Div(id=ids.CARDS_MESSAGE),
        html.Div(cards_table(t, rows), id=ids.CARDS_TABLE),
        dbc.Card([
            dbc.CardHeader(t("Bind a card"), className="fw-semibold"),
            dbc.CardBody([
                html.P(t("Insert the card into this PC's reader and read it: the card agent gives its number and "
                         "public key. No PIN is needed."), className="small text-muted"),
                dbc.Button(t("Read the card"), id=ids.CARDS_READ, color="secondary", size="sm", className="mb-2"),
                html.Div(id=ids.CARDS_READ_STATUS, className="small mb-2"),
                dbc.Row([
                    dbc.Col([label_for(t("User account"), ids.CARDS_ACCOUNT),
                             dbc.Input(id=ids.CARDS_ACCOUNT, maxLength=12)], md=4),
                    dbc.Col([label_for(t("Card no."), ids.CARDS_CARD_NO),
                             dbc.Input(id=ids.CARDS_CARD_NO, maxLength=32)], md=4),
                ], className="mb-2"),
                label_for(t("Public key (PEM)"), ids.CARDS_KEY),
                dbc.Textarea(id=ids.CARDS_KEY, rows=4, className="mb-2", style={"fontFamily": "monospace"}),
                dbc.Button(t("Bind"), id=ids.CARDS_BIND, color="primary"),
                dcc.Store(id=ids.CARDS_AGENT, data={"agent": agent_url, "messages": messages}),
            ]),
        ], className="mt-3", style={"maxWidth": "50rem"}),
    ])


def card_message(t: Translator, done: str | None, code: str | None = None, values: dict | None = None) -> dbc.Alert:
    if code:
        return dbc.Alert(t(CARD_REASONS.get(code, CARD_REASONS["card_unknown"]), **(values or {})), color="danger")
    return dbc.Alert(t(CARD_DONE[done]), color="success")
