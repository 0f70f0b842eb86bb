"""Overseas portal glue: search the certificates shared with the signed-in overseas user."""
from __future__ import annotations

from dash import Input, Output, callback

from auth.login import current_actor
from callbacks.inputs import as_text
from dashboard import ids
from dashboard.i18n import Translator
from dashboard.request import request_translator
from dashboard.store import session_scope
from data.overseas import shared_certificates
from data.scope import Actor
from layouts.overseas import portal_page, results_table


def render(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        return portal_page(t, shared_certificates(s, actor))


@callback(Output(ids.OVS_RESULTS, "children"), Input(ids.OVS_SEARCH, "value"), prevent_initial_call=True)
def search(number):
    number = as_text(number)
    with session_scope() as s:
        rows = shared_certificates(s, current_actor(), number)
    return results_table(request_translator(), rows, number.strip())
