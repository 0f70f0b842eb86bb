"""System parameters page glue: search and reset, the new/edit form with its history, delete, exports."""
from __future__ import annotations

from datetime import datetime, timezone

from dash import ALL, Input, Output, State, callback, ctx, dcc, no_update
from dash.exceptions import PreventUpdate

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.admin.lists import page_index, picked, run_action, shown_page, submit
from callbacks.inputs import as_text
from callbacks.page import MENU_ADMIN, PageRequest, PageSpec, page_callback, paged_list, paged_list_outputs
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.admin.parameters import (
    KNOWN,
    all_parameters,
    create_parameter,
    delete_parameter,
    get_parameter,
    list_parameters,
    parameter_history,
    update_parameter,
)
from data.core.scope import Actor, NotFound
from layouts.admin import ids
from layouts.admin.common import alert
from layouts.admin.parameters import (
    PAGE_SIZE,
    export_file,
    history_table,
    known_text,
    parameter_rows,
    parameters_page,
    total_text,
)

FIELD = {"type": ids.APARAM_FIELD, "name": ALL}
ERROR = {"type": ids.APARAM_ERROR, "name": ALL}
KEY_FIELD = {"type": ids.APARAM_FIELD, "name": "key"}
GONE = N_("This parameter no longer exists.")


def render(actor: Actor, t: Translator, **_query):
    return parameters_page(t)


PAGE = PageSpec(
    "admin_parameters", "/admin/parameters", N_("System parameters"), Perm.ADMIN_PARAMETERS, ids.APARAM, render,
    menu_group=MENU_ADMIN, order=370)


def _page_index(active_page) -> int:
    return max(0, active_page - 1) if isinstance(active_page, int) and not isinstance(active_page, bool) else 0


@page_callback(
    output=paged_list_outputs(ids.APARAM_TABLE, ids.APARAM_PAGER, ids.APARAM_TOTAL),
    inputs={"key_text": Input(ids.APARAM_KEY_SEARCH, "value"), "value_text": Input(ids.APARAM_VALUE_SEARCH, "value"),
            "active_page": Input(ids.APARAM_PAGER, "active_page"), "reload": Input(ids.APARAM_RELOAD, "data")},
)
def show_page(r: PageRequest, key_text, value_text, active_page, reload):
    first = page_index(active_page, ids.APARAM_PAGER, ids.APARAM_RELOAD)
    page = shown_page(lambda n: list_parameters(r.s, r.actor, as_text(key_text), as_text(value_text), n, PAGE_SIZE),
                      first)
    return paged_list(parameter_rows(r.t, page.rows), page, total_text(r.t, page))


@callback(
    Output(ids.APARAM_KEY_SEARCH, "value"),
    Output(ids.APARAM_VALUE_SEARCH, "value"),
    Input(ids.APARAM_RESET, "n_clicks"),
    prevent_initial_call=True,
)
def reset(_n):
    return "", ""


@callback(
    Output(ids.APARAM_MODAL, "is_open"),
    Output(FIELD, "value"),
    Output(ERROR, "children"),
    Output(ids.APARAM_HISTORY, "children"),
    Output(KEY_FIELD, "disabled"),
    Output(ids.APARAM_EDITING, "data"),
    Output(ids.APARAM_MODAL_TITLE, "children"),
    Output(ids.APARAM_MESSAGE, "children"),
    Input(ids.APARAM_NEW, "n_clicks"),
    Input(ids.APARAM_EDIT, "n_clicks"),
    State(ids.APARAM_TABLE, "selectedRows"),
    prevent_initial_call=True,
)
def open_form(_new, _edit, selected):
    t = request_translator()
    names = [item["id"]["name"] for item in ctx.outputs_list[1]]
    errors = [""] * len(ctx.outputs_list[2])
    if ctx.triggered_id == ids.APARAM_NEW:
        return True, [""] * len(names), errors, history_table(t, []), False, None, t("New parameter"), None
    refused = (no_update, [no_update] * len(names), [no_update] * len(errors), no_update, no_update, no_update,
               no_update)
    key = picked(selected, "key", str)
    if key is None:
        return (*refused, alert(t("Select one parameter first."), ok=False))
    try:
        with session_scope() as s:
            row = get_parameter(s, current_actor(), key)
            history = parameter_history(s, current_actor(), key)
    except NotFound:
        return (*refused, alert(t(GONE), ok=False))
    values = {"key": row.key, "value": row.value, "description": row.description}
    return True, [values[n] for n in names], errors, history_table(t, history), True, key, \
        t("Edit parameter {key}", key=key), None


@callback(
    Output(ids.APARAM_HINT, "children"),
    Input(KEY_FIELD, "value"),
)
def hint(key):
    return known_text(request_translator(), KNOWN.get(as_text(key).strip()))


@callback(
    Output(ERROR, "children", allow_duplicate=True),
    Output(ids.APARAM_MODAL, "is_open", allow_duplicate=True),
    Output(ids.APARAM_RELOAD, "data", allow_duplicate=True),
    Output(ids.APARAM_MESSAGE, "children", allow_duplicate=True),
    Input(ids.APARAM_SAVE, "n_clicks"),
    State(FIELD, "value"),
    State(ids.APARAM_EDITING, "data"),
    State(ids.APARAM_RELOAD, "data"),
    prevent_initial_call=True,
)
def save(_n, values, editing, reloads):
    t = request_translator()
    typed = {item["id"]["name"]: as_text(v) for item, v in zip(ctx.states_list[0], values or [])}
    key = editing if isinstance(editing, str) else None

    def write(s, actor) -> str:
        if key is None:
            return t("Parameter {key} added.", key=create_parameter(s, actor, typed).key)
        typed.pop("key", None)  # the key input is disabled while editing: the stored key stays
        return t("Parameter {key} saved.", key=update_parameter(s, actor, key, typed).key)

    return submit(write, GONE, reloads)


@callback(
    Output(ids.APARAM_MESSAGE, "children", allow_duplicate=True),
    Output(ids.APARAM_RELOAD, "data", allow_duplicate=True),
    Input(ids.APARAM_DELETE, "submit_n_clicks"),
    State(ids.APARAM_TABLE, "selectedRows"),
    State(ids.APARAM_RELOAD, "data"),
    prevent_initial_call=True,
)
def delete(_n, selected, reloads):
    t = request_translator()
    key = picked(selected, "key", str)
    if key is None:
        return alert(t("Select one parameter first."), ok=False), no_update

    def change(s, actor) -> str:
        delete_parameter(s, actor, key)
        return t("Parameter {key} deleted.", key=key)

    return run_action(change, GONE, reloads)


@callback(
    Output(ids.APARAM_DOWNLOAD, "data"),
    Input({"type": ids.APARAM_EXPORT, "rows": ALL, "format": ALL}, "n_clicks"),
    State(ids.APARAM_KEY_SEARCH, "value"),
    State(ids.APARAM_VALUE_SEARCH, "value"),
    State(ids.APARAM_PAGER, "active_page"),
    prevent_initial_call=True,
)
def export(clicks, key_text, value_text, active_page):
    chosen = ctx.triggered_id
    if not isinstance(chosen, dict) or not any(clicks or []):
        raise PreventUpdate
    scope = "all" if chosen.get("rows") == "all" else "page"
    kind = "pdf" if chosen.get("format") == "pdf" else "xlsx"
    t = request_translator()
    with session_scope() as s:
        if scope == "all":
            rows = all_parameters(s, current_actor(), as_text(key_text), as_text(value_text))
        else:
            rows = list_parameters(s, current_actor(), as_text(key_text), as_text(value_text),
                                   _page_index(active_page), PAGE_SIZE).rows
    name, _media, content = export_file(t, rows, kind, scope, datetime.now(timezone.utc))
    return dcc.send_bytes(content, name)
