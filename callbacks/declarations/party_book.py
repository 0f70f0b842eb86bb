"""Consignor/consignee book glue: the searched page of entries, the new/edit form, deleting the checked rows."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.inputs import as_text
from callbacks.page import MENU_SETTINGS, PageRequest, PageSpec, page_callback, paged_list, paged_list_outputs
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.core.scope import Actor, NotFound
from data.declarations.party_book import PartyInvalid, delete_parties, get_party, list_parties, save_party
from layouts.common import page_number
from layouts.declarations import ids
from layouts.declarations.party_book import deleted_message, form_values, message, parties_page, party_rows, reason

PAGE_SIZE = 20
FIELD = {"type": ids.PARTY_FIELD, "name": ALL}
ERROR = {"type": ids.PARTY_ERROR, "name": ALL}


def render(actor: Actor, t: Translator, **_query):
    return parties_page(t)


PAGE = PageSpec(
    "parties", "/enterprise/parties", N_("Consignors and consignees"), Perm.DECLARATION_EDIT, ids.PARTY, render,
    menu_group=MENU_SETTINGS, order=90)


def checked_ids(rows) -> list[int]:
    """The entry ids of the checked rows, as the browser sent them (the service scopes them)."""
    found = []
    for row in rows if isinstance(rows, list) else []:
        value = row.get("id") if isinstance(row, dict) else None
        if isinstance(value, int) and not isinstance(value, bool):
            found.append(value)
    return found


@page_callback(
    output=paged_list_outputs(ids.PARTY_TABLE, ids.PARTY_PAGER, ids.PARTY_PAGE),
    inputs={"text": Input(ids.PARTY_SEARCH, "value"), "active_page": Input(ids.PARTY_PAGER, "active_page"),
            "reload": Input(ids.PARTY_RELOAD, "data")},
)
def show_page(r: PageRequest, text, active_page, reload):
    # a new search starts at the first page; paging and redrawing after a change keep the page
    keep = ctx.triggered_id in (ids.PARTY_PAGER, ids.PARTY_RELOAD) and isinstance(active_page, int)
    page_index = max(0, active_page - 1) if keep else 0
    page = list_parties(r.s, r.actor, as_text(text), page_index, PAGE_SIZE)
    if not page.rows and page_index:  # the last rows of this page were deleted
        page = list_parties(r.s, r.actor, as_text(text), 0, PAGE_SIZE)
    return paged_list(party_rows(page), page, page_number(r.t, page))


@callback(
    Output(ids.PARTY_MODAL, "is_open"),
    Output(FIELD, "value"),
    Output(ERROR, "children"),
    Output(ids.PARTY_EDITING, "data"),
    Output(ids.PARTY_MODAL_TITLE, "children"),
    Output(ids.PARTY_MESSAGE, "children"),
    Input(ids.PARTY_NEW, "n_clicks"),
    Input(ids.PARTY_EDIT, "n_clicks"),
    State(ids.PARTY_TABLE, "selectedRows"),
    prevent_initial_call=True,
)
def open_form(_new, _edit, selected):
    t = request_translator()
    names = [item["id"]["name"] for item in ctx.outputs_list[1]]
    errors = [""] * len(ctx.outputs_list[2])
    if ctx.triggered_id == ids.PARTY_NEW:
        return True, form_values(None, names), errors, None, t("New entry"), None
    chosen = checked_ids(selected)
    refused = (no_update, [no_update] * len(names), [no_update] * len(errors), no_update, no_update)
    if len(chosen) != 1:
        return (*refused, message(t, "choose_one"))
    try:
        with session_scope() as s:
            entry = get_party(s, current_actor(), chosen[0])
            values = form_values(entry, names)
    except NotFound:
        return (*refused, message(t, "not_found"))
    return True, values, errors, chosen[0], t("Edit entry"), None


@callback(
    Output(ERROR, "children", allow_duplicate=True),
    Output(ids.PARTY_MODAL, "is_open", allow_duplicate=True),
    Output(ids.PARTY_RELOAD, "data", allow_duplicate=True),
    Output(ids.PARTY_MESSAGE, "children", allow_duplicate=True),
    Input(ids.PARTY_SAVE, "n_clicks"),
    State(FIELD, "value"),
    State(ids.PARTY_EDITING, "data"),
    State(ids.PARTY_RELOAD, "data"),
    prevent_initial_call=True,
)
def save(_n, values, editing, reloads):
    t = request_translator()
    error_names = [item["id"]["name"] for item in ctx.outputs_list[0]]
    names = [item["id"]["name"] for item in ctx.states_list[0]]
    typed = {n: as_text(v) for n, v in zip(names, values or [])}
    entry_id = editing if isinstance(editing, int) and not isinstance(editing, bool) else None
    bump = (reloads if isinstance(reloads, int) else 0) + 1
    try:
        with session_scope() as s:
            save_party(s, current_actor(), entry_id, typed)
    except PartyInvalid as exc:
        return [reason(t, exc.errors[n]) if n in exc.errors else "" for n in error_names], no_update, no_update, \
            no_update
    except NotFound:
        return [""] * len(error_names), False, bump, message(t, "not_found")
    return [""] * len(error_names), False, bump, message(t, "updated" if entry_id else "created")


@callback(
    Output(ids.PARTY_MESSAGE, "children", allow_duplicate=True),
    Output(ids.PARTY_RELOAD, "data", allow_duplicate=True),
    Input(ids.PARTY_DELETE, "submit_n_clicks"),
    State(ids.PARTY_TABLE, "selectedRows"),
    State(ids.PARTY_RELOAD, "data"),
    prevent_initial_call=True,
)
def delete_checked(_n, selected, reloads):
    t = request_translator()
    chosen = checked_ids(selected)
    if not chosen:
        return message(t, "choose_some"), no_update
    with session_scope() as s:
        count = delete_parties(s, current_actor(), chosen)
    return deleted_message(t, count), (reloads if isinstance(reloads, int) else 0) + 1
