"""Communication account glue: bind and unbind with the instance's data key."""
from __future__ import annotations

from cryptography.fernet import Fernet
from dash import Input, Output, State, callback, ctx, no_update
from flask import current_app

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.inputs import as_text
from callbacks.page import MENU_SETTINGS, PageSpec
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.accounts.comm import CommAccountError, bind_comm_account, comm_account, unbind_comm_account
from data.core.scope import Actor
from layouts.accounts import ids
from layouts.accounts.comm import comm_message, comm_page, status_card


def render(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        view = comm_account(s, actor)
    return comm_page(t, view)


PAGE = PageSpec(
    "comm", "/enterprise/comm-account", N_("Communication account"), Perm.ENTERPRISE_MANAGE, ids.COMM, render,
    menu_group=MENU_SETTINGS, order=250)


@callback(
    Output(ids.COMM_MESSAGE, "children"),
    Output(ids.COMM_STATUS, "children"),
    Output(ids.COMM_PASSWORD, "value"),
    Input(ids.COMM_BIND, "n_clicks"),
    Input(ids.COMM_UNBIND, "n_clicks"),
    State(ids.COMM_ACCOUNT, "value"),
    State(ids.COMM_PASSWORD, "value"),
    prevent_initial_call=True,
)
def bind_or_unbind(_bind, _unbind, account, password):
    t = request_translator()
    actor = current_actor()
    cipher = Fernet(current_app.config["CERTDASH_SETTINGS"].data_key.encode())
    try:
        with session_scope() as s:
            if ctx.triggered_id == ids.COMM_BIND:
                bind_comm_account(s, actor, as_text(account), as_text(password), cipher)
                done = "bound"
            else:
                unbind_comm_account(s, actor)
                done = "unbound"
    except CommAccountError as exc:
        return comm_message(t, None, exc.code), no_update, no_update
    with session_scope() as s:
        view = comm_account(s, actor)
    return comm_message(t, done, None), status_card(t, view), ""
