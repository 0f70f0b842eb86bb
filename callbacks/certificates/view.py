"""Certificate page glue: show one certificate; replace or withdraw it."""
from __future__ import annotations

from dash import Input, Output, State, callback, ctx, no_update
from flask import current_app

from auth.permissions import Perm
from auth.session import csrf_token, current_actor, request_translator
from callbacks.inputs import as_text
from callbacks.page import PageSpec
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.certificates import current_issuer
from dashboard.runtime.store import session_scope
from data.certificates.issuing import IssueRefused, certificate_view, change_days, replace_certificate, withdraw_certificate
from data.core.scope import AccessDenied, Actor, NotFound
from layouts.certificates import ids
from layouts.certificates.view import change_message, view_body, view_page


def _view(s, actor: Actor, number: str):
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


@callback(
    Output(ids.CERTV_CONTENT, "children"),
    Output(ids.CERTV_MESSAGE, "children"),
    Input(ids.CERTV_REPLACE, "submit_n_clicks"),
    Input(ids.CERTV_WITHDRAW, "submit_n_clicks"),
    State(ids.CERTV_STATE, "data"),
    State(ids.CERTV_REASON, "value"),
    State(ids.CERTV_METHOD, "value"),
    prevent_initial_call=True,
)
def change(replace_clicks, withdraw_clicks, state, reason, method):
    if not (replace_clicks or withdraw_clicks) or not isinstance(state, dict) or not isinstance(state.get("no"), str):
        return no_update, no_update
    t = request_translator()
    actor = current_actor()
    number = state["no"]
    code, new_number = None, None
    try:
        with session_scope() as s:
            if ctx.triggered_id == ids.CERTV_REPLACE:
                new_number = replace_certificate(s, actor, number, reason=as_text(reason), issuer=current_issuer(),
                                                 paper=None if method not in ("cloud", "paper")
                                                 else method == "paper").certificate_no
            else:
                withdraw_certificate(s, actor, number, reason=as_text(reason))
    except IssueRefused as exc:
        code = exc.code
    except (NotFound, AccessDenied):
        code = "not_allowed"
    with session_scope() as s:
        days = change_days(s)
        try:
            body = view_body(t, _view(s, actor, number), csrf=csrf_token(), days=days)
        except NotFound:
            body = view_body(t, None, csrf="")
    return body, change_message(t, code, days=days, replaced_by=new_number,
                                withdrawn=code is None and new_number is None)
