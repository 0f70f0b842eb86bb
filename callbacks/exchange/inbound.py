"""Inbound certificate pages glue: the list with its filters and the manual upload; one certificate, linked to
or unlinked from an entry declaration."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, no_update

from auth.permissions import Perm
from callbacks.inputs import as_text
from callbacks.page import PageRequest, PageSpec, page_callback
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.core.files import UploadProblem, decode_data_url
from data.core.scope import AccessDenied, Actor, NotFound
from data.exchange.inbound import InboundRefused
from data.exchange.inbound_matching import link_inbound, waiting_declarations
from data.exchange.inbound_views import STATUS_FILTERS, inbound_view, list_inbound, upload_inbound
from layouts.exchange import ids
from layouts.exchange.inbound import (
    MAX_XML_BYTES,
    detail_body,
    detail_page,
    link_message,
    link_refused,
    list_page,
    rows_table,
    total_text,
    upload_problem,
    upload_received,
    upload_refused,
)

PAGE_SIZE = 25


def _status(value) -> str:
    return value if value in STATUS_FILTERS else "all"


def render_list(actor: Actor, t: Translator, status: str = "", **_query):
    with session_scope() as s:
        return list_page(t, list_inbound(s, actor, status=_status(status), page_size=PAGE_SIZE), _status(status),
                         waiting_declarations(s, actor))


PAGE = PageSpec("inbound", "/inbound", N_("Inbound certificates"), Perm.APPLICATION_REVIEW, ids.INB, render_list,
                order=185)


@page_callback(
    output={"table": Output(ids.INB_TABLE, "children"), "total": Output(ids.INB_TOTAL, "children"),
            "pages": Output(ids.INB_PAGER, "max_value"), "active": Output(ids.INB_PAGER, "active_page")},
    inputs={"status": Input(ids.INB_STATUS, "value"), "search": Input(ids.INB_SEARCH, "value"),
            "go": Input(ids.INB_GO, "n_clicks"), "active": Input(ids.INB_PAGER, "active_page")},
    prevent_initial_call=True)
def show_list(r: PageRequest, status, search, go, active):
    new_filter = ctx.triggered_id != ids.INB_PAGER
    page_index = 0 if new_filter or not isinstance(active, int) else max(active - 1, 0)
    page = list_inbound(r.s, r.actor, status=_status(status), text=as_text(search)[:64], page=page_index,
                        page_size=PAGE_SIZE)
    return {"table": rows_table(r.t, page), "total": total_text(r.t, page), "pages": page.page_count,
            "active": page.page + 1 if new_filter else no_update}


@page_callback(output=Output(ids.INB_UPLOAD_RESULT, "children"),
               inputs={"contents": Input(ids.INB_UPLOAD, "contents"), "filename": State(ids.INB_UPLOAD, "filename")},
               prevent_initial_call=True)
def receive_upload(r: PageRequest, contents, filename):
    try:
        document = decode_data_url(contents if isinstance(contents, str) else None)
    except UploadProblem as problem:
        return upload_problem(r.t, problem.code)
    if len(document) > MAX_XML_BYTES:
        return upload_problem(r.t, "too_large")
    try:
        with r.s.begin_nested():  # a refusal writes nothing; the page's transaction stays usable
            received = upload_inbound(r.s, r.actor, document)
    except InboundRefused as exc:
        return upload_refused(r.t, exc.reasons)
    row = received.certificate
    return upload_received(r.t, received.outcome, row.id, row.certificate_no, row.exporting_country)


# --- one certificate ----------------------------------------------------------------------------


def render_view(actor: Actor, t: Translator, id: str = "", **_query):  # noqa: A002 - the query's name
    try:
        with session_scope() as s:
            return detail_page(t, inbound_view(s, actor, id))
    except NotFound:
        return detail_page(t, None)


VIEW_PAGE = PageSpec("inbound_view", "/inbound/view", N_("Inbound certificate"), Perm.APPLICATION_REVIEW, ids.INBV,
                     render_view, in_menu=False, order=186)


def _link_refused(t: Translator, exc: Exception, **_inputs) -> dict:
    return {"message": link_refused(t), "content": no_update}


@page_callback(
    output={"content": Output(ids.INBV_CONTENT, "children"), "message": Output(ids.INBV_MESSAGE, "children")},
    inputs={"links": Input({"type": ids.INBV_LINK, "declaration": ALL}, "n_clicks"),
            "unlinks": Input({"type": ids.INBV_UNLINK, "declaration": ALL}, "submit_n_clicks"),
            "state": State(ids.INBV_STATE, "data")},
    refused=_link_refused, refuses=(NotFound, AccessDenied), prevent_initial_call=True)
def change_link(r: PageRequest, links, unlinks, state):
    inbound_id = state.get("id") if isinstance(state, dict) else None
    trigger = ctx.triggered_id
    if not isinstance(inbound_id, int) or not isinstance(trigger, dict):
        return no_update
    clicks = links if trigger.get("type") == ids.INBV_LINK else unlinks
    if not any(isinstance(n, int) and n > 0 for n in clicks or ()):
        return no_update  # the buttons were drawn, not clicked
    declaration = trigger.get("declaration")
    if not isinstance(declaration, int) or isinstance(declaration, bool):
        return no_update
    inbound_view(r.s, r.actor, inbound_id)  # in the actor's sight, or NotFound
    linked = trigger.get("type") == ids.INBV_LINK
    link_inbound(r.s, r.actor, inbound_id, declaration if linked else None)
    try:
        view = inbound_view(r.s, r.actor, inbound_id)
    except NotFound:  # linked to a declaration of another district: it moved there
        view = None
    return {"content": detail_body(r.t, view), "message": link_message(r.t, linked)}
