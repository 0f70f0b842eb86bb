"""Consignor/consignee book glue: the searched page of entries, the new/edit form, deleting the checked rows."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx

from auth.permissions import Perm
from callbacks.inputs import as_id, as_text
from callbacks.page import (
    MENU_SETTINGS,
    PageRequest,
    PageSpec,
    page_callback,
    paged_list,
    paged_list_outputs,
    wildcard,
    wildcard_outputs,
)
from dashboard.core.i18n import N_, Translator
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
        if as_id(value) is not None:
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


@page_callback(
    output={"modal": Output(ids.PARTY_MODAL, "is_open"), "values": Output(FIELD, "value"),
            "errors": Output(ERROR, "children"), "editing": Output(ids.PARTY_EDITING, "data"),
            "title": Output(ids.PARTY_MODAL_TITLE, "children"), "message": Output(ids.PARTY_MESSAGE, "children")},
    inputs={"new": Input(ids.PARTY_NEW, "n_clicks"), "edit": Input(ids.PARTY_EDIT, "n_clicks"),
            "selected": State(ids.PARTY_TABLE, "selectedRows")},
    refused=lambda t, _exc, **_inputs: {"message": message(t, "not_found")}, prevent_initial_call=True,
)
def open_form(r: PageRequest, new, edit, selected):
    names = [item["id"]["name"] for item in wildcard_outputs("values")]
    errors = [""] * len(wildcard_outputs("errors"))
    if ctx.triggered_id == ids.PARTY_NEW:
        return {"modal": True, "values": form_values(None, names), "errors": errors, "editing": None,
                "title": r.t("New entry"), "message": None}
    chosen = checked_ids(selected)
    if len(chosen) != 1:
        return {"message": message(r.t, "choose_one")}
    entry = get_party(r.s, r.actor, chosen[0])
    return {"modal": True, "values": form_values(entry, names), "errors": errors, "editing": chosen[0],
            "title": r.t("Edit entry"), "message": None}


def _next(reloads) -> int:
    return (reloads if isinstance(reloads, int) and not isinstance(reloads, bool) else 0) + 1


def _not_saved(t: Translator, exc: Exception, *, reloads=None, **_inputs) -> dict:
    names = [item["id"]["name"] for item in wildcard_outputs("errors")]
    if isinstance(exc, PartyInvalid):
        return {"errors": [reason(t, exc.errors[n]) if n in exc.errors else "" for n in names]}
    return {"errors": [""] * len(names), "modal": False, "reload": _next(reloads), "message": message(t, "not_found")}


@page_callback(
    output={"errors": Output(ERROR, "children", allow_duplicate=True),
            "modal": Output(ids.PARTY_MODAL, "is_open", allow_duplicate=True),
            "reload": Output(ids.PARTY_RELOAD, "data", allow_duplicate=True),
            "message": Output(ids.PARTY_MESSAGE, "children", allow_duplicate=True)},
    inputs={"save": Input(ids.PARTY_SAVE, "n_clicks"), "values": State(FIELD, "value"),
            "editing": State(ids.PARTY_EDITING, "data"), "reloads": State(ids.PARTY_RELOAD, "data")},
    refused=_not_saved, refuses=(PartyInvalid, NotFound), prevent_initial_call=True,
)
def save(r: PageRequest, save, values, editing, reloads):
    typed = {item["id"]["name"]: as_text(item.get("value")) for item in wildcard("values")}
    entry_id = as_id(editing)
    save_party(r.s, r.actor, entry_id, typed)
    return {"errors": [""] * len(wildcard_outputs("errors")), "modal": False, "reload": _next(reloads),
            "message": message(r.t, "updated" if entry_id else "created")}


@page_callback(
    output={"message": Output(ids.PARTY_MESSAGE, "children", allow_duplicate=True),
            "reload": Output(ids.PARTY_RELOAD, "data", allow_duplicate=True)},
    inputs={"delete": Input(ids.PARTY_DELETE, "submit_n_clicks"), "selected": State(ids.PARTY_TABLE, "selectedRows"),
            "reloads": State(ids.PARTY_RELOAD, "data")},
    prevent_initial_call=True,
)
def delete_checked(r: PageRequest, delete, selected, reloads):
    chosen = checked_ids(selected)
    if not chosen:
        return {"message": message(r.t, "choose_some")}
    return {"message": deleted_message(r.t, delete_parties(r.s, r.actor, chosen)), "reload": _next(reloads)}
