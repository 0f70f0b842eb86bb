"""Certificate page glue: show one certificate; replace or withdraw it."""
from __future__ import annotations

from dash import Input, Output, State, callback, ctx, no_update
from flask import current_app

from auth.permissions import Perm
from auth.session import csrf_token, current_actor
from callbacks.inputs import as_text
from callbacks.page import PageRequest, PageSpec, focus_when_invalid, page_callback
from callbacks.signing import act_text, by_card, card_access, confirmation, register_signing, waits_for_card
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.certificates import current_issuer
from dashboard.runtime.store import session_scope
from data.certificates.issuing import (
    IssueRefused,
    certificate_view,
    change_days,
    check_change,
    replace_act,
    replace_certificate,
    withdraw_certificate,
)
from data.core.scope import AccessDenied, Actor, NotFound
from layouts.certificates import ids
from layouts.certificates.view import REASON_CODES, change_message, issue_error, replacement_summary, view_body, view_page
from layouts.common import SIGN_ERRORS


def _view(s, actor: Actor | None, number: str):
    return certificate_view(s, actor, number, public_url=current_app.config["CERTDASH_SETTINGS"].public_url)


def render_view(actor: Actor, t: Translator, no: str = "", **_query):
    try:
        with session_scope() as s:
            return view_page(t, _view(s, actor, str(no)), csrf=csrf_token(), card=card_access(), days=change_days(s))
    except NotFound:
        return view_page(t, None, csrf="", card=card_access())


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
    """Nothing of the change was written; the certificate is shown as it is, with the reason. A refused reason is
    said under its box, which is marked and gets the cursor; what was typed stays."""
    code = exc.code if isinstance(exc, IssueRefused) else "not_allowed"
    if code in REASON_CODES:
        return {"reason_invalid": True, "reason_error": issue_error(t, code), "message": None}
    with session_scope() as s:
        return _shown(s, t, current_actor(), state["no"], code, None)


@page_callback(
    output={"content": Output(ids.CERTV_CONTENT, "children"), "message": Output(ids.CERTV_MESSAGE, "children"),
            "reason_invalid": Output(ids.CERTV_REASON, "invalid"), "reason_error": Output(ids.CERTV_REASON_ERROR, "children")},
    inputs={"withdraw": Input(ids.CERTV_WITHDRAW, "submit_n_clicks"), "state": State(ids.CERTV_STATE, "data"),
            "reason": State(ids.CERTV_REASON, "value")},
    refused=_refused, refuses=(IssueRefused, NotFound, AccessDenied), prevent_initial_call=True,
)
def withdraw(r: PageRequest, withdraw, state, reason):
    if not withdraw or not isinstance(state, dict) or not isinstance(state.get("no"), str):
        return no_update
    withdraw_certificate(r.s, r.actor, state["no"], reason=as_text(reason), issuer=current_issuer())
    return _shown(r.s, r.t, r.actor, state["no"], None, None)


def _paper(method, number: str, s, actor: Actor | None) -> bool:
    """The replacement's signing method as chosen, else the old certificate's."""
    if method in ("cloud", "paper"):
        return method == "paper"
    return _view(s, actor, number).signing_method == "paper"


@page_callback(
    output={"content": Output(ids.CERTV_CONTENT, "children", allow_duplicate=True),
            "message": Output(ids.CERTV_MESSAGE, "children", allow_duplicate=True),
            "sign_open": Output(ids.CERTV_SIGN.modal, "is_open"), "sign_summary": Output(ids.CERTV_SIGN.summary, "children"),
            "sign_pending": Output(ids.CERTV_SIGN.pending, "data"), "sign_error": Output(ids.CERTV_SIGN.error, "children"),
            "sign_password": Output(ids.CERTV_SIGN.password, "value"),
            "reason_invalid": Output(ids.CERTV_REASON, "invalid", allow_duplicate=True),
            "reason_error": Output(ids.CERTV_REASON_ERROR, "children", allow_duplicate=True)},
    inputs={"replace": Input(ids.CERTV_REPLACE, "n_clicks"), "state": State(ids.CERTV_STATE, "data"),
            "reason": State(ids.CERTV_REASON, "value"), "method": State(ids.CERTV_METHOD, "value")},
    refused=_refused, refuses=(IssueRefused, NotFound, AccessDenied), prevent_initial_call=True,
)
def ask_replace(r: PageRequest, replace, state, reason, method):
    """A replacement is a new signed certificate: check it may be done, then name it and ask the signer to confirm."""
    if not replace or not isinstance(state, dict) or not isinstance(state.get("no"), str):
        return no_update
    number = state["no"]
    cleaned = check_change(r.s, r.actor, number, as_text(reason))
    paper = _paper(method, number, r.s, r.actor)
    return {"sign_open": True, "sign_summary": replacement_summary(r.t, number, cleaned, paper), "message": None,
            "reason_invalid": False, "reason_error": "",
            "sign_pending": {"no": number, "reason": cleaned, "paper": paper,
                             "what": act_text(replace_act(number, paper))},
            "sign_error": "", "sign_password": ""}


def _replace_refused(t: Translator, exc: Exception, *, pending, **_inputs) -> dict:
    """The replacement was refused after the signer confirmed (a rule, another officer first): nothing issued."""
    shown = _refused(t, exc, state={"no": pending["no"]}) if isinstance(pending, dict) else {}
    return {**shown, "sign_open": False, "sign_password": ""}


@page_callback(
    output={"content": Output(ids.CERTV_CONTENT, "children", allow_duplicate=True),
            "message": Output(ids.CERTV_MESSAGE, "children", allow_duplicate=True),
            "sign_open": Output(ids.CERTV_SIGN.modal, "is_open", allow_duplicate=True),
            "sign_error": Output(ids.CERTV_SIGN.error, "children", allow_duplicate=True),
            "sign_password": Output(ids.CERTV_SIGN.password, "value", allow_duplicate=True)},
    inputs={"confirm": Input(ids.CERTV_SIGN.confirm, "n_clicks"), "card": Input(ids.CERTV_SIGN.card, "data"),
            "password": State(ids.CERTV_SIGN.password, "value"), "method": State(ids.CERTV_SIGN.method, "value"),
            "pending": State(ids.CERTV_SIGN.pending, "data")},
    refused=_replace_refused, refuses=(IssueRefused, NotFound, AccessDenied), prevent_initial_call=True,
)
def confirm_replace(r: PageRequest, confirm, card, password, method, pending):
    """The signer confirmed with their password or IC card: replace (a new number, signed, stored)."""
    with_card = by_card(ctx.triggered_prop_ids, ids.CERTV_SIGN)
    if not (confirm or card) or not isinstance(pending, dict) or r.actor is None or waits_for_card(with_card, method):
        return no_update
    number, reason, paper = pending.get("no"), as_text(pending.get("reason")), pending.get("paper")
    if not isinstance(number, str) or not isinstance(paper, bool):
        return no_update
    refusal = confirmation(r.s, r.actor, replace_act(number, paper), card=with_card, password=password, proof=card)
    if refusal:  # counted and audited: the transaction commits
        return {"sign_error": r.t(SIGN_ERRORS[refusal]), "sign_password": ""}
    new_number = replace_certificate(r.s, r.actor, number, reason=reason, issuer=current_issuer(), paper=paper
                                     ).certificate_no
    return {**_shown(r.s, r.t, r.actor, number, None, new_number), "sign_open": False, "sign_password": ""}


register_signing(ids.CERTV_SIGN)
focus_when_invalid(ids.CERTV_REASON, ids.CERTV_REASON_FOCUS)


@callback(Output(ids.CERTV_SIGN.modal, "is_open", allow_duplicate=True), Input(ids.CERTV_SIGN.cancel, "n_clicks"),
          prevent_initial_call=True)
def cancel_replace(cancel):
    return False if cancel else no_update
