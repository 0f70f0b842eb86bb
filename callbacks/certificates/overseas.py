"""Overseas portal glue: search the certificates shared with the signed-in overseas user, open one."""
from __future__ import annotations

from dash import ALL, Input, Output, callback, ctx, no_update

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.inputs import as_text
from callbacks.page import PageSpec
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.accounts.overseas import shared_certificate, shared_certificates
from data.core.scope import Actor, NotFound
from layouts.certificates import ids
from layouts.certificates.overseas import certificate_detail, portal_page, results_table


def render(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        return portal_page(t, shared_certificates(s, actor))


PAGE = PageSpec("overseas", "/overseas", N_("Overseas portal"), Perm.OVERSEAS_PORTAL, ids.OVS, render, order=270)


@callback(Output(ids.OVS_RESULTS, "children"), Output(ids.OVS_DETAIL, "children"), Input(ids.OVS_SEARCH, "value"),
          prevent_initial_call=True)
def search(number):
    """List the matches; a search that finds exactly one certificate opens it (search, then preview)."""
    number = as_text(number)
    with session_scope() as s:
        rows = shared_certificates(s, current_actor(), number)
    t = request_translator()
    return results_table(t, rows, number.strip()), certificate_detail(t, rows[0] if len(rows) == 1 else None)


@callback(Output(ids.OVS_DETAIL, "children", allow_duplicate=True),
          Input({"type": ids.OVS_OPEN, "no": ALL}, "n_clicks"), prevent_initial_call=True)
def open_certificate(_clicks):
    if not isinstance(ctx.triggered_id, dict) or not ctx.triggered[0].get("value"):
        return no_update
    try:
        with session_scope() as s:
            row = shared_certificate(s, current_actor(), str(ctx.triggered_id.get("no", "")))
    except NotFound:
        row = None
    return certificate_detail(request_translator(), row)
