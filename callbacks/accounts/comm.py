"""Communication account glue: bind and unbind with the instance's data key."""
from __future__ import annotations

from cryptography.fernet import Fernet
from dash import Input, Output, State, ctx
from flask import current_app

from auth.permissions import Perm
from callbacks.inputs import as_text
from callbacks.page import MENU_SETTINGS, PageRequest, PageSpec, page_callback
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


@page_callback(
    output={"message": Output(ids.COMM_MESSAGE, "children"), "status": Output(ids.COMM_STATUS, "children"),
            "password": Output(ids.COMM_PASSWORD, "value")},
    inputs={"bind": Input(ids.COMM_BIND, "n_clicks"), "unbind": Input(ids.COMM_UNBIND, "n_clicks"),
            "account": State(ids.COMM_ACCOUNT, "value"), "password": State(ids.COMM_PASSWORD, "value")},
    refused=lambda t, exc, **_inputs: {"message": comm_message(t, None, exc.code)},
    refuses=(CommAccountError,), prevent_initial_call=True,
)
def bind_or_unbind(r: PageRequest, bind, unbind, account, password):
    if ctx.triggered_id == ids.COMM_BIND:
        cipher = Fernet(current_app.config["CERTDASH_SETTINGS"].data_key.encode())
        bind_comm_account(r.s, r.actor, as_text(account), as_text(password), cipher)
        done = "bound"
    else:
        unbind_comm_account(r.s, r.actor)
        done = "unbound"
    return {"message": comm_message(r.t, done, None), "status": status_card(r.t, comm_account(r.s, r.actor)),
            "password": ""}
