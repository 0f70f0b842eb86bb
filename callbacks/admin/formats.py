"""Certificate formats page glue: search, the editor (head, field table, layout), retire/reactivate/delete."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update
from dash.exceptions import PreventUpdate

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.admin.lists import bump, page_index, picked, run_action, shown_page
from callbacks.inputs import as_text
from callbacks.page import MENU_ADMIN, PageRequest, PageSpec, page_callback, paged_list, paged_list_outputs
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.admin.common import AdminInvalid
from data.admin.formats import (
    LANGUAGES,
    certificate_type_choices,
    create_format,
    delete_format,
    get_format,
    search_formats,
    set_format_active,
    stored_layout,
    update_format,
)
from data.core.scope import Actor, NotFound
from layouts.admin import ids
from layouts.admin.common import alert, reason
from layouts.admin.formats import (
    PAGE_SIZE,
    field_error_lines,
    field_rows,
    fixed_note,
    format_rows,
    formats_page,
    layout_from_controls,
    layout_values,
    total_text,
)

FIELD = {"type": ids.AFMT_FIELD, "name": ALL}
ERROR = {"type": ids.AFMT_ERROR, "name": ALL}
LAYOUT = {"type": ids.AFMT_LAYOUT, "key": ALL, "part": ALL}
GRID_COLUMNS = ("order", "key", "label_zh", "label_en", "kind", "required")
GONE = N_("This format no longer exists.")


def render(actor: Actor, t: Translator, **_query):
    with session_scope() as s:
        types = certificate_type_choices(s, actor)
    return formats_page(t, types)


PAGE = PageSpec(
    "admin_formats", "/admin/formats", N_("Certificate formats"), Perm.ADMIN_FORMATS, ids.AFMT, render,
    menu_group=MENU_ADMIN, order=350)


@page_callback(
    output=paged_list_outputs(ids.AFMT_TABLE, ids.AFMT_PAGER, ids.AFMT_TOTAL),
    inputs={"code": Input(ids.AFMT_CODE_SEARCH, "value"), "type_code": Input(ids.AFMT_TYPE_SEARCH, "value"),
            "active_page": Input(ids.AFMT_PAGER, "active_page"), "reload": Input(ids.AFMT_RELOAD, "data")},
)
def show_page(r: PageRequest, code, type_code, active_page, reload):
    first = page_index(active_page, ids.AFMT_PAGER, ids.AFMT_RELOAD)
    page = shown_page(lambda n: search_formats(r.s, r.actor, as_text(code), as_text(type_code), n, PAGE_SIZE), first)
    return paged_list(format_rows(r.t, page), page, total_text(r.t, page))


@callback(
    Output(ids.AFMT_MODAL, "is_open"),
    Output(ids.AFMT_MODAL_TITLE, "children"),
    Output(ids.AFMT_FORMAT_CODE, "value"),
    Output(ids.AFMT_FORMAT_CODE, "disabled"),
    Output(FIELD, "value"),
    Output(ids.AFMT_FIELDS_GRID, "rowData"),
    Output(ids.AFMT_FIELDS_NOTE, "children"),
    Output(LAYOUT, "value"),
    Output(ERROR, "children"),
    Output(ids.AFMT_FIELDS_ERRORS, "children"),
    Output(ids.AFMT_EDITING, "data"),
    Output(ids.AFMT_MESSAGE, "children"),
    Input(ids.AFMT_NEW, "n_clicks"),
    Input(ids.AFMT_EDIT, "n_clicks"),
    State(ids.AFMT_TABLE, "selectedRows"),
    State(ids.AFMT_TYPE_SEARCH, "value"),
    prevent_initial_call=True,
)
def open_editor(_new, _edit, selected, type_code):
    t = request_translator()
    field_names = [item["id"]["name"] for item in ctx.outputs_list[4]]
    layout_outputs = ctx.outputs_list[7]
    errors = [""] * len(ctx.outputs_list[8])
    if ctx.triggered_id == ids.AFMT_NEW:
        values = {"cert_type_code": as_text(type_code), "languages": list(LANGUAGES), "name_zh": "", "name_en": ""}
        return (True, t("New format"), "", False, [values[n] for n in field_names],
                field_rows(t, [{"kind": "text", "required": True}]), fixed_note(t, frozenset()),
                layout_values(stored_layout({}), layout_outputs), errors, [], None, None)
    code = picked(selected, "code", str)
    refused = [no_update] * 11
    if code is None:
        return (*refused, alert(t("Select one format first."), ok=False))
    try:
        with session_scope() as s:
            fmt = get_format(s, current_actor(), code)
    except NotFound:
        return (*refused, alert(t(GONE), ok=False))
    values = {"cert_type_code": fmt.cert_type_code, "languages": list(fmt.languages), "name_zh": fmt.name_zh,
              "name_en": fmt.name_en}
    return (True, t("Edit format {code}", code=fmt.code), fmt.code, True, [values[n] for n in field_names],
            field_rows(t, fmt.fields, fmt.fixed_keys), fixed_note(t, fmt.fixed_keys),
            layout_values(fmt.layout, layout_outputs), errors, [], {"code": fmt.code, "seen": fmt.seen}, None)


def _grid_rows(rows) -> list[dict]:
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


@callback(
    Output(ids.AFMT_FIELDS_GRID, "rowData", allow_duplicate=True),
    Input(ids.AFMT_FIELDS_ADD, "n_clicks"),
    Input(ids.AFMT_FIELDS_REMOVE, "n_clicks"),
    State(ids.AFMT_FIELDS_GRID, "rowData"),
    State(ids.AFMT_FIELDS_GRID, "selectedRows"),
    prevent_initial_call=True,
)
def edit_fields(_add, _remove, rows, selected):
    rows = _grid_rows(rows)
    if ctx.triggered_id == ids.AFMT_FIELDS_ADD:
        rid = max((r.get("rid") for r in rows if isinstance(r.get("rid"), int)), default=0) + 1
        order = max((r.get("order") for r in rows if isinstance(r.get("order"), int)), default=0) + 1
        rows = rows + [{"rid": rid, "order": order, "key": "", "label_zh": "", "label_en": "", "kind": "text",
                        "required": False, "fixed": False, "in_use": ""}]
    else:
        ticked = {r.get("rid") for r in _grid_rows(selected)}
        if not ticked:
            raise PreventUpdate
        rows = [r for r in rows if r.get("rid") not in ticked]
    return [{**r, "no": n} for n, r in enumerate(rows, start=1)]


@callback(
    Output(ERROR, "children", allow_duplicate=True),
    Output(ids.AFMT_FIELDS_ERRORS, "children", allow_duplicate=True),
    Output(ids.AFMT_MODAL, "is_open", allow_duplicate=True),
    Output(ids.AFMT_RELOAD, "data", allow_duplicate=True),
    Output(ids.AFMT_MESSAGE, "children", allow_duplicate=True),
    Input(ids.AFMT_SAVE, "n_clicks"),
    State(ids.AFMT_FORMAT_CODE, "value"),
    State(FIELD, "value"),
    State(ids.AFMT_FIELDS_GRID, "rowData"),
    State(LAYOUT, "value"),
    State(ids.AFMT_EDITING, "data"),
    State(ids.AFMT_RELOAD, "data"),
    prevent_initial_call=True,
)
def save(_n, code, head, rows, layout, editing, reloads):
    t = request_translator()
    error_names = [item["id"]["name"] for item in ctx.outputs_list[0]]
    names = [item["id"]["name"] for item in ctx.states_list[1]]
    rows = _grid_rows(rows)
    values = dict(zip(names, head or []))
    values["code"] = as_text(code)
    values["fields"] = [{c: r.get(c) for c in GRID_COLUMNS} for r in rows]
    values["layout"] = layout_from_controls(ctx.states_list[3], layout or [])
    editing = editing if isinstance(editing, dict) and isinstance(editing.get("code"), str) else None
    try:
        with session_scope() as s:
            if editing is None:
                saved = create_format(s, current_actor(), values)
            else:
                seen = editing.get("seen") if isinstance(editing.get("seen"), str) else None
                saved = update_format(s, current_actor(), editing["code"], values, seen)
    except AdminInvalid as exc:
        shown = [reason(t, exc.errors[n]) if n in exc.errors else "" for n in error_names]
        return shown, field_error_lines(t, exc.errors, rows), no_update, no_update, no_update
    except NotFound:
        return [""] * len(error_names), [], False, bump(reloads), alert(t(GONE), ok=False)
    done = t("Format {code} added.", code=saved.code) if editing is None else t("Format {code} saved.", code=saved.code)
    return [""] * len(error_names), [], False, bump(reloads), alert(done)


@callback(
    Output(ids.AFMT_MESSAGE, "children", allow_duplicate=True),
    Output(ids.AFMT_RELOAD, "data", allow_duplicate=True),
    Input(ids.AFMT_RETIRE, "n_clicks"),
    Input(ids.AFMT_REACTIVATE, "n_clicks"),
    Input(ids.AFMT_DELETE, "submit_n_clicks"),
    State(ids.AFMT_TABLE, "selectedRows"),
    State(ids.AFMT_RELOAD, "data"),
    prevent_initial_call=True,
)
def act(_retire, _reactivate, _delete, selected, reloads):
    t = request_translator()
    code, action = picked(selected, "code", str), ctx.triggered_id
    if code is None:
        return alert(t("Select one format first."), ok=False), no_update

    def change(s, actor) -> str:
        if action == ids.AFMT_DELETE:
            delete_format(s, actor, code)
            return t("Format {code} deleted.", code=code)
        active = action == ids.AFMT_REACTIVATE
        set_format_active(s, actor, code, active)
        return t("Format {code} reactivated.", code=code) if active else t("Format {code} retired.", code=code)

    return run_action(change, GONE, reloads)
