"""Dictionaries page glue: the searched page of entries, the new/edit form, retire/reactivate/delete."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx

from auth.permissions import Perm
from callbacks.admin.lists import (
    ACTION_REFUSALS,
    SAVE_REFUSALS,
    acted,
    action_outputs,
    action_refusal,
    page_index,
    picked,
    save_outputs,
    save_refusal,
    saved,
    shown_page,
)
from callbacks.inputs import as_text
from callbacks.page import (
    MENU_ADMIN,
    PageRequest,
    PageSpec,
    page_callback,
    paged_list,
    paged_list_outputs,
    wildcard,
)
from dashboard.core.i18n import N_, Translator
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
from data.core.scope import Actor
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


@page_callback(
    output={"modal": Output(ids.ADICT_MODAL, "is_open"), "form": Output(ids.ADICT_FORM, "children"),
            "editing": Output(ids.ADICT_EDITING, "data"), "title": Output(ids.ADICT_MODAL_TITLE, "children"),
            "message": Output(ids.ADICT_MESSAGE, "children")},
    inputs={"new": Input(ids.ADICT_NEW, "n_clicks"), "edit": Input(ids.ADICT_EDIT, "n_clicks"),
            "name": State(ids.ADICT_NAME, "value"), "selected": State(ids.ADICT_TABLE, "selectedRows")},
    refused=lambda t, _exc, **_inputs: {"message": alert(t(GONE), ok=False)}, prevent_initial_call=True,
)
def open_form(r: PageRequest, new, edit, name, selected):
    dictionary = _dictionary(name)
    choices = form_choices(r.s, r.actor)
    if ctx.triggered_id == ids.ADICT_NEW:
        return {"modal": True, "form": entry_form(r.t, dictionary, None, **choices),
                "editing": {"dictionary": dictionary, "code": None}, "title": r.t("New dictionary entry"), "message": None}
    code = picked(selected, "code", str)
    if code is None:
        return {"message": alert(r.t("Select one entry first."), ok=False)}
    entry = get_entry(r.s, r.actor, dictionary, code)
    return {"modal": True, "form": entry_form(r.t, dictionary, entry, **choices),
            "editing": {"dictionary": dictionary, "code": code}, "title": r.t("Edit dictionary entry"), "message": None}


@page_callback(
    output=save_outputs(ERROR, ids.ADICT_MODAL, ids.ADICT_RELOAD, ids.ADICT_MESSAGE),
    inputs={"save": Input(ids.ADICT_SAVE, "n_clicks"), "values": State(FIELD, "value"),
            "editing": State(ids.ADICT_EDITING, "data"), "reloads": State(ids.ADICT_RELOAD, "data")},
    refused=save_refusal(GONE), refuses=SAVE_REFUSALS, prevent_initial_call=True,
)
def save(r: PageRequest, save, values, editing, reloads):
    typed = {item["id"]["name"]: item.get("value") for item in wildcard("values")}
    editing = editing if isinstance(editing, dict) else {}
    dictionary = _dictionary(editing.get("dictionary"))
    code = editing.get("code") if isinstance(editing.get("code"), str) else None
    if code is None:
        return saved(r.t("Entry {code} added.", code=create_entry(r.s, r.actor, dictionary, typed).code), reloads)
    return saved(r.t("Entry {code} saved.", code=update_entry(r.s, r.actor, dictionary, code, typed).code), reloads)


@page_callback(
    output=action_outputs(ids.ADICT_MESSAGE, ids.ADICT_RELOAD),
    inputs={"retire": Input(ids.ADICT_RETIRE, "n_clicks"), "reactivate": Input(ids.ADICT_REACTIVATE, "n_clicks"),
            "delete": Input(ids.ADICT_DELETE, "submit_n_clicks"), "name": State(ids.ADICT_NAME, "value"),
            "selected": State(ids.ADICT_TABLE, "selectedRows"), "reloads": State(ids.ADICT_RELOAD, "data")},
    refused=action_refusal(GONE), refuses=ACTION_REFUSALS, prevent_initial_call=True,
)
def act(r: PageRequest, retire, reactivate, delete, name, selected, reloads):
    dictionary, code, action = _dictionary(name), picked(selected, "code", str), ctx.triggered_id
    if code is None:
        return {"message": alert(r.t("Select one entry first."), ok=False)}
    if action == ids.ADICT_DELETE:
        delete_entry(r.s, r.actor, dictionary, code)
        return acted(r.t("Entry {code} deleted.", code=code), reloads)
    active = action == ids.ADICT_REACTIVATE
    set_entry_active(r.s, r.actor, dictionary, code, active)
    return acted(r.t("Entry {code} reactivated.", code=code) if active else r.t("Entry {code} retired.", code=code),
                 reloads)
