"""Certificate page glue: show one certificate; replace or withdraw it."""
from __future__ import annotations

from dash import Input, Output, State, ctx, no_update
from flask import current_app

from auth.permissions import Perm
from auth.session import csrf_token, current_actor
from callbacks.inputs import as_text
from callbacks.page import PageRequest, PageSpec, page_callback
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.certificates import current_issuer
from dashboard.runtime.store import session_scope
from data.certificates.issuing import IssueRefused, certificate_view, change_days, replace_certificate, withdraw_certificate
from data.core.scope import AccessDenied, Actor, NotFound
from layouts.certificates import ids
from layouts.certificates.view import change_message, view_body, view_page


def _view(s, actor: Actor | None, number: str):
    return certificate_view(s, actor, number, public_url=current_app.config["CERTDASH_SETTINGS"].public_url)


def render_view(actor: Actor, t: Translator, no: str = "", **_query):
    try:
        with session_scope() as s:
            return view_page(t, _view(s, actor, str(no)), csrf=csrf_token(), days=change_days(s))
    except NotFound:
        return view_page(t, None, csrf="")


PAGE = PageSpec(
    "certificate", "/certificates/view", N_("Certificate"),
    (Perm.APPLICATION_EDIT, Perm.APPLICATION_REVIEW, Perm.CERTIFICATE_SIGN, Perm.STATS_VIEW), ids.CERTV, render_view,
    in_menu=False, order=190)


def _shown(s, t: Translator, actor: Actor | None, number: str, code: str | None, new_number: str | None) -> dict:
    """The certificate as it now is, and what became of the change (`code`: why it was refused)."""
    days = change_days(s)
    try:
        body = view_body(t, _view(s, actor, number), csrf=csrf_token(), days=days)
    except NotFound:
        body = view_body(t, None, csrf="")
    return {"content": body, "message": change_message(t, code, days=days, replaced_by=new_number,
                                                       withdrawn=code is None and new_number is None)}


def _refused(t: Translator, exc: Exception, *, state, **_inputs) -> dict:
    """Nothing of the change was written; the certificate is shown as it is, with the reason."""
    code = exc.code if isinstance(exc, IssueRefused) else "not_allowed"
    with session_scope() as s:
        return _shown(s, t, current_actor(), state["no"], code, None)


@page_callback(
    output={"content": Output(ids.CERTV_CONTENT, "children"), "message": Output(ids.CERTV_MESSAGE, "children")},
    inputs={"replace": Input(ids.CERTV_REPLACE, "submit_n_clicks"), "withdraw": Input(ids.CERTV_WITHDRAW, "submit_n_clicks"),
            "state": State(ids.CERTV_STATE, "data"), "reason": State(ids.CERTV_REASON, "value"),
            "method": State(ids.CERTV_METHOD, "value")},
    refused=_refused, refuses=(IssueRefused, NotFound, AccessDenied), prevent_initial_call=True,
)
def change(r: PageRequest, replace, withdraw, state, reason, method):
    if not (replace or withdraw) or not isinstance(state, dict) or not isinstance(state.get("no"), str):
        return no_update
    number, new_number = state["no"], None
    if ctx.triggered_id == ids.CERTV_REPLACE:
        new_number = replace_certificate(r.s, r.actor, number, reason=as_text(reason), issuer=current_issuer(),
                                         paper=None if method not in ("cloud", "paper") else method == "paper"
                                         ).certificate_no
    else:
        withdraw_certificate(r.s, r.actor, number, reason=as_text(reason), issuer=current_issuer())
    return _shown(r.s, r.t, r.actor, number, None, new_number)
