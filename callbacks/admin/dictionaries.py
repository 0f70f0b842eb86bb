"""Dictionaries page glue: the searched page of entries, the new/edit form, retire/reactivate/delete."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.admin.lists import page_index, picked, run_action, shown_page, submit
from callbacks.inputs import as_text
from callbacks.page import MENU_ADMIN, PageRequest, PageSpec, page_callback, paged_list, paged_list_outputs
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.admin.dictionaries import (
    ADMIN_DICTIONARIES,
    STATUSES,
    create_entry,
    delete_entry,
    form_choices,
    get_entry,
    list_entries,
    set_entry_active,
    update_entry,
)
from data.core.scope import Actor, NotFound
from layouts.admin import ids
from layouts.admin.common import alert
from layouts.admin.dictionaries import PAGE_SIZE, dictionaries_page, entry_form, entry_rows, total_text

FIELD = {"type": ids.ADICT_FIELD, "name": ALL}
ERROR = {"type": ids.ADICT_ERROR, "name": ALL}
GONE = N_("This dictionary entry no longer exists.")


def render(actor: Actor, t: Translator, **_query):
    return dictionaries_page(t)


PAGE = PageSpec(
    "admin_dictionaries", "/admin/dictionaries", N_("Dictionaries"), Perm.ADMIN_DICTIONARIES, ids.ADICT, render,
    menu_group=MENU_ADMIN, order=340)


def _dictionary(name) -> str:
    return name if name in ADMIN_DICTIONARIES else ADMIN_DICTIONARIES[0]


@page_callback(
    output=paged_list_outputs(ids.ADICT_TABLE, ids.ADICT_PAGER, ids.ADICT_TOTAL),
    inputs={"name": Input(ids.ADICT_NAME, "value"), "text": Input(ids.ADICT_SEARCH, "value"),
            "status": Input(ids.ADICT_STATUS, "value"), "active_page": Input(ids.ADICT_PAGER, "active_page"),
            "reload": Input(ids.ADICT_RELOAD, "data")},
)
def show_page(r: PageRequest, name, text, status, active_page, reload):
    first = page_index(active_page, ids.ADICT_PAGER, ids.ADICT_RELOAD)
    status = status if status in STATUSES else "all"
    page = shown_page(lambda n: list_entries(r.s, r.actor, _dictionary(name), as_text(text), status, n, PAGE_SIZE),
                      first)
    return paged_list(entry_rows(r.t, page), page, total_text(r.t, page))


@callback(
    Output(ids.ADICT_MODAL, "is_open"),
    Output(ids.ADICT_FORM, "children"),
    Output(ids.ADICT_EDITING, "data"),
    Output(ids.ADICT_MODAL_TITLE, "children"),
    Output(ids.ADICT_MESSAGE, "children"),
    Input(ids.ADICT_NEW, "n_clicks"),
    Input(ids.ADICT_EDIT, "n_clicks"),
    State(ids.ADICT_NAME, "value"),
    State(ids.ADICT_TABLE, "selectedRows"),
    prevent_initial_call=True,
)
def open_form(_new, _edit, name, selected):
    t = request_translator()
    dictionary = _dictionary(name)
    refused = (no_update, no_update, no_update, no_update)
    with session_scope() as s:
        choices = form_choices(s, current_actor())
        if ctx.triggered_id == ids.ADICT_NEW:
            return (True, entry_form(t, dictionary, None, **choices), {"dictionary": dictionary, "code": None},
                    t("New dictionary entry"), None)
        code = picked(selected, "code", str)
        if code is None:
            return (*refused, alert(t("Select one entry first."), ok=False))
        try:
            entry = get_entry(s, current_actor(), dictionary, code)
        except NotFound:
            return (*refused, alert(t(GONE), ok=False))
    return True, entry_form(t, dictionary, entry, **choices), {"dictionary": dictionary, "code": code}, \
        t("Edit dictionary entry"), None


@callback(
    Output(ERROR, "children"),
    Output(ids.ADICT_MODAL, "is_open", allow_duplicate=True),
    Output(ids.ADICT_RELOAD, "data", allow_duplicate=True),
    Output(ids.ADICT_MESSAGE, "children", allow_duplicate=True),
    Input(ids.ADICT_SAVE, "n_clicks"),
    State(FIELD, "value"),
    State(ids.ADICT_EDITING, "data"),
    State(ids.ADICT_RELOAD, "data"),
    prevent_initial_call=True,
)
def save(_n, values, editing, reloads):
    t = request_translator()
    typed = dict(zip([item["id"]["name"] for item in ctx.states_list[0]], values or []))
    editing = editing if isinstance(editing, dict) else {}
    dictionary = _dictionary(editing.get("dictionary"))
    code = editing.get("code") if isinstance(editing.get("code"), str) else None

    def write(s, actor) -> str:
        if code is None:
            return t("Entry {code} added.", code=create_entry(s, actor, dictionary, typed).code)
        return t("Entry {code} saved.", code=update_entry(s, actor, dictionary, code, typed).code)

    return submit(write, GONE, reloads)


@callback(
    Output(ids.ADICT_MESSAGE, "children", allow_duplicate=True),
    Output(ids.ADICT_RELOAD, "data", allow_duplicate=True),
    Input(ids.ADICT_RETIRE, "n_clicks"),
    Input(ids.ADICT_REACTIVATE, "n_clicks"),
    Input(ids.ADICT_DELETE, "submit_n_clicks"),
    State(ids.ADICT_NAME, "value"),
    State(ids.ADICT_TABLE, "selectedRows"),
    State(ids.ADICT_RELOAD, "data"),
    prevent_initial_call=True,
)
def act(_retire, _reactivate, _delete, name, selected, reloads):
    t = request_translator()
    dictionary, code, action = _dictionary(name), picked(selected, "code", str), ctx.triggered_id
    if code is None:
        return alert(t("Select one entry first."), ok=False), no_update

    def change(s, actor) -> str:
        if action == ids.ADICT_DELETE:
            delete_entry(s, actor, dictionary, code)
            return t("Entry {code} deleted.", code=code)
        active = action == ids.ADICT_REACTIVATE
        set_entry_active(s, actor, dictionary, code, active)
        return t("Entry {code} reactivated.", code=code) if active else t("Entry {code} retired.", code=code)

    return run_action(change, GONE, reloads)
