"""Certificate templates glue: search, bulk delete; edit a template with the application form's components."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, no_update

from auth.permissions import Perm
from callbacks.applications.form import changed_rows, field_errors, marked_rows, read_form
from callbacks.inputs import as_id, as_text
from callbacks.page import PageRequest, PageSpec, page_callback, wildcard, wildcard_outputs
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
    render, order=160, menu_title=N_("Cert. templates"))


@page_callback(
    output={"list": Output(ids.TMPL_LIST, "children"), "message": Output(ids.TMPL_MESSAGE, "children")},
    inputs={"name": Input(ids.TMPL_SEARCH, "value"), "deleting": Input(ids.TMPL_DELETE, "submit_n_clicks"),
            "ticks": State({"type": ids.TMPL_PICK, "index": ALL}, "value")},
    prevent_initial_call=True,
)
def search_or_delete(r: PageRequest, name, deleting, ticks):
    message = None
    if ctx.triggered_id == ids.TMPL_DELETE and deleting:
        chosen = [int(item["id"]["index"]) for item in wildcard("ticks") if item.get("value") is True]
        if not chosen:
            return {"message": template_message(r.t, "none_ticked")}
        message = deleted_message(r.t, delete_templates(r.s, r.actor, chosen))
    return {"list": templates_table(r.t, template_rows(r.s, r.actor, as_text(name))), "message": message}


@page_callback(
    output=Output(ids.TMPL_GOODS, "rowData"),
    inputs={"add": Input(ids.TMPL_GOODS_ADD, "n_clicks"), "delete": Input(ids.TMPL_GOODS_DELETE, "n_clicks"),
            "rows": State(ids.TMPL_GOODS, "rowData"), "selected": State(ids.TMPL_GOODS, "selectedRows")},
    prevent_initial_call=True,
)
def edit_goods_rows(_r: PageRequest, add, delete, rows, selected):
    return changed_rows(ctx.triggered_id == ids.TMPL_GOODS_ADD, rows, selected)


SAVE_OUTPUTS = {
    "message": Output(ids.TMPL_MESSAGE, "children", allow_duplicate=True),
    "errors": Output({"type": ids.TMPL_ERROR, "key": ALL}, "children"),
    "name_error": Output(ids.TMPL_NAME_ERROR, "children"),
    "goods_errors": Output(ids.TMPL_GOODS_ERRORS, "children"),
    "rows": Output(ids.TMPL_GOODS, "rowData", allow_duplicate=True),
}
SAVE_INPUTS = {
    "clicks": Input(ids.TMPL_SAVE, "n_clicks"),
    "fields": State({"type": ids.TMPL_FIELD, "key": ALL}, "value"),
    "dates": State({"type": ids.TMPL_DATE, "key": ALL}, "date"),
    "rows": State(ids.TMPL_GOODS, "rowData"),
    "confirm": State(ids.TMPL_CONFIRM, "value"),
    "name": State(ids.TMPL_NAME, "value"),
    "template_id": State(ids.TMPL_STATE, "data"),
}


def _field_keys() -> list[str]:
    return [item["id"]["key"] for item in wildcard_outputs("errors")]


def _not_saved(t: Translator, exc: Exception, *, rows, **_inputs) -> dict:
    """A template that is gone, or a form with errors: nothing was written; each error shown where it belongs."""
    keys = _field_keys()
    if not isinstance(exc, ApplicationInvalid):
        return {"message": template_message(t, "not_found"), "errors": [""] * len(keys), "name_error": "",
                "goods_errors": ""}
    _data, rids = read_form(wildcard("fields"), wildcard("dates"), rows, None)
    marked, errors = marked_rows(t, rows, rids, exc.errors)
    return {"message": template_message(t, "has_errors"), "errors": field_errors(t, keys, errors),
            "name_error": reason(t, errors["template_name"]) if "template_name" in errors else "",
            "goods_errors": goods_error_list(t, errors), "rows": marked}


@page_callback(output=SAVE_OUTPUTS, inputs=SAVE_INPUTS, refused=_not_saved, refuses=(NotFound, ApplicationInvalid),
               prevent_initial_call=True)
def save(r: PageRequest, clicks, fields, dates, rows, confirm, name, template_id):
    if not clicks or as_id(template_id) is None:
        return no_update
    data, _rids = read_form(wildcard("fields"), wildcard("dates"), rows, confirm)
    update_template(r.s, r.actor, template_id, as_text(name), data)
    saved = template_form(r.s, r.actor, template_id)
    keys = _field_keys()
    return {"message": template_message(r.t, "saved"), "errors": [""] * len(keys), "name_error": "",
            "goods_errors": "", "rows": goods_rows(saved.goods)}
