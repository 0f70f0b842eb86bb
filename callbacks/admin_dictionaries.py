"""Dictionaries page glue: the searched page of entries, the new/edit form, retire/reactivate/delete."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from auth.login import current_actor
from callbacks.inputs import as_text
from dashboard import ids
from dashboard.i18n import Translator
from dashboard.request import request_translator
from dashboard.store import session_scope
from data.admin_common import AdminInvalid, InUse
from data.admin_dictionaries import (
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
from data.scope import Actor, NotFound
from layouts.admin_common import alert, in_use_text, reason
from layouts.admin_dictionaries import PAGE_SIZE, dictionaries_page, entry_form, entry_rows, total_text

FIELD = {"type": ids.ADICT_FIELD, "name": ALL}
ERROR = {"type": ids.ADICT_ERROR, "name": ALL}


def render(actor: Actor, t: Translator, **_query):
    return dictionaries_page(t)


def _dictionary(name) -> str:
    return name if name in ADMIN_DICTIONARIES else ADMIN_DICTIONARIES[0]


def picked_code(rows) -> str | None:
    """The code of the one picked row, as the browser sent it (the service looks it up again)."""
    codes = [r.get("code") for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    return codes[0] if len(codes) == 1 and isinstance(codes[0], str) else None


def bump(reloads) -> int:
    return (reloads if isinstance(reloads, int) else 0) + 1


@callback(
    Output(ids.ADICT_TABLE, "rowData"),
    Output(ids.ADICT_PAGER, "max_value"),
    Output(ids.ADICT_TOTAL, "children"),
    Output(ids.ADICT_PAGER, "active_page"),
    Input(ids.ADICT_NAME, "value"),
    Input(ids.ADICT_SEARCH, "value"),
    Input(ids.ADICT_STATUS, "value"),
    Input(ids.ADICT_PAGER, "active_page"),
    Input(ids.ADICT_RELOAD, "data"),
)
def show_page(name, text, status, active_page, _reload):
    t = request_translator()
    keep = ctx.triggered_id in (ids.ADICT_PAGER, ids.ADICT_RELOAD) and isinstance(active_page, int)
    page_index = max(0, active_page - 1) if keep else 0
    status = status if status in STATUSES else "all"
    with session_scope() as s:
        page = list_entries(s, current_actor(), _dictionary(name), as_text(text), status, page_index, PAGE_SIZE)
        if not page.rows and page_index:
            page = list_entries(s, current_actor(), _dictionary(name), as_text(text), status, 0, PAGE_SIZE)
    return entry_rows(t, page), page.page_count, total_text(t, page), page.page + 1


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
        code = picked_code(selected)
        if code is None:
            return (*refused, alert(t("Select one entry first."), ok=False))
        try:
            entry = get_entry(s, current_actor(), dictionary, code)
        except NotFound:
            return (*refused, alert(t("This dictionary entry no longer exists."), ok=False))
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
    error_names = [item["id"]["name"] for item in ctx.outputs_list[0]]
    names = [item["id"]["name"] for item in ctx.states_list[0]]
    typed = dict(zip(names, values or []))
    editing = editing if isinstance(editing, dict) else {}
    dictionary = _dictionary(editing.get("dictionary"))
    code = editing.get("code") if isinstance(editing.get("code"), str) else None
    try:
        with session_scope() as s:
            if code is None:
                row = create_entry(s, current_actor(), dictionary, typed)
            else:
                row = update_entry(s, current_actor(), dictionary, code, typed)
    except AdminInvalid as exc:
        return [reason(t, exc.errors[n]) if n in exc.errors else "" for n in error_names], no_update, no_update, \
            no_update
    except NotFound:
        gone = alert(t("This dictionary entry no longer exists."), ok=False)
        return [""] * len(error_names), False, bump(reloads), gone
    done = t("Entry {code} added.", code=row.code) if code is None else t("Entry {code} saved.", code=row.code)
    return [""] * len(error_names), False, bump(reloads), alert(done)


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
    dictionary, code = _dictionary(name), picked_code(selected)
    if code is None:
        return alert(t("Select one entry first."), ok=False), no_update
    try:
        with session_scope() as s:
            if ctx.triggered_id == ids.ADICT_DELETE:
                delete_entry(s, current_actor(), dictionary, code)
                done = t("Entry {code} deleted.", code=code)
            else:
                active = ctx.triggered_id == ids.ADICT_REACTIVATE
                set_entry_active(s, current_actor(), dictionary, code, active)
                done = t("Entry {code} reactivated.", code=code) if active else t("Entry {code} retired.", code=code)
    except InUse as exc:
        return alert(in_use_text(t, exc.places), ok=False), no_update
    except NotFound:
        return alert(t("This dictionary entry no longer exists."), ok=False), bump(reloads)
    return alert(done), bump(reloads)
