"""Application form glue: the new-application choices, and the form's save / apply / template / copy / delete."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from auth.permissions import Perm
from callbacks.inputs import as_text, parse_id
from callbacks.page import PageRequest, PageSpec, page_callback, wildcard, wildcard_outputs
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
from data.core.creation import RepeatedSubmission, new_form_token
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
    return parse_id(value)


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
                        list_templates(s, actor, format_code=start.format_code or ""), start, new_form_token())


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


def _create_problems(s, t: Translator, errors: dict[str, str], format_code) -> dict:
    """Each choice's reason next to it; values copied from elsewhere that the format refuses, in the message."""
    names = [item["id"]["name"] for item in wildcard_outputs("errors")]
    message = form_message(t, "has_errors")
    copied = {key: code for key, code in errors.items() if key not in names}
    if copied:
        message = [message, *copied_value_problems(t, format_spec(s, as_text(format_code)), copied)]
    return {"errors": [reason(t, errors[n]) if n in errors else "" for n in names], "message": message}


def _not_created(t: Translator, exc: Exception, *, format_code, **_inputs) -> dict:
    if isinstance(exc, RepeatedSubmission):  # the other click of the same form created it a moment ago
        return {"message": form_message(t, "repeated")}
    errors = exc.errors if isinstance(exc, ApplicationInvalid) else {"declaration_id": "choose_declaration"}
    with session_scope() as s:
        return _create_problems(s, t, errors, format_code)


@page_callback(
    output={"errors": Output({"type": ids.APPN_ERROR, "name": ALL}, "children"),
            "message": Output(ids.APPN_MESSAGE, "children"), "goto": Output(ids.APPN_GOTO, "href")},
    inputs={"clicks": Input(ids.APPN_CREATE, "n_clicks"), "declaration": State(ids.APPN_DECLARATION, "value"),
            "format_code": State(ids.APPN_FORMAT, "value"), "method": State(ids.APPN_METHOD, "value"),
            "similar": State(ids.APPN_SIMILAR, "value"), "template": State(ids.APPN_TEMPLATE, "value"),
            "confirm": State(ids.APPN_CONFIRM, "value"), "token": State(ids.APPN_TOKEN, "data")},
    refused=_not_created, refuses=(NotFound, ApplicationInvalid, RepeatedSubmission), prevent_initial_call=True,
)
def create(r: PageRequest, clicks, declaration, format_code, method, similar, template, confirm, token):
    if not clicks:
        return no_update
    if _int(declaration) is None:
        return _create_problems(r.s, r.t, {"declaration_id": "choose_declaration"}, format_code)
    app = new_application(r.s, r.actor, declaration_id=_int(declaration), format_code=as_text(format_code),
                          entry_method=as_text(method), similar_inspection_no=as_text(similar),
                          template_id=_int(template), needs_confirmation=confirm is True, form_token=token)
    return {"errors": [""] * len(wildcard_outputs("errors")), "message": None, "goto": f"/applications/edit?id={app.id}"}


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


FORM_OUTPUTS = {
    "message": Output(ids.APPF_MESSAGE, "children"), "errors": Output({"type": ids.APPF_ERROR, "key": ALL}, "children"),
    "goods_errors": Output(ids.APPF_GOODS_ERRORS, "children"),
    "rows": Output(ids.APPF_GOODS, "rowData", allow_duplicate=True), "state": Output(ids.APPF_STATE, "data"),
    "goto": Output(ids.APPF_GOTO, "href"), "template_open": Output(ids.APPF_TEMPLATE_MODAL, "is_open", allow_duplicate=True),
    "template_error": Output(ids.APPF_TEMPLATE_ERROR, "children"),
}
FORM_INPUTS = {
    "save": Input(ids.APPF_SAVE, "n_clicks"), "apply": Input(ids.APPF_APPLY, "n_clicks"),
    "copy": Input(ids.APPF_COPY, "n_clicks"), "delete": Input(ids.APPF_DELETE, "submit_n_clicks"),
    "template": Input(ids.APPF_TEMPLATE_SAVE, "n_clicks"), "fields": State({"type": ids.APPF_FIELD, "key": ALL}, "value"),
    "dates": State({"type": ids.APPF_DATE, "key": ALL}, "date"), "rows": State(ids.APPF_GOODS, "rowData"),
    "confirm": State(ids.APPF_CONFIRM, "value"), "template_name": State(ids.APPF_TEMPLATE_NAME, "value"),
    "state": State(ids.APPF_STATE, "data"),
}


def _keys() -> list[str]:
    return [item["id"]["key"] for item in wildcard_outputs("errors")]


def _not_saved(t: Translator, exc: Exception, *, rows, confirm, **_inputs) -> dict:
    """Nothing was written: each problem where it belongs (a field, a goods cell, the template's name), or why not."""
    if isinstance(exc, ApplicationInvalid):
        _data, rids = read_form(wildcard("fields"), wildcard("dates"), rows, confirm)
        marked, errors = marked_rows(t, rows, rids, exc.errors)
        cleared = [""] * len(_keys())
        if set(errors) == {"template_name"}:  # the form is fine: only the name in the dialog is not
            return {"errors": cleared, "goods_errors": "", "rows": marked, "template_open": True,
                    "template_error": reason(t, errors["template_name"])}
        return {"message": form_message(t, "has_errors"), "errors": field_errors(t, _keys(), errors),
                "goods_errors": goods_error_list(t, errors), "rows": marked, "template_open": False, "template_error": ""}
    if isinstance(exc, WorkflowError):
        code = exc.code if exc.code in ("stale_version", "bad_transition") else "bad_transition"
        return {"message": form_message(t, code), "template_open": False, "template_error": ""}
    return {"message": form_message(t, "not_found"), "template_open": False, "template_error": ""}


@page_callback(output=FORM_OUTPUTS, inputs=FORM_INPUTS, refused=_not_saved,
               refuses=(ApplicationInvalid, WorkflowError, NotFound), prevent_initial_call=True)
def act(r: PageRequest, save, apply, copy, delete, template, fields, dates, rows, confirm, template_name, state):
    action = ctx.triggered_id
    if action is None or not ctx.triggered[0]["value"] or not isinstance(state, dict):
        return no_update
    app_id, version = _int(state.get("id")), _int(state.get("version"))
    if app_id is None or version is None:
        return {"message": form_message(r.t, "not_found")}
    data, _rids = read_form(wildcard("fields"), wildcard("dates"), rows, confirm)
    done = {"message": None, "errors": [""] * len(_keys()), "goods_errors": "", "template_open": False,
            "template_error": ""}
    if action == ids.APPF_DELETE:
        delete_draft(r.s, r.actor, app_id, version=version)
        return {**done, "state": None, "goto": "/applications"}
    if action == ids.APPF_APPLY:
        apply_application(r.s, r.actor, app_id, data, version=version)
        return {**done, "goto": f"/applications/view?id={app_id}"}
    if application_form(r.s, r.actor, app_id).editable:
        save_application(r.s, r.actor, app_id, data, version=version, draft=True)
    if action == ids.APPF_COPY:
        return {**done, "goto": f"/applications/edit?id={copy_application(r.s, r.actor, app_id).id}"}
    if action == ids.APPF_TEMPLATE_SAVE:
        message = form_message(r.t, "template_saved", name=save_as_template(r.s, r.actor, app_id, as_text(template_name)).name)
    else:
        message = form_message(r.t, "saved")
    saved = application_form(r.s, r.actor, app_id)
    return {**done, "message": message, "rows": goods_rows(saved.goods), "state": {"id": saved.id, "version": saved.version}}
