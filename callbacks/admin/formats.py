"""Certificate formats page glue: search, the editor (head, field table, layout), retire/reactivate/delete."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx
from dash.exceptions import PreventUpdate

from auth.permissions import Perm
from callbacks.admin.lists import (
    ACTION_REFUSALS,
    SAVE_REFUSALS,
    acted,
    action_outputs,
    action_refusal,
    bump,
    page_index,
    picked,
    save_outputs,
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
from data.core.scope import Actor
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


@page_callback(
    output={"modal": Output(ids.AFMT_MODAL, "is_open"), "title": Output(ids.AFMT_MODAL_TITLE, "children"),
            "code": Output(ids.AFMT_FORMAT_CODE, "value"), "code_fixed": Output(ids.AFMT_FORMAT_CODE, "disabled"),
            "values": Output(FIELD, "value"), "rows": Output(ids.AFMT_FIELDS_GRID, "rowData"),
            "note": Output(ids.AFMT_FIELDS_NOTE, "children"), "layout": Output(LAYOUT, "value"),
            "errors": Output(ERROR, "children"), "field_errors": Output(ids.AFMT_FIELDS_ERRORS, "children"),
            "editing": Output(ids.AFMT_EDITING, "data"), "message": Output(ids.AFMT_MESSAGE, "children")},
    inputs={"new": Input(ids.AFMT_NEW, "n_clicks"), "edit": Input(ids.AFMT_EDIT, "n_clicks"),
            "selected": State(ids.AFMT_TABLE, "selectedRows"), "type_code": State(ids.AFMT_TYPE_SEARCH, "value")},
    refused=lambda t, _exc, **_inputs: {"message": alert(t(GONE), ok=False)}, prevent_initial_call=True,
)
def open_editor(r: PageRequest, new, edit, selected, type_code):
    field_names = [item["id"]["name"] for item in wildcard_outputs("values")]
    layout_outputs = wildcard_outputs("layout")
    errors = [""] * len(wildcard_outputs("errors"))
    if ctx.triggered_id == ids.AFMT_NEW:
        values = {"cert_type_code": as_text(type_code), "languages": list(LANGUAGES), "name_zh": "", "name_en": ""}
        return {"modal": True, "title": r.t("New format"), "code": "", "code_fixed": False,
                "values": [values[n] for n in field_names], "rows": field_rows(r.t, [{"kind": "text", "required": True}]),
                "note": fixed_note(r.t, frozenset()), "layout": layout_values(stored_layout({}), layout_outputs),
                "errors": errors, "field_errors": [], "editing": None, "message": None}
    code = picked(selected, "code", str)
    if code is None:
        return {"message": alert(r.t("Select one format first."), ok=False)}
    fmt = get_format(r.s, r.actor, code)
    values = {"cert_type_code": fmt.cert_type_code, "languages": list(fmt.languages), "name_zh": fmt.name_zh,
              "name_en": fmt.name_en}
    return {"modal": True, "title": r.t("Edit format {code}", code=fmt.code), "code": fmt.code, "code_fixed": True,
            "values": [values[n] for n in field_names], "rows": field_rows(r.t, fmt.fields, fmt.fixed_keys),
            "note": fixed_note(r.t, fmt.fixed_keys), "layout": layout_values(fmt.layout, layout_outputs),
            "errors": errors, "field_errors": [], "editing": {"code": fmt.code, "seen": fmt.seen}, "message": None}


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


def _not_saved(t: Translator, exc: Exception, *, rows=None, reloads=None, **_inputs) -> dict:
    """Each field's reason next to it and the field table's per row (the editor stays open), or the format gone."""
    names = [item["id"]["name"] for item in wildcard_outputs("errors")]
    if isinstance(exc, AdminInvalid):
        return {"errors": [reason(t, exc.errors[n]) if n in exc.errors else "" for n in names],
                "field_errors": field_error_lines(t, exc.errors, _grid_rows(rows))}
    return {"errors": [""] * len(names), "field_errors": [], "modal": False, "reload": bump(reloads),
            "message": alert(t(GONE), ok=False)}


@page_callback(
    output={**save_outputs(ERROR, ids.AFMT_MODAL, ids.AFMT_RELOAD, ids.AFMT_MESSAGE),
            "field_errors": Output(ids.AFMT_FIELDS_ERRORS, "children", allow_duplicate=True)},
    inputs={"save": Input(ids.AFMT_SAVE, "n_clicks"), "code": State(ids.AFMT_FORMAT_CODE, "value"),
            "head": State(FIELD, "value"), "rows": State(ids.AFMT_FIELDS_GRID, "rowData"), "layout": State(LAYOUT, "value"),
            "editing": State(ids.AFMT_EDITING, "data"), "reloads": State(ids.AFMT_RELOAD, "data")},
    refused=_not_saved, refuses=SAVE_REFUSALS, prevent_initial_call=True,
)
def save(r: PageRequest, save, code, head, rows, layout, editing, reloads):
    values = {item["id"]["name"]: item.get("value") for item in wildcard("head")}
    values["code"] = as_text(code)
    values["fields"] = [{c: row.get(c) for c in GRID_COLUMNS} for row in _grid_rows(rows)]
    layout_items = wildcard("layout")
    values["layout"] = layout_from_controls(layout_items, [item.get("value") for item in layout_items])
    editing = editing if isinstance(editing, dict) and isinstance(editing.get("code"), str) else None
    if editing is None:
        stored = create_format(r.s, r.actor, values)
        return {**saved(r.t("Format {code} added.", code=stored.code), reloads), "field_errors": []}
    seen = editing.get("seen") if isinstance(editing.get("seen"), str) else None
    stored = update_format(r.s, r.actor, editing["code"], values, seen)
    return {**saved(r.t("Format {code} saved.", code=stored.code), reloads), "field_errors": []}


@page_callback(
    output=action_outputs(ids.AFMT_MESSAGE, ids.AFMT_RELOAD),
    inputs={"retire": Input(ids.AFMT_RETIRE, "n_clicks"), "reactivate": Input(ids.AFMT_REACTIVATE, "n_clicks"),
            "delete": Input(ids.AFMT_DELETE, "submit_n_clicks"), "selected": State(ids.AFMT_TABLE, "selectedRows"),
            "reloads": State(ids.AFMT_RELOAD, "data")},
    refused=action_refusal(GONE), refuses=ACTION_REFUSALS, prevent_initial_call=True,
)
def act(r: PageRequest, retire, reactivate, delete, selected, reloads):
    code, action = picked(selected, "code", str), ctx.triggered_id
    if code is None:
        return {"message": alert(r.t("Select one format first."), ok=False)}
    if action == ids.AFMT_DELETE:
        delete_format(r.s, r.actor, code)
        return acted(r.t("Format {code} deleted.", code=code), reloads)
    active = action == ids.AFMT_REACTIVATE
    set_format_active(r.s, r.actor, code, active)
    return acted(r.t("Format {code} reactivated.", code=code) if active else r.t("Format {code} retired.", code=code),
                 reloads)
