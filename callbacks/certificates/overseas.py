"""Overseas portal glue: search the certificates shared with the signed-in overseas user, open one."""
from __future__ import annotations

from dash import ALL, Input, Output, ctx, no_update

from auth.permissions import Perm
from callbacks.inputs import as_text
from callbacks.page import PageRequest, PageSpec, page_callback
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.certificates import trust_roots
from dashboard.runtime.store import session_scope
from data.accounts.overseas import portal_signature, shared_certificate, shared_certificates
from data.core.scope import Actor
from layouts.certificates import ids
from layouts.certificates.overseas import certificate_detail, portal_page, results_table


def render(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        return portal_page(t, shared_certificates(s, actor), whole_country=actor.can(Perm.OVERSEAS_COUNTRY))


def _detail(r: PageRequest, number: str):
    """One certificate the user may open, with its signature checked (the view is audited)."""
    found = shared_certificate(r.s, r.actor, number)
    return certificate_detail(r.t, found, portal_signature(r.s, r.actor, number, trust_roots()))


PAGE = PageSpec("overseas", "/overseas", N_("Overseas portal"), Perm.OVERSEAS_PORTAL, ids.OVS, render, order=270)


@page_callback(output={"results": Output(ids.OVS_RESULTS, "children"), "detail": Output(ids.OVS_DETAIL, "children")},
               inputs={"number": Input(ids.OVS_SEARCH, "value")}, prevent_initial_call=True)
def search(r: PageRequest, number):
    """List the matches; a search that finds exactly one certificate opens it (search, then preview)."""
    number = as_text(number)
    rows = shared_certificates(r.s, r.actor, number)
    return {"results": results_table(r.t, rows, number.strip()),
            "detail": _detail(r, rows[0].certificate_no) if len(rows) == 1 else None}


@page_callback(output=Output(ids.OVS_DETAIL, "children", allow_duplicate=True),
               inputs={"clicks": Input({"type": ids.OVS_OPEN, "no": ALL}, "n_clicks")}, prevent_initial_call=True,
               refused=lambda t, _exc, **_inputs: certificate_detail(t, None))
def open_certificate(r: PageRequest, clicks):
    if not isinstance(ctx.triggered_id, dict) or not ctx.triggered[0].get("value"):
        return no_update
    return _detail(r, str(ctx.triggered_id.get("no", "")))
