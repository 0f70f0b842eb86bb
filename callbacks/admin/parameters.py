"""System parameters page glue: search and reset, the new/edit form with its history, delete, exports."""
from __future__ import annotations

from datetime import datetime, timezone

from dash import ALL, Input, Output, State, callback, ctx, dcc
from dash.exceptions import PreventUpdate

from auth.permissions import Perm
from auth.session import request_translator
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
    wildcard_outputs,
)
from dashboard.core.i18n import N_, Translator
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
from data.core.scope import Actor
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


@page_callback(
    output={"modal": Output(ids.APARAM_MODAL, "is_open"), "values": Output(FIELD, "value"),
            "errors": Output(ERROR, "children"), "history": Output(ids.APARAM_HISTORY, "children"),
            "key_fixed": Output(KEY_FIELD, "disabled"), "editing": Output(ids.APARAM_EDITING, "data"),
            "title": Output(ids.APARAM_MODAL_TITLE, "children"), "message": Output(ids.APARAM_MESSAGE, "children")},
    inputs={"new": Input(ids.APARAM_NEW, "n_clicks"), "edit": Input(ids.APARAM_EDIT, "n_clicks"),
            "selected": State(ids.APARAM_TABLE, "selectedRows")},
    refused=lambda t, _exc, **_inputs: {"message": alert(t(GONE), ok=False)}, prevent_initial_call=True,
)
def open_form(r: PageRequest, new, edit, selected):
    names = [item["id"]["name"] for item in wildcard_outputs("values")]
    errors = [""] * len(wildcard_outputs("errors"))
    if ctx.triggered_id == ids.APARAM_NEW:
        return {"modal": True, "values": [""] * len(names), "errors": errors, "history": history_table(r.t, []),
                "key_fixed": False, "editing": None, "title": r.t("New parameter"), "message": None}
    key = picked(selected, "key", str)
    if key is None:
        return {"message": alert(r.t("Select one parameter first."), ok=False)}
    row = get_parameter(r.s, r.actor, key)
    values = {"key": row.key, "value": row.value, "description": row.description}
    return {"modal": True, "values": [values[n] for n in names], "errors": errors,
            "history": history_table(r.t, parameter_history(r.s, r.actor, key)), "key_fixed": True, "editing": key,
            "title": r.t("Edit parameter {key}", key=key), "message": None}


@callback(
    Output(ids.APARAM_HINT, "children"),
    Input(KEY_FIELD, "value"),
)
def hint(key):
    return known_text(request_translator(), KNOWN.get(as_text(key).strip()))


@page_callback(
    output=save_outputs(ERROR, ids.APARAM_MODAL, ids.APARAM_RELOAD, ids.APARAM_MESSAGE),
    inputs={"save": Input(ids.APARAM_SAVE, "n_clicks"), "values": State(FIELD, "value"),
            "editing": State(ids.APARAM_EDITING, "data"), "reloads": State(ids.APARAM_RELOAD, "data")},
    refused=save_refusal(GONE), refuses=SAVE_REFUSALS, prevent_initial_call=True,
)
def save(r: PageRequest, save, values, editing, reloads):
    typed = {item["id"]["name"]: as_text(item.get("value")) for item in wildcard("values")}
    if not isinstance(editing, str):
        return saved(r.t("Parameter {key} added.", key=create_parameter(r.s, r.actor, typed).key), reloads)
    typed.pop("key", None)  # the key input is disabled while editing: the stored key stays
    return saved(r.t("Parameter {key} saved.", key=update_parameter(r.s, r.actor, editing, typed).key), reloads)


@page_callback(
    output=action_outputs(ids.APARAM_MESSAGE, ids.APARAM_RELOAD),
    inputs={"delete": Input(ids.APARAM_DELETE, "submit_n_clicks"), "selected": State(ids.APARAM_TABLE, "selectedRows"),
            "reloads": State(ids.APARAM_RELOAD, "data")},
    refused=action_refusal(GONE), refuses=ACTION_REFUSALS, prevent_initial_call=True,
)
def delete(r: PageRequest, delete, selected, reloads):
    key = picked(selected, "key", str)
    if key is None:
        return {"message": alert(r.t("Select one parameter first."), ok=False)}
    delete_parameter(r.s, r.actor, key)
    return acted(r.t("Parameter {key} deleted.", key=key), reloads)


@page_callback(
    output=Output(ids.APARAM_DOWNLOAD, "data"),
    inputs={"clicks": Input({"type": ids.APARAM_EXPORT, "rows": ALL, "format": ALL}, "n_clicks"),
            "key_text": State(ids.APARAM_KEY_SEARCH, "value"), "value_text": State(ids.APARAM_VALUE_SEARCH, "value"),
            "active_page": State(ids.APARAM_PAGER, "active_page")},
    prevent_initial_call=True,
)
def export(r: PageRequest, clicks, key_text, value_text, active_page):
    chosen = ctx.triggered_id
    if not isinstance(chosen, dict) or not any(clicks or []):
        raise PreventUpdate
    scope = "all" if chosen.get("rows") == "all" else "page"
    kind = "pdf" if chosen.get("format") == "pdf" else "xlsx"
    if scope == "all":
        rows = all_parameters(r.s, r.actor, as_text(key_text), as_text(value_text))
    else:
        rows = list_parameters(r.s, r.actor, as_text(key_text), as_text(value_text), _page_index(active_page),
                               PAGE_SIZE).rows
    name, _media, content = export_file(r.t, rows, kind, scope, datetime.now(timezone.utc))
    return dcc.send_bytes(content, name)
