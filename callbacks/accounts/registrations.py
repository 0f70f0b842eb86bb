"""Registration review glue: open a registration, approve or reject it."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.inputs import as_text
from callbacks.page import MENU_ADMIN, PageSpec
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


@callback(
    Output(ids.REGREV_DETAIL, "children", allow_duplicate=True),
    Output(ids.REGREV_CURRENT, "data"),
    Output(ids.REGREV_MESSAGE, "children", allow_duplicate=True),
    Input({"type": ids.REGREV_OPEN, "index": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def open_registration(clicks):
    if not ctx.triggered_id or not any(clicks):
        return no_update, no_update, no_update
    t = request_translator()
    enterprise_id = int(ctx.triggered_id["index"])
    try:
        with session_scope() as s:
            actor = current_actor()
            panel = detail_panel(t, registration_detail(s, actor, enterprise_id), review_districts(s, actor))
    except NotFound:
        return None, None, decision_message(t, None, "not_found")
    return panel, enterprise_id, None


@callback(
    Output(ids.REGREV_MESSAGE, "children"),
    Output(ids.REGREV_QUEUE, "children"),
    Output(ids.REGREV_DETAIL, "children"),
    Input(ids.REGREV_APPROVE, "n_clicks"),
    Input(ids.REGREV_REJECT, "n_clicks"),
    State(ids.REGREV_CURRENT, "data"),
    State(ids.REGREV_DISTRICT, "value"),
    State(ids.REGREV_REASON, "value"),
    prevent_initial_call=True,
)
def decide(_approve, _reject, enterprise_id, district, reason):
    t = request_translator()
    if not isinstance(enterprise_id, int) or ctx.triggered_id not in (ids.REGREV_APPROVE, ids.REGREV_REJECT):
        return no_update, no_update, no_update
    try:
        with session_scope() as s:
            actor = current_actor()
            if ctx.triggered_id == ids.REGREV_APPROVE:
                approve_registration(s, actor, enterprise_id, district_code=as_text(district))
                decided = "approved"
            else:
                reject_registration(s, actor, enterprise_id, reason=as_text(reason))
                decided = "rejected"
    except ReviewError as exc:
        return decision_message(t, None, exc.code), no_update, no_update
    except NotFound:
        return decision_message(t, None, "not_found"), no_update, None
    deliver_in_background()
    with session_scope() as s:
        rows = pending_registrations(s, current_actor())
    return decision_message(t, decided, None), queue_table(t, rows), None
