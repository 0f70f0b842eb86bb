"""Registration review glue: open a registration, approve or reject it."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, no_update

from auth.permissions import Perm
from callbacks.inputs import as_id, as_text
from callbacks.page import MENU_ADMIN, PageRequest, PageSpec, page_callback
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.mail import deliver_in_background
from dashboard.runtime.store import session_scope
from data.accounts.registration import (
    ReviewError,
    approve_registration,
    pending_registrations,
    registration_detail,
    reject_registration,
    review_districts,
)
from data.core.scope import Actor, NotFound
from layouts.accounts import ids
from layouts.accounts.registrations import decision_message, detail_panel, queue_table, review_page


def render(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        rows = pending_registrations(s, actor)
    return review_page(t, rows)


PAGE = PageSpec(
    "registrations", "/admin/registrations", N_("Registration review"), Perm.ADMIN_REGISTRATIONS, ids.REGREV, render,
    menu_group=MENU_ADMIN, order=280)


@page_callback(
    output={"detail": Output(ids.REGREV_DETAIL, "children", allow_duplicate=True),
            "current": Output(ids.REGREV_CURRENT, "data"),
            "message": Output(ids.REGREV_MESSAGE, "children", allow_duplicate=True)},
    inputs={"clicks": Input({"type": ids.REGREV_OPEN, "index": ALL}, "n_clicks")},
    refused=lambda t, _exc, **_inputs: {"detail": None, "current": None,
                                        "message": decision_message(t, None, "not_found")},
    prevent_initial_call=True,
)
def open_registration(r: PageRequest, clicks):
    if not ctx.triggered_id or not any(clicks):
        return no_update
    enterprise_id = int(ctx.triggered_id["index"])
    panel = detail_panel(r.t, registration_detail(r.s, r.actor, enterprise_id), review_districts(r.s, r.actor))
    return {"detail": panel, "current": enterprise_id, "message": None}


def _not_decided(t: Translator, exc: Exception, **_inputs) -> dict:
    if isinstance(exc, ReviewError):
        return {"message": decision_message(t, None, exc.code)}
    return {"message": decision_message(t, None, "not_found"), "detail": None}


@page_callback(
    output={"message": Output(ids.REGREV_MESSAGE, "children"), "queue": Output(ids.REGREV_QUEUE, "children"),
            "detail": Output(ids.REGREV_DETAIL, "children")},
    inputs={"approve": Input(ids.REGREV_APPROVE, "n_clicks"), "reject": Input(ids.REGREV_REJECT, "n_clicks"),
            "enterprise_id": State(ids.REGREV_CURRENT, "data"), "district": State(ids.REGREV_DISTRICT, "value"),
            "reason": State(ids.REGREV_REASON, "value")},
    refused=_not_decided, refuses=(NotFound, ReviewError), prevent_initial_call=True,
)
def decide(r: PageRequest, approve, reject, enterprise_id, district, reason):
    if as_id(enterprise_id) is None or ctx.triggered_id not in (ids.REGREV_APPROVE, ids.REGREV_REJECT):
        return no_update
    if ctx.triggered_id == ids.REGREV_APPROVE:
        approve_registration(r.s, r.actor, enterprise_id, district_code=as_text(district))
        decided = "approved"
    else:
        reject_registration(r.s, r.actor, enterprise_id, reason=as_text(reason))
        decided = "rejected"
    r.after_commit(deliver_in_background)
    return {"message": decision_message(r.t, decided, None), "queue": queue_table(r.t, pending_registrations(r.s, r.actor)),
            "detail": None}
