"""IC-card administration glue: read a card through the local agent, bind, unbind, block."""
from __future__ import annotations

from dash import ALL, ClientsideFunction, Input, Output, State, clientside_callback, ctx, no_update
from flask import current_app

from auth.permissions import Perm
from callbacks.inputs import as_text
from callbacks.page import MENU_ADMIN, PageRequest, PageSpec, page_callback
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.accounts.cards import CardAdminError, bind_card, block_card, list_cards, unbind_card, user_id_for_account
from data.core.scope import Actor
from layouts.accounts import ids
from layouts.accounts.cards import card_message, cards_page, cards_table


def render(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        rows = list_cards(s, actor)
    return cards_page(t, rows, current_app.config["CERTDASH_SETTINGS"].card_agent_url)


PAGE = PageSpec(
    "cards", "/admin/cards", N_("IC cards"), Perm.ADMIN_USERS, ids.CARDS, render, menu_group=MENU_ADMIN, order=320)


clientside_callback(
    ClientsideFunction(namespace="certdash", function_name="readCard"),
    Output(ids.CARDS_CARD_NO, "value"),
    Output(ids.CARDS_KEY, "value"),
    Output(ids.CARDS_READ_STATUS, "children"),
    Input(ids.CARDS_READ, "n_clicks"),
    State(ids.CARDS_AGENT, "data"),
    prevent_initial_call=True,
)


@page_callback(
    output={"message": Output(ids.CARDS_MESSAGE, "children"), "table": Output(ids.CARDS_TABLE, "children")},
    inputs={"bind": Input(ids.CARDS_BIND, "n_clicks"),
            "unbinds": Input({"type": ids.CARDS_UNBIND, "card": ALL}, "submit_n_clicks"),
            "blocks": Input({"type": ids.CARDS_BLOCK, "card": ALL}, "submit_n_clicks"),
            "account": State(ids.CARDS_ACCOUNT, "value"), "card_no": State(ids.CARDS_CARD_NO, "value"),
            "key": State(ids.CARDS_KEY, "value")},
    refused=lambda t, exc, **_inputs: {"message": card_message(t, None, exc.code, exc.values)},
    refuses=(CardAdminError,), prevent_initial_call=True,
)
def act(r: PageRequest, bind, unbinds, blocks, account, card_no, key):
    trigger = ctx.triggered_id
    if trigger is None or (trigger != ids.CARDS_BIND and not ctx.triggered[0]["value"]):
        return no_update  # the table was redrawn, nobody clicked
    if trigger == ids.CARDS_BIND:
        user_id = user_id_for_account(r.s, r.actor, as_text(account))
        bind_card(r.s, r.actor, user_id=user_id, card_no=as_text(card_no), public_key_pem=as_text(key))
        done = "bound"
    elif trigger["type"] == ids.CARDS_UNBIND:
        unbind_card(r.s, r.actor, card_no=str(trigger["card"]))
        done = "unbound"
    else:
        block_card(r.s, r.actor, card_no=str(trigger["card"]))
        done = "blocked"
    return {"message": card_message(r.t, done), "table": cards_table(r.t, list_cards(r.s, r.actor))}
