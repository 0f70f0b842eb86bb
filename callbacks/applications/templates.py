"""Certificate templates glue: search, bulk delete; edit a template with the application form's components."""
from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from auth.permissions import Perm
from auth.session import current_actor, request_translator
from callbacks.applications.form import changed_rows, field_errors, marked_rows, read_form
from callbacks.inputs import as_text
from callbacks.page import PageSpec
from dashboard.core.i18n import N_, Translator
from dashboard.runtime.store import session_scope
from data.applications.choices import form_choices, template_form, template_rows
from data.applications.form import ApplicationInvalid
from data.applications.templates import delete_templates, update_template
from data.core.scope import Actor, NotFound
from layouts.applications import ids
from layouts.applications.form import goods_error_list, goods_rows, reason
from layouts.applications.templates import (
    deleted_message,
    template_edit_page,
    template_message,
    templates_page,
    templates_table,
)


def render(actor: Actor, t: Translator, edit: str = "", **_query):
    with session_scope() as s:
        if not edit:
            return templates_page(t, template_rows(s, actor))
        try:
            form = template_form(s, actor, int(edit))
        except (ValueError, NotFound):
            form = None
        return template_edit_page(t, form, form_choices(s))


PAGE = PageSpec(
    "certificate_templates", "/applications/templates", N_("Certificate templates"), Perm.APPLICATION_EDIT, ids.TMPL,
    render, order=160)


@callback(
    Output(ids.TMPL_LIST, "children"),
    Output(ids.TMPL_MESSAGE, "children"),
    Input(ids.TMPL_SEARCH, "value"),
    Input(ids.TMPL_DELETE, "submit_n_clicks"),
    State({"type": ids.TMPL_PICK, "index": ALL}, "value"),
    prevent_initial_call=True,
)
def search_or_delete(name, deleting, ticks):
    t = request_translator()
    actor = current_actor()
    message = None
    with session_scope() as s:
        if ctx.triggered_id == ids.TMPL_DELETE and deleting:
            chosen = [int(item["id"]["index"]) for item in ctx.states_list[0] if item.get("value") is True]
            if not chosen:
                return no_update, template_message(t, "none_ticked")
            message = deleted_message(t, delete_templates(s, actor, chosen))
        rows = template_rows(s, actor, as_text(name))
    return templates_table(t, rows), message


@callback(
    Output(ids.TMPL_GOODS, "rowData"),
    Input(ids.TMPL_GOODS_ADD, "n_clicks"),
    Input(ids.TMPL_GOODS_DELETE, "n_clicks"),
    State(ids.TMPL_GOODS, "rowData"),
    State(ids.TMPL_GOODS, "selectedRows"),
    prevent_initial_call=True,
)
def edit_goods_rows(_add, _delete, rows, selected):
    return changed_rows(ctx.triggered_id == ids.TMPL_GOODS_ADD, rows, selected)


@callback(
    Output(ids.TMPL_MESSAGE, "children", allow_duplicate=True),
    Output({"type": ids.TMPL_ERROR, "key": ALL}, "children"),
    Output(ids.TMPL_NAME_ERROR, "children"),
    Output(ids.TMPL_GOODS_ERRORS, "children"),
    Output(ids.TMPL_GOODS, "rowData", allow_duplicate=True),
    Input(ids.TMPL_SAVE, "n_clicks"),
    State({"type": ids.TMPL_FIELD, "key": ALL}, "value"),
    State({"type": ids.TMPL_DATE, "key": ALL}, "date"),
    State(ids.TMPL_GOODS, "rowData"),
    State(ids.TMPL_CONFIRM, "value"),
    State(ids.TMPL_NAME, "value"),
    State(ids.TMPL_STATE, "data"),
    prevent_initial_call=True,
)
def save(clicks, _fields, _dates, rows, confirm, name, template_id):
    t = request_translator()
    keys = [item["id"]["key"] for item in ctx.outputs_list[1]]
    if not clicks or not isinstance(template_id, int):
        return no_update, [no_update] * len(keys), no_update, no_update, no_update
    data, rids = read_form(ctx.states_list[0], ctx.states_list[1], rows, confirm)
    try:
        with session_scope() as s:
            update_template(s, current_actor(), template_id, as_text(name), data)
            saved = template_form(s, current_actor(), template_id)
        return template_message(t, "saved"), [""] * len(keys), "", "", goods_rows(saved.goods)
    except ApplicationInvalid as exc:
        marked, errors = marked_rows(t, rows, rids, exc.errors)
        name_error = reason(t, errors["template_name"]) if "template_name" in errors else ""
        return (template_message(t, "has_errors"), field_errors(t, keys, errors), name_error,
                goods_error_list(t, errors), marked)
    except NotFound:
        return template_message(t, "not_found"), [""] * len(keys), "", "", no_update
