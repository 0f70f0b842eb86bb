"""Application form glue: the new-application choices, and the form's save / apply / template / copy / delete."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.inputs import as_text
from callbacks.page import PageRequest, PageSpec, page_callback
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.applications.choices import (
    application_form,
    certificate_choices,
    eligible_declarations,
    form_choices,
    format_spec,
    template_form,
)
from data.applications.form import (
    GOODS_COLUMNS,
    ApplicationInput,
    ApplicationInvalid,
    apply_application,
    copy_application,
    delete_draft,
    new_application,
    save_application,
)
from data.applications.templates import list_templates, save_as_template
from data.applications.workflow import WorkflowError
from data.core.scope import Actor, NotFound
from layouts.applications import ids
from layouts.applications.form import (
    NewChoice,
    copied_value_problems,
    declaration_options,
    form_message,
    form_page,
    format_options,
    goods_error_list,
    goods_rows,
    method_rows,
    new_page,
    reason,
    template_options,
)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def render_new(actor: Actor, t: Translator, template: str = "", declaration: str = "", **_query):
    start = NewChoice(declaration_id=str(_int(declaration)) if _int(declaration) else None)
    with session_scope() as s:
        types = certificate_choices(s, actor)
        if _int(template):
            try:
                chosen = template_form(s, actor, _int(template))
            except NotFound:
                chosen = None
            if chosen is not None:
                type_code = next((x.code for x in types if any(f.code == chosen.spec.code for f in x.formats)), None)
                start = start._replace(type_code=type_code, format_code=chosen.spec.code, entry_method="template",
                                       template_id=str(chosen.id))
        if start.format_code is None and types and types[0].formats:
            start = start._replace(type_code=types[0].code, format_code=types[0].formats[0].code)
        return new_page(t, eligible_declarations(s, actor), types,
                        list_templates(s, actor, format_code=start.format_code or ""), start)


APPLICATION_NEW_PAGE = PageSpec(
    "application_new", "/applications/new", N_("New certificate application"), Perm.APPLICATION_EDIT, ids.APPN,
    render_new, in_menu=False, order=140)


def render_edit(actor: Actor, t: Translator, id: str = "", **_query):  # noqa: A002 - the query's name
    with session_scope() as s:
        choices = form_choices(s)
        try:
            form = application_form(s, actor, _int(id) or 0)
        except NotFound:
            form = None
        return form_page(t, form, choices)


APPLICATION_EDIT_PAGE = PageSpec(
    "application_edit", "/applications/edit", N_("Certificate application"), Perm.APPLICATION_EDIT, ids.APPF,
    render_edit, in_menu=False, order=150)


# --- the new-application page -------------------------------------------------------------------


def _keeping(options: list[dict], chosen) -> dict:
    """New options for a select, keeping the choice if it is still offered, else the first option."""
    values = [o["value"] for o in options]
    return {"options": options, "value": chosen if chosen in values else (values[0] if values else None)}


def _select(select_id: str) -> dict[str, Output]:
    return {"options": Output(select_id, "options"), "value": Output(select_id, "value")}


@page_callback(output=_select(ids.APPN_DECLARATION), inputs={"text": Input(ids.APPN_DECL_SEARCH, "value")},
               state={"chosen": State(ids.APPN_DECLARATION, "value")}, prevent_initial_call=True)
def search_declarations(r: PageRequest, text, chosen):
    return _keeping(declaration_options(r.t, eligible_declarations(r.s, r.actor, as_text(text))), chosen)


@page_callback(output=_select(ids.APPN_FORMAT), inputs={"type_code": Input(ids.APPN_TYPE, "value")},
               state={"chosen": State(ids.APPN_FORMAT, "value")}, prevent_initial_call=True)
def formats_of_type(r: PageRequest, type_code, chosen):
    return _keeping(format_options(r.t, certificate_choices(r.s, r.actor), as_text(type_code)), chosen)


@page_callback(output=_select(ids.APPN_TEMPLATE), inputs={"format_code": Input(ids.APPN_FORMAT, "value")},
               state={"chosen": State(ids.APPN_TEMPLATE, "value")}, prevent_initial_call=True)
def templates_of_format(r: PageRequest, format_code, chosen):
    return _keeping(template_options(list_templates(r.s, r.actor, format_code=as_text(format_code))), chosen)


@callback(
    Output(ids.APPN_SIMILAR_ROW, "style"),
    Output(ids.APPN_TEMPLATE_ROW, "style"),
    Input(ids.APPN_METHOD, "value"),
    prevent_initial_call=True,
)
def show_method_inputs(method):
    return method_rows(as_text(method))


NEW_ERROR_NAMES = ("declaration_id", "format_code", "entry_method", "similar_inspection_no", "template_id")


@callback(
    Output({"type": ids.APPN_ERROR, "name": ALL}, "children"),
    Output(ids.APPN_MESSAGE, "children"),
    Output(ids.APPN_GOTO, "href"),
    Input(ids.APPN_CREATE, "n_clicks"),
    State(ids.APPN_DECLARATION, "value"),
    State(ids.APPN_FORMAT, "value"),
    State(ids.APPN_METHOD, "value"),
    State(ids.APPN_SIMILAR, "value"),
    State(ids.APPN_TEMPLATE, "value"),
    State(ids.APPN_CONFIRM, "value"),
    prevent_initial_call=True,
)
def create(clicks, declaration, format_code, method, similar, template, confirm):
    t = request_translator()
    names = [item["id"]["name"] for item in ctx.outputs_list[0]]
    if not clicks:
        return [no_update] * len(names), no_update, no_update
    errors: dict[str, str] = {}
    if _int(declaration) is None:
        errors["declaration_id"] = "choose_declaration"
    else:
        try:
            with session_scope() as s:
                app = new_application(s, current_actor(), declaration_id=_int(declaration),
                                      format_code=as_text(format_code), entry_method=as_text(method),
                                      similar_inspection_no=as_text(similar), template_id=_int(template),
                                      needs_confirmation=confirm is True)
                app_id = app.id
            return [""] * len(names), None, f"/applications/edit?id={app_id}"
        except NotFound:
            errors["declaration_id"] = "choose_declaration"
        except ApplicationInvalid as exc:
            errors = exc.errors
    shown = [reason(t, errors[n]) if n in errors else "" for n in names]
    message = form_message(t, "has_errors")
    copied = {key: code for key, code in errors.items() if key not in names}
    if copied:
        with session_scope() as s:
            message = [message, *copied_value_problems(t, format_spec(s, as_text(format_code)), copied)]
    return shown, message, no_update


# --- the application form -----------------------------------------------------------------------


def _cell(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def read_form(field_items: list[dict], date_items: list[dict], rows, confirm) -> tuple[ApplicationInput, list]:
    """Return what the form holds as the service's input, and the grid row id of each goods line sent.

    A goods line left entirely empty is not sent: it is a row added and never filled in.
    """
    fields = {str(item["id"]["key"]): as_text(item.get("value")) for item in field_items}
    fields.update({str(item["id"]["key"]): as_text(item.get("value"))[:10] for item in date_items})
    goods, rids = [], []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        values = {c: _cell(row.get(c)) for c in GOODS_COLUMNS}
        if any(v.strip() for v in values.values()):
            goods.append(values)
            rids.append(row.get("rid"))
    return ApplicationInput({k: v for k, v in fields.items() if v.strip()}, goods, confirm is True), rids


def marked_rows(t: Translator, rows, rids: list, errors: dict[str, str]) -> tuple[list[dict], dict[str, str]]:
    """Return the grid's rows with each line's errors attached, and the errors numbered by grid line."""
    rows = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    line_of = {row.get("rid"): n for n, row in enumerate(rows, start=1)}
    per_row: dict = {}
    renumbered: dict[str, str] = {}
    for key, code in errors.items():
        parts = key.split(".")
        if parts[0] == "goods" and len(parts) == 3 and parts[1].isdigit() and 0 < int(parts[1]) <= len(rids):
            rid = rids[int(parts[1]) - 1]
            per_row.setdefault(rid, {})[parts[2]] = reason(t, code)
            renumbered[f"goods.{line_of.get(rid, parts[1])}.{parts[2]}"] = code
        else:
            renumbered[key] = code
    marked = []
    for row in rows:
        clean = {k: v for k, v in row.items() if k != "_errors"}
        marked.append({**clean, "_errors": per_row[row.get("rid")]} if row.get("rid") in per_row else clean)
    return marked, renumbered


def field_errors(t: Translator, keys: list[str], errors: dict[str, str]) -> list[str]:
    return [reason(t, errors[f"fields.{k}"]) if f"fields.{k}" in errors else "" for k in keys]


def changed_rows(add: bool, rows, selected) -> list[dict]:
    """Add an empty goods line at the end, or drop the ticked ones."""
    rows = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    if add:
        next_rid = 1 + max((r["rid"] for r in rows if isinstance(r.get("rid"), int)), default=0)
        return [*rows, {"rid": next_rid, **{c: "" for c in GOODS_COLUMNS}}]
    ticked = {r.get("rid") for r in selected if isinstance(r, dict)} if isinstance(selected, list) else set()
    return [r for r in rows if r.get("rid") not in ticked]


@callback(
    Output(ids.APPF_GOODS, "rowData"),
    Input(ids.APPF_GOODS_ADD, "n_clicks"),
    Input(ids.APPF_GOODS_DELETE, "n_clicks"),
    State(ids.APPF_GOODS, "rowData"),
    State(ids.APPF_GOODS, "selectedRows"),
    prevent_initial_call=True,
)
def edit_goods_rows(_add, _delete, rows, selected):
    return changed_rows(ctx.triggered_id == ids.APPF_GOODS_ADD, rows, selected)


@callback(
    Output(ids.APPF_TEMPLATE_MODAL, "is_open"),
    Input(ids.APPF_TEMPLATE_OPEN, "n_clicks"),
    Input(ids.APPF_TEMPLATE_CANCEL, "n_clicks"),
    prevent_initial_call=True,
)
def toggle_template_dialog(_open, _cancel):
    return ctx.triggered_id == ids.APPF_TEMPLATE_OPEN


@callback(
    Output(ids.APPF_MESSAGE, "children"),
    Output({"type": ids.APPF_ERROR, "key": ALL}, "children"),
    Output(ids.APPF_GOODS_ERRORS, "children"),
    Output(ids.APPF_GOODS, "rowData", allow_duplicate=True),
    Output(ids.APPF_STATE, "data"),
    Output(ids.APPF_GOTO, "href"),
    Output(ids.APPF_TEMPLATE_MODAL, "is_open", allow_duplicate=True),
    Output(ids.APPF_TEMPLATE_ERROR, "children"),
    Input(ids.APPF_SAVE, "n_clicks"),
    Input(ids.APPF_APPLY, "n_clicks"),
    Input(ids.APPF_COPY, "n_clicks"),
    Input(ids.APPF_DELETE, "submit_n_clicks"),
    Input(ids.APPF_TEMPLATE_SAVE, "n_clicks"),
    State({"type": ids.APPF_FIELD, "key": ALL}, "value"),
    State({"type": ids.APPF_DATE, "key": ALL}, "date"),
    State(ids.APPF_GOODS, "rowData"),
    State(ids.APPF_CONFIRM, "value"),
    State(ids.APPF_TEMPLATE_NAME, "value"),
    State(ids.APPF_STATE, "data"),
    prevent_initial_call=True,
)
def act(_save, _apply, _copy, _delete, _template, _fields, _dates, rows, confirm, template_name, state):
    t = request_translator()
    actor = current_actor()
    keys = [item["id"]["key"] for item in ctx.outputs_list[1]]
    unchanged = [no_update, [no_update] * len(keys), no_update, no_update, no_update, no_update, no_update,
                 no_update]
    action = ctx.triggered_id
    if action is None or not ctx.triggered[0]["value"] or not isinstance(state, dict):
        return unchanged
    app_id, version = _int(state.get("id")), _int(state.get("version"))
    if app_id is None or version is None:
        return [form_message(t, "not_found"), *unchanged[1:]]
    data, rids = read_form(ctx.states_list[0], ctx.states_list[1], rows, confirm)
    cleared = [""] * len(keys)
    try:
        with session_scope() as s:
            if action == ids.APPF_DELETE:
                delete_draft(s, actor, app_id, version=version)
                return [None, cleared, "", no_update, None, "/applications", False, ""]
            if action == ids.APPF_APPLY:
                apply_application(s, actor, app_id, data, version=version)
                return [None, cleared, "", no_update, no_update, f"/applications/view?id={app_id}", False, ""]
            editable = application_form(s, actor, app_id).editable
            if editable:
                save_application(s, actor, app_id, data, version=version, draft=True)
            if action == ids.APPF_COPY:
                copy = copy_application(s, actor, app_id)
                return [None, cleared, "", no_update, no_update, f"/applications/edit?id={copy.id}", False, ""]
            if action == ids.APPF_TEMPLATE_SAVE:
                template = save_as_template(s, actor, app_id, as_text(template_name))
                message = form_message(t, "template_saved", name=template.name)
            else:
                message = form_message(t, "saved")
            saved = application_form(s, actor, app_id)
        return [message, cleared, "", goods_rows(saved.goods), {"id": saved.id, "version": saved.version},
                no_update, False, ""]
    except ApplicationInvalid as exc:
        marked, errors = marked_rows(t, rows, rids, exc.errors)
        if set(errors) == {"template_name"}:  # the form is fine: only the name in the dialog is not
            return [no_update, cleared, "", marked, no_update, no_update, True, reason(t, errors["template_name"])]
        return [form_message(t, "has_errors"), field_errors(t, keys, errors), goods_error_list(t, errors), marked,
                no_update, no_update, False, ""]
    except WorkflowError as exc:
        code = exc.code if exc.code in ("stale_version", "bad_transition") else "bad_transition"
        return [form_message(t, code), *unchanged[1:6], False, ""]
    except NotFound:
        return [form_message(t, "not_found"), *unchanged[1:6], False, ""]
